"""Background jobs (core.jobs): long work started from a page runs as a Celery task (eager
here) while its page shows progress; only the person who started a job sees it."""

import datetime
import json
import logging
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from association import roles
from core import jobs
from core.models import BackgroundJob, JobState

pytestmark = pytest.mark.django_db

CALLS = []


def _back(job):
    return reverse("home")


@jobs.job_kind("tests.echo", title="Echo", fallback_url=_back)
def echo(job, progress):
    """Records its call, moves the bar, and does what its params say."""
    progress.phase("check", start=10, end=90)
    progress.advance(1, 2)  # written at most every 0.4 s
    progress.advance(2, 2)  # the end of a phase is always written
    CALLS.append((job.pk, jobs.progress_of(BackgroundJob.objects.get(pk=job.pk))))
    if job.params.get("fail"):
        raise jobs.JobFailed("Refused for a reason.", url="/customers/import/")
    if job.params.get("crash"):
        raise RuntimeError("boom")
    return jobs.JobOutcome(url="/customers/", message="All done.", data={"answer": 42})


@pytest.fixture(autouse=True)
def calls():
    CALLS.clear()
    return CALLS


@pytest.fixture
def owner(make_user):
    return make_user(roles.CRM_STAFF, username="job_owner")


def running_job(owner, **fields):
    return BackgroundJob.objects.create(
        kind="tests.echo", owner=owner, state=JobState.RUNNING, language="en", **fields
    )


# --- running ------------------------------------------------------------------------------


def test_a_job_runs_eagerly_and_keeps_its_outcome(owner, calls):
    job, started = jobs.start_job(kind="tests.echo", owner=owner, params={"x": 1})

    job.refresh_from_db()
    assert started
    assert job.state == JobState.DONE
    assert job.result == {
        "url": "/customers/",
        "message": "All done.",
        "level": "success",
        "data": {"answer": 42},
    }
    assert job.finished_at is not None
    # While it ran, its progress was readable (from the cache) for its page.
    [(job_id, progress)] = calls
    assert job_id == job.pk
    assert progress["phase"] == "check" and progress["percent"] == 90


def test_a_refusal_is_kept_with_where_to_go(owner):
    job, _started = jobs.start_job(kind="tests.echo", owner=owner, params={"fail": True})
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error == "Refused for a reason."
    assert job.result == {"url": "/customers/import/", "as_message": True}


def test_an_unexpected_error_fails_the_job_and_is_logged(owner, caplog):
    with caplog.at_level(logging.ERROR), translation.override("en"):
        job, _started = jobs.start_job(kind="tests.echo", owner=owner, params={"crash": True})
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "unexpected error" in job.error
    assert job.result["url"] == reverse("home")
    assert "boom" in caplog.text


def test_the_same_kind_and_key_while_at_work_is_the_same_job(owner, calls):
    first = running_job(owner, key="upload-1")
    again, started = jobs.start_job(kind="tests.echo", owner=owner, key="upload-1")
    assert not started and again == first
    assert calls == []
    # Once the first is over, the key may be used again.
    BackgroundJob.objects.filter(pk=first.pk).update(state=JobState.DONE)
    third, started = jobs.start_job(kind="tests.echo", owner=owner, key="upload-1")
    assert started and third != first


def test_a_job_is_run_once_even_if_its_message_comes_twice(owner, calls):
    job, _started = jobs.start_job(kind="tests.echo", owner=owner)
    jobs.run(job.pk)
    assert len(calls) == 1


def test_a_worker_that_cannot_be_reached_fails_the_job(owner, settings):
    with (
        mock.patch("core.tasks.run_job.delay", side_effect=ConnectionError("no broker")),
        translation.override("en"),
    ):
        job, _started = jobs.start_job(kind="tests.echo", owner=owner)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "could not be reached" in job.error


