"""3.1.21: a donor's single point of contact is designated by the CRM department or resource
development with the sub-council secretary's approval; the customer form and import no
longer set it, and the points of contact recorded before are kept as approved designations."""

import importlib

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.apps import apps as global_apps
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.mywork import work_sections_for
from customers import services as customer_services
from customers.forms import CustomerDataForm
from customers.models import Customer, RequestKind
from customers.resources import EXPORT_COLUMNS, IMPORT_COLUMNS
from opportunities import services
from opportunities.forms import DesignationForm
from opportunities.models import (
    DesignationState,
    DesignationTransition,
    PointOfContactDesignation,
)
from tests.helpers import same_markup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def propose(people, donor, staff="staff2", actor="staff", reason="يعرف المانح منذ سنوات"):
    return services.designation_propose(
        donor=donor, staff=people[staff], reason=reason, actor=people[actor]
    )


def refused_message(function, **kwargs):
    with pytest.raises(services.RequestError) as error:
        function(**kwargs)
    return str(error.value)


# --- the customer form and import no longer set it ---------------------------------------


def test_the_customer_form_and_the_import_have_no_point_of_contact():
    assert "point_of_contact" not in CustomerDataForm.base_fields
    assert "point_of_contact" not in customer_services.CUSTOMER_FIELDS
    assert "point_of_contact" not in IMPORT_COLUMNS
    # Still exported, for people to read.
    assert "point_of_contact" in EXPORT_COLUMNS


def test_an_older_form_proposing_a_point_of_contact_does_not_set_it(people, donors):
    """Forms prepared before the change may still carry the field: entry ignores it."""
    donor = donors["free"]
    values = customer_services.customer_values(donor)
    values.update(name="شركة الوفاء للتجارة المحدودة", point_of_contact=people["staff2"].pk)
    stewards = _stewards(people)
    form = customer_services.customer_request_create(
        actor=people["staff"],
        kind=RequestKind.MODIFY,
        reason="تصحيح",
        lines=[(donor, values, None)],
    )
    customer_services.customer_request_approve(request=form, actor=people["manager"])
    customer_services.customer_request_enter(request=form, actor=stewards)
    donor.refresh_from_db()
    assert donor.name == "شركة الوفاء للتجارة المحدودة"
    assert donor.point_of_contact is None


def _stewards(people):
    from association import roles
    from customers.models import StewardDesignation
    from tests.helpers import user_with

    steward = user_with(roles.DATA_STEWARD, "steward")
    deputy = user_with(roles.DEPUTY_STEWARD, "deputy")
    StewardDesignation.objects.create(steward=steward, deputy=deputy)
    return steward


# --- proposing and approving ---------------------------------------------------------------


def test_the_secretary_approves_a_proposal_and_the_customer_record_follows(
    people, donors, django_capture_on_commit_callbacks
):
    donor = donors["with_point"]  # spoken for by `staff` (set before designations)
    designation = propose(people, donor, staff="staff2", actor="manager")
    assert designation.state == DesignationState.PROPOSED
    assert designation.proposed_by == people["manager"] and designation.due_at
    donor.refresh_from_db()
    assert donor.point_of_contact == people["staff"]  # unchanged until approved

    with django_capture_on_commit_callbacks(execute=True):
        services.designation_decide(
            designation=designation, actor=people["secretary"], approve=True, note="موافق"
        )
    designation.refresh_from_db()
    assert designation.state == DesignationState.APPROVED
    assert designation.decided_by == people["secretary"] and designation.decided_at
    donor.refresh_from_db()
    assert donor.point_of_contact == people["staff2"]
    latest = donor.history.first()
    assert latest.point_of_contact_id == people["staff2"].pk
    assert latest.history_user == people["secretary"]
    assert "point of contact" in latest.history_change_reason.lower()
    step = DesignationTransition.objects.get(designation=designation)
    assert (step.source, step.target, step.actor) == ("proposed", "approved", people["secretary"])
    # The proposer and the new point of contact learn it.
    assert {tuple(email.to) for email in mail.outbox} == {
        (people["manager"].email,),
        (people["staff2"].email,),
    }


def test_approving_a_new_designation_ends_the_earlier_one(people, donors):
    donor = donors["free"]
    first = propose(people, donor, staff="staff")
    services.designation_decide(designation=first, actor=people["secretary"], approve=True)
    second = propose(people, donor, staff="staff2", actor="resources")
    services.designation_decide(designation=second, actor=people["secretary"], approve=True)
    first.refresh_from_db()
    assert first.state == DesignationState.ENDED and first.ended_at
    assert list(
        PointOfContactDesignation.objects.filter(donor=donor, state="approved").values_list(
            "staff", flat=True
        )
    ) == [people["staff2"].pk]
    donor.refresh_from_db()
    assert donor.point_of_contact == people["staff2"]


