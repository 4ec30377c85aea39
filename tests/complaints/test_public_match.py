"""Issue 10 items 2 and 18 on the public page: the person says who they are (in plain
words) and the case is routed by it; a filing whose mobile is a customer's is only a
possible match until a staff handler confirms it (then it is linked, and re-routed when the
customer's kind says so) or dismisses it."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import override

from complaints import services
from complaints.models import Case, CaseEventKind, CaseRoute, ContactKind
from customers.models import Customer
from tests.factories import StaffProfileFactory, UserFactory
from tests.helpers import ROLES_BY_CODE

pytestmark = pytest.mark.django_db

FILE_URL = reverse("public:file")
TRACK_URL = reverse("public:track")
DONOR_MOBILE = "+966502223344"
BENEFICIARY_MOBILE = "+966501112233"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with override("en"):
        yield


@pytest.fixture
def known(places):
    return {
        "donor": Customer.objects.create(
            code=920001, name="عبدالرحمن المانح", kind="donor", mobile=DONOR_MOBILE
        ),
        "beneficiary": Customer.objects.create(
            code=920002,
            name="نورة المستفيدة",
            kind="beneficiary",
            centre=places["mine"],
            mobile=BENEFICIARY_MOBILE,
        ),
    }


def filing(**changes):
    data = {
        "kind": "complaint",
        "contact_kind": "other",
        "name": "عبدالرحمن",
        "mobile": "0559876543",
        "centre": "",
        "subject": "لم يصلني تقرير التبرع",
        "description": "تبرعت لبرنامج الحقيبة المدرسية ولم يصلني التقرير",
        "website": "",
    }
    data.update(changes)
    return data


def file_case(client, **changes):
    response = client.post(FILE_URL, filing(**changes))
    return response, Case.objects.order_by("-pk").first()


def detail(case):
    return reverse("complaints:detail", args=[case.pk])


def action(case, name):
    return reverse("complaints:action", args=[case.pk, name])


def profile(customer):
    return reverse("customers:detail", args=[customer.pk])


# --- the person's kind on the public page --------------------------------------------------


def test_the_public_page_asks_who_the_person_is_in_plain_words(client):
    content = client.get(FILE_URL).content.decode()
    assert 'name="contact_kind"' in content
    for label in ("أستفيد من خدمات أحد مراكز الأحياء", "أنا مانح أو داعم للجمعية", "غير ذلك"):
        assert label in content


def test_a_beneficiary_filing_goes_to_her_centres_queue(client, people, places):
    response, case = file_case(client, contact_kind="beneficiary", centre=places["mine"].pk)
    assert response.status_code == 302
    assert case.contact_kind == ContactKind.BENEFICIARY
    assert case.routed_to == CaseRoute.CENTRES
    assert case.centre == places["mine"]
    assert services.available_actions(case, people["centres"])
    assert not services.available_actions(case, people["crm"])


def test_a_beneficiary_filing_needs_the_centre(client):
    response = client.post(FILE_URL, filing(contact_kind="beneficiary"))
    assert response.status_code == 200
    assert "centre" in response.context["form"].errors
    assert not Case.objects.exists()


@pytest.mark.parametrize("contact_kind", ["donor", "other"])
def test_donors_and_others_go_to_crm(client, places, contact_kind):
    _response, case = file_case(client, contact_kind=contact_kind, centre=places["mine"].pk)
    assert case.routed_to == CaseRoute.CRM
    assert case.contact_kind == contact_kind


@pytest.mark.parametrize("contact_kind", ["", "government"])
def test_the_kind_is_required(client, contact_kind):
    response = client.post(FILE_URL, filing(contact_kind=contact_kind))
    assert response.status_code == 200
    assert "contact_kind" in response.context["form"].errors
    assert not Case.objects.exists()


# --- a known mobile is a possible match, never a link ------------------------------------


def test_a_known_mobile_is_only_a_possible_match(client, people, known):
    _response, case = file_case(client, mobile="0502223344", contact_kind="donor")
    assert case.customer is None
    assert case.possible_customer == known["donor"]
    assert case.routed_to == CaseRoute.CRM
    # Not on the donor's profile until staff confirm it.
    client.force_login(people["crm"])
    assert case.tracking_number not in client.get(profile(known["donor"])).content.decode()


def test_the_match_does_not_route_the_case(client, known):
    """Anyone may type a beneficiary's mobile: the stated kind routes, not the match."""
    _response, case = file_case(client, mobile=BENEFICIARY_MOBILE, contact_kind="other")
    assert case.possible_customer == known["beneficiary"]
    assert case.routed_to == CaseRoute.CRM
    assert case.centre is None


