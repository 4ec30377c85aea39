"""The customer 360 (issue 12, item 6): the header card's badges and actions and the one
timeline, each fed by the apps through the registries of customers.profile and
customers.timeline; what each role sees; the page's queries do not grow with the entries."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers import profile, timeline
from customers.models import Customer
from customers.profile import ProfileAction, ProfileBadge
from customers.timeline import TimelineEntry

# The page as it is built (its queries, its context), not as customers.profile_cache keeps it.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("profile_built")]

DONOR = "مؤسسة عبدالله الخيرية"  # the demo donor with cases, forms, contacts, problems…
BENEFICIARY = "فاطمة علي الزهراني"  # a beneficiary of مركز حي الصفا with two cases


# --- the registries, alone ----------------------------------------------------------------


@pytest.fixture
def own_registries(monkeypatch):
    """Empty registries for one test: the apps' real sources are left out."""
    monkeypatch.setattr(timeline, "_sources", [])
    monkeypatch.setattr(profile, "_badge_builders", [])
    monkeypatch.setattr(profile, "_action_builders", [])


class Reader:
    """A user stand-in holding some permissions."""

    def __init__(self, *perms):
        self.perms = set(perms)

    def has_perm(self, perm):
        return perm in self.perms


def at(day, hour=12):
    return timezone.make_aware(datetime.datetime(2026, 11, day, hour))


def source(kind, whens, calls=None):
    def entries(customer, user, limit):
        if calls is not None:
            calls.append(limit)
        ordered = sorted(whens, key=lambda when: TimelineEntry(when, kind, "", "").sort_key)
        return [TimelineEntry(when, kind, "dot", f"{kind} {when}") for when in ordered[::-1]][
            :limit
        ]

    return entries


def test_sources_are_merged_newest_first_and_a_date_sorts_before_that_days_times(
    own_registries,
):
    timeline.register_timeline_source("a", "A", "dot")(source("a", [at(1), at(3, 9)]))
    timeline.register_timeline_source("b", "B", "dot")(
        source("b", [datetime.date(2026, 11, 3), at(2)])
    )
    page = timeline.customer_timeline(None, Reader())
    assert [(entry.kind, entry.when) for entry in page.entries] == [
        ("a", at(3, 9)),
        ("b", datetime.date(2026, 11, 3)),
        ("b", at(2)),
        ("a", at(1)),
    ]
    assert not page.has_older and not page.has_newer


def test_pages_of_thirty_ask_each_source_for_just_enough(own_registries):
    calls = []
    days = [at(1) + datetime.timedelta(hours=hour) for hour in range(70)]
    timeline.register_timeline_source("a", "A", "dot")(source("a", days[::2], calls))
    timeline.register_timeline_source("b", "B", "dot")(source("b", days[1::2], calls))

    first = timeline.customer_timeline(None, Reader())
    assert [entry.when for entry in first.entries] == days[::-1][:30]
    assert first.has_older and calls == [31, 31]

    third = timeline.customer_timeline(None, Reader(), page=3)
    assert [entry.when for entry in third.entries] == days[::-1][60:]
    assert third.has_newer and not third.has_older
    assert calls[-2:] == [91, 91]


def test_a_kind_filter_keeps_one_source_and_hides_kinds_the_user_may_not_read(
    own_registries,
):
    calls = []
    timeline.register_timeline_source("a", "A", "dot")(source("a", [at(1)], calls))
    timeline.register_timeline_source("secret", "S", "dot", permission="app.view_secret")(
        source("secret", [at(2)], calls)
    )
    assert [kind.key for kind in timeline.timeline_kinds(Reader())] == ["a"]
    assert [entry.kind for entry in timeline.customer_timeline(None, Reader()).entries] == ["a"]
    assert len(calls) == 1  # the hidden source is not even asked

    reader = Reader("app.view_secret")
    only = timeline.customer_timeline(None, reader, kind="secret")
    assert only.kind == "secret" and [entry.kind for entry in only.entries] == ["secret"]
    # An unknown kind shows everything.
    assert timeline.customer_timeline(None, reader, kind="nope").kind == ""


