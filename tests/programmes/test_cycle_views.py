"""The pages of the portfolio cycles and of the programme proposals: who may open and post
what (every role, a user without a role, anonymous), a refused POST changes nothing, and
each step over HTTP."""

import datetime
from decimal import Decimal

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from opportunities.models import DonorInterest, Opportunity
from programmes import cycles, proposals
from programmes.forms_cycles import HandoverForm
from programmes.models import (
    CycleDonor,
    CycleHalf,
    CycleProgramme,
    CycleState,
    PortfolioCycle,
    PortfolioCycleTransition,
    Programme,
    ProgrammeProposal,
    ProposalState,
    ProposalTransition,
)
from tests.factories import UserFactory
from tests.helpers import ROLES_BY_CODE, same_markup

from .conftest import make_donor, make_programme

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

ROLES = ROLES_BY_CODE
SUBJECTS = [*ROLES, "no_role"]


@pytest.fixture
def everyone(db):
    users = {}
    for code, role in ROLES.items():
        users[code] = UserFactory(username=f"u_{code}")
        users[code].groups.add(Group.objects.get(name=role.group_name))
    users["no_role"] = UserFactory(username="u_no_role")
    return users


@pytest.fixture
def world(everyone, category):
    """A cycle awaiting review, one reviewed with a donor chosen, and proposals awaiting an
    answer and accepted."""
    programme = make_programme("EDU-1", category=category, portfolio_year=2027)
    second = make_programme("EDU-2", "برنامج الحاسب", category=category, portfolio_year=2027)
    donor = make_donor("مؤسسة الخير")
    DonorInterest.objects.create(donor=donor, category=category, recorded_by=everyone["crm_staff"])
    planning, manager = everyone["planning_director"], everyone["crm_manager"]
    waiting = cycles.cycle_hand_over(
        actor=planning,
        year=2027,
        half=CycleHalf.FIRST_HALF,
        programmes=[programme, second],
        received_on=timezone.localdate(),
    )
    in_review = cycles.cycle_hand_over(
        actor=planning,
        year=2026,
        half=CycleHalf.WHOLE_YEAR,
        programmes=[programme],
        received_on=timezone.localdate(),
    )
    cycles.cycle_review(cycle=in_review, actor=manager, notes="تمت المراجعة")
    entry = CycleProgramme.objects.get(cycle=in_review)
    cycles.cycle_set_donors(cycle=in_review, entry=entry, actor=manager, donors=[donor])
    submitted = proposals.proposal_submit(
        actor=everyone["crm_staff"],
        title="برنامج الحقيبة المدرسية",
        category=category,
        description="طلب المانح حقائب مدرسية للأيتام",
        reason="اهتمام متكرر من مانحين",
        donors=[donor],
    )
    accepted = proposals.proposal_submit(
        actor=everyone["crm_staff"],
        title="برنامج كسوة العيد",
        category=category,
        description="كسوة",
        reason="طلب",
        donors=[donor],
    )
    proposals.proposal_answer(proposal=accepted, actor=planning, answer="accept")
    return {
        "programme": programme,
        "second": second,
        "donor": donor,
        "waiting": waiting,
        "in_review": in_review,
        "entry": entry,
        "submitted": submitted,
        "accepted": accepted,
    }


def snapshot():
    return {
        "cycles": list(PortfolioCycle.objects.values_list("pk", "state", "review_notes")),
        "cycle_steps": PortfolioCycleTransition.objects.count(),
        "cycle_donors": CycleDonor.objects.count(),
        "entries": list(CycleProgramme.objects.values_list("pk", "opportunity_id")),
        "opportunities": Opportunity.objects.count(),
        "proposals": list(ProgrammeProposal.objects.values_list("pk", "state", "programme_id")),
        "proposal_steps": ProposalTransition.objects.count(),
        "programmes": Programme.objects.count(),
    }


# --- GET matrix ---------------------------------------------------------------------------

READ_CYCLES = {
    "crm_staff",
    "crm_manager",
    "management",
    "planning_director",
    "resource_development",
}
READ_PROPOSALS = {"crm_staff", "crm_manager", "management", "planning_director"}

PAGES = {
    "cycle_list": (lambda w: reverse("programmes:cycle_list"), READ_CYCLES),
    "cycle_handover": (lambda w: reverse("programmes:cycle_handover"), {"planning_director"}),
    "cycle_detail": (
        lambda w: reverse("programmes:cycle_detail", args=[w["in_review"].pk]),
        READ_CYCLES,
    ),
    "proposal_list": (lambda w: reverse("programmes:proposal_list"), READ_PROPOSALS),
    "proposal_create": (
        lambda w: reverse("programmes:proposal_create"),
        {"crm_staff", "crm_manager"},
    ),
    "proposal_detail": (
        lambda w: reverse("programmes:proposal_detail", args=[w["submitted"].pk]),
        READ_PROPOSALS,
    ),
}