def test_an_archived_customer_is_not_matched(client, known):
    Customer.objects.filter(pk=known["donor"].pk).update(is_active=False)
    _response, case = file_case(client, mobile=DONOR_MOBILE, contact_kind="donor")
    assert case.possible_customer is None


def test_the_tracking_page_does_not_reveal_the_match(client, known):
    _response, case = file_case(client, mobile=DONOR_MOBILE, contact_kind="donor")
    response = client.post(
        TRACK_URL, {"tracking_number": case.tracking_number, "mobile": DONOR_MOBILE}
    )
    content = response.content.decode()
    assert 'data-testid="track-result"' in content
    assert known["donor"].name not in content
    assert str(known["donor"].code) not in content
    thank_you = client.get(reverse("public:filed")).content.decode()
    assert known["donor"].name not in thank_you


def test_staff_see_the_possible_match_and_confirm_it(client, people, known):
    _response, case = file_case(client, mobile=DONOR_MOBILE, contact_kind="donor")
    client.force_login(people["crm"])
    page = client.get(detail(case))
    content = page.content.decode()
    assert 'data-testid="possible-match"' in content
    assert known["donor"].name in content and str(known["donor"].code) in content
    assert page.context["may_decide_match"]
    assert not page.context["may_request_registration"]
    # No misleading "no mobile, prepare a form" hint, and never "None" for the registrant.
    assert 'data-testid="request-registration"' not in content
    assert 'data-testid="no-mobile"' not in content
    assert ">None<" not in content

    response = client.post(action(case, "confirm_match"), {"note": "الاسم مطابق"})
    assert response["Location"] == detail(case)
    case.refresh_from_db()
    assert case.customer == known["donor"]
    assert case.possible_customer is None
    assert case.routed_to == CaseRoute.CRM
    event = case.events.get()
    assert event.kind == CaseEventKind.MATCH_CONFIRMED
    assert (event.actor, event.customer, event.note) == (
        people["crm"],
        known["donor"],
        "الاسم مطابق",
    )
    # Now on the donor's profile.
    assert case.tracking_number in client.get(profile(known["donor"])).content.decode()
    assert 'data-testid="possible-match"' not in client.get(detail(case)).content.decode()


def test_confirming_a_customer_of_another_kind_re_routes_the_case(client, people, places, known):
    _response, case = file_case(client, mobile=BENEFICIARY_MOBILE, contact_kind="other")
    deadlines = (case.due_at, case.answer_due_at, case.received_at)
    client.force_login(people["crm"])
    response = client.post(action(case, "confirm_match"), follow=True)
    # No longer in the CRM queue: back to the register, with where it went.
    assert response.redirect_chain[-1][0] == reverse("complaints:list")
    assert any("قسم شؤون المراكز" in str(m) for m in response.context["messages"])
    case.refresh_from_db()
    assert case.customer == known["beneficiary"]
    assert case.routed_to == CaseRoute.CENTRES
    assert case.centre == places["mine"]
    assert (case.due_at, case.answer_due_at, case.received_at) == deadlines
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == [CaseEventKind.MATCH_CONFIRMED, CaseEventKind.REROUTED]
    moved = case.events.get(kind=CaseEventKind.REROUTED)
    assert (moved.from_route, moved.to_route, moved.to_centre) == ("crm", "centres", places["mine"])
    assert moved.actor == people["crm"]
    assert services.available_actions(case, people["centres"])


def test_staff_dismiss_a_wrong_match(client, people, known):
    _response, case = file_case(client, mobile=DONOR_MOBILE, contact_kind="donor")
    client.force_login(people["crm"])
    client.post(action(case, "dismiss_match"), {"note": "شخص آخر يستخدم الرقم"})
    case.refresh_from_db()
    assert case.customer is None
    assert case.possible_customer is None
    event = case.events.get()
    assert event.kind == CaseEventKind.MATCH_DISMISSED
    assert (event.actor, event.customer) == (people["crm"], known["donor"])
    assert event.note == "شخص آخر يستخدم الرقم"
    assert case.tracking_number not in client.get(profile(known["donor"])).content.decode()
    # Now the person may be registered as a new customer.
    assert client.get(detail(case)).context["may_request_registration"]


