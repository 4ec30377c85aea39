"""Choice lists offer only valid choices (issue 12, item 3): a case's assignee list holds
only the people who may handle it (the staff of its queue, and for a centres case those of
its centre), the current user first and chosen; the service refuses anyone else."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from complaints import selectors, services
from complaints.forms import StudyForm

pytestmark = pytest.mark.django_db


def _names(queryset):
    return [user.username for user in queryset]


def test_a_crm_case_is_offered_to_the_crm_department_only(people, donor_case):
    handlers = _names(selectors.case_handlers(donor_case, current=people["crm_manager"]))
    assert handlers[0] == "crm_manager"
    assert set(handlers) == {"crm", "crm_manager"}


def test_a_centres_case_is_offered_to_its_centre_and_the_centres_manager(people, beneficiary_case):
    handlers = _names(selectors.case_handlers(beneficiary_case, current=people["centres"]))
    assert handlers == ["centres", "centres_manager"]
    # Every one offered is accepted by the rule of the queue, and nobody else is offered.
    for user in get_user_model().objects.all():
        listed = user.username in handlers
        assert listed == (
            user.has_perm("complaints.change_case")
            and selectors.user_handles_case(user, beneficiary_case)
        ), user.username


def test_inactive_people_are_not_offered(people, donor_case):
    people["crm"].is_active = False
    people["crm"].save()
    assert _names(selectors.case_handlers(donor_case)) == ["crm_manager"]


def _offered(form):
    """The usernames of the assignee's options as the select draws them."""
    pks = [value for value, _label in form.fields["assignee"].widget.choices if value != ""]
    by_pk = {user.pk: user.username for user in get_user_model().objects.filter(pk__in=pks)}
    return [by_pk[pk] for pk in pks]


def test_the_study_form_lists_the_handlers_with_the_current_user_chosen(people, donor_case):
    form = StudyForm(case=donor_case, user=people["crm"])
    assert _offered(form) == ["crm", "crm_manager"]
    assert f'value="{people["crm"].pk}" selected' in str(form["assignee"])
    # A blank form draws the cached options; the sent one checks the choice against them.
    assert form.fields["assignee"].queryset is None
    sent = StudyForm({"assignee": people["crm"].pk}, case=donor_case, user=people["crm"])
    assert _names(sent.fields["assignee"].queryset) == ["crm", "crm_manager"]


def test_a_sent_study_form_refuses_someone_not_offered(people, beneficiary_case):
    data = {"causes": "تأخر", "helping_party": "قسم", "assignee": people["centres_other"].pk}
    form = StudyForm(data, case=beneficiary_case, user=people["centres"])
    assert not form.is_valid()
    assert "assignee" in form.errors


def test_the_case_page_offers_only_the_handlers(client, people, beneficiary_case):
    client.force_login(people["centres"])
    page = client.get(reverse("complaints:detail", args=[beneficiary_case.pk]))
    study = next(
        shown for shown in page.context["panel"].all() if shown.action.name == "start_study"
    )
    assert _offered(study.form) == ["centres", "centres_manager"]


def test_another_queue_s_staff_cannot_be_assigned(people, beneficiary_case):
    with pytest.raises(services.CaseError):
        services.case_start_study(
            case=beneficiary_case,
            actor=people["centres"],
            causes="تأخر المورد",
            assignee=people["centres_other"],
            helping_party="قسم المشتريات",
        )
