"""The round's analysis: distributions, means, shares agreeing, the index, the weak items,
item 6's rule, breakdowns, the response rate, the previous round, the suggestions, and a
fixed number of queries whatever the round's size."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from survey_analysis.analysis import analyse, group_suggestions, suggestion_words
from survey_analysis.charts import stacked_bar
from survey_analysis.models import AnalysisSettings, RoundFindings
from surveys.models import AgeBand, Invitation, RoundState
from tests.factories import CentreFactory, CityFactory
from tests.survey_analysis.support import answer, answer_many, make_programme, make_round

pytestmark = pytest.mark.django_db

ALL_FIVES = [5] * 11
ALL_ONES = [1] * 11


def item(analysis, code):
    return next(result for result in analysis.items if result.code == code)


def test_distribution_mean_and_share_agreeing_per_item(people):
    survey_round = make_round()
    answer_many(survey_round, [ALL_FIVES, ALL_FIVES, [4] * 11, [2] * 11])
    analysis = analyse(survey_round, user=people["crm_manager"])
    overall = item(analysis, "overall")
    assert overall.counts == {5: 2, 4: 1, 2: 1}
    assert overall.total == 4
    assert overall.mean == pytest.approx(4.0)
    assert overall.agree_percent == pytest.approx(75.0)
    assert analysis.responses == 4
    # The index: the mean of every answer but item 6's, as a share of 5.
    assert analysis.satisfaction_index == pytest.approx(80.0)
    assert analysis.agree_percent == pytest.approx(75.0)


def test_an_item_under_either_threshold_is_weak_and_the_admin_sets_them(people):
    survey_round = make_round()
    venue_low = [5, 5, 2, 5, 5, 5, 5, 5, 5, 5, 5]
    answer_many(survey_round, [venue_low] * 3 + [ALL_FIVES] * 2)
    analysis = analyse(survey_round, user=people["crm_manager"])
    assert [result.code for result in analysis.weak_items] == ["venue"]  # 40 % agreeing
    settings_row = AnalysisSettings.current()
    settings_row.min_agree_percent = 30
    settings_row.min_mean = 2
    settings_row.save()
    assert analyse(survey_round, user=people["crm_manager"]).weak_items == []


def test_the_presenter_item_is_shown_to_managers_only_and_from_five_answers(people):
    for name in ("crm_manager", "management"):
        assert people[name].has_perm("surveys.view_presenter_figures"), name
    assert not people["quality"].has_perm("surveys.view_presenter_figures")
    survey_round = make_round()
    answer_many(survey_round, [ALL_FIVES] * 4)
    for name in ("crm_manager", "quality"):
        presenter = item(analyse(survey_round, user=people[name]), "presenter")
        assert presenter.hidden and presenter.total == 0 and presenter.mean is None
    answer(survey_round, ALL_FIVES)
    assert not item(analyse(survey_round, user=people["crm_manager"]), "presenter").hidden
    assert item(analyse(survey_round, user=people["management"]), "presenter").total == 5
    hidden = analyse(survey_round, user=people["quality"])
    assert item(hidden, "presenter").hidden
    assert hidden.presenter_note
    # Item 6 never moves the index, whoever reads.
    assert hidden.satisfaction_index == analyse(survey_round, user=None).satisfaction_index


def test_breakdowns_by_centre_city_age_band_and_first_time(people):
    north, south = CityFactory(name="الشمال"), CityFactory(name="الجنوب")
    centre_a, centre_b = CentreFactory(city=north), CentreFactory(city=south)
    survey_round = make_round(centres=[centre_a, centre_b])
    answer(survey_round, ALL_FIVES, centre=centre_a, age_band=AgeBand.UP_TO_25, first_time=True)
    answer(survey_round, ALL_ONES, centre=centre_b, age_band=AgeBand.OVER_50, first_time=False)
    answer(survey_round, ALL_FIVES, centre=centre_b, age_band="", first_time=None)
    analysis = analyse(survey_round, user=people["quality"])
    by = {breakdown.key: breakdown for breakdown in analysis.breakdowns}
    centres = {row.label: (row.responses, row.index) for row in by["centre"].rows}
    assert centres[centre_a.name] == (1, pytest.approx(100.0))
    assert centres[centre_b.name] == (2, pytest.approx(60.0))
    cities = {row.label: row.responses for row in by["city"].rows}
    assert cities == {"الشمال": 1, "الجنوب": 2}
    ages = [(row.label, row.responses) for row in by["age_band"].rows]
    assert ages[0] == ("10–25", 1) and len(ages) == 3
    first = [row.index for row in by["first_time"].rows]
    assert first == [pytest.approx(100.0), pytest.approx(20.0), pytest.approx(100.0)]


def test_the_response_rate_counts_the_invitations_answered(people):
    from customers.models import Customer

    survey_round = make_round()
    customers = [Customer.objects.create(code=880000 + n, name=f"مستفيد {n}") for n in range(4)]
    for number, customer in enumerate(customers):
        Invitation.objects.create(
            round=survey_round,
            customer=customer,
            channel="sms",
            answered_at=survey_round.created_at if number == 0 else None,
        )
    analysis = analyse(survey_round, user=people["quality"])
    assert (analysis.invitations, analysis.invitations_answered) == (4, 1)
    assert analysis.response_rate == pytest.approx(25.0)
    assert analyse(make_round(title="دون دعوات"), user=None).response_rate is None


def test_comparison_with_the_previous_round_of_the_same_programme_and_version(people):
    programme = make_programme()
    before = make_round(
        programme=programme, ended_on=datetime.date(2026, 5, 1), state=RoundState.DONE
    )
    answer_many(before, [[2] * 11] * 3)
    RoundFindings.objects.create(
        round=before, level="low", conclusions="-", weak_items=["overall", "venue"]
    )
    now = make_round(programme=programme, ended_on=datetime.date(2026, 11, 1))
    answer_many(now, [[4] * 11] * 3)
    other_programme = make_round(programme=make_programme("آخر", "P-2"))
    answer_many(other_programme, [ALL_ONES])
    analysis = analyse(now, user=people["crm_manager"])
    assert analysis.previous_round == before
    overall = item(analysis, "overall")
    assert overall.previous.was_weak and overall.previous.improved
    assert overall.previous.mean_change == pytest.approx(2.0)
    assert not item(analysis, "benefit").previous.was_weak
    assert analysis.previous_index == pytest.approx(40.0)
    assert analysis.index_change == pytest.approx(40.0)


def test_the_analysis_takes_a_fixed_number_of_queries(people, django_assert_max_num_queries):
    programme = make_programme()
    before = make_round(
        programme=programme, ended_on=datetime.date(2026, 5, 1), state=RoundState.DONE
    )
    answer_many(before, [ALL_FIVES])
    small = make_round(programme=programme)
    answer_many(small, [ALL_FIVES] * 2, suggestions="المزيد من الورش")
    analyse(small, user=people["crm_manager"])  # warms the places' cache
    with CaptureQueriesContext(connection) as few:
        analyse(small, user=people["crm_manager"])
    answer_many(small, [[3] * 11] * 60, suggestions="مواعيد أفضل للورش", age_band=AgeBand.UP_TO_35)
    with CaptureQueriesContext(connection) as many:
        analyse(small, user=people["crm_manager"])
    assert len(many) == len(few) <= 10


def test_suggestions_grouped_by_their_normalised_words():
    suggestions = [
        "زيادة عدد الورش التدريبية",
        "ورشة تدريبية عن الطبخ",
        "أتمنى زيادة الورش",
        "مواعيد مناسبة أكثر",
    ]
    assert "ورش" in suggestion_words("الورش")
    groups = {group.word: group.count for group in group_suggestions(suggestions)}
    assert groups.get("زيادة") == 2
    assert any(count == 3 for word, count in groups.items() if "ورش" in word)
    assert all(count >= 2 for count in groups.values())


def test_the_stacked_bar_fills_its_width_and_reads_right_to_left():
    bar = stacked_bar((1, 0, 1, 0, 2), rtl=True, width=300)
    assert [segment.value for segment in bar.segments] == [1, 3, 5]
    assert sum(segment.width for segment in bar.segments) == pytest.approx(300)
    first = bar.segments[0]
    assert first.x + first.width == pytest.approx(300)  # point 1 on the right
    assert bar.segments[-1].x == pytest.approx(0)
    assert stacked_bar((0, 0, 0, 0, 0)).segments == ()
    left = stacked_bar((1, 0, 0, 0, 1), rtl=False)
    assert left.segments[0].x == 0
