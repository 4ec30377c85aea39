"""Issue 10 item 3 (complaints procedure step 3, "تحديد الجهة التي تساعد على الحل"): a
handler refers a case to another department or centre with a note; the case moves to that
queue with its deadlines, the referral is in its audit trail, and the receiving department
sees it on "عملي" as newly referred. The study records the party that can help solve it."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from association import roles
from complaints import selectors, services
from complaints.models import Case, CaseEventKind, CaseRoute, CaseState, ContactKind
from complaints.registrations import cases_referred
from core.workflow import CONFLICT_MESSAGE
from tests.factories import UserFactory
from tests.helpers import ROLES_BY_CODE, user_with

from .conftest import register

pytestmark = pytest.mark.django_db

CONFLICT = CONFLICT_MESSAGE


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with override("en"):
        yield


def detail(case):
    return reverse("complaints:detail", args=[case.pk])


def action(case, name):
    return reverse("complaints:action", args=[case.pk, name])


@pytest.fixture
def crm_case(people, places):
    """A phone complaint from someone who is not in the database: the CRM queue."""
    return register(
        people["crm"],
        None,
        contact_name="أبو فهد",
        contact_kind=ContactKind.OTHER,
        centre=places["mine"],
        received_at=timezone.now() - datetime.timedelta(hours=3),
    )


def refer(case, actor, department, centre=None, note="يحتاج متابعة المركز", **extra):
    return services.case_refer(
        case=case, actor=actor, department=department, centre=centre, note=note, **extra
    )


def snapshot(case):
    case.refresh_from_db()
    return (
        case.routed_to,
        case.centre_id,
        case.state,
        case.referred_at,
        case.events.count(),
        case.transitions.count(),
    )


# --- the service -------------------------------------------------------------------------


def test_crm_refers_a_case_to_the_centres_department_of_a_centre(people, places, crm_case):
    deadlines = (crm_case.due_at, crm_case.answer_due_at, crm_case.received_at)
    refer(crm_case, people["crm"], CaseRoute.CENTRES, places["other"], note="المستفيدة من الروضة")
    crm_case.refresh_from_db()
    assert crm_case.routed_to == CaseRoute.CENTRES
    assert crm_case.centre == places["other"]
    assert crm_case.state == CaseState.RECEIVED
    assert (crm_case.due_at, crm_case.answer_due_at, crm_case.received_at) == deadlines
    assert crm_case.referred_at is not None
    assert not crm_case.transitions.exists()
    event = crm_case.events.get()
    assert event.kind == CaseEventKind.REFERRED
    assert event.actor == people["crm"]
    assert (event.from_route, event.from_centre) == (CaseRoute.CRM, places["mine"])
    assert (event.to_route, event.to_centre) == (CaseRoute.CENTRES, places["other"])
    assert event.note == "المستفيدة من الروضة"
    # The other centre handles it now; CRM no longer does, its registrant still reads it.
    assert selectors.user_handles_case(people["centres_other"], crm_case)
    assert not selectors.user_handles_case(people["centres"], crm_case)
    assert not selectors.user_handles_case(people["crm_manager"], crm_case)
    assert selectors.cases_visible_to(people["crm"]).filter(pk=crm_case.pk).exists()


def test_a_centre_refers_a_case_to_another_centre(people, places, beneficiary_case):
    refer(beneficiary_case, people["centres"], CaseRoute.CENTRES, places["other"])
    assert selectors.user_handles_case(people["centres_other"], beneficiary_case)
    assert not selectors.user_handles_case(people["centres"], beneficiary_case)


def test_centres_affairs_refer_a_case_to_crm(people, places, beneficiary_case):
    refer(beneficiary_case, people["centres_manager"], CaseRoute.CRM, note="الشكوى عن تبرع")
    beneficiary_case.refresh_from_db()
    assert beneficiary_case.routed_to == CaseRoute.CRM
    assert beneficiary_case.centre == places["mine"]  # what the case is about stays
    assert selectors.user_handles_case(people["crm"], beneficiary_case)


def test_a_study_under_way_keeps_its_state_and_its_assignee_leaves(people, places, crm_case):
    services.case_start_study(
        case=crm_case, actor=people["crm"], causes="سبب", assignee=people["crm_manager"]
    )
    refer(crm_case, people["crm"], CaseRoute.CENTRES, places["mine"])
    crm_case.refresh_from_db()
    assert crm_case.state == CaseState.UNDER_STUDY
    assert crm_case.assigned_to is None  # the CRM manager does not handle the centres queue


@pytest.mark.parametrize(
    "department, centre, note",
    [
        ("centres", None, "ملاحظة"),  # a centre is needed for centres affairs
        ("finance", None, "ملاحظة"),  # not a department that handles cases
        ("crm", None, "ملاحظة"),  # already there
        ("centres", "mine", "   "),  # a note is required
    ],
)
def test_a_referral_that_makes_no_sense_is_refused(
    people, places, crm_case, department, centre, note
):
    before = snapshot(crm_case)
    with pytest.raises(services.CaseError):
        refer(crm_case, people["crm"], department, places.get(centre), note=note)
    assert snapshot(crm_case) == before


def test_a_case_is_not_referred_to_its_own_centre(people, places, beneficiary_case):
    with pytest.raises(services.CaseError):
        refer(beneficiary_case, people["centres"], CaseRoute.CENTRES, places["mine"])


def test_an_inactive_centre_is_refused(people, places, crm_case):
    places["other"].is_active = False
    places["other"].save()
    with pytest.raises(services.CaseError):
        refer(crm_case, people["crm"], CaseRoute.CENTRES, places["other"])


def test_an_answered_case_is_not_referred(people, places, crm_case):
    services.case_answer_immediately(case=crm_case, actor=people["crm"], answer="تم")
    with pytest.raises(services.CaseError):
        refer(crm_case, people["crm"], CaseRoute.CENTRES, places["mine"])


@pytest.mark.parametrize("who", ["quality", "steward", "centres", "centres_manager"])
def test_only_those_who_handle_the_case_now_refer_it(people, places, crm_case, who):
    before = snapshot(crm_case)
    with pytest.raises(PermissionDenied):
        refer(crm_case, people[who], CaseRoute.CENTRES, places["other"])
    assert snapshot(crm_case) == before


def test_the_registrant_of_a_case_routed_elsewhere_cannot_refer_it(people, places):
    case = register(
        people["centres"], None, contact_name="مانح", contact_kind="donor", centre=places["mine"]
    )
    with pytest.raises(PermissionDenied):
        refer(case, people["centres"], CaseRoute.CENTRES, places["mine"])
    assert Case.objects.get(pk=case.pk).routed_to == CaseRoute.CRM


def test_two_referrals_at_the_same_moment_one_wins(people, places, crm_case, english):
    """Both loaded the case before either saved (the superuser handles every queue, so
    the second passes the permission check as it would at the same instant)."""
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    first = Case.objects.get(pk=crm_case.pk)
    second = Case.objects.get(pk=crm_case.pk)
    refer(first, people["crm"], CaseRoute.CENTRES, places["mine"])
    with pytest.raises(services.CaseError) as refused:
        refer(second, superuser, CaseRoute.CENTRES, places["other"])
    assert str(refused.value) == gettext(CONFLICT)
    crm_case.refresh_from_db()
    assert crm_case.centre == places["mine"]
    assert crm_case.events.count() == 1


def test_a_referral_from_a_page_shown_before_another_change_is_refused(people, places, crm_case):
    seen = services.routing_key(crm_case)
    refer(crm_case, people["crm"], CaseRoute.CENTRES, places["mine"])
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    fresh = Case.objects.get(pk=crm_case.pk)
    with pytest.raises(services.CaseError):
        refer(fresh, superuser, CaseRoute.CENTRES, places["other"], seen_route=seen)
    assert Case.objects.get(pk=crm_case.pk).centre == places["mine"]


def test_a_step_taken_at_the_same_moment_does_not_undo_the_referral(people, places, crm_case):
    """A transition saves only the fields it changes: a referral committed meanwhile
    stays."""
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    stale = Case.objects.get(pk=crm_case.pk)
    refer(Case.objects.get(pk=crm_case.pk), people["crm"], CaseRoute.CENTRES, places["mine"])
    services.case_promise_callback(case=stale, actor=superuser)
    crm_case.refresh_from_db()
    assert crm_case.state == CaseState.CALLBACK_PROMISED
    assert crm_case.routed_to == CaseRoute.CENTRES


# --- "عملي": newly referred ---------------------------------------------------------------


def test_the_receiving_department_sees_the_case_as_newly_referred(people, places, crm_case):
    assert cases_referred(people["centres"]) is None
    refer(crm_case, people["crm"], CaseRoute.CENTRES, places["mine"])
    for who in ("centres", "centres_manager"):
        section = cases_referred(people[who])
        assert [item.url for item in section.items] == [detail(crm_case)], who
        assert crm_case.tracking_number in section.items[0].title
    assert cases_referred(people["centres_other"]) is None
    assert cases_referred(people["crm"]) is None
    # Once the receiving department acts on it, it is no longer new.
    services.case_add_entry(case=crm_case, actor=people["centres"], text="تواصلنا مع المستفيد")
    assert cases_referred(people["centres"]) is None


def test_the_my_work_page_shows_the_referral(client, people, places, crm_case):
    refer(crm_case, people["crm"], CaseRoute.CENTRES, places["mine"])
    client.force_login(people["centres"])
    content = client.get(reverse("home")).content.decode()
    assert crm_case.tracking_number in content
    assert "أُحيل إليكم حديثًا" in content


# --- the party that can help solve it ---------------------------------------------------


def test_the_study_records_the_party_that_can_help(client, people, crm_case):
    client.force_login(people["crm"])
    client.post(
        action(crm_case, "start_study"),
        {
            "causes": "تأخر المورد",
            "helping_party": "إدارة تنمية الموارد المالية",
            "assignee": people["crm"].pk,
        },
    )
    crm_case.refresh_from_db()
    assert crm_case.state == CaseState.UNDER_STUDY
    assert crm_case.helping_party == "إدارة تنمية الموارد المالية"
    content = client.get(detail(crm_case)).content.decode()
    assert 'data-testid="helping-party"' in content
    assert "إدارة تنمية الموارد المالية" in content
    assert "الجهة التي تساعد على الحل" in content


def test_the_study_form_needs_the_party_that_can_help(client, people, crm_case):
    client.force_login(people["crm"])
    response = client.post(
        action(crm_case, "start_study"),
        {"causes": "تأخر المورد", "helping_party": " ", "assignee": people["crm"].pk},
        follow=True,
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    crm_case.refresh_from_db()
    assert crm_case.state == CaseState.RECEIVED


# --- the page and its permission matrix ----------------------------------------------------


def test_handlers_see_the_referral_form_others_do_not(client, people, crm_case):
    client.force_login(people["crm"])
    page = client.get(detail(crm_case))
    assert page.context["may_refer"]
    assert 'data-testid="action-refer"' in page.content.decode()
    for who in ("quality",):
        client.force_login(people[who])
        page = client.get(detail(crm_case))
        assert not page.context["may_refer"]
        assert 'data-testid="action-refer"' not in page.content.decode()


def test_a_referral_through_the_page(client, people, places, crm_case, english):
    client.force_login(people["crm_manager"])
    page = client.get(detail(crm_case))
    response = client.post(
        action(crm_case, "refer"),
        {
            "department": "centres",
            "centre": places["other"].pk,
            "note": "المستفيد من مركز آخر",
            "seen_route": page.context["seen_route"],
        },
        follow=True,
    )
    # No longer in the manager's queue nor registered by him: back to the register.
    assert response.redirect_chain[-1][0] == reverse("complaints:list")
    messages = [str(m) for m in response.context["messages"]]
    expected = gettext("The case was referred to %(route)s.") % {
        "route": f"{CaseRoute.CENTRES.label} – {places['other']}"
    }
    assert messages == [expected]
    crm_case.refresh_from_db()
    assert crm_case.centre == places["other"]
    # The receiving employee sees it, with the referral in the timeline.
    client.force_login(people["centres_other"])
    content = client.get(detail(crm_case)).content.decode()
    assert 'data-testid="route-change"' in content
    assert "المستفيد من مركز آخر" in content


def test_the_registrant_stays_on_the_case_page_after_referring(client, people, places, crm_case):
    client.force_login(people["crm"])
    response = client.post(
        action(crm_case, "refer"),
        {"department": "centres", "centre": places["mine"].pk, "note": "للمركز"},
    )
    assert response["Location"] == detail(crm_case)
    page = client.get(detail(crm_case))
    assert page.context["actions"] == []
    assert 'data-testid="read-only"' in page.content.decode()


def test_a_refused_referral_shows_a_message(client, people, crm_case, english):
    client.force_login(people["crm"])
    response = client.post(
        action(crm_case, "refer"), {"department": "centres", "centre": "", "note": ""}, follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Case.objects.get(pk=crm_case.pk).routed_to == CaseRoute.CRM


def test_a_stale_page_gets_a_message_not_a_404(client, people, places, crm_case, english):
    """Two CRM employees on the same case: one refers it; the other's click comes after."""
    refer(crm_case, people["crm"], CaseRoute.CENTRES, places["mine"])
    client.force_login(people["crm_manager"])
    response = client.post(action(crm_case, "promise_callback"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("complaints:list")
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Case.objects.get(pk=crm_case.pk).state == CaseState.RECEIVED
    # Someone who never had it in their queue still gets a plain 404.
    client.force_login(people["centres_other"])
    assert client.post(action(crm_case, "promise_callback")).status_code == 404


def test_the_referral_is_post_only(client, people, crm_case):
    client.force_login(people["crm"])
    assert client.get(action(crm_case, "refer")).status_code == 405


ALL_ROLES = ROLES_BY_CODE

# Who may refer a case of the CRM queue, and a case of the centres queue (of the centre of
# the centres-affairs employee): 302 after the referral, 404 for a case they do not read,
# 403 for a case they read without handling it, or without the right to read cases.
REFER_MATRIX = {
    "crm_staff": (302, 404),
    "crm_manager": (302, 404),
    "centres_staff": (404, 302),
    "centres_manager": (404, 302),
    "quality_officer": (403, 403),
    "data_steward": (403, 403),
    "deputy_steward": (403, 403),
    "management": (403, 403),
    "planning_director": (403, 403),
    "resource_development": (403, 403),
    "council_secretary": (403, 403),
    "no_role": (403, 403),
}


@pytest.fixture
def matrix_cases(people, places):
    registrar = user_with(roles.CRM_MANAGER, "registrar")
    crm_side = register(registrar, None, contact_name="س", contact_kind="donor")
    centres_side = register(
        registrar, None, contact_name="ص", contact_kind="beneficiary", centre=places["mine"]
    )
    return crm_side, centres_side


def matrix_user(role_code, places):
    from tests.factories import StaffProfileFactory

    user = UserFactory(username=f"m_{role_code}")
    if role_code in ALL_ROLES:
        user.groups.add(Group.objects.get(name=ALL_ROLES[role_code].group_name))
    if role_code == "centres_staff":
        StaffProfileFactory(user=user).centres.add(places["mine"])
    return user


@pytest.mark.parametrize("role_code", sorted(REFER_MATRIX))
def test_refer_permission_matrix(client, places, matrix_cases, role_code):
    user = matrix_user(role_code, places)
    client.force_login(user)
    for case, expected, target in zip(
        matrix_cases,
        REFER_MATRIX[role_code],
        (("centres", places["other"].pk), ("crm", "")),
        strict=True,
    ):
        before = snapshot(case)
        response = client.post(
            action(case, "refer"), {"department": target[0], "centre": target[1], "note": "ن"}
        )
        assert response.status_code == expected, (role_code, case.routed_to)
        if expected != 302:
            assert snapshot(case) == before, role_code
        else:
            assert case.events.filter(kind=CaseEventKind.REFERRED).count() == 1


def test_refer_refused_for_anonymous(client, matrix_cases, places):
    case = matrix_cases[0]
    before = snapshot(case)
    response = client.post(
        action(case, "refer"), {"department": "centres", "centre": places["mine"].pk, "note": "ن"}
    )
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert snapshot(case) == before


def test_the_admin_lists_the_referrals_read_only(client, people, places, crm_case):
    refer(crm_case, people["crm"], CaseRoute.CENTRES, places["mine"], note="للمركز المختص")
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(superuser)
    page = client.get(reverse("admin:complaints_case_change", args=[crm_case.pk]))
    assert page.status_code == 200
    assert "للمركز المختص" in page.content.decode()


def test_the_case_page_asks_the_queue_once(client, people, crm_case, django_assert_max_num_queries):
    client.force_login(people["crm"])
    client.get(detail(crm_case))
    with django_assert_max_num_queries(13):
        page = client.get(detail(crm_case))
    assert page.status_code == 200
    assert page.context["may_refer"] and page.context["actions"]
    assert crm_case.subject in page.content.decode()