@pytest.mark.parametrize("who", SUBJECTS)
def test_who_opens_each_page(client, everyone, world, who):
    client.force_login(everyone[who])
    outcome = {}
    for page, (url, _allowed) in PAGES.items():
        response = client.get(url(world))
        outcome[page] = response.status_code
        if response.status_code == 200:
            # Never an empty-choice dash line or a Python None on a page.
            assert "---------" not in response.content.decode(), page
            assert ">None<" not in response.content.decode(), page
    assert outcome == {
        page: 200 if who in allowed else 403 for page, (_url, allowed) in PAGES.items()
    }


def test_anonymous_visitors_are_sent_to_login(client, world):
    for url, _allowed in PAGES.values():
        response = client.get(url(world))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_unknown_cycles_and_proposals_are_not_found(client, everyone, world):
    client.force_login(everyone["crm_manager"])
    assert client.get(reverse("programmes:cycle_detail", args=[9999])).status_code == 404
    assert client.get(reverse("programmes:proposal_detail", args=[9999])).status_code == 404
    other_cycle_entry = CycleProgramme.objects.filter(cycle=world["waiting"]).first()
    url = reverse("programmes:cycle_donors", args=[world["in_review"].pk, other_cycle_entry.pk])
    assert client.post(url, {}).status_code == 404


# --- POST matrix --------------------------------------------------------------------------


def _posts(w):
    review, entry = w["in_review"], w["entry"]
    return {
        "handover": (
            reverse("programmes:cycle_handover"),
            {
                "year": "2028",
                "half": "0",
                "received_on": timezone.localdate().isoformat(),
                "programmes": [w["programme"].pk],
            },
            {"planning_director"},
        ),
        "review": (
            reverse("programmes:cycle_review", args=[w["waiting"].pk]),
            {"notes": "مراجعة"},
            {"crm_manager"},
        ),
        "donors": (
            reverse("programmes:cycle_donors", args=[review.pk, entry.pk]),
            {f"p{entry.pk}-donors": [], f"p{entry.pk}-other_donors": ""},
            {"crm_manager"},
        ),
        "identify": (
            reverse("programmes:cycle_identify", args=[review.pk]),
            {"note": "تم"},
            {"crm_manager"},
        ),
        "seed": (
            reverse("programmes:cycle_seed", args=[review.pk, entry.pk]),
            {f"s{entry.pk}-title": "تمويل", f"s{entry.pk}-expected_amount": "1000"},
            {"crm_staff", "crm_manager"},
        ),
        "answer": (
            reverse("programmes:proposal_answer", args=[w["submitted"].pk, "refuse"]),
            {"note": "خارج الخطة"},
            {"planning_director"},
        ),
        "create_proposal": (
            reverse("programmes:proposal_create"),
            {
                "title": "برنامج",
                "donor_codes": str(w["donor"].code),
                "description": "وصف",
                "reason": "سبب",
            },
            {"crm_staff", "crm_manager"},
        ),
        "create_programme": (
            reverse("programmes:proposal_create_programme", args=[w["accepted"].pk]),
            {
                "code": "EID-1",
                "name": "كسوة العيد",
                "category": w["programme"].category_id,
                "budget": "5000",
            },
            {"crm_manager", "planning_director"},
        ),
        "link_programme": (
            reverse("programmes:proposal_link_programme", args=[w["accepted"].pk]),
            {"programme": w["second"].pk},
            {"crm_manager", "planning_director"},
        ),
    }


POSTS = [
    "handover",
    "review",
    "donors",
    "identify",
    "seed",
    "answer",
    "create_proposal",
    "create_programme",
    "link_programme",
]


@pytest.mark.parametrize("who", SUBJECTS)
@pytest.mark.parametrize("action", POSTS)
def test_who_may_post_and_a_refused_post_changes_nothing(client, everyone, world, who, action):
    url, data, allowed = _posts(world)[action]
    client.force_login(everyone[who])
    before = snapshot()
    response = client.post(url, data)
    if who in allowed:
        assert response.status_code == 302
        assert snapshot() != before, f"{who} {action} should have changed something"
    else:
        assert response.status_code == 403
        assert snapshot() == before


@pytest.mark.parametrize("action", POSTS)
def test_anonymous_posts_are_sent_to_login_and_change_nothing(client, world, action):
    url, data, _allowed = _posts(world)[action]
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert snapshot() == before