def test_a_source_registers_once_and_two_sources_may_not_share_a_kind(own_registries):
    entries = source("a", [at(1)])
    timeline.register_timeline_source("a", "A", "dot")(entries)
    timeline.register_timeline_source("a", "A", "dot")(entries)  # a module imported twice
    assert len(timeline._sources) == 1
    with pytest.raises(ValueError):
        timeline.register_timeline_source("a", "A", "dot")(source("a", []))
    timeline.unregister_timeline_source(entries)
    assert timeline._sources == []


def test_badges_and_actions_leave_out_none_and_put_the_urgent_and_primary_first(
    own_registries,
):
    profile.register_profile_badge(lambda customer, user: None)
    profile.register_profile_badge(lambda customer, user: ProfileBadge("موافقة", "success"))
    profile.register_profile_badge(lambda customer, user: ProfileBadge("٣ طلبات", "warning"))
    profile.register_profile_action(lambda customer, user: ProfileAction("تعديل", "/edit/"))
    profile.register_profile_action(lambda customer, user: None)
    profile.register_profile_action(
        lambda customer, user: ProfileAction("طلب جديد", "/new/", primary=True)
    )
    assert [badge.label for badge in profile.profile_badges(None, None)] == ["٣ طلبات", "موافقة"]
    assert [action.label for action in profile.profile_actions(None, None)] == [
        "طلب جديد",
        "تعديل",
    ]


def test_counted_badges_are_read_in_one_query_and_keep_their_place(own_registries):
    """Every badge's counts in one query, each badge made from its own; a read of nothing
    counts zeros; the order stays the tones', then the registration's."""
    for code, kind in [(980001, "donor"), (980002, "donor"), (980003, "beneficiary")]:
        Customer.objects.create(code=code, name=f"عميل {code}", kind=kind)
    mine = Customer.objects.filter(code__gte=980001)

    def counted(rows, tone):
        return profile.CountedBadge(
            rows,
            {"all": Count("pk"), "donors": Count("pk", filter=Q(kind="donor"))},
            lambda counts: (
                ProfileBadge(f"{counts['all']}/{counts['donors']}", tone) if counts["all"] else None
            ),
        )

    profile.register_profile_badge(lambda customer, user: ProfileBadge("موافقة", "info"))
    profile.register_profile_badge(lambda customer, user: counted(mine, "info"))
    profile.register_profile_badge(lambda customer, user: counted(mine.none(), "danger"))
    profile.register_profile_badge(lambda customer, user: counted(mine.filter(kind="x"), "danger"))
    profile.register_profile_badge(
        lambda customer, user: counted(mine.filter(kind="donor"), "danger")
    )
    with CaptureQueriesContext(connection) as queries:
        labels = [badge.label for badge in profile.profile_badges(None, None)]
    assert labels == ["2/2", "موافقة", "3/2"]
    assert len(queries) == 1


def test_no_counted_badge_no_query(own_registries):
    profile.register_profile_badge(lambda customer, user: ProfileBadge("موافقة", "success"))
    profile.register_profile_badge(
        lambda customer, user: profile.CountedBadge(
            Customer.objects.none(), {"n": Count("pk")}, lambda counts: None
        )
    )
    with CaptureQueriesContext(connection) as queries:
        assert [badge.label for badge in profile.profile_badges(None, None)] == ["موافقة"]
    assert queries.captured_queries == []


# --- the page, per role, on the demo data -------------------------------------------------


@pytest.fixture
def demo(db):
    call_command("load_demo_data", stdout=None)
    return {
        "donor": Customer.objects.get(name=DONOR),
        "beneficiary": Customer.objects.get(name=BENEFICIARY),
    }


def login(client, username):
    client.force_login(get_user_model().objects.get(username=username))


def page_of(client, customer, **query):
    response = client.get(reverse("customers:detail", args=[customer.pk]), query)
    assert response.status_code == 200
    return response


