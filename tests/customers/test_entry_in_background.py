"""The steward's entry of a large form (an import of thousands of customers) runs as a
background job with a progress page, never inside one request; a double click enters it
once; a small form is still entered at once."""

from unittest import mock

import pytest
from django.urls import reverse

from core import jobs
from core.models import BackgroundJob, JobState
from customers import services, views
from customers.models import Customer, CustomerRequest, RequestKind, RequestState

from .conftest import blank_values

pytestmark = pytest.mark.django_db


def approved_form(people, count):
    lines = [
        (None, blank_values(name=f"مستفيد رقم {n}", mobile=f"+9665{50000000 + n}"), n + 2)
        for n in range(count)
    ]
    form_request = services.customer_request_create(
        actor=people["staff"], kind=RequestKind.IMPORT, reason="قائمة المركز", lines=lines
    )
    services.customer_request_approve(request=form_request, actor=people["manager"])
    return form_request


def enter(client, form_request, **options):
    return client.post(
        reverse("customers:request_action", args=[form_request.pk, "enter"]), **options
    )


@pytest.fixture
def big_form(people):
    return approved_form(people, views.BACKGROUND_ENTRY_LINES + 1)


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_a_large_form_is_entered_in_the_background_then_shown(client, people, big_form):
    client.force_login(people["steward"])

    response = enter(client, big_form, follow=True)

    job = BackgroundJob.objects.get()
    assert job.kind == "customers.request_enter" and job.state == JobState.DONE
    assert response.redirect_chain[0][0] == reverse("core:job_detail", args=[job.pk])
    assert response.redirect_chain[-1][0] == reverse("customers:request_detail", args=[big_form.pk])
    assert [str(message) for message in response.context["messages"]] == [
        str(views._DONE_MESSAGES["enter"])
    ]
    big_form.refresh_from_db()
    assert big_form.state == RequestState.ENTERED and big_form.entered_by == people["steward"]
    assert Customer.objects.count() == views.BACKGROUND_ENTRY_LINES + 1
    assert big_form.transitions.filter(target=RequestState.ENTERED).count() == 1
    # One block of codes, taken at once, given in the order of the form's lines.
    codes = [line.customer.code for line in big_form.lines.order_by("source_row")]
    assert codes == list(range(codes[0], codes[0] + len(codes)))


def test_the_progress_page_follows_the_entry(client, people, big_form):
    client.force_login(people["steward"])
    sent = []
    with mock.patch("core.jobs._enqueue", side_effect=sent.append):
        response = enter(client, big_form)
    [job_id] = sent
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Entering the form into the customer database" in page.content.decode()
    assert Customer.objects.count() == 0  # nothing entered within the request

    seen = []
    real_advance = jobs.Progress.advance

    def watch(progress, done, total):
        real_advance(progress, done, total)
        if done == total:
            seen.append(jobs.progress_of(BackgroundJob.objects.get(pk=job_id)))

    with mock.patch.object(jobs.Progress, "advance", watch):
        jobs.run(job_id)

    assert seen == [{"phase": "enter", "percent": 100, "label": str(jobs.PHASES["enter"])}]
    assert Customer.objects.count() == views.BACKGROUND_ENTRY_LINES + 1


def test_a_double_click_enters_the_form_once(client, people, big_form):
    client.force_login(people["steward"])
    sent = []
    with mock.patch("core.jobs._enqueue", side_effect=sent.append):
        first = enter(client, big_form)
        second = enter(client, big_form)
    assert first.url == second.url
    assert len(sent) == 1 and BackgroundJob.objects.count() == 1
    jobs.run(sent[0])

    third = enter(client, big_form, follow=True)

    assert Customer.objects.count() == views.BACKGROUND_ENTRY_LINES + 1
    assert BackgroundJob.objects.count() == 1
    [message] = [str(message) for message in third.context["messages"]]
    assert "no longer at this step" in message


@pytest.mark.parametrize("who", ["staff", "manager", "deputy", "quality"])
def test_only_the_acting_steward_may_start_the_entry(client, people, big_form, who):
    client.force_login(people[who])
    assert enter(client, big_form).status_code == 403
    assert BackgroundJob.objects.count() == 0
    assert Customer.objects.count() == 0
    assert CustomerRequest.objects.get().state == RequestState.APPROVED


def test_a_small_form_is_entered_at_once(client, people):
    form_request = approved_form(people, 2)
    client.force_login(people["steward"])
    response = enter(client, form_request)
    assert response.url == reverse("customers:request_detail", args=[form_request.pk])
    assert BackgroundJob.objects.count() == 0
    assert Customer.objects.count() == 2
