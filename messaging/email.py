"""The e-mail of a message: its text and HTML bodies with the placeholders filled, and for
promotional purposes the unsubscribe link in the footer and the List-Unsubscribe headers
(RFC 8058 one-click), sent through Django's e-mail backend (django-anymail for a provider)."""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string

from .backends.base import SmsResult
from .models import Message, Recipient


def send_emails(message: Message, recipients: Sequence[Recipient]) -> list[SmsResult]:
    from .sending import is_promotional, render
    from .tokens import unsubscribe_url

    mails = []
    for recipient in recipients:
        customer = recipient.customer
        text = render(message.body, customer, message.values)
        html_body = render(message.html_body, customer, message.values) if message.html_body else ""
        link = ""
        if is_promotional(message):
            link = settings.SITE_URL.rstrip("/") + unsubscribe_url(
                customer, message.channel, message.purpose
            )
        mail = EmailMultiAlternatives(
            subject=render(message.subject, customer, message.values),
            body=_text_with_footer(text, link),
            to=[recipient.address],
            headers=_unsubscribe_headers(link),
        )
        mail.attach_alternative(
            render_to_string(
                "messaging/email.html",
                {"subject": mail.subject, "html_body": html_body, "text": text, "link": link},
            ),
            "text/html",
        )
        mails.append(mail)
    get_connection().send_messages(mails)
    return [SmsResult(True, _message_id(mail), 0) for mail in mails]


def _message_id(mail: EmailMultiAlternatives) -> str:
    """The provider's id of the sent mail (django-anymail sets anymail_status), which its
    tracking events name (messaging.email_tracking); else the Message-ID header if any."""
    status = getattr(mail, "anymail_status", None)
    return str(getattr(status, "message_id", None) or mail.extra_headers.get("Message-ID", ""))


def _text_with_footer(text: str, link: str) -> str:
    from django.utils.translation import gettext as _

    if not link:
        return text
    return f"{text}\n\n{_('To stop these messages: %(link)s') % {'link': link}}"


def _unsubscribe_headers(link: str) -> dict[str, Any]:
    if not link:
        return {}
    return {"List-Unsubscribe": f"<{link}>"}
