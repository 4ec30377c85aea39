"""Recurring complaints (manual 5.1.8): grouping by category and centre and by similar
wording, monthly frequency, visibility, the quality officer's analysis and its pages."""

import datetime
import zoneinfo
from urllib.parse import urlencode

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from association import roles
from complaints import recurring
from complaints.errors import RecurringGroupError
from complaints.models import (
    Case,
    CaseCategory,
    RecommendationDecision,
    RecurringGroupReview,
    text_signature,
)
from tests.helpers import user_with

from .conftest import register

pytestmark = pytest.mark.django_db

RIYADH = zoneinfo.ZoneInfo("Asia/Riyadh")


def riyadh(*args):
    return datetime.datetime(*args, tzinfo=RIYADH)


def keys(groups):
    return {group.key: group.count for group in groups}


@pytest.fixture
def food(db):
    return CaseCategory.objects.create(name="السلال الغذائية")


@pytest.fixture
def dataset(people, customers, food):
    """Complaints of the last weeks: two on food in my centre, one in the other centre,
    an inquiry on the same subject, two worded alike without a category."""
    now = timezone.now()
    ago = lambda days: now - datetime.timedelta(days=days)  # noqa: E731
    mine = customers["beneficiary"]
    other = customers["beneficiary_other"]
    staff, manager = people["centres"], people["centres_manager"]
    return {
        "food_1": register(
            staff, mine, category=food, subject="نقص في الكمية", received_at=ago(40)
        ),
        "food_2": register(staff, mine, category=food, subject="تلف المواد", received_at=ago(5)),
        "food_other": register(
            manager, other, category=food, subject="سوء التغليف", received_at=ago(3)
        ),
        "food_inquiry": register(
            staff, mine, kind="inquiry", category=food, subject="موعد التوزيع", received_at=ago(2)
        ),
        "late_1": register(
            manager, other, subject="تأخر توزيع السلة الغذائية", received_at=ago(20)
        ),
        "late_2": register(
            people["crm"],
            customers["donor"],
            subject="التأخر في توزيع السلة الغذائية",
            received_at=ago(1),
        ),
        "old": register(staff, mine, category=food, subject="نقص قديم", received_at=ago(120)),
    }


# --- keys -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "parsed"),
    [
        ("cc:3:7", recurring.GroupKey("cc", 3, 7)),
        ("cc:3:-", recurring.GroupKey("cc", 3, None)),
        ("tx:تاخر توزيع", recurring.GroupKey("tx", signature="تاخر توزيع")),
    ],
)
def test_group_keys_round_trip(key, parsed):
    assert recurring.parse_group_key(key) == parsed
    assert parsed.key == key


@pytest.mark.parametrize("key", ["", "cc", "cc:x:1", "cc:1:x", "cc:1", "tx:", "zz:1:2", None])
def test_malformed_group_keys(key):
    assert recurring.parse_group_key(key) is None


# --- grouping ---------------------------------------------------------------------------------


def test_groups_by_category_and_centre_and_by_wording(dataset, food, places):
    start, end = recurring.default_period()
    groups = recurring.find_groups(Case.objects.all(), start, end)
    signature = text_signature("تأخر توزيع السلة الغذائية")
    assert keys(groups) == {
        f"cc:{food.pk}:{places['mine'].pk}": 2,  # the inquiry and the old one are left out
        f"tx:{signature}": 2,
    }
    by_key = {group.key: group for group in groups}
    cc = by_key[f"cc:{food.pk}:{places['mine'].pk}"]
    with translation.override("ar"):
        assert "السلال الغذائية" in cc.label and places["mine"].name in cc.label
    assert cc.first_at == dataset["food_1"].received_at
    assert cc.last_at == dataset["food_2"].received_at
    assert by_key[f"tx:{signature}"].label in {
        "تأخر توزيع السلة الغذائية",
        "التأخر في توزيع السلة الغذائية",
    }


def test_a_longer_period_catches_older_complaints(dataset, food, places):
    end = timezone.now()
    groups = recurring.find_groups(Case.objects.all(), end - datetime.timedelta(days=200), end)
    assert keys(groups)[f"cc:{food.pk}:{places['mine'].pk}"] == 3


