"""Every read of the surveys: rounds with what their pages show, the current instrument
versions, what waits for whom («عملي»)."""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Prefetch, Q, QuerySet

from .models import (
    OPEN_ROUND_STATES,
    Answer,
    Instrument,
    InstrumentKind,
    InstrumentVersion,
    Invitation,
    Item,
    Response,
    Round,
    RoundCentre,
    RoundState,
)

# Who acts at each waiting step (the permission the step's transition asks for).
STEP_PERMISSION: dict[str, str] = {
    RoundState.PREPARING: "surveys.prepare_round",
    RoundState.IN_REVIEW: "surveys.review_round",
    RoundState.COLLECTING: "surveys.prepare_round",
    RoundState.ANALYSING: "surveys.prepare_round",
    RoundState.REPORT_REVIEW: "surveys.review_round",
    RoundState.TREATMENT: "surveys.review_round",
    RoundState.DECISION: "surveys.decide_round",
    RoundState.DONOR_SURVEY: "surveys.survey_donors",
}


def current_version(kind: str) -> InstrumentVersion | None:
    """The newest version of the oldest instrument of this kind (the seeded one)."""
    instrument = Instrument.objects.filter(kind=kind).order_by("created_at", "id").first()
    if instrument is None:
        return None
    return instrument.versions.order_by("-number").first()


def beneficiary_version() -> InstrumentVersion | None:
    return current_version(InstrumentKind.BENEFICIARY)


def version_items(version: InstrumentVersion) -> list[Item]:
    return list(version.items.order_by("position"))


def rounds_visible_to(user: User | AnonymousUser) -> QuerySet[Round]:
    if not user.has_perm("surveys.view_round"):
        return Round.objects.none()
    return Round.objects.select_related("programme", "city", "version__instrument")


def round_list(user: User, *, state: str = "", search: str = "") -> QuerySet[Round]:
    rounds = rounds_visible_to(user).annotate(response_count=Count("responses"))
    if state == "open":
        rounds = rounds.filter(state__in=OPEN_ROUND_STATES)
    elif state:
        rounds = rounds.filter(state=state)
    if search:
        rounds = rounds.filter(
            Q(title__icontains=search)
            | Q(activity_name__icontains=search)
            | Q(programme__name__icontains=search)
            | Q(programme__code__icontains=search)
        )
    return rounds.order_by("-ended_on", "-id")


def round_centres(survey_round: Round) -> list[RoundCentre]:
    return list(survey_round.centres.select_related("centre__city").order_by("centre__name", "id"))


def round_counts(survey_round: Round) -> dict[str, int]:
    """Responses by channel and invitations sent and answered, in two queries."""
    by_channel = dict(
        Response.objects.filter(round=survey_round)
        .values_list("channel")
        .annotate(n=Count("id"))
        .values_list("channel", "n")
    )
    invitations = Invitation.objects.filter(round=survey_round).aggregate(
        sent=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False))
    )
    return {
        "total": sum(by_channel.values()),
        "link": by_channel.get("link", 0),
        "invitation": by_channel.get("invitation", 0),
        "paper": by_channel.get("paper", 0),
        "invited": invitations["sent"],
        "invitations_answered": invitations["answered"],
    }


def rounds_awaiting(user: User, limit: int) -> list[Round]:
    """The open rounds whose current step this user takes, soonest deadline first."""
    states = [state for state, perm in STEP_PERMISSION.items() if user.has_perm(perm)]
    if not states:
        return []
    ids = list(
        Round.objects.filter(state__in=states)
        .order_by("due_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    return list(
        Round.objects.filter(id__in=ids).select_related("programme").order_by("due_at", "id")
    )


def round_centre_by_token(token: str) -> RoundCentre | None:
    return (
        RoundCentre.objects.select_related("round__version", "round__programme", "centre__city")
        .filter(token=token)
        .first()
    )


def invitation_by_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related(
            "round__version", "round__programme", "round__donor_version", "centre__city"
        )
        .filter(token=token)
        .first()
    )


def paper_entries_by(survey_round: Round, user: User) -> int:
    return Response.objects.filter(round=survey_round, entered_by=user).count()


def recent_paper_entries(survey_round: Round, limit: int = 10) -> QuerySet[Response]:
    return (
        Response.objects.filter(round=survey_round, channel="paper")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.order_by("item__position")))
        .order_by("-submitted_at", "-id")[:limit]
    )


def customers_invited(survey_round: Round, kind: str) -> Iterable[int]:
    return Invitation.objects.filter(round=survey_round, kind=kind).values_list(
        "customer_id", flat=True
    )
