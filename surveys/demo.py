"""Demo survey rounds for `make run`, put through the services: an activity's round at step
3 collecting answers now (reviewed by the centres-affairs manager), with answers from its
public links and from paper forms, one of them a low score that opened a follow-up case.
Runs once: nothing happens when the demo round exists or the demo users are missing."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from association.models import Centre

from . import selectors, services
from .instruments import seed_current
from .models import ItemKind, ResponseChannel, Round

ACTIVITY = "أمسية توعوية عن الصحة الأسرية"
CENTRES = ("مركز حي الصفا", "مركز حي النسيم")
USERNAMES = ("quality", "centres_manager")
ANSWERS = 36
# A realistic spread of agreement (1 to 5), most people agreeing; item 5 (punctuality) is
# weaker: the activity started late.
SPREAD = (2, 4, 12, 40, 42)
WEAK_SPREAD = (8, 18, 30, 28, 16)
SUGGESTIONS = (
    "نتمنى تكرار الأمسية في عطلة نهاية الأسبوع",
    "الالتزام بموعد البداية",
    "برامج للأطفال في نفس الوقت",
    "",
    "",
    "مكان أوسع وتكييف أفضل",
)


def _users() -> dict[str, User] | None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=USERNAMES)}
    return users if len(users) == len(USERNAMES) else None


def _value(rng: random.Random, spread: tuple[int, ...]) -> int:
    return rng.choices(range(1, 6), weights=spread)[0]


@transaction.atomic
def load_demo_surveys() -> int:
    """Returns the number of rounds created (0 or 1)."""
    users = _users()
    centres = list(Centre.objects.filter(name__in=CENTRES).select_related("city"))
    if users is None or not centres or Round.objects.filter(activity_name=ACTIVITY).exists():
        return 0
    seed_current()  # a flushed test database lost the migration's rows
    quality, reviewer = users["quality"], users["centres_manager"]
    today = timezone.localdate()
    survey_round = services.round_create(
        actor=quality,
        activity_name=ACTIVITY,
        centres=centres,
        starts_on=today - timedelta(days=2),
        ended_on=today - timedelta(days=1),
        presenter_name="د. سارة العتيبي",
    )
    services.round_submit_for_review(survey_round=survey_round, actor=quality)
    services.round_approve_content(
        survey_round=survey_round, actor=reviewer, note="المحتوى مناسب، يبدأ الجمع."
    )
    items = selectors.version_items(survey_round.version)
    rng = random.Random(16)
    for number in range(ANSWERS):
        values = {
            item.pk: _value(rng, WEAK_SPREAD if item.code == "punctuality" else SPREAD)
            for item in items
            if item.kind == ItemKind.SCALE
        }
        paper = number % 3 == 0
        services.response_submit(
            survey_round=survey_round,
            channel=ResponseChannel.PAPER if paper else ResponseChannel.LINK,
            values=values,
            personal={
                "suggestions": SUGGESTIONS[number % len(SUGGESTIONS)],
                "age_band": ("10-25", "26-35", "36-50", "51+")[number % 4],
                "first_time": number % 2 == 0,
            },
            centre=centres[number % len(centres)],
            entered_by=quality if paper else None,
        )
    # An identified respondent, unhappy, who agreed to be contacted: a follow-up case.
    services.response_submit(
        survey_round=survey_round,
        channel=ResponseChannel.LINK,
        values={item.pk: 2 if item.code != "overall" else 1 for item in items},
        personal={
            "name": "سلمان عبدالله الحارثي",
            "mobile": "+966551234987",
            "may_contact": True,
            "suggestions": "لم نجد أماكن للجلوس وتأخرت البداية ساعة كاملة",
        },
        centre=centres[0],
    )
    return 1