def test_kind_filter(dataset):
    start, end = recurring.default_period()
    assert {g.kind for g in recurring.find_groups(Case.objects.all(), start, end, "cc")} == {"cc"}
    assert {g.kind for g in recurring.find_groups(Case.objects.all(), start, end, "tx")} == {"tx"}


def test_cases_without_a_centre_group_by_category(people, customers, food):
    for _ in range(2):
        register(people["crm"], customers["donor"], category=food, subject="إيصال")
    start, end = recurring.default_period()
    groups = recurring.find_groups(Case.objects.all(), start, end, "cc")
    assert keys(groups) == {f"cc:{food.pk}:-": 2}
    with translation.override("en"):
        assert recurring.find_group(
            Case.objects.all(), groups[0].group_key, start, end
        ).label.endswith("No centre")


def test_monthly_frequency_over_six_months_in_one_query(
    people, customers, food, places, django_assert_num_queries
):
    staff, mine = people["centres"], customers["beneficiary"]
    for when in (
        riyadh(2026, 1, 31, 23, 30),  # January
        riyadh(2026, 3, 1, 0, 30),  # 28 February in UTC, March in Riyadh
        riyadh(2026, 3, 15),
        riyadh(2026, 6, 10),
        riyadh(2025, 12, 20),  # seven months back: outside the chart
    ):
        register(staff, mine, category=food, subject="نقص", received_at=when)
    end = riyadh(2026, 7, 1)
    groups = recurring.find_groups(Case.objects.all(), riyadh(2025, 12, 1), end, "cc")
    with django_assert_num_queries(2):  # the monthly counts, the reviews
        recurring.add_details(groups, Case.objects.all(), end)
    [group] = groups
    assert [(m.label, m.count) for m in group.monthly] == [
        ("2026-01", 1),
        ("2026-02", 0),
        ("2026-03", 2),
        ("2026-04", 0),
        ("2026-05", 0),
        ("2026-06", 1),
    ]
    assert group.monthly_peak == 2
    heights = [bar.height for bar in group.chart.bars]
    assert heights[2] == recurring.CHART_HEIGHT and heights[1] == 0


def test_grouping_queries_do_not_grow_with_the_cases(
    people, customers, food, django_assert_max_num_queries
):
    for _ in range(3):
        register(people["centres"], customers["beneficiary"], category=food, subject="نقص الكمية")
    start, end = recurring.default_period()
    with django_assert_max_num_queries(8) as first:
        recurring.recurring_groups(Case.objects.all(), start, end)
    for _ in range(10):
        register(people["centres"], customers["beneficiary"], category=food, subject="نقص الكمية")
    with django_assert_max_num_queries(len(first.captured_queries)):
        recurring.recurring_groups(Case.objects.all(), start, end)


def test_groups_are_scoped_to_what_the_user_sees(dataset, people, food, places):
    start, end = recurring.default_period()
    centres_staff = recurring.groups_for_user(people["centres"], start, end)
    assert keys(centres_staff) == {f"cc:{food.pk}:{places['mine'].pk}": 2}
    crm = recurring.groups_for_user(people["crm"], start, end)
    assert keys(crm) == {}
    quality = recurring.groups_for_user(people["quality"], start, end)
    assert len(quality) == 2
    secretary = user_with(roles.COUNCIL_SECRETARY, "secretary")
    assert len(recurring.groups_for_user(secretary, start, end)) == 2
    assert recurring.groups_for_user(people["steward"], start, end) == []


# --- the review service -----------------------------------------------------------------------


def test_quality_officer_writes_and_rewrites_the_analysis(people, food, places):
    key = f"cc:{food.pk}:{places['mine'].pk}"
    review = recurring.save_group_review(
        actor=people["quality"],
        group_key=key,
        label="السلال · المركز",
        root_causes="  نقص المخزون ",
    )
    assert review.root_causes == "نقص المخزون"
    assert review.updated_by == people["quality"]
    recurring.save_group_review(
        actor=people["quality"],
        group_key=key,
        label="السلال · المركز",
        root_causes="نقص المخزون وتأخر المورد",
    )
    review.refresh_from_db()
    assert RecurringGroupReview.objects.count() == 1
    assert review.root_causes == "نقص المخزون وتأخر المورد"
    history = list(review.history.order_by("history_date"))
    assert len(history) == 2
    assert history[0].root_causes == "نقص المخزون"
    assert all(version.history_user == people["quality"] for version in history)


