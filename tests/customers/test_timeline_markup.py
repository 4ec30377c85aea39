"""The customer 360 writes its timeline entries in Python (customers.presentation,
issue 13): the markup the template loop wrote, entry for entry."""

import datetime

from django.template import engines
from django.utils import timezone
from django.utils.safestring import mark_safe

from customers.presentation import timeline_entries_html
from customers.timeline import TimelineEntry
from tests.helpers import same_markup

# The template loop the Python replaced (lines broken where the markup ignores it).
TEMPLATE_LOOP = """{% load dates %}{% for entry in entries %}
  <li class="c360-entry" data-kind="{{ entry.kind }}">
    <span class="c360-entry-icon" aria-hidden="true"><i class="bi bi-{{ entry.icon }}"></i></span>
    <div class="c360-entry-body">
      <div class="c360-entry-title">{% if entry.url %}<a href="{{ entry.url }}">
        {{ entry.title }}</a>{% else %}{{ entry.title }}{% endif %}</div>
      {% if entry.detail %}<div class="small text-body-secondary text-break" dir="auto">
        {{ entry.detail|truncatewords:40 }}</div>{% endif %}
      <div class="small text-body-secondary">{{ entry.when|compact_date:"time" }}
        {% if entry.actor %} · <bdi>{{ entry.actor }}</bdi>{% endif %}</div>
    </div>
  </li>
{% endfor %}"""


def test_the_entries_are_written_as_the_template_wrote_them():
    when = timezone.make_aware(datetime.datetime(2026, 11, 3, 14, 5))
    entries = [
        TimelineEntry(
            when=when,
            kind="cases",
            icon="chat-left-text",
            title='شكوى <b>"1"</b> & أخرى',
            detail="كلمة " * 45 + "<script>",
            url="/complaints/1/?a=1&b=2",
            actor="موظف <إدارة>",
        ),
        TimelineEntry(when=datetime.date(2026, 11, 2), kind="donations", icon="cash", title="تبرع"),
        TimelineEntry(
            when=when, kind="forms", icon="x", title="t", detail=mark_safe("<em>ok</em>"), url=""
        ),
    ]
    expected = engines["django"].from_string(TEMPLATE_LOOP).render({"entries": entries})
    assert same_markup(timeline_entries_html(entries)) == same_markup(expected)
    assert timeline_entries_html([]) == ""
