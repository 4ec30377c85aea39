"""The create/modify form (manual 6.2) through the services: roles, steps, codes, conflicts."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from association.workdays import working_deadline
from customers import services
from customers.models import (
    Customer,
    CustomerRequest,
    RequestKind,
    RequestState,
    RequestTransition,
    StewardDesignation,
)
from customers.selectors import find_possible_duplicates

from .conftest import blank_values

pytestmark = pytest.mark.django_db


def new_form(actor, **values):
    return services.customer_request_create(
        actor=actor,
        kind=RequestKind.CREATE,
        reason="عميل جديد من زيارة المركز",
        lines=[(None, blank_values(**values), None)],
    )


def modify_form(actor, customer, **changes):
    proposed = {**services.customer_values(customer), **changes}
    return services.customer_request_create(
        actor=actor,
        kind=RequestKind.MODIFY,
        reason="تحديث البيانات",
        lines=[(customer, proposed, None)],
    )


def test_new_customer_goes_through_every_step_and_gets_a_code(people):
    form = new_form(people["staff"])
    assert form.state == RequestState.SUBMITTED
    assert form.due_at == working_deadline(form.submitted_at, 2)

    services.customer_request_approve(request=form, actor=people["manager"], note="موافق")
    assert form.state == RequestState.APPROVED
    assert form.due_at == working_deadline(form.decided_at, 1)
    assert not Customer.objects.exists()  # approval alone writes nothing

    result = services.customer_request_enter(request=form, actor=people["steward"])
    assert result.entered
    customer = Customer.objects.get()
    assert customer.code == 100001
    assert customer.name == "أحمد محمد الغامدي"
    assert form.entered_by == people["steward"] and form.entered_at
    assert customer.history.get().history_user == people["steward"]

    services.customer_request_file(request=form, actor=people["staff"])
    form.refresh_from_db()
    assert form.state == RequestState.FILED
    assert form.due_at is None
    steps = list(RequestTransition.objects.filter(request=form).values_list("target", "actor"))
    assert steps == [
        ("submitted", people["staff"].pk),
        ("approved", people["manager"].pk),
        ("entered", people["steward"].pk),
        ("filed", people["staff"].pk),
    ]


def test_codes_are_unique_increasing_and_never_reused(people):
    codes = []
    for index in range(3):
        form = new_form(people["staff"], name=f"عميل رقم {index}", mobile=f"+96650000000{index}")
        services.customer_request_approve(request=form, actor=people["manager"])
        services.customer_request_enter(request=form, actor=people["steward"])
        codes.append(form.lines.get().customer.code)
    assert codes == [100001, 100002, 100003]
    archived = Customer.objects.get(code=100003)
    form = modify_form(people["staff"], archived, is_active=False, kind="other")
    services.customer_request_approve(request=form, actor=people["manager"])
    services.customer_request_enter(request=form, actor=people["steward"])
    archived.refresh_from_db()
    assert not archived.is_active and archived.code == 100003  # type changed, code kept
    form = new_form(people["staff"], name="عميل بعد الأرشفة", mobile="+966500000009")
    services.customer_request_approve(request=form, actor=people["manager"])
    services.customer_request_enter(request=form, actor=people["steward"])
    assert form.lines.get().customer.code == 100004


def test_a_draft_is_submitted_only_by_its_preparer(people):
    form = services.customer_request_create(
        actor=people["staff"],
        kind=RequestKind.CREATE,
        reason="مسودة",
        lines=[(None, blank_values(), None)],
        submit=False,
    )
    assert form.state == RequestState.DRAFT and form.due_at is None
    with pytest.raises(PermissionDenied):
        services.customer_request_submit(request=form, actor=people["staff2"])
    services.customer_request_submit(request=form, actor=people["staff"])
    assert form.state == RequestState.SUBMITTED


def test_nobody_approves_their_own_form(people):
    form = new_form(people["manager"])
    with pytest.raises(services.RequestError):
        services.customer_request_approve(request=form, actor=people["manager"])
    form.refresh_from_db()
    assert form.state == RequestState.SUBMITTED


@pytest.mark.parametrize("who", ["staff", "steward", "deputy", "quality", "centres"])
def test_only_the_crm_manager_approves(people, who):
    form = new_form(people["staff2"])
    with pytest.raises(PermissionDenied):
        services.customer_request_approve(request=form, actor=people[who])


@pytest.mark.parametrize("who", ["staff", "centres", "quality"])
def test_only_crm_staff_and_manager_prepare_forms(people, who):
    if who == "staff":
        assert new_form(people[who]).pk
    else:
        with pytest.raises(PermissionDenied):
            new_form(people[who])


def test_rejection_needs_a_reason_and_writes_nothing(people):
    form = new_form(people["staff"])
    with pytest.raises(services.RequestError):
        services.customer_request_reject(request=form, actor=people["manager"], note=" ")
    services.customer_request_reject(request=form, actor=people["manager"], note="بيانات ناقصة")
    assert form.state == RequestState.REJECTED
    assert form.decision_note == "بيانات ناقصة"
    assert form.due_at is None
    assert not Customer.objects.exists()


def test_only_the_acting_steward_enters(people):
    form = new_form(people["staff"])
    services.customer_request_approve(request=form, actor=people["manager"])
    for who in ("deputy", "manager", "staff"):
        with pytest.raises(PermissionDenied):
            services.customer_request_enter(request=form, actor=people[who])
    StewardDesignation.objects.update(steward_absent=True)
    with pytest.raises(PermissionDenied):
        services.customer_request_enter(request=form, actor=people["steward"])
    assert services.customer_request_enter(request=form, actor=people["deputy"]).entered
    assert form.entered_by == people["deputy"]


def test_modification_records_only_the_changed_fields(people, existing_customer):
    form = modify_form(people["staff"], existing_customer, mobile="+966559998877", kind="other")
    line = form.lines.get()
    assert line.proposed == {"kind": "other", "mobile": "+966559998877"}
    assert line.base_values["mobile"] == "+966551112233"
    assert line.base_version == 1
    services.customer_request_approve(request=form, actor=people["manager"])
    services.customer_request_enter(request=form, actor=people["steward"])
    existing_customer.refresh_from_db()
    assert existing_customer.mobile == "+966559998877"
    assert existing_customer.kind == "other"
    assert existing_customer.code == 900001
    assert existing_customer.version == 2


def test_a_modification_without_changes_is_refused(people, existing_customer):
    with pytest.raises(services.RequestError):
        modify_form(people["staff"], existing_customer)
    assert not CustomerRequest.objects.exists()


def test_conflict_sends_the_form_back_for_review_without_overwriting(people, existing_customer):
    first = modify_form(people["staff"], existing_customer, address="حي الصفا، جدة")
    second = modify_form(people["staff2"], existing_customer, address="حي النسيم، جدة")
    for form in (first, second):
        services.customer_request_approve(request=form, actor=people["manager"])
    services.customer_request_enter(request=first, actor=people["steward"])

    result = services.customer_request_enter(request=second, actor=people["steward"])
    assert not result.entered
    assert result.conflicts == [existing_customer]
    existing_customer.refresh_from_db()
    assert existing_customer.address == "حي الصفا، جدة"  # not silently overwritten
    second.refresh_from_db()
    assert second.state == RequestState.SUBMITTED
    line = second.lines.get()
    assert line.base_values["address"] == "حي الصفا، جدة"  # the reviewer now sees the new value
    assert line.base_version == 2
    assert "900001" in second.transitions.last().note

    services.customer_request_approve(request=second, actor=people["manager"])
    assert services.customer_request_enter(request=second, actor=people["steward"]).entered
    existing_customer.refresh_from_db()
    assert existing_customer.address == "حي النسيم، جدة"


def test_two_managers_approving_at_once_gives_one_transition(people):
    form = new_form(people["staff"])
    other_manager = people["manager"].__class__.objects.get(pk=people["manager"].pk)
    copy_a = CustomerRequest.objects.get(pk=form.pk)
    copy_b = CustomerRequest.objects.get(pk=form.pk)
    services.customer_request_approve(request=copy_a, actor=people["manager"])
    with pytest.raises(services.RequestError):
        services.customer_request_reject(request=copy_b, actor=other_manager, note="لا")
    form.refresh_from_db()
    assert form.state == RequestState.APPROVED
    assert form.transitions.filter(target__in=["approved", "rejected"]).count() == 1


def test_entering_twice_creates_one_customer(people):
    form = new_form(people["staff"])
    services.customer_request_approve(request=form, actor=people["manager"])
    copy = CustomerRequest.objects.get(pk=form.pk)
    services.customer_request_enter(request=form, actor=people["steward"])
    with pytest.raises(services.RequestError):
        services.customer_request_enter(request=copy, actor=people["steward"])
    assert Customer.objects.count() == 1


def test_exact_mobile_or_id_match_blocks_approval_unless_overridden(people, existing_customer):
    form = new_form(people["staff"], name="سارة القحطاني", mobile="+966551112233")
    with pytest.raises(services.RequestError):
        services.customer_request_approve(request=form, actor=people["manager"])
    services.customer_request_approve(
        request=form, actor=people["manager"], override_reason="شخصان مختلفان بنفس الجوال العائلي"
    )
    assert form.duplicate_override_reason == "شخصان مختلفان بنفس الجوال العائلي"


@pytest.mark.parametrize(
    ("values", "reason", "blocking"),
    [
        ({"name": "ساره عبد الله القحطانى", "mobile": ""}, "similar name", False),
        ({"name": "سارَة عبدالله القحطاني", "mobile": ""}, "similar name", False),
        ({"name": "اسم مختلف", "mobile": "+966551112233"}, "same mobile", True),
        (
            {"name": "اسم مختلف", "mobile": "", "national_id": "1234567897"},
            "same national ID",
            True,
        ),
        ({"name": "اسم مختلف", "mobile": "", "email": "sara@example.org"}, "same email", False),
    ],
)
def test_possible_duplicates(existing_customer, values, reason, blocking):
    with translation.override("en"):
        matches = find_possible_duplicates(blank_values(**values))
    assert [match.customer for match in matches] == [existing_customer]
    assert reason in matches[0].reasons
    assert matches[0].blocking is blocking


def test_no_duplicate_for_a_different_person(existing_customer):
    assert (
        find_possible_duplicates(blank_values(name="خالد سعد العمري", mobile="+966540000001")) == []
    )