@pytest.mark.parametrize(
    "name",
    ["cycle_review", "cycle_identify", "proposal_create_programme", "proposal_link_programme"],
)
def test_steps_are_post_only(client, everyone, world, name):
    client.force_login(everyone["crm_manager"])
    obj = world["waiting"] if name.startswith("cycle") else world["accepted"]
    assert client.get(reverse(f"programmes:{name}", args=[obj.pk])).status_code == 405


# --- the cycle over HTTP ------------------------------------------------------------------


def test_the_handover_page_proposes_the_period_due_and_the_years_programmes(
    client, everyone, category, settings
):
    settings.PORTFOLIO_CYCLE_CADENCE = "annual"
    year = timezone.localdate().year
    planned = make_programme("P-1", category=category, portfolio_year=year)
    make_programme("P-2", "برنامج قديم", category=category, portfolio_year=year - 1)
    make_programme("P-3", "برنامج ملغى", category=category, portfolio_year=year, status="cancelled")
    client.force_login(everyone["planning_director"])
    response = client.get(reverse("programmes:cycle_handover"))
    form = response.context["form"]
    assert form.initial["year"] == year and form.initial["half"] == CycleHalf.WHOLE_YEAR
    assert form.initial["programmes"] == [planned.pk]
    assert [p.code for p in form.fields["programmes"].queryset] == ["P-1", "P-2"]


