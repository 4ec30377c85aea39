"""Query budgets: the rounds list, the round page, the answer page and «عملي» read a fixed
number of queries whatever the rounds and answers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from surveys import services

from .helpers import collecting_round, full_answers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_answers(survey_round, n):
    for _ in range(n):
        services.response_submit(
            survey_round=survey_round, channel="link", values=full_answers(survey_round)
        )


def test_pages_read_a_fixed_number_of_queries(client, people):
    first = collecting_round(activity_name="الجولة الأولى")
    add_answers(first, 2)
    client.force_login(people["quality"])
    pages = {
        "list": reverse("surveys:round_list"),
        "round": reverse("surveys:round_detail", args=[first.pk]),
        "paper": reverse("surveys:paper_entry", args=[first.pk]),
        "answer": reverse("surveys_public:answer", args=[first.centres.get().token]),
        "home": reverse("home"),
    }
    for url in pages.values():  # cached reads (permissions, the menus) settle first
        client.get(url)
    small = {name: count_queries(client, url) for name, url in pages.items()}
    for n in range(3):
        add_answers(collecting_round(activity_name=f"جولة {n}"), 3)
    add_answers(first, 6)
    for url in pages.values():  # the new centres renewed the cached options
        client.get(url)
    large = {name: count_queries(client, url) for name, url in pages.items()}
    assert large == small, (small, large)
    assert small["answer"] <= 6 and small["round"] <= 25 and small["list"] <= 15