def header_of(content):
    return content[content.index('data-testid="c360-header"') : content.index("anchored-tabs-nav")]


def timeline_kinds_of(response):
    return {entry.kind for entry in response.context["timeline"].entries}


def kinds_of_every_timeline_page(client, customer):
    """The kinds of entry on the whole timeline, page after page (a busy customer's first
    page holds only the newest thirty)."""
    kinds, page = set(), 1
    while True:
        timeline = page_of(client, customer, page=page).context["timeline"]
        kinds |= {entry.kind for entry in timeline.entries}
        if not timeline.has_older:
            return kinds
        page += 1


def test_the_crm_manager_sees_every_badge_action_and_kind_of_entry(client, demo):
    login(client, "crm_manager")
    response = page_of(client, demo["donor"])
    content = response.content.decode()
    header = header_of(content)
    assert "050 111 0001" in header  # the mobile shown the local way
    assert "نورة الحربي" in header  # the point of contact
    assert [action.label for action in response.context["actions"]] == [
        "تسجيل طلب جديد",
        "طلب تعديل",
        "تسجيل تواصل",
        "تسجيل مشكلة",
    ]
    badges = " ".join(badge.label for badge in response.context["badges"])
    assert "طلب مفتوح واحد" in badges
    assert "مشكلة واحدة لم تُحل" in badges
    assert "تواصل واحد بانتظار الموافقة" in badges
    assert kinds_of_every_timeline_page(client, demo["donor"]) >= {
        "forms",
        "cases",
        "contacts",
        "opportunities",
        "point_of_contact",
        "problems",
        "proposals",
    }
    assert 'id="timeline"' in content and 'href="#timeline"' in content


def test_the_secretary_sees_no_case_form_or_problem_and_no_action(client, demo):
    login(client, "secretary")
    response = page_of(client, demo["donor"])
    assert response.context["actions"] == []
    kinds = {kind.key for kind in response.context["timeline"].kinds}
    assert "cases" not in kinds and "problems" not in kinds and "proposals" not in kinds
    assert {"contacts", "opportunities", "point_of_contact", "donations"} <= kinds
    entries = response.context["timeline"].entries
    assert not any(entry.url and "/customers/forms/" in entry.url for entry in entries)
    assert not any(entry.kind == "cases" for entry in entries)
    badges = " ".join(badge.label for badge in response.context["badges"])
    assert "طلب" not in badges and "مشكلة" not in badges


def test_the_steward_sees_the_forms_and_no_case(client, demo):
    login(client, "steward")
    response = page_of(client, demo["donor"])
    assert response.context["actions"] == []
    kinds = timeline_kinds_of(response)
    assert "forms" in kinds and "cases" not in kinds and "contacts" not in kinds
    assert any(
        "/customers/forms/" in (entry.url or "") for entry in response.context["timeline"].entries
    )


def test_centres_staff_see_their_beneficiary_s_cases_and_may_register_one(client, demo):
    login(client, "centres_staff")
    response = page_of(client, demo["beneficiary"])
    assert [action.label for action in response.context["actions"]] == ["تسجيل طلب جديد"]
    assert "cases" in timeline_kinds_of(response)
    assert client.get(reverse("customers:detail", args=[demo["donor"].pk])).status_code == 404


def test_the_kind_filter_and_the_badge_links_open_the_timeline(client, demo):
    login(client, "crm_manager")
    response = page_of(client, demo["donor"], kind="cases")
    assert timeline_kinds_of(response) == {"cases"}
    assert 'href="?kind=cases#timeline"' in response.content.decode()


@pytest.mark.parametrize(
    "username",
    ["crm_manager", "crm_staff", "steward", "quality", "secretary", "management", "resources"],
)
def test_every_link_on_the_page_opens_for_that_role(client, demo, username):
    """Links a role cannot open are not shown: each action and timeline link answers 200."""
    login(client, username)
    response = page_of(client, demo["donor"])
    urls = {action.url for action in response.context["actions"]}
    urls |= {entry.url for entry in response.context["timeline"].entries if entry.url}
    urls |= {badge.url for badge in response.context["badges"] if badge.url.startswith("/")}
    assert urls or username in ("quality",), username
    for url in sorted(urls):
        assert client.get(url).status_code == 200, (username, url)