@pytest.mark.parametrize(
    "who", ["crm", "crm_manager", "centres", "centres_manager", "steward", "secretary"]
)
def test_only_the_quality_officer_writes_the_analysis(people, who):
    user = user_with(roles.COUNCIL_SECRETARY, "secretary") if who == "secretary" else people[who]
    with pytest.raises(PermissionDenied):
        recurring.save_group_review(actor=user, group_key="tx:نقص", label="نقص", root_causes="س")


def test_review_needs_some_text_and_a_real_key(people):
    with translation.override("en"), pytest.raises(RecurringGroupError, match="root causes"):
        recurring.save_group_review(
            actor=people["quality"],
            group_key="tx:نقص",
            label="نقص",
            root_causes=" ",
        )
    with translation.override("en"), pytest.raises(RecurringGroupError, match="does not exist"):
        recurring.save_group_review(
            actor=people["quality"],
            group_key="bad",
            label="",
            root_causes="س",
        )


# --- pages ------------------------------------------------------------------------------------


def detail_url(key, **params):
    return f"{reverse('complaints:recurring_detail')}?{urlencode({'key': key, **params})}"


def some_user(people, who):
    if who == "secretary":
        return user_with(roles.COUNCIL_SECRETARY, "secretary")
    if who == "planning":
        return user_with(roles.PLANNING_DIRECTOR, "planning")
    return people[who]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("crm", 403),
        ("centres", 403),
        ("steward", 403),
        ("quality", 200),
        ("crm_manager", 200),
        ("centres_manager", 200),
        ("secretary", 200),
        ("planning", 200),
    ],
)
def test_pages_permission_matrix(client, people, dataset, who, expected):
    client.force_login(some_user(people, who))
    assert client.get(reverse("complaints:recurring")).status_code == expected
    assert client.get(detail_url("tx:نقص")).status_code == expected


def test_pages_need_login(client):
    for url in (reverse("complaints:recurring"), detail_url("tx:نقص")):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def test_list_page_shows_groups_with_their_frequency(client, people, dataset):
    client.force_login(people["quality"])
    response = client.get(reverse("complaints:recurring"))
    content = response.content.decode()
    assert len(response.context["page"]) == 2
    assert content.count('data-testid="group-row"') == 2
    assert content.count('data-testid="frequency-chart"') == 2
    assert all(len(group.monthly) == 6 for group in response.context["page"])


def test_list_page_period_filter(client, people, dataset):
    client.force_login(people["quality"])
    today = timezone.localdate()
    response = client.get(
        reverse("complaints:recurring"),
        {"date_from": (today - datetime.timedelta(days=10)).isoformat(), "kind": "tx"},
    )
    assert [group.count for group in response.context["page"]] == []  # only one in 10 days
    response = client.get(reverse("complaints:recurring"), {"date_from": "x", "date_to": "y"})
    assert response.status_code == 200
    assert len(response.context["page"]) == 2  # the default period


def test_list_page_empty_state(client, people):
    client.force_login(people["quality"])
    content = client.get(reverse("complaints:recurring")).content.decode()
    assert "empty-state" in content


def test_detail_page_unknown_key_is_404(client, people):
    client.force_login(people["quality"])
    assert client.get(detail_url("nonsense")).status_code == 404
    assert client.get(reverse("complaints:recurring_detail")).status_code == 404


def test_quality_officer_saves_the_analysis_on_the_page(client, people, dataset, food, places):
    key = f"cc:{food.pk}:{places['mine'].pk}"
    client.force_login(people["quality"])
    response = client.get(detail_url(key))
    assert set(response.context["page"]) == {dataset["food_1"], dataset["food_2"]}
    assert response.context["review_form"] is not None
    response = client.post(detail_url(key), {"root_causes": "نقص المخزون"})
    assert response.status_code == 302
    review = RecurringGroupReview.objects.get(group_key=key)
    assert "السلال الغذائية" in review.label
    response = client.get(detail_url(key))
    assert "نقص المخزون" in response.content.decode()


def test_empty_analysis_shows_the_message(client, people, dataset):
    client.force_login(people["quality"])
    response = client.post(detail_url("tx:نقص"), {"root_causes": ""})
    assert response.status_code == 200
    assert not RecurringGroupReview.objects.exists()
    with translation.override("ar"):
        expected = str(gettext_lazy("Write the root causes."))
    assert [str(m) for m in response.context["messages"]] == [expected]


