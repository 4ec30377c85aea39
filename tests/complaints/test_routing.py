"""Issue 10 item 2 (manual 5.1.2-5.1.3): a case from a person who is not in the customer
database is routed by the kind the person says they are (beneficiary of a centre, donor,
other) and the centre; a linked customer's kind wins; whoever registered a case keeps
reading it, read-only, wherever it was routed."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from complaints import selectors, services
from complaints.models import Case, CaseEventKind, CaseRoute, CaseState, ContactKind
from complaints.registrations import cases_due

from .conftest import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with override("en"):
        yield


def detail(case):
    return reverse("complaints:detail", args=[case.pk])


def action(case, name):
    return reverse("complaints:action", args=[case.pk, name])


def unknown(actor, contact_kind, centre=None, **fields):
    return register(
        actor, None, contact_name="أم سعد", contact_kind=contact_kind, centre=centre, **fields
    )


# --- the service: routing by the person's kind -------------------------------------------


def test_an_unknown_beneficiary_goes_to_the_centres_queue_of_her_centre(people, places):
    case = unknown(people["centres"], ContactKind.BENEFICIARY, places["mine"])
    assert case.routed_to == CaseRoute.CENTRES
    assert case.centre == places["mine"]
    assert case.contact_kind == ContactKind.BENEFICIARY
    assert selectors.cases_in_queue_of(people["centres"]).filter(pk=case.pk).exists()
    assert not selectors.cases_in_queue_of(people["centres_other"]).filter(pk=case.pk).exists()
    assert not selectors.cases_in_queue_of(people["crm"]).filter(pk=case.pk).exists()


@pytest.mark.parametrize("contact_kind", [ContactKind.DONOR, ContactKind.OTHER])
def test_donors_and_others_go_to_the_crm_queue(people, places, contact_kind):
    case = unknown(people["centres"], contact_kind, places["mine"])
    assert case.routed_to == CaseRoute.CRM
    assert case.contact_kind == contact_kind
    assert selectors.cases_in_queue_of(people["crm"]).filter(pk=case.pk).exists()


def test_a_beneficiary_needs_her_centre(people):
    with pytest.raises(services.CaseError):
        unknown(people["crm"], ContactKind.BENEFICIARY, None)
    assert not Case.objects.exists()


def test_an_unknown_kind_is_refused(people, places):
    with pytest.raises(services.CaseError):
        unknown(people["crm"], "government", places["mine"])
    assert not Case.objects.exists()


def test_a_linked_customers_kind_wins(people, customers, places):
    case = register(
        people["crm"], customers["donor"], contact_kind=ContactKind.BENEFICIARY, centre=None
    )
    assert case.routed_to == CaseRoute.CRM
    case = register(people["crm"], customers["beneficiary"], contact_kind=ContactKind.DONOR)
    assert case.routed_to == CaseRoute.CENTRES
    assert case.centre == places["mine"]


# --- the registrant keeps read access -------------------------------------------------------


def test_the_registrant_reads_a_case_routed_elsewhere_but_cannot_handle_it(people, places):
    case = unknown(people["centres"], ContactKind.DONOR, places["mine"])
    assert selectors.cases_visible_to(people["centres"]).filter(pk=case.pk).exists()
    assert not selectors.cases_in_queue_of(people["centres"]).filter(pk=case.pk).exists()
    assert services.available_actions(case, people["centres"]) == []
    with pytest.raises(PermissionDenied):
        services.case_promise_callback(case=case, actor=people["centres"])
    with pytest.raises(PermissionDenied):
        services.case_add_entry(case=case, actor=people["centres"], text="متابعة")
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED
    assert not case.entries.exists()
    # Another centres employee neither handles nor reads it.
    assert not selectors.cases_visible_to(people["centres_other"]).filter(pk=case.pk).exists()


def test_the_registrants_my_work_page_does_not_list_cases_of_another_queue(people, places):
    unknown(
        people["centres"],
        ContactKind.DONOR,
        places["mine"],
        received_at=timezone.now() - datetime.timedelta(days=10),
    )
    assert cases_due(people["centres"]) is None
    assert len(cases_due(people["crm"]).items) == 1


# --- the staff form -----------------------------------------------------------------------


def new_case(**extra):
    data = {
        "kind": "complaint",
        "channel": "phone",
        "contact_name": "أم سعد",
        "contact_mobile": "0501234567",
        "subject": "تأخر السلة الغذائية",
        "description": "لم تصل السلة منذ أسبوعين",
    }
    data.update(extra)
    return data


def test_centres_staff_register_an_unknown_beneficiary_of_their_centre(client, people, places):
    client.force_login(people["centres"])
    response = client.post(
        reverse("complaints:new"),
        new_case(contact_kind="beneficiary", centre=places["mine"].pk),
    )
    case = Case.objects.get()
    assert response["Location"] == detail(case)
    assert case.routed_to == CaseRoute.CENTRES
    assert case.centre == places["mine"]
    page = client.get(detail(case))
    assert page.context["actions"][:3] == ["answer_immediately", "promise_callback", "start_study"]


def test_the_staff_form_asks_the_persons_kind(client, people, english):
    client.force_login(people["crm"])
    response = client.post(reverse("complaints:new"), new_case())
    assert response.status_code == 200
    assert "contact_kind" in response.context["form"].errors
    assert not Case.objects.exists()
    content = response.content.decode()
    for label in ("Beneficiary of a centre", "Donor or supporter"):
        assert label in content


def test_the_staff_form_labels_in_arabic(client, people):
    client.force_login(people["crm"])
    content = client.get(reverse("complaints:new")).content.decode()
    for label in ("مستفيد من أحد المراكز", "مانح أو داعم", "أخرى"):
        assert label in content
    assert "---------" not in content


def test_the_staff_form_needs_the_beneficiarys_centre(client, people):
    client.force_login(people["crm"])
    response = client.post(reverse("complaints:new"), new_case(contact_kind="beneficiary"))
    assert response.status_code == 200
    assert "centre" in response.context["form"].errors
    assert not Case.objects.exists()


def test_the_staff_form_needs_no_kind_with_a_customer_code(client, people, customers):
    client.force_login(people["crm"])
    client.post(
        reverse("complaints:new"),
        new_case(contact_name="", customer_code=str(customers["donor"].code)),
    )
    case = Case.objects.get()
    assert case.customer == customers["donor"]
    assert case.routed_to == CaseRoute.CRM


def test_a_centres_employee_registering_a_donors_case_sees_its_page_read_only(
    client, people, places
):
    """Today the case vanished and its page was a 404 for the employee who registered it."""
    client.force_login(people["centres"])
    response = client.post(
        reverse("complaints:new"), new_case(contact_kind="donor", centre=places["mine"].pk)
    )
    case = Case.objects.get()
    assert case.routed_to == CaseRoute.CRM
    assert response["Location"] == detail(case)
    page = client.get(detail(case))
    assert page.status_code == 200
    assert page.context["actions"] == []
    content = page.content.decode()
    assert "أُحيل إلى إدارة علاقات العملاء" in content
    assert 'data-testid="read-only"' in content
    assert 'data-testid="actions"' not in content
    assert action(case, "promise_callback") not in content
    assert action(case, "attach") not in content
    # Listed in her register too.
    listed = client.get(reverse("complaints:list")).context["page"]
    assert case in list(listed)
    # Every handling action is refused and changes nothing.
    for name, data in (
        ("promise_callback", {}),
        ("answer_immediately", {"text": "تم"}),
        ("entry", {"text": "متابعة"}),
        ("refer", {"department": "centres", "centre": places["mine"].pk, "note": "x"}),
    ):
        assert client.post(action(case, name), data).status_code == 403, name
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED
    assert case.routed_to == CaseRoute.CRM
    assert not case.entries.exists()
    # The CRM department handles it.
    client.force_login(people["crm"])
    assert "promise_callback" in client.get(detail(case)).context["actions"]


def test_the_case_page_says_where_a_centres_case_was_routed(client, people, places, english):
    case = unknown(people["crm"], ContactKind.BENEFICIARY, places["mine"])
    client.force_login(people["crm"])
    page = client.get(detail(case))
    assert page.context["actions"] == []
    content = page.content.decode()
    expected = gettext("Routed to %(route)s") % {
        "route": f"{CaseRoute.CENTRES.label} – {places['mine']}"
    }
    assert expected in content


def test_the_registration_message_says_where_the_case_went(client, people, places):
    client.force_login(people["crm"])
    response = client.post(
        reverse("complaints:new"),
        new_case(contact_kind="beneficiary", centre=places["mine"].pk),
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any(f"قسم شؤون المراكز – {places['mine'].name}" in m for m in messages), messages


# --- re-routed when linked to a customer of another kind -----------------------------------


def enter_registration(people, case, customer_kind, centre=None):
    """The registration form prepared from the case, submitted, approved and entered."""
    from association import roles
    from customers import services as customer_services
    from customers.models import StewardDesignation
    from tests.helpers import user_with

    form_request, _created = services.case_request_registration(
        case=case, actor=people["crm"], customer_kind=customer_kind, centre=centre
    )
    customer_services.customer_request_submit(request=form_request, actor=people["crm"])
    customer_services.customer_request_approve(request=form_request, actor=people["crm_manager"])
    deputy = user_with(roles.DEPUTY_STEWARD, "deputy")
    StewardDesignation.objects.create(steward=people["steward"], deputy=deputy)
    customer_services.customer_request_enter(request=form_request, actor=people["steward"])
    case.refresh_from_db()
    return case


def test_linking_a_beneficiary_re_routes_the_case_to_her_centre(people, places):
    case = unknown(
        people["crm"],
        ContactKind.OTHER,
        places["mine"],
        contact_mobile="+966501112299",
        received_at=timezone.now() - datetime.timedelta(hours=2),
    )
    deadlines = (case.due_at, case.answer_due_at, case.received_at)
    case = enter_registration(people, case, "beneficiary")
    assert case.customer.kind == "beneficiary"
    assert case.routed_to == CaseRoute.CENTRES
    assert case.centre == places["mine"]
    assert (case.due_at, case.answer_due_at, case.received_at) == deadlines
    assert case.referred_at is not None
    event = case.events.get()
    assert event.kind == CaseEventKind.REROUTED
    assert event.actor == people["steward"]
    assert (event.from_route, event.to_route) == (CaseRoute.CRM, CaseRoute.CENTRES)
    assert event.to_centre == places["mine"]
    assert event.note
    # The new department handles it; the CRM employee who registered it still reads it.
    assert selectors.user_handles_case(people["centres"], case)
    assert not selectors.user_handles_case(people["crm"], case)
    assert selectors.cases_visible_to(people["crm"]).filter(pk=case.pk).exists()


def test_linking_a_customer_of_the_same_kind_keeps_the_route(people, places):
    case = unknown(people["crm"], ContactKind.DONOR, places["mine"], contact_mobile="+966501112298")
    case = enter_registration(people, case, "donor")
    assert case.customer.kind == "donor"
    assert case.routed_to == CaseRoute.CRM
    assert case.referred_at is None
    assert not case.events.exists()


def test_the_re_route_shows_on_the_case_page(client, people, places, english):
    case = unknown(people["crm"], ContactKind.OTHER, places["mine"], contact_mobile="+966501112297")
    case = enter_registration(people, case, "beneficiary")
    client.force_login(people["centres"])
    page = client.get(detail(case))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'data-testid="route-change"' in content
    assert str(CaseEventKind.REROUTED.label) in content


def test_a_customer_s_cases_are_built_once_per_reader_and_each_reads_their_own(people, customers):
    """cases_of_customer keeps the query built on the customer instance per reader (the
    customer 360 asks it for its panel, badge and timeline): another reader of the same
    instance gets their own cases, and a case registered after a first read is read."""
    beneficiary = customers["beneficiary"]
    mine = register(people["centres"], beneficiary)
    assert list(selectors.cases_of_customer(people["centres"], beneficiary)) == [mine]
    assert not selectors.cases_of_customer(people["centres_other"], beneficiary).exists()
    newer = register(people["centres"], beneficiary)
    assert set(selectors.cases_of_customer(people["centres"], beneficiary)) == {mine, newer}
    assert not selectors.cases_of_customer(people["centres_other"], beneficiary).exists()
