"""Celery application.

Configured from Django settings (the CELERY_ namespace). Tasks use DjangoTask so callers can
enqueue with ``task.delay_on_commit(...)``: the message is only sent once the surrounding
transaction commits, so a worker never sees a row that does not exist yet.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm_site.settings")

app = Celery("crm_site", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
