"""The demo's finished survey round, put through the services of both survey apps: a
programme's round with about 200 answers (most people agreeing; the venue weaker, a weak
point), the quality officer's findings, two treatment steps (one done), management's
decision, an approved success story and the donor survey with its answers and report.

Runs once: nothing happens when the demo round exists or the demo users are missing. The
donor report is produced in the loader (a few seconds of WeasyPrint)."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from association.models import Centre
from core.consent import ConsentChannel, ConsentPurpose, ConsentSource, pair_key
from finance.models import Donation
from programmes.models import Programme
from surveys import selectors as survey_selectors
from surveys import services as survey_services
from surveys.models import Invitation, InvitationChannel, ItemKind, ResponseChannel, Round

from . import documents, selectors, services
from .models import DecisionOutcome, DocumentKind, SatisfactionLevel

TITLE = "استبيان رضا المستفيدين — الدورة المنتهية"
CENTRES = ("مركز حي الصفا", "مركز حي النسيم", "مركز حي الروضة")
USERNAMES = ("quality", "crm_manager", "centres_manager", "management", "crm_staff")
ANSWERS = 200
DONORS = 6
SPREAD = (3, 5, 14, 38, 40)
# The venue (item 3) is the weak point: crowded and hot.
WEAK_SPREAD = (12, 20, 30, 24, 14)
SUGGESTIONS = (
    "زيادة عدد الورش التدريبية",
    "ورش تدريبية للأمهات في المساء",
    "قاعة أوسع وتكييف أفضل",
    "تحسين القاعة والتكييف",
    "مواعيد مناسبة للموظفين",
    "",
    "",
    "",
    "زيادة الورش العملية",
    "مواقف سيارات قريبة من القاعة",
)
AGE_BANDS = ("10-25", "26-35", "26-35", "36-50", "36-50", "51+")


def _users() -> dict[str, User] | None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=USERNAMES)}
    return users if len(users) == len(USERNAMES) else None


def _programme() -> Programme | None:
    """The programme with the most donations (its donors are surveyed in step 8)."""
    top = (
        Donation.objects.exclude(programme=None)
        .values("programme")
        .annotate(n=Count("id"))
        .order_by("-n", "programme")
        .first()
    )
    if top is not None:
        return Programme.objects.get(pk=top["programme"])
    return Programme.objects.order_by("pk").first()


@transaction.atomic
def load_demo_survey_results() -> int:
    """Returns the number of rounds created (0 or 1)."""
    users = _users()
    centres = list(Centre.objects.filter(name__in=CENTRES).select_related("city"))
    programme = _programme()
    if users is None or not centres or programme is None:
        return 0
    if Round.objects.filter(title=TITLE).exists():
        return 0
    quality, manager = users["quality"], users["crm_manager"]
    today = timezone.localdate()
    survey_round = survey_services.round_create(
        actor=quality,
        programme=programme,
        title=TITLE,
        city=centres[0].city,
        centres=centres,
        starts_on=today - timedelta(days=60),
        ended_on=today - timedelta(days=40),
        presenter_name="أ. منيرة الدوسري",
    )
    survey_services.round_submit_for_review(survey_round=survey_round, actor=quality)
    survey_services.round_approve_content(survey_round=survey_round, actor=manager)
    _answers(survey_round, centres, quality)
    survey_services.round_close_collection(survey_round=survey_round, actor=quality)
    services.findings_write(
        survey_round=survey_round,
        level=SatisfactionLevel.HIGH,
        conclusions=(
            "رضا المستفيدين مرتفع عن البرنامج وفائدته وتنظيمه، ويتطلع أغلبهم إلى خدمات أخرى. "
            "نقطة الضعف الواضحة مكان تقديم الخدمة: القاعة مزدحمة والتكييف ضعيف."
        ),
        recommendations="نقل الجلسات إلى قاعة أوسع، وصيانة التكييف قبل الدورة القادمة.",
        actor=quality,
    )
    survey_services.round_submit_report(survey_round=survey_round, actor=quality)
    survey_services.round_discuss_report(
        survey_round=survey_round, actor=manager, note="نوقش التقرير مع مدير شؤون المراكز."
    )
    _treatment(survey_round, users)
    survey_services.round_agree_treatment(survey_round=survey_round, actor=manager)
    services.decision_record(
        survey_round=survey_round,
        outcome=DecisionOutcome.APPROVED,
        text="اعتماد التوصيات، وتخصيص قاعة مركز حي الروضة للدورة القادمة.",
        actor=users["management"],
    )
    survey_services.round_decide(survey_round=survey_round, actor=users["management"])
    _story(survey_round, users)
    _donor_survey(survey_round, manager)
    survey_round.refresh_from_db()
    pdf = documents.donor_pdf(survey_round)
    services.document_store(
        survey_round=survey_round,
        kind=DocumentKind.DONORS,
        content=pdf.content,
        extension="pdf",
        actor=manager,
        page_count=pdf.page_count,
    )
    survey_services.round_finish(survey_round=survey_round, actor=manager)
    return 1


def _answers(survey_round: Round, centres: list[Centre], quality: User) -> None:
    items = survey_selectors.version_items(survey_round.version)
    rng = random.Random(1619)
    for number in range(ANSWERS):
        values = {
            item.pk: rng.choices(
                range(1, 6), weights=WEAK_SPREAD if item.code == "venue" else SPREAD
            )[0]
            for item in items
            if item.kind == ItemKind.SCALE
        }
        paper = number % 4 == 0
        survey_services.response_submit(
            survey_round=survey_round,
            channel=ResponseChannel.PAPER if paper else ResponseChannel.LINK,
            values=values,
            personal={
                "suggestions": SUGGESTIONS[number % len(SUGGESTIONS)],
                "age_band": AGE_BANDS[number % len(AGE_BANDS)],
                "first_time": number % 3 == 0,
            },
            centre=centres[number % len(centres)],
            entered_by=quality if paper else None,
        )


def _treatment(survey_round: Round, users: dict[str, User]) -> None:
    venue = next(
        item
        for item in survey_selectors.version_items(survey_round.version)
        if item.code == "venue"
    )
    today = timezone.localdate()
    done = services.action_create(
        survey_round=survey_round,
        item=venue,
        text="صيانة أجهزة التكييف في قاعة البرنامج",
        owner=users["centres_manager"],
        due_on=today + timedelta(days=3),
        actor=users["crm_manager"],
    )
    services.action_complete(
        action=done, note="تمت الصيانة واستبدال جهازين.", actor=users["centres_manager"]
    )
    services.action_create(
        survey_round=survey_round,
        item=venue,
        text="حجز قاعة أوسع لجلسات الدورة القادمة",
        owner=users["crm_staff"],
        due_on=today + timedelta(days=10),
        actor=users["crm_manager"],
    )


def _story(survey_round: Round, users: dict[str, User]) -> None:
    story = services.story_create(
        title="من متدربة إلى صاحبة مشروع",
        story=(
            "أم محمد التحقت بالبرنامج بعد أن فقد زوجها عمله، وتعلمت إعداد المخبوزات وتسويقها، "
            "وهي اليوم تبيع لجيرانها ولمتجرين في الحي."
        ),
        anonymised=(
            "إحدى المستفيدات التحقت بالبرنامج في ظرف أسري صعب، وتعلمت إعداد المخبوزات وتسويقها، "
            "وأصبح لها اليوم دخل ثابت من مشروعها المنزلي."
        ),
        consent_to_publish=True,
        consent_note="موافقة مكتوبة على نموذج الاستبيان الورقي",
        survey_round=survey_round,
        response=None,
        programme=survey_round.programme,
        donors=[],
        actor=users["crm_staff"],
    )
    services.story_submit(story=story, actor=users["crm_staff"])
    services.story_approve(story=story, actor=users["crm_manager"])


def _donor_survey(survey_round: Round, manager: User) -> None:
    """The programme's donors agreed to surveys by e-mail (recorded by phone for the
    demo), are invited, and most of them answer."""
    from messaging.services import consents_record
    from programmes.selectors import programme_funders

    assert survey_round.programme is not None
    donors = list(programme_funders(survey_round.programme, DONORS))
    now = timezone.now()
    for donor in donors:
        consents_record(
            customer_id=donor.pk,
            changes={pair_key(ConsentChannel.EMAIL, ConsentPurpose.SURVEYS): True},
            at=now,
            source=ConsentSource.PHONE,
            actor=manager,
        )
    stories = list(selectors.approved_stories_of_round(survey_round))
    services.donor_survey_invite(
        survey_round=survey_round,
        customers=donors,
        channel=InvitationChannel.EMAIL,
        body=services.donor_invitation_text(survey_round, stories),
        subject="رأيكم في البرنامج",
        actor=manager,
    )
    survey_round.refresh_from_db()
    assert survey_round.donor_version is not None
    items = survey_selectors.version_items(survey_round.donor_version)
    rng = random.Random(318)
    invitations = Invitation.objects.filter(round=survey_round, kind="donor").order_by("pk")
    for invitation in list(invitations)[: max(len(donors) - 1, 1)]:
        values: dict[int, object] = {}
        for item in items:
            if item.kind == ItemKind.SCALE:
                values[item.pk] = rng.choice((4, 5, 5))
            elif item.kind == ItemKind.SCORE:
                values[item.pk] = rng.choice((8, 9, 10))
            elif item.kind == ItemKind.YES_NO:
                values[item.pk] = 1
            else:
                values[item.pk] = "تقارير واضحة، ونأمل زيارة ميدانية للبرنامج."
        survey_services.response_submit(
            survey_round=survey_round,
            channel=ResponseChannel.INVITATION,
            values=values,
            invitation=invitation,
        )
