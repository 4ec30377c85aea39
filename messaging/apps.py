from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Messaging")
    # /messaging/: the staff's pages; /u/<token>/: the public unsubscribe page (no login);
    # /hooks/sms/…: the SMS gateway's delivery reports and replies (signed, no login);
    # /hooks/email/<provider>/tracking/: the e-mail provider's bounces and complaints.
    urls = {
        "u/": "messaging.urls_public",
        "hooks/": "messaging.urls_hooks",
        "hooks/email/": "messaging.urls_email_hooks",
        "messaging/": "messaging.urls",
    }

    def ready(self) -> None:
        from association.roles import register_grants
        from core.demo import DemoLoader, register_demo_loader
        from customers.signals import request_entered

        from . import registrations, segments, tasks  # noqa: F401  (consent reader, profile card, timeline; the customers' segment criteria; the sending tasks)
        from .demo import load_demo_consents, load_demo_messages
        from .roles import GRANTS
        from .services import consents_from_entered_form

        register_grants(self.label, GRANTS)
        register_demo_loader(
            DemoLoader(
                "messaging",
                load_demo_consents,
                after=("customers",),
                message="Recorded {created} demo consents.",
            )
        )
        register_demo_loader(
            DemoLoader(
                "messaging.messages",
                load_demo_messages,
                after=("messaging", "complaints"),
                message="Sent {created} demo messages.",
            )
        )
        # An e-mail provider's bounces and complaints (django-anymail's tracking webhook).
        from anymail.signals import tracking

        from .email_tracking import on_tracking_event

        tracking.connect(on_tracking_event, dispatch_uid="messaging.on_tracking_event")
        # The consents a customer information form changed, written when it is entered.
        request_entered.connect(
            lambda sender, request, **kwargs: consents_from_entered_form(request=request),
            weak=False,
            dispatch_uid="messaging.consents_from_entered_form",
        )
