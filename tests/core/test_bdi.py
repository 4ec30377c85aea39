"""Mixed direction: a Latin name, code, e-mail or file name inside an Arabic sentence is
isolated in <bdi>, escaped first (core.text.bdi, the |bdi filter, core.text.html_message), or
between Unicode isolates where <bdi> does nothing or cannot go (core.text.isolate, |isolate:
PDFs, <title>)."""

import json

from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import MessageDecoder, MessageEncoder
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import SafeData

from core.text import bdi, html_message, isolate


def _render(text, **context):
    return Template("{% load i18n numbers %}" + text).render(Context(context))


def test_the_filter_isolates_the_value():
    assert _render("{{ name|bdi }}", name="John") == "<bdi>John</bdi>"
    assert _render("{{ code|bdi }}", code="C-000123") == "<bdi>C-000123</bdi>"


def test_the_filter_escapes_before_marking_safe():
    shown = _render("{{ name|bdi }}", name='<script>alert("x")</script> & Co')
    assert shown == "<bdi>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</bdi>"
    assert "<script>" not in shown


def test_empty_values_give_nothing_and_defaults_can_come_first():
    assert _render("{{ name|bdi }}", name=None) == ""
    assert _render("{{ name|bdi }}", name="") == ""
    assert _render('{{ name|default:"—"|bdi }}', name="") == "<bdi>—</bdi>"


def test_a_blocktranslate_sentence_isolates_the_name_without_double_escaping():
    sentence = (
        "{% blocktranslate with donor=name|bdi %}Interests of {{ donor }}{% endblocktranslate %}"
    )
    with translation.override("ar"):
        shown = _render(sentence, name="John & <Sons>")
    assert "<bdi>John &amp; &lt;Sons&gt;</bdi>" in shown
    assert shown.startswith("اهتمامات")


def test_python_helper_is_safe_html_of_the_escaped_value():
    isolated = bdi("<b>Jane</b>")
    assert isinstance(isolated, SafeData)
    assert isolated == "<bdi>&lt;b&gt;Jane&lt;/b&gt;</bdi>"
    assert bdi(None) == ""


def test_html_message_escapes_the_sentence_and_plain_values_and_keeps_bdi():
    message = html_message(
        "“%(donor)s” & %(other)s: %(count)d",
        {"donor": bdi("John"), "other": "<i>x</i>", "count": 3},
    )
    assert isinstance(message, SafeData)
    assert message == "“<bdi>John</bdi>” &amp; &lt;i&gt;x&lt;/i&gt;: 3"


def test_a_message_built_with_bdi_renders_as_html_after_the_cookie_round_trip():
    stored = Message(25, html_message("Saved for %(name)s.", {"name": bdi("<John>")}))
    (restored,) = json.loads(json.dumps([stored], cls=MessageEncoder), cls=MessageDecoder)
    shown = Template("{% include 'includes/messages.html' %}").render(
        Context({"messages": [restored]})
    )
    assert "Saved for <bdi>&lt;John&gt;</bdi>." in shown


def test_isolate_wraps_plain_text_in_unicode_isolates_and_stays_escaped():
    assert isolate("Acme Co.") == "\u2068Acme Co.\u2069"
    assert isolate(None) == "" and isolate("") == ""
    shown = _render("{{ name|isolate }}", name="<b>Acme</b>")
    assert shown == "\u2068&lt;b&gt;Acme&lt;/b&gt;\u2069"
    assert (
        _render("<title>{{ name|isolate }}</title>", name="John")
        == "<title>\u2068John\u2069</title>"
    )