def test_dismissing_needs_a_reason(client, people, known):
    _response, case = file_case(client, mobile=DONOR_MOBILE, contact_kind="donor")
    client.force_login(people["crm"])
    response = client.post(action(case, "dismiss_match"), {"note": " "}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    case.refresh_from_db()
    assert case.possible_customer == known["donor"]
    assert not case.events.exists()


def test_a_match_is_decided_once(people, known, client):
    _response, case = file_case(client, mobile=DONOR_MOBILE, contact_kind="donor")
    stale = Case.objects.get(pk=case.pk)
    services.case_confirm_match(case=Case.objects.get(pk=case.pk), actor=people["crm"])
    with pytest.raises(services.CaseError):
        services.case_dismiss_match(case=stale, actor=people["crm_manager"], note="خطأ")
    case.refresh_from_db()
    assert case.customer == known["donor"]
    assert case.events.count() == 1


def test_the_match_is_hidden_from_staff_who_may_not_see_that_customer(
    client, people, places, known
):
    """A beneficiary of the centre gives a donor's mobile: the centre's staff handle the
    case, but centres-affairs staff see only their centres' beneficiaries."""
    _response, case = file_case(
        client, mobile=DONOR_MOBILE, contact_kind="beneficiary", centre=places["mine"].pk
    )
    client.force_login(people["centres"])
    page = client.get(detail(case))
    content = page.content.decode()
    assert known["donor"].name not in content
    assert str(known["donor"].code) not in content
    assert not page.context["may_decide_match"]
    assert 'data-testid="possible-match-hidden"' in content
    for name in ("confirm_match", "dismiss_match"):
        assert client.post(action(case, name), {"note": "x"}).status_code == 403
    case.refresh_from_db()
    assert case.customer is None and case.possible_customer == known["donor"]
    with pytest.raises(PermissionDenied):
        services.case_confirm_match(case=case, actor=people["centres"])


def test_registration_is_not_prepared_while_a_match_is_pending(client, people, known):
    _response, case = file_case(client, mobile=DONOR_MOBILE, contact_kind="donor")
    with pytest.raises(services.CaseError):
        services.case_request_registration(case=case, actor=people["crm"], customer_kind="donor")


# --- permission matrix of confirm / dismiss ----------------------------------------------

ROLES = ROLES_BY_CODE
# A donor's possible match on a CRM case: CRM handlers decide (302); centres affairs do
# not read the case (404); the quality officer reads it without handling it (403); the
# others may not read cases at all (403).
MATCH_MATRIX = {
    "crm_staff": 302,
    "crm_manager": 302,
    "centres_staff": 404,
    "centres_manager": 404,
    "quality_officer": 403,
    "data_steward": 403,
    "deputy_steward": 403,
    "management": 403,
    "planning_director": 403,
    "resource_development": 403,
    "council_secretary": 403,
    "no_role": 403,
}


@pytest.mark.parametrize("name", ["confirm_match", "dismiss_match"])
@pytest.mark.parametrize("role_code", sorted(MATCH_MATRIX))
def test_match_permission_matrix(client, places, known, role_code, name):
    _response, case = file_case(client, mobile=DONOR_MOBILE, contact_kind="donor")
    user = UserFactory(username=f"m_{role_code}")
    if role_code in ROLES:
        user.groups.add(Group.objects.get(name=ROLES[role_code].group_name))
    if role_code == "centres_staff":
        StaffProfileFactory(user=user).centres.add(places["mine"])
    client.force_login(user)
    response = client.post(action(case, name), {"note": "سبب"})
    assert response.status_code == MATCH_MATRIX[role_code], role_code
    case.refresh_from_db()
    if MATCH_MATRIX[role_code] == 302:
        assert case.possible_customer is None
        assert case.events.count() == 1
    else:
        assert case.possible_customer == known["donor"]
        assert case.customer is None
        assert not case.events.exists()


@pytest.mark.parametrize("name", ["confirm_match", "dismiss_match"])
def test_match_decisions_refused_for_anonymous(client, known, name):
    _response, case = file_case(client, mobile=DONOR_MOBILE, contact_kind="donor")
    response = client.post(action(case, name), {"note": "سبب"})
    assert reverse("login") in response["Location"]
    case.refresh_from_db()
    assert case.possible_customer == known["donor"]
    assert not case.events.exists()