def test_a_job_whose_worker_died_is_marked_failed(client, owner):
    job = running_job(owner)
    BackgroundJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    client.force_login(owner)
    response = client.get(reverse("core:job_detail", args=[job.pk]), follow=True)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert response.redirect_chain[-1][0] == reverse("home")
    assert [str(message) for message in response.context["messages"]] == [job.error]


def test_finished_jobs_are_deleted_after_a_week(owner):
    old = running_job(owner)
    BackgroundJob.objects.filter(pk=old.pk).update(
        state=JobState.DONE, created_at=timezone.now() - datetime.timedelta(days=8)
    )
    jobs.start_job(kind="tests.echo", owner=owner)
    assert not BackgroundJob.objects.filter(pk=old.pk).exists()


# --- the pages ------------------------------------------------------------------------------


def test_the_progress_page_while_the_job_runs(client, owner):
    job = running_job(owner, params={"filename": "قائمة.xlsx"})
    jobs.Progress(job.pk).phase("check", start=40, end=90)
    client.force_login(owner)

    page = client.get(reverse("core:job_detail", args=[job.pk]))
    status = client.get(reverse("core:job_status", args=[job.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "قائمة.xlsx" in html
    assert 'value="40"' in html
    # The script is a static file (Content-Security-Policy): no inline script on the page.
    assert "js/job-progress.js" in html
    assert "<script>" not in html
    assert '<meta http-equiv="refresh"' in html  # inside <noscript>, for no JavaScript
    assert status.headers["Cache-Control"] == "no-store"
    assert json.loads(status.content) == {
        "state": "running",
        "done": False,
        "percent": 40,
        "label": str(jobs.PHASES["check"]),
        "url": reverse("core:job_detail", args=[job.pk]),
    }


def test_a_done_job_leads_on_with_its_message(client, owner):
    job, _started = jobs.start_job(kind="tests.echo", owner=owner)
    client.force_login(owner)
    status = json.loads(client.get(reverse("core:job_status", args=[job.pk])).content)
    assert status["done"] and status["percent"] == 100

    response = client.get(reverse("core:job_detail", args=[job.pk]))

    assert response.status_code == 302 and response.url == "/customers/"
    followed = client.get(response.url)
    assert [str(message) for message in followed.context["messages"]] == ["All done."]


def test_a_failed_job_leads_back_with_its_error(client, owner):
    job, _started = jobs.start_job(kind="tests.echo", owner=owner, params={"fail": True})
    client.force_login(owner)
    response = client.get(reverse("core:job_detail", args=[job.pk]), follow=True)
    assert response.redirect_chain[-1][0] == "/customers/import/"
    assert [str(message) for message in response.context["messages"]] == ["Refused for a reason."]


ROLES_AND_NONE = [role.code for role in roles.ALL_ROLES] + ["no_role"]


@pytest.mark.parametrize("who", ROLES_AND_NONE)
@pytest.mark.parametrize("page", ["core:job_detail", "core:job_status"])
def test_nobody_but_the_owner_sees_a_job(client, make_user, owner, who, page):
    job = running_job(owner)
    role = None if who == "no_role" else roles.role_by_code(who)
    client.force_login(make_user(role, username=f"other_{who}"))
    assert client.get(reverse(page, args=[job.pk])).status_code == 404


@pytest.mark.parametrize("page", ["core:job_detail", "core:job_status"])
def test_the_owner_sees_the_job_and_anonymous_visitors_are_sent_to_login(client, owner, page):
    job = running_job(owner)
    anonymous = client.get(reverse(page, args=[job.pk]))
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))
    client.force_login(owner)
    assert client.get(reverse(page, args=[job.pk])).status_code == 200


@pytest.mark.parametrize("page", ["core:job_detail", "core:job_status"])
def test_the_job_pages_answer_get_only(client, owner, page):
    job = running_job(owner)
    client.force_login(owner)
    assert client.post(reverse(page, args=[job.pk])).status_code == 405
    assert BackgroundJob.objects.get(pk=job.pk).state == JobState.RUNNING
