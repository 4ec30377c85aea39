"""The monthly roll-up of the recurring complaints (complaints.complaint_tallies): the pages
read it instead of counting every complaint of the period, and it must give exactly what
counting the cases gives, for every reader and period, after every kind of write."""

import datetime
import random
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from association import roles
from complaints import complaint_tallies, recurring, selectors, services
from complaints.models import Case, CaseCategory, CaseRoute, ComplaintTally
from tests.helpers import user_with

from .conftest import register

pytestmark = pytest.mark.django_db

RIYADH = zoneinfo.ZoneInfo("Asia/Riyadh")
SUBJECTS = ("تأخر توزيع السلة", "التأخر في توزيع السلة", "سوء التعامل", "انقطاع التكييف")


def riyadh(*args):
    return datetime.datetime(*args, tzinfo=RIYADH)


def rows():
    return sorted(
        ComplaintTally.objects.values_list(
            "part",
            "registrar_key",
            "group_key",
            "routed_to",
            "centre_key",
            "count",
            "first_at",
            "last_at",
            "sample",
        )
    )


def shown(groups):
    return [
        (
            group.key,
            group.label,
            group.count,
            group.first_at,
            group.last_at,
            [(month.label, month.count) for month in group.monthly],
        )
        for group in groups
    ]


@pytest.fixture
def categories(db):
    return [CaseCategory.objects.create(name=name) for name in ("التوزيع", "التعامل")]


@pytest.fixture
def mixed(people, customers, categories, places):
    """Complaints, inquiries, with and without category and centre, over eight months and
    across month ends (Riyadh), registered by staff of both queues and by the public."""
    rng = random.Random(5)
    now = timezone.now()
    registrars = [
        people["centres"],
        people["centres_manager"],
        people["crm"],
        people["crm_manager"],
    ]
    cases = []
    for index in range(50):
        received_at = now - datetime.timedelta(hours=rng.randrange(8 * 30 * 24))
        customer = rng.choice([customers["beneficiary"], customers["beneficiary_other"], None])
        cases.append(
            register(
                rng.choice(registrars),
                customer,
                kind=rng.choice(["complaint", "complaint", "complaint", "inquiry"]),
                category=rng.choice([*categories, None]),
                subject=rng.choice(SUBJECTS),
                received_at=received_at,
                **(
                    {}
                    if customer
                    else {
                        "contact_kind": "beneficiary" if index % 2 else "",
                        "centre": rng.choice(list(places.values()))
                        if index % 2
                        else rng.choice([*places.values(), None]),
                    }
                ),
            )
        )
    return cases


def readers(people):
    return [
        people["quality"],
        people["crm_manager"],
        people["centres_manager"],
        people["centres"],
        people["centres_other"],
        people["crm"],
        user_with(roles.COUNCIL_SECRETARY, "secretary"),
        user_with(roles.PLANNING_DIRECTOR, "planning"),
        people["steward"],
    ]


def periods():
    now = timezone.now()
    today = timezone.localdate()
    day = lambda date: timezone.make_aware(  # noqa: E731
        datetime.datetime.combine(date, datetime.time.min), RIYADH
    )
    return [
        recurring.default_period(now),  # «عملي»: to the second
        (day(today - datetime.timedelta(days=90)), day(today + datetime.timedelta(days=1))),
        (day(today - datetime.timedelta(days=200)), day(today - datetime.timedelta(days=17))),
        (day(today.replace(day=1)) - datetime.timedelta(days=1), now),
        (riyadh(2000, 1, 1), day(today + datetime.timedelta(days=1))),
    ]


def assert_same_as_counting(people):
    for user in readers(people):
        scope = selectors.analysis_scope(user)
        cases = selectors.analysis_cases(user)
        for start, end in periods():
            for kind in (None, "cc", "tx"):
                rolled = recurring.add_details(
                    recurring.find_groups(scope, start, end, kind), scope, end
                )
                counted = recurring.add_details(
                    recurring.find_groups(cases, start, end, kind), cases, end
                )
                assert shown(rolled) == shown(counted), (user.username, start, end, kind)
            for group in counted[:3]:
                one = recurring.find_group(scope, group.group_key, start, end)
                assert shown([one]) == shown(
                    [recurring.find_group(cases, group.group_key, start, end)]
                )