def test_a_refusal_needs_a_reason_and_changes_nothing(
    people, donors, django_capture_on_commit_callbacks
):
    donor = donors["free"]
    designation = propose(people, donor)
    assert (
        refused_message(
            services.designation_decide,
            designation=designation,
            actor=people["secretary"],
            approve=False,
        )
        == "Write the reason for refusing the designation."
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.designation_decide(
            designation=designation,
            actor=people["secretary"],
            approve=False,
            note="ليس من الإدارة",
        )
    # Only the proposer is told of a refusal, with the secretary's note.
    [email] = mail.outbox
    assert email.to == [people["staff"].email] and "ليس من الإدارة" in email.body
    designation.refresh_from_db()
    assert designation.state == DesignationState.REFUSED
    assert designation.decision_note == "ليس من الإدارة"
    donor.refresh_from_db()
    assert donor.point_of_contact is None
    # A second decision on the same proposal is refused, not a crash.
    assert "no longer awaiting" in refused_message(
        services.designation_decide,
        designation=designation,
        actor=people["secretary"],
        approve=True,
    )


def test_who_may_propose_and_who_may_approve(people, donors):
    donor = donors["free"]
    for who in ("secretary", "management", "planning", "quality", "nobody"):
        with pytest.raises(PermissionDenied):
            propose(people, donor, actor=who)
    designation = propose(people, donor, actor="resources")
    for who in ("staff", "manager", "resources", "management"):
        with pytest.raises(PermissionDenied):
            services.designation_decide(designation=designation, actor=people[who], approve=True)
    assert PointOfContactDesignation.objects.get().state == DesignationState.PROPOSED


def test_proposal_refusals(people, donors):
    assert "cannot be a donor's point of contact" in refused_message(
        propose, people=people, donor=donors["free"], staff="quality"
    )
    assert refused_message(propose, people=people, donor=donors["free"], reason=" ") == (
        "Write the reason for the proposal."
    )
    assert "is not a donor" in refused_message(propose, people=people, donor=donors["beneficiary"])
    assert "already the point of contact" in refused_message(
        propose, people=people, donor=donors["with_point"], staff="staff"
    )
    propose(people, donors["free"])
    assert "already awaits" in refused_message(propose, people=people, donor=donors["free"])


def test_the_secretary_sees_proposals_on_my_work_with_a_deadline(people, donors):
    designation = propose(people, donors["free"])
    [section] = [
        section
        for section in work_sections_for(people["secretary"])
        if section.title == "Points of contact awaiting your approval"
    ]
    [item] = section.items
    assert donors["free"].name in item.title
    assert item.due == designation.due_at
    assert item.url == reverse("opportunities:designation_detail", args=[designation.pk])
    assert not any(
        section.title == "Points of contact awaiting your approval"
        for section in work_sections_for(people["manager"])
    )


# --- pages ----------------------------------------------------------------------------------


PROPOSE_MATRIX = {
    "staff": 200,
    "manager": 200,
    "resources": 200,
    "secretary": 403,
    "management": 403,
    "planning": 403,
    "quality": 403,
    "centres": 403,
    "nobody": 403,
}


@pytest.mark.parametrize(("who", "status"), list(PROPOSE_MATRIX.items()))
def test_propose_page_matrix(client, people, donors, who, status):
    client.force_login(people[who])
    url = reverse("opportunities:designation_propose", args=[donors["free"].pk])
    assert client.get(url).status_code == status
    response = client.post(url, {"staff": people["staff2"].pk, "reason": "سبب"})
    assert response.status_code == (302 if status == 200 else status)
    assert PointOfContactDesignation.objects.exists() == (status == 200)


def test_propose_page_for_anonymous_and_non_donors(client, people, donors):
    url = reverse("opportunities:designation_propose", args=[donors["free"].pk])
    assert client.get(url).url.startswith(reverse("login"))
    assert client.post(url, {"staff": people["staff2"].pk, "reason": "x"}).status_code == 302
    assert not PointOfContactDesignation.objects.exists()
    client.force_login(people["staff"])
    beneficiary = reverse("opportunities:designation_propose", args=[donors["beneficiary"].pk])
    assert client.get(beneficiary).status_code == 404


@pytest.mark.parametrize(
    "data", [None, {"staff": "", "reason": ""}, {"staff": "0", "reason": "<b>x</b>"}]
)
def test_the_propose_page_writes_its_form_as_crispy_writes_it(client, people, donors, data):
    """|form_fields, not crispy's templates: the same labels, options, classes and errors."""
    client.force_login(people["staff"])
    url = reverse("opportunities:designation_propose", args=[donors["free"].pk])
    response = client.get(url) if data is None else client.post(url, data)
    assert response.status_code == 200
    fresh = DesignationForm(data)
    if data is not None:
        assert not fresh.is_valid()
    assert same_markup(as_crispy_form(fresh)) in same_markup(response.content.decode())


DETAIL_MATRIX = {
    "staff": 200,
    "manager": 200,
    "resources": 200,
    "secretary": 200,
    "management": 200,
    "planning": 200,
    "quality": 403,
    "centres": 403,
    "nobody": 403,
}


@pytest.mark.parametrize(("who", "status"), list(DETAIL_MATRIX.items()))
def test_designation_pages_matrix(client, people, donors, who, status):
    designation = propose(people, donors["free"])
    client.force_login(people[who])
    for url in (
        reverse("opportunities:designation_detail", args=[designation.pk]),
        reverse("opportunities:designation_list"),
    ):
        assert client.get(url).status_code == status


@pytest.mark.parametrize("who", [w for w in DETAIL_MATRIX if w != "secretary"])
def test_only_the_secretary_decides_over_http(client, people, donors, who):
    designation = propose(people, donors["free"])
    client.force_login(people[who])
    url = reverse("opportunities:designation_decide", args=[designation.pk, "approve"])
    assert client.post(url).status_code == 403
    designation.refresh_from_db()
    assert designation.state == DesignationState.PROPOSED
    donors["free"].refresh_from_db()
    assert donors["free"].point_of_contact is None


def test_the_secretary_approves_from_the_page(client, people, donors):
    designation = propose(people, donors["free"])
    client.force_login(people["secretary"])
    page = client.get(reverse("opportunities:designation_detail", args=[designation.pk]))
    assert b'data-testid="designation-decide"' in page.content
    url = reverse("opportunities:designation_decide", args=[designation.pk, "approve"])
    assert client.get(url).status_code == 405
    response = client.post(url, {"note": ""}, follow=True)
    assert "is now the point of contact" in response.content.decode()
    donors["free"].refresh_from_db()
    assert donors["free"].point_of_contact == people["staff2"]
    # A second click: a message, no crash, nothing changes.
    response = client.post(url, {"note": ""}, follow=True)
    assert response.status_code == 200
    assert "no longer awaiting" in response.content.decode()


def test_the_donor_profile_shows_the_point_of_contact_and_its_history(client, people, donors):
    donor = donors["free"]
    designation = propose(people, donor)
    client.force_login(people["staff"])
    page = client.get(reverse("customers:detail", args=[donor.pk])).content.decode()
    assert 'data-testid="point-of-contact-panel"' in page
    assert reverse("opportunities:designation_propose", args=[donor.pk]) in page
    assert "Awaiting the sub-council secretary" in page
    services.designation_decide(designation=designation, actor=people["secretary"], approve=True)
    client.force_login(people["planning"])
    page = client.get(reverse("customers:detail", args=[donor.pk])).content.decode()
    assert people["staff2"].get_full_name() in page
    assert reverse("opportunities:designation_propose", args=[donor.pk]) not in page


# --- existing data ----------------------------------------------------------------------------


def test_the_migration_keeps_existing_points_of_contact_as_approved_designations(people, donors):
    """Run the data migration's function on today's models: the donor spoken for before
    designations existed gets an approved, carried-over designation."""
    migration = importlib.import_module(
        "opportunities.migrations.0004_carry_over_points_of_contact"
    )
    migration.carry_over(global_apps, None)
    migration.carry_over(global_apps, None)  # twice: nothing more
    [kept] = PointOfContactDesignation.objects.all()
    assert kept.donor == donors["with_point"]
    assert kept.staff == people["staff"]
    assert kept.state == DesignationState.APPROVED and kept.carried_over
    assert Customer.objects.get(pk=donors["with_point"].pk).point_of_contact == people["staff"]


def test_the_demo_data_shows_designations_and_a_request_to_contact(db):
    from django.core.management import call_command

    from opportunities.models import DonorContact

    call_command("load_demo_data", stdout=None)
    call_command("load_demo_data", stdout=None)  # idempotent
    states = sorted(PointOfContactDesignation.objects.values_list("state", flat=True))
    assert states == ["approved", "proposed"]
    donor = Customer.objects.get(name="مؤسسة عبدالله الخيرية")
    assert donor.point_of_contact.username == "crm_staff"
    # The demo portfolio logs contacts of its own; the request is the one flagged and planned.
    [request] = DonorContact.objects.filter(is_planned=True).exclude(approval="not_needed")
    assert request.is_request
    # The CRM manager approved; resource development asked (approved by asking); the
    # sub-council secretary's decision is pending on her "My work".
    assert dict(request.approval_steps.values_list("party", "decision")) == {
        "crm_manager": "approved",
        "resource_development": "approved",
        "council_secretary": "pending",
    }