def test_the_handover_form_keeps_typed_values_after_a_refusal(client, everyone, world):
    client.force_login(everyone["planning_director"])
    response = client.post(
        reverse("programmes:cycle_handover"),
        {
            "year": "2027",
            "half": "1",
            "received_on": timezone.localdate().isoformat(),
            "programmes": [world["programme"].pk],
            "note": "ملاحظة مكتوبة",
        },
    )
    assert response.status_code == 200
    assert (
        "The portfolio of First half of 2027 was already handed over." in response.content.decode()
    )
    assert "ملاحظة مكتوبة" in response.content.decode()
    response = client.post(
        reverse("programmes:cycle_handover"),
        {"year": "2030", "half": "0", "received_on": "2999-01-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"received_on", "programmes"}


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_handover_fields_are_written_as_crispy_writes_them(client, everyone, world, method):
    """The page writes its fields without crispy's templates (about 200 boxes in the field):
    the same labels, legend, ids, ticks, classes and errors."""
    client.force_login(everyone["planning_director"])
    data = {"year": "2030", "half": "9", "received_on": "2999-01-01", "note": "<b>ملاحظة</b>"}
    url = reverse("programmes:cycle_handover")
    response = client.post(url, data) if method == "post" else client.get(url)
    content = same_markup(response.content.decode())
    form = response.context["form"]
    if method == "post":
        assert form.errors.keys() == {"half", "received_on", "programmes"}
    for name in form.fields:
        # A new form: crispy writes its classes into the widget it renders.
        fresh = HandoverForm(data) if method == "post" else HandoverForm(initial=form.initial)
        if method == "post":
            fresh.is_valid()
        assert same_markup(as_crispy_field(fresh[name])) in content, name
    assert content.count('class="form-check-input') == Programme.objects.count()


def test_the_crm_manager_reviews_chooses_donors_and_records_the_identification(
    client, everyone, world
):
    client.force_login(everyone["crm_manager"])
    cycle = world["waiting"]
    detail = reverse("programmes:cycle_detail", args=[cycle.pk])
    page = client.get(detail)
    assert page.context["actions"] == ["review"]
    panel = page.context["panel"]
    assert panel.primary.action.name == "review" and not panel.others
    response = client.post(reverse("programmes:cycle_review", args=[cycle.pk]), {"notes": ""})
    assert response.status_code == 200  # the form again, with its error
    assert PortfolioCycle.objects.get(pk=cycle.pk).state == CycleState.HANDED_OVER
    response = client.post(
        reverse("programmes:cycle_review", args=[cycle.pk]), {"notes": "مطابقة للخطة"}, follow=True
    )
    assert "The portfolio was reviewed." in response.content.decode()
    page = client.get(detail)
    rows = {row["entry"].programme.code: row for row in page.context["rows"]}
    # The donor interested in education comes offered and ticked.
    assert rows["EDU-1"]["suggested_ids"] == {world["donor"].pk}
    assert rows["EDU-1"]["form"].initial["donors"] == [world["donor"].pk]
    entry = rows["EDU-1"]["entry"]
    other = make_donor("شركة النخبة")
    response = client.post(
        reverse("programmes:cycle_donors", args=[cycle.pk, entry.pk]),
        {f"p{entry.pk}-donors": [world["donor"].pk], f"p{entry.pk}-other_donors": f"{other.code}"},
        follow=True,
    )
    assert "2 added, 0 removed" in response.content.decode()
    assert set(
        CycleDonor.objects.filter(cycle_programme=entry).values_list("donor", flat=True)
    ) == {
        world["donor"].pk,
        other.pk,
    }
    # EDU-2 has no donor: the identification needs a note.
    response = client.post(reverse("programmes:cycle_identify", args=[cycle.pk]), {}, follow=True)
    assert "EDU-2" in response.content.decode()
    assert PortfolioCycle.objects.get(pk=cycle.pk).state == CycleState.REVIEWED
    client.post(reverse("programmes:cycle_identify", args=[cycle.pk]), {"note": "لاحقاً"})
    cycle.refresh_from_db()
    assert cycle.state == CycleState.DONORS_IDENTIFIED
    page = client.get(detail)
    assert page.context["actions"] == []
    assert "donors-form" not in page.content.decode()


def test_unknown_donor_codes_are_refused_with_a_message(client, everyone, world):
    client.force_login(everyone["crm_manager"])
    cycle, entry = world["in_review"], world["entry"]
    response = client.post(
        reverse("programmes:cycle_donors", args=[cycle.pk, entry.pk]),
        {f"p{entry.pk}-other_donors": "123 abc"},
    )
    assert response.status_code == 200
    assert "These are not customer codes: abc" in response.content.decode()
    assert CycleDonor.objects.filter(cycle_programme=entry).count() == 1


def test_an_opportunity_is_seeded_from_the_cycle_page(client, everyone, world):
    client.force_login(everyone["crm_staff"])
    cycle, entry = world["in_review"], world["entry"]
    page = client.get(reverse("programmes:cycle_detail", args=[cycle.pk]))
    seed_form = page.context["rows"][0]["seed_form"]
    assert seed_form.initial["expected_amount"] == Decimal("100000")
    response = client.post(
        reverse("programmes:cycle_seed", args=[cycle.pk, entry.pk]),
        {f"s{entry.pk}-title": "تمويل محو الأمية", f"s{entry.pk}-expected_amount": "80000"},
    )
    opportunity = Opportunity.objects.get()
    assert response.url == reverse("opportunities:detail", args=[opportunity.pk])
    assert list(opportunity.potential_donors.all()) == [world["donor"]]
    page = client.get(reverse("programmes:cycle_detail", args=[cycle.pk]))
    assert "seed_form" not in page.context["rows"][0]
    assert "تمويل محو الأمية" in page.content.decode()


def test_the_cycle_list_shows_the_period_with_its_hijri_span_and_counts(
    client, everyone, world, django_assert_max_num_queries
):
    client.force_login(everyone["planning_director"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("programmes:cycle_list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "First half of 2027" in content and "Year 2026" in content
    # 1 January 2027 is 22 Rajab 1448 (Umm al-Qura).
    assert "22 Rajab 1448 AH" in content
    rows = {cycle.pk: cycle for cycle in response.context["page"]}
    assert rows[world["in_review"].pk].donor_count == 1
    assert rows[world["waiting"].pk].programme_count == 2
    filtered = client.get(reverse("programmes:cycle_list"), {"state": "reviewed"})
    assert [cycle.pk for cycle in filtered.context["page"]] == [world["in_review"].pk]


# --- proposals over HTTP ------------------------------------------------------------------


def test_a_proposal_from_a_donors_profile_starts_with_the_donor_and_interest(
    client, everyone, world
):
    client.force_login(everyone["crm_staff"])
    response = client.get(reverse("programmes:proposal_create"), {"donor": world["donor"].pk})
    form = response.context["form"]
    assert form.initial == {
        "donor_codes": str(world["donor"].code),
        "category": world["programme"].category_id,
    }


def test_planning_answers_from_the_proposal_page(client, everyone, world):
    client.force_login(everyone["planning_director"])
    proposal = world["submitted"]
    page = client.get(reverse("programmes:proposal_detail", args=[proposal.pk]))
    assert page.context["actions"] == ["accept", "refuse", "study"]
    response = client.post(
        reverse("programmes:proposal_answer", args=[proposal.pk, "refuse"]),
        {"note": ""},
        follow=True,
    )
    assert "Write why the proposal is refused." in response.content.decode()
    response = client.post(
        reverse("programmes:proposal_answer", args=[proposal.pk, "study"]),
        {"note": "نحتاج دراسة الاحتياج"},
        follow=True,
    )
    assert "needing study" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.NEEDS_STUDY
    response = client.post(reverse("programmes:proposal_answer", args=[proposal.pk, "other"]), {})
    assert response.status_code == 403


def test_an_accepted_proposal_gets_its_programme_created_and_linked(client, everyone, world):
    client.force_login(everyone["planning_director"])
    proposal = world["accepted"]
    page = client.get(reverse("programmes:proposal_detail", args=[proposal.pk]))
    create = page.context["panel"].primary
    assert create.action.name == "create_programme"
    assert create.form.initial["name"] == "برنامج كسوة العيد"
    response = client.post(
        reverse("programmes:proposal_create_programme", args=[proposal.pk]),
        {"code": "EDU-1", "name": "كسوة", "category": proposal.category_id, "budget": "10"},
    )
    assert response.status_code == 200
    assert "Another programme already has the code EDU-1." in response.content.decode()
    response = client.post(
        reverse("programmes:proposal_create_programme", args=[proposal.pk]),
        {
            "code": "EID-2027",
            "name": "كسوة العيد",
            "category": proposal.category_id,
            "budget": "10",
        },
        follow=True,
    )
    proposal.refresh_from_db()
    assert proposal.programme.code == "EID-2027"
    assert proposal.programme.description == proposal.description
    assert "EID-2027" in response.content.decode()
    history = proposal.programme.history.first()
    assert history.history_user == everyone["planning_director"]
    assert "برنامج كسوة العيد" in history.history_change_reason


def test_the_proposals_list_filters_and_searches_by_donor(client, everyone, world):
    client.force_login(everyone["crm_manager"])
    response = client.get(reverse("programmes:proposal_list"), {"state": "accepted"})
    assert [p.pk for p in response.context["page"]] == [world["accepted"].pk]
    response = client.get(reverse("programmes:proposal_list"), {"q": str(world["donor"].code)})
    assert {p.pk for p in response.context["page"]} == {
        world["accepted"].pk,
        world["submitted"].pk,
    }
    response = client.get(reverse("programmes:proposal_list"), {"q": "لا يوجد"})
    assert "No programme proposal matches." in response.content.decode()


def test_planning_sees_proposals_awaiting_an_answer_first(client, everyone, world):
    client.force_login(everyone["planning_director"])
    response = client.get(reverse("programmes:proposal_list"))
    assert [p.pk for p in response.context["page"]][0] == world["submitted"].pk


def test_an_overdue_proposal_is_marked(client, everyone, world):
    ProgrammeProposal.objects.filter(pk=world["submitted"].pk).update(
        answer_due_at=timezone.now() - datetime.timedelta(days=1)
    )
    client.force_login(everyone["crm_staff"])
    response = client.get(reverse("programmes:proposal_list"))
    assert "list-group-item-danger" in response.content.decode()
    assert Customer.objects.count() == 1


def test_the_programme_page_lists_its_cycles_and_the_proposal_it_came_from(client, everyone, world):
    proposal = world["accepted"]
    proposals.proposal_link_programme(
        proposal=proposal, actor=everyone["planning_director"], programme=world["programme"]
    )
    client.force_login(everyone["crm_manager"])
    content = client.get(reverse("programmes:detail", args=[world["programme"].pk])).content
    content = content.decode()
    assert 'data-testid="programme-cycles"' in content
    assert "First half of 2027" in content and "Year 2026" in content
    assert reverse("programmes:proposal_detail", args=[proposal.pk]) in content
    # Quality officers read programmes but neither cycles nor proposals.
    client.force_login(everyone["quality_officer"])
    content = client.get(reverse("programmes:detail", args=[world["programme"].pk])).content
    assert b'data-testid="programme-cycles"' not in content


def test_the_donors_profile_lists_the_programmes_asked_for_and_links_a_proposal(
    client, everyone, world
):
    donor = world["donor"]
    client.force_login(everyone["crm_staff"])
    content = client.get(reverse("customers:detail", args=[donor.pk])).content.decode()
    assert 'data-testid="proposals-panel"' in content
    assert "برنامج الحقيبة المدرسية" in content and "برنامج كسوة العيد" in content
    assert f"{reverse('programmes:proposal_create')}?donor={donor.pk}" in content
    client.force_login(everyone["management"])  # reads proposals, does not propose
    content = client.get(reverse("customers:detail", args=[donor.pk])).content.decode()
    assert 'data-testid="proposals-panel"' in content
    assert reverse("programmes:proposal_create") not in content
    client.force_login(everyone["resource_development"])
    content = client.get(reverse("customers:detail", args=[donor.pk])).content.decode()
    assert 'data-testid="proposals-panel"' not in content
