"""Arabic for third-party admin labels that ship without an Arabic catalogue.

Django merges every catalogue, so translating the same msgids in our locale/ar covers them;
listing them here keeps `makemessages` from dropping them as obsolete.
"""

from django.utils.translation import gettext_noop

DJANGO_CELERY_BEAT = (
    gettext_noop("Periodic Tasks"),
    gettext_noop("periodic task"),
    gettext_noop("periodic tasks"),
    gettext_noop("periodic task track"),
    gettext_noop("periodic task tracks"),
    gettext_noop("interval"),
    gettext_noop("intervals"),
    gettext_noop("crontab"),
    gettext_noop("crontabs"),
    gettext_noop("clocked"),
    gettext_noop("solar event"),
    gettext_noop("solar events"),
)

SIMPLE_HISTORY = (
    gettext_noop("Changes"),  # the column of an admin history page
    gettext_noop("None"),  # no field changed
)