def test_the_new_case_action_fills_in_the_customer_code(client, demo):
    login(client, "crm_staff")
    content = client.get(reverse("complaints:new"), {"customer": demo["donor"].code}).content
    assert f'value="{demo["donor"].code}"' in content.decode()


# --- the query budget ---------------------------------------------------------------------


def _count_queries(client, customer):
    with CaptureQueriesContext(connection) as queries:
        page_of(client, customer)
    return len(queries)


def _add_entries(donor, staff, count, first=0):
    from complaints import services as complaint_services
    from finance.models import Donation
    from opportunities.models import DonorContact

    for number in range(first, first + count):
        DonorContact.objects.create(
            donor=donor,
            staff=staff,
            contact_date=datetime.date(2026, 10, 1) + datetime.timedelta(days=number),
            channel="phone",
            summary=f"اتصال رقم {number}",
        )
        Donation.objects.create(
            receipt_number=f"R-360-{number}",
            received_on=datetime.date(2026, 9, 1) + datetime.timedelta(days=number),
            amount=Decimal("100.00"),
            donor=donor,
        )
    for number in range(first, first + count // 3):
        complaint_services.case_register(
            actor=staff,
            kind="inquiry",
            channel="phone",
            subject=f"استفسار {number}",
            description="عن موعد البرنامج",
            customer=donor,
            contact_name="",
        )


def test_the_page_s_queries_do_not_grow_with_the_timeline(client, demo):
    login(client, "crm_manager")
    staff = get_user_model().objects.get(username="crm_staff")
    page_of(client, demo["donor"])  # the cached rows (cities, centres, permissions) read once
    before = _count_queries(client, demo["donor"])
    _add_entries(demo["donor"], staff, 30)
    after = _count_queries(client, demo["donor"])
    # The timeline reads the rows shown per query: newer entries of fewer sources, fewer reads.
    assert after <= before, (before, after)
    response = page_of(client, demo["donor"])
    assert len(response.context["timeline"].entries) == timeline.PAGE_SIZE
    assert response.context["timeline"].has_older
    older = page_of(client, demo["donor"], page="٢")  # Arabic-Indic digits are read too
    assert older.context["timeline"].number == 2


def _move_between_centres(customer, times):
    """`times` saves of the customer, each to another centre (and its city): history rows
    naming cities and centres."""
    from association.models import Centre

    first = Centre.objects.select_related("city").order_by("pk").first()
    other = Centre.objects.select_related("city").exclude(city=first.city).order_by("pk").first()
    centres = [first, other]
    for number in range(times):
        centre = centres[(number + 1) % 2]
        customer.centre, customer.city = centre, centre.city
        customer.save()


def test_the_history_s_cities_and_centres_add_no_query_per_change(client, demo):
    login(client, "crm_manager")
    customer = demo["beneficiary"]
    _move_between_centres(customer, 1)
    page_of(client, customer)  # the cached rows (cities, centres, permissions) read once
    before = _count_queries(client, customer)
    _move_between_centres(customer, 6)
    after = _count_queries(client, customer)
    assert after == before, (before, after)
    changes = page_of(client, customer).context["changes"]
    assert len(changes) >= 7
    shown = {str(value) for _, diffs in changes for _, old, new in diffs for value in (old, new)}
    customer.refresh_from_db()
    assert {str(customer.centre), str(customer.city)} <= shown


def test_a_renamed_centre_shows_at_once_on_the_profile(client, demo):
    login(client, "crm_manager")
    customer = demo["beneficiary"]
    page_of(client, customer)  # the centres now in the cache
    centre = customer.centre
    centre.name = "مركز حي الروضة الجديد"
    centre.save()  # a new version of the places cache
    rows = dict(page_of(client, customer).context["rows"])
    assert str(rows[Customer._meta.get_field("centre").verbose_name]) == str(centre)
    assert "مركز حي الروضة الجديد" in str(centre)


def test_a_referral_between_centres_names_both_in_the_timeline_without_a_query_each(client, demo):
    from association.models import Centre
    from complaints.models import Case, CaseEvent, CaseEventKind, CaseRoute

    login(client, "quality")  # reads every case
    customer = demo["beneficiary"]
    case = Case.objects.filter(customer=customer).order_by("pk").first()
    staff = get_user_model().objects.get(username="crm_staff")
    first, second = Centre.objects.order_by("pk")[:2]

    def refer(times):
        for number in range(times):
            CaseEvent.objects.create(
                case=case,
                kind=CaseEventKind.REFERRED,
                actor=staff,
                from_route=CaseRoute.CENTRES,
                from_centre=(first, second)[number % 2],
                to_route=CaseRoute.CENTRES,
                to_centre=(second, first)[number % 2],
            )

    refer(1)
    page_of(client, customer)  # the cached rows (cities, centres, permissions) read once
    before = _count_queries(client, customer)
    refer(5)
    assert _count_queries(client, customer) == before
    entries = page_of(client, customer, kind="cases").context["timeline"].entries
    details = [entry.detail for entry in entries if entry.icon == "signpost-split"]
    assert len(details) == 6
    assert all(str(first) in detail and str(second) in detail for detail in details)


def test_the_donor_s_badges_are_counted_in_one_query(client, demo):
    """The counts of the header (forms, contacts, problems, open and overdue cases) and the
    latest consent of each channel and purpose (messaging), in one query."""
    login(client, "crm_manager")
    page_of(client, demo["donor"])
    with CaptureQueriesContext(connection) as queries:
        page_of(client, demo["donor"])
    counts = [query["sql"] for query in queries if "badge_" in query["sql"]]
    assert len(counts) == 1 and counts[0].count("CROSS JOIN") == 4, counts


def _add_panel_rows(donor):
    """Rows of every panel with what each shows: an open problem and its owner, a decided
    designation (proposer and secretary), a contact about an opportunity, an open case."""
    from complaints import services as complaint_services
    from opportunities import problems
    from opportunities import services as opportunity_services
    from opportunities.models import Opportunity

    people = {user.username: user for user in get_user_model().objects.all()}
    problems.problem_raise(
        actor=people["crm_manager"],
        donor=donor,
        kind="late_payment",
        severity="high",
        title="تأخر سداد الدفعة",
        description="لم تصل الدفعة في موعدها",
        owner=people["crm_staff"],
    )
    designation = opportunity_services.designation_propose(
        donor=donor, staff=people["resources"], reason="يعرف المانح", actor=people["crm_manager"]
    )
    opportunity_services.designation_decide(
        designation=designation, actor=people["secretary"], approve=True
    )
    opportunity_services.donor_contact_log(
        actor=people["resources"],
        donor=donor,
        opportunity=Opportunity.objects.open().filter(potentialdonor__donor=donor).first(),
        contact_date=datetime.date(2026, 11, 1),
        channel="phone",
        summary="اتصال عن الفرصة",
    )
    complaint_services.case_register(
        actor=people["crm_staff"],
        kind="complaint",
        channel="phone",
        subject="شكوى عن موعد",
        description="تأخر الموعد",
        customer=donor,
        contact_name="",
    )


def test_the_panels_read_every_column_they_show_with_their_rows(client, demo):
    """The panels read only the columns they and the timeline show (opportunities,
    complaints and programmes registrations): a column left out would cost a query for
    each row shown."""
    login(client, "crm_manager")
    _add_panel_rows(demo["donor"])
    page_of(client, demo["donor"])
    before = _count_queries(client, demo["donor"])
    _add_panel_rows(demo["donor"])
    _add_panel_rows(demo["donor"])
    assert _count_queries(client, demo["donor"]) <= before