@pytest.mark.parametrize("who", ["crm_manager", "centres_manager", "secretary", "planning"])
def test_readers_cannot_post_the_analysis(client, people, who):
    client.force_login(some_user(people, who))
    response = client.post(detail_url("tx:نقص"), {"root_causes": "س"})
    assert response.status_code == 403
    assert not RecurringGroupReview.objects.exists()


def test_secretary_reads_counts_and_analysis_but_not_the_cases(
    client, people, dataset, food, places
):
    key = f"cc:{food.pk}:{places['mine'].pk}"
    recurring.save_group_review(
        actor=people["quality"],
        group_key=key,
        label="مجموعة",
        root_causes="نقص المخزون",
    )
    client.force_login(user_with(roles.COUNCIL_SECRETARY, "secretary"))
    response = client.get(detail_url(key))
    assert response.context["group"].count == 2
    assert response.context["page"] is None
    content = response.content.decode()
    assert "نقص المخزون" in content
    assert dataset["food_1"].tracking_number not in content
    assert 'data-testid="raise-recommendation"' not in content


def test_manager_can_raise_a_recommendation_from_a_group(client, people, dataset, food, places):
    key = f"cc:{food.pk}:{places['mine'].pk}"
    client.force_login(people["centres_manager"])
    response = client.get(detail_url(key))
    content = response.content.decode()
    assert 'data-testid="raise-recommendation"' in content
    assert response.context["review_form"] is None
    response = client.get(response.context["recommendation_url"])
    assert response.context["form"]["group_key"].value() == key
    assert "السلال الغذائية" in response.context["group_label"]


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_frequency_chart_is_drawn_as_the_shared_bar_chart_include(language):
    """RecurringGroup.chart_svg writes in Python what includes/bar_chart.html draws (the
    list draws one per group): the two stay alike, thousands separators included."""
    from django.template.loader import render_to_string

    counts = [0, 5, 1200, 3, 0, 7]
    group = recurring.RecurringGroup(
        recurring.GroupKey(recurring.BY_TEXT, signature="تاخر"),
        "تأخر",
        sum(counts),
        None,
        None,
        [recurring.MonthCount(2026, month, count) for month, count in enumerate(counts, start=7)],
    )
    with translation.override(language):
        expected = render_to_string(
            "includes/bar_chart.html", {"chart": group.chart, "testid": "frequency-chart"}
        )
        assert str(group.chart_svg) == expected
    assert 'data-testid="frequency-chart"' in expected and expected.count("<rect") == 12


def test_the_group_page_shows_earlier_versions_and_recommendations_in_fixed_queries(
    client, people, dataset, food, places, django_assert_max_num_queries
):
    """The earlier analyses (who wrote them, their text) and the group's recommendations
    (text, decision) read only what the page shows: the same queries for one as for
    several."""
    from complaints import recommendations

    key = f"cc:{food.pk}:{places['mine'].pk}"
    people["quality"].first_name, people["quality"].last_name = "سارة", "الجودة"
    people["quality"].save()

    def analyse(text):
        recurring.save_group_review(
            actor=people["quality"], group_key=key, label="السلال", root_causes=text
        )

    def recommend(text):
        recommendations.recommendation_raise(
            actor=people["centres_manager"],
            text=text,
            department="centres",
            owner=people["centres_manager"],
            due_date=timezone.localdate() + datetime.timedelta(days=7),
            group_key=key,
        )

    analyse("نقص المخزون")
    analyse("نقص المخزون وتأخر المورد")
    recommend("زيادة المخزون الاحتياطي")
    client.force_login(people["centres_manager"])
    with django_assert_max_num_queries(40) as few:
        content = client.get(detail_url(key)).content.decode()
    assert 'data-testid="history"' in content and "سارة الجودة" in content
    assert "</strong> نقص المخزون</div>" in content  # the first version, in the history
    raised = str(RecommendationDecision.RAISED.label)
    assert f"زيادة المخزون الاحتياطي</a> · {raised}</li>" in content
    analyse("السبب الثالث")
    recommend("توصية ثانية")
    with django_assert_max_num_queries(len(few.captured_queries)):
        content = client.get(detail_url(key)).content.decode()
    assert content.count('<li class="list-group-item small">') >= 4