def test_the_roll_up_gives_what_counting_the_cases_gives(mixed, people):
    assert ComplaintTally.objects.exists()
    assert_same_as_counting(people)


def test_a_rebuild_finds_the_rows_the_writes_kept(mixed):
    kept = rows()
    assert complaint_tallies.rebuild() == len(kept)
    assert rows() == kept


def test_moves_re_dates_and_deletions_recount_the_months(mixed, people, customers, places):
    kept_by_writes = None
    complaints = [case for case in mixed if case.kind == "complaint"]
    # A referral moves a case to another queue and centre.
    movable = next(
        case
        for case in complaints
        if case.routed_to == CaseRoute.CENTRES and case.state in ("received", "under_study")
    )
    handler = (
        people["centres"] if movable.centre_id == places["mine"].pk else people["centres_other"]
    )
    services.case_refer(
        case=movable, actor=handler, department=CaseRoute.CRM, note="للإدارة", centre=None
    )
    # A public filing confirmed as a customer of another centre.
    filed = services.case_file_public(
        kind="complaint",
        subject=SUBJECTS[0],
        description="وصف",
        contact_name="زائر",
        contact_mobile="+966501110009",
        contact_kind="beneficiary",
        centre=places["other"],
    )
    services._link_customer(filed, customers["beneficiary"], actor=people["quality"])
    # A re-dated case (as the demo does) and a deleted one.
    Case.objects.filter(pk=complaints[1].pk).update(received_at=riyadh(2024, 1, 5))
    complaint_tallies.refresh(
        complaint_tallies.buckets_of(complaints[1])
        | complaint_tallies.buckets_of(Case.objects.get(pk=complaints[1].pk))
    )
    complaints[2].delete()
    kept_by_writes = rows()
    complaint_tallies.rebuild()
    assert rows() == kept_by_writes
    assert_same_as_counting(people)


def test_a_saved_change_of_subject_or_category_moves_the_case(mixed, categories):
    case = next(case for case in mixed if case.kind == "complaint" and case.category_id)
    case.subject = "موضوع جديد تماما"
    case.category = categories[1] if case.category_id == categories[0].pk else categories[0]
    case.save()
    kept = rows()
    complaint_tallies.rebuild()
    assert rows() == kept


def test_a_step_of_the_workflow_does_not_recount(people, customers, django_assert_num_queries):
    case = register(people["crm"], customers["donor"])
    kept = rows()
    services.case_promise_callback(case=case, actor=people["crm"], note="غداً")
    assert rows() == kept


def test_the_pages_read_the_roll_up_in_queries_that_do_not_grow(
    client, people, customers, categories, django_assert_max_num_queries
):
    client.force_login(people["crm_manager"])
    url = reverse("complaints:recurring")

    def add(count):
        for index in range(count):
            register(
                people["crm"],
                customers["donor"],
                category=categories[index % 2],
                subject=SUBJECTS[index % 4],
                received_at=timezone.now() - datetime.timedelta(days=index * 9 % 170),
            )

    add(10)
    with django_assert_max_num_queries(30) as first:
        response = client.get(url)
    assert response.status_code == 200
    groups = response.context["page"].object_list
    assert groups
    key = groups[0].key
    detail = f"{reverse('complaints:recurring_detail')}?key={key}"
    with django_assert_max_num_queries(40) as first_detail:
        assert client.get(detail).status_code == 200
    add(30)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(len(first_detail.captured_queries)):
        assert client.get(detail).status_code == 200


def test_whole_months_are_read_from_the_roll_up_alone(mixed, people, django_assert_num_queries):
    scope = selectors.analysis_scope(people["quality"])
    today = timezone.localdate()
    first = today.replace(day=1)
    start = timezone.make_aware(
        datetime.datetime.combine(
            (first - datetime.timedelta(days=80)).replace(day=1), datetime.time.min
        ),
        RIYADH,
    )
    end = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min), RIYADH)
    with django_assert_num_queries(1):
        complaint_tallies.group_totals(scope, start, end)
