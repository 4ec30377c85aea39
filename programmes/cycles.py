"""The portfolio cycles (procedure "خلق الفرص", steps 1-2; manual 3.1.11): every year or
half-year the strategic planning director hands the programmes portfolio over to the CRM
manager, who reviews it and identifies the potential donors of each programme. The donors
identified for a programme can then seed an opportunity.

Services (the only writes: `cycle_<action>(*, ..., actor)`), selectors (reads) and the period
arithmetic. The workflow is django-fsm-2 (programmes.models.PortfolioCycle): handed over →
reviewed → donors identified, every step recorded in PortfolioCycleTransition.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from association.workdays import working_deadline
from core.permissions import require
from core.workflow import Workflow
from customers.models import Customer, CustomerKind
from customers.profile_cache import renew_customers

from .models import (
    CycleDonor,
    CycleHalf,
    CycleProgramme,
    CycleState,
    PortfolioCycle,
    PortfolioCycleTransition,
    Programme,
    ProgrammeStatus,
)

if TYPE_CHECKING:
    from opportunities.models import Opportunity

# Deadlines in working days (the manual gives the frequency, annual / half-yearly, not the
# length of each step; these are the department's working rule).
HANDOVER_WORKING_DAYS = 10  # after the year or half-year starts
REVIEW_WORKING_DAYS = 5  # after the handover
IDENTIFICATION_WORKING_DAYS = 10  # after the review
# The next period's handover shows on the planning director's "عملي" this long before it.
HANDOVER_LEAD_DAYS = 30

ANNUAL = "annual"
HALF_YEARLY = "half_yearly"


class CycleError(Exception):
    """A refusal the user should read (already translated)."""


# --- periods ------------------------------------------------------------------------------


def cadence() -> str:
    return getattr(settings, "PORTFOLIO_CYCLE_CADENCE", HALF_YEARLY)


@dataclass(frozen=True)
class Period:
    """A year (half = 0) or a half-year the portfolio is handed over for."""

    year: int
    half: int

    @property
    def start(self) -> date:
        return date(self.year, 7 if self.half == CycleHalf.SECOND_HALF else 1, 1)

    @property
    def end(self) -> date:
        if self.half == CycleHalf.FIRST_HALF:
            return date(self.year, 6, 30)
        return date(self.year, 12, 31)

    @property
    def label(self) -> str:
        # The same wording as PortfolioCycle.period_label.
        return PortfolioCycle(year=self.year, half=self.half).period_label

    @property
    def handover_due(self) -> datetime:
        start = timezone.make_aware(datetime.combine(self.start, time.min))
        return working_deadline(start, HANDOVER_WORKING_DAYS)

    def following(self) -> "Period":
        if self.half == CycleHalf.WHOLE_YEAR:
            return Period(self.year + 1, CycleHalf.WHOLE_YEAR)
        if self.half == CycleHalf.FIRST_HALF:
            return Period(self.year, CycleHalf.SECOND_HALF)
        return Period(self.year + 1, CycleHalf.FIRST_HALF)


def period_of(day: date, every: str | None = None) -> Period:
    """The period (by the configured cadence) that contains `day`."""
    if (every or cadence()) == ANNUAL:
        return Period(day.year, CycleHalf.WHOLE_YEAR)
    return Period(day.year, CycleHalf.FIRST_HALF if day.month <= 6 else CycleHalf.SECOND_HALF)


def overlapping_cycles(year: int, half: int) -> QuerySet[PortfolioCycle]:
    """Cycles covering any part of the period: the whole year covers both halves."""
    cycles = PortfolioCycle.objects.filter(year=year)
    if half == CycleHalf.WHOLE_YEAR:
        return cycles
    return cycles.filter(half__in=[CycleHalf.WHOLE_YEAR, half])


def periods_due_for_handover(today: date | None = None, every: str | None = None) -> list[Period]:
    """Periods with no cycle handed over yet: the current one, and the next one once it is
    less than HANDOVER_LEAD_DAYS away (the planning director prepares it in advance)."""
    today = today or timezone.localdate()
    current = period_of(today, every)
    candidates = [current]
    following = current.following()
    if following.start - today <= timedelta(days=HANDOVER_LEAD_DAYS):
        candidates.append(following)
    return [
        period for period in candidates if not overlapping_cycles(period.year, period.half).exists()
    ]


# --- selectors ----------------------------------------------------------------------------


def cycles_visible_to(user: User | AnonymousUser) -> QuerySet[PortfolioCycle]:
    """Every cycle for those who may view cycles; nothing for anyone else."""
    if not user.has_perm("programmes.view_portfoliocycle"):
        return PortfolioCycle.objects.none()
    return PortfolioCycle.objects.select_related(
        "handed_over_by", "reviewed_by", "donors_identified_by"
    )


def cycles_with_counts(queryset: QuerySet[PortfolioCycle]) -> QuerySet[PortfolioCycle]:
    return queryset.annotate(
        programme_count=Count("cycle_programmes", distinct=True),
        donor_count=Count("cycle_programmes__donors", distinct=True),
    )


def cycle_programmes(cycle: PortfolioCycle) -> QuerySet[CycleProgramme]:
    """The programmes of a cycle with their identified donors (and who added them) and the
    opportunity seeded from them, in two queries."""
    return (
        CycleProgramme.objects.filter(cycle=cycle)
        .select_related("programme__category", "opportunity")
        .prefetch_related(
            Prefetch(
                "donors",
                queryset=CycleDonor.objects.select_related("donor", "added_by").order_by(
                    "donor__name"
                ),
            )
        )
        .order_by("programme__code")
    )


def suggested_donors_for(programme: Programme) -> QuerySet[Customer]:
    """Active donors whose recorded interests match the programme (3.1.12)."""
    from opportunities.selectors import suggested_donors

    return suggested_donors(programme)


def handover_programme_choices() -> QuerySet[Programme]:
    """Programmes the planning director may put in a cycle: planned or running."""
    return (
        Programme.objects.filter(status__in=[ProgrammeStatus.PLANNED, ProgrammeStatus.ACTIVE])
        .select_related("category")
        .order_by("code")
    )


def cycles_awaiting_review() -> QuerySet[PortfolioCycle]:
    return PortfolioCycle.objects.filter(state=CycleState.HANDED_OVER).order_by("review_due_at")


def cycles_awaiting_identification() -> QuerySet[PortfolioCycle]:
    return PortfolioCycle.objects.filter(state=CycleState.REVIEWED).order_by(
        "identification_due_at"
    )


def may_review(user: User | AnonymousUser) -> bool:
    return user.has_perm("programmes.review_portfoliocycle")


def may_seed_opportunity(user: User, cycle: PortfolioCycle, entry: CycleProgramme) -> bool:
    return (
        user.has_perm("opportunities.add_opportunity")
        and cycle.state != CycleState.HANDED_OVER
        and entry.opportunity_id is None
        and bool(entry.donors.all())
    )


def available_actions(cycle: PortfolioCycle, user: User) -> list[str]:
    """What this user may do on this cycle now."""
    choosing = cycle.state == CycleState.REVIEWED and may_review(user)
    actions = ["choose_donors"] if choosing else []
    return actions + CYCLE_WORKFLOW.available_actions(cycle, user)


def programmes_without_donors(cycle: PortfolioCycle) -> list[CycleProgramme]:
    return list(
        CycleProgramme.objects.filter(cycle=cycle)
        .annotate(donor_count=Count("donors"))
        .filter(donor_count=0)
        .select_related("programme")
        .order_by("programme__code")
    )


# --- services -----------------------------------------------------------------------------


def cycle_hand_over(
    *,
    actor: User,
    year: int | None,
    half: int,
    programmes: Iterable[Programme] | None,
    received_on: date | None,
    note: str = "",
) -> PortfolioCycle:
    """Step 1: the strategic planning director hands the portfolio of a year or half-year to
    the CRM manager (its programmes, the date received). The review is due within
    REVIEW_WORKING_DAYS."""
    require(actor, "programmes.add_portfoliocycle")
    programmes = list(dict.fromkeys(programmes or []))
    note = (note or "").strip()
    if year is None or not 2000 <= year <= 2100:
        raise CycleError(_("Enter the year of the portfolio (e.g. 2027)."))
    if half not in CycleHalf.values:
        raise CycleError(_("Choose the period: the whole year or one of its halves."))
    if not programmes:
        raise CycleError(_("Choose the programmes of this portfolio."))
    if received_on is None:
        raise CycleError(_("Enter the date the portfolio was received."))
    if received_on > timezone.localdate():
        raise CycleError(_("The date received cannot be in the future."))
    now = timezone.now()
    try:
        with transaction.atomic():
            existing = list(overlapping_cycles(year, half))
            if existing:
                raise CycleError(
                    _("The portfolio of %(period)s was already handed over.")
                    % {"period": existing[0].period_label}
                )
            cycle = PortfolioCycle.objects.create(
                year=year,
                half=half,
                received_on=received_on,
                handed_over_by=actor,
                handed_over_at=now,
                handover_note=note,
                review_due_at=working_deadline(now, REVIEW_WORKING_DAYS),
            )
            CycleProgramme.objects.bulk_create(
                CycleProgramme(cycle=cycle, programme=programme) for programme in programmes
            )
            CYCLE_WORKFLOW.record_event(cycle, actor=actor, note=note)
    except IntegrityError as error:
        # The same period handed over by someone else at the same moment.
        raise CycleError(
            _("The portfolio of this period was just handed over by someone else.")
        ) from error
    return cycle


CYCLE_WORKFLOW = Workflow(
    audit=PortfolioCycleTransition,
    error=CycleError,
    stale_message=gettext_lazy(
        "This portfolio cycle is no longer at this step. Reload the page to see its status."
    ),
)


def _step(
    cycle: PortfolioCycle, transition_name: str, *, actor: User, note: str, **fields: Any
) -> PortfolioCycle:
    with transaction.atomic():
        CYCLE_WORKFLOW.take_step(cycle, transition_name, actor=actor, note=note, fields=fields)
    return cycle


def cycle_review(*, cycle: PortfolioCycle, actor: User, notes: str) -> PortfolioCycle:
    """Step 1 (continued): the CRM manager reviews the portfolio and writes the review notes.
    Identifying the potential donors is then due within IDENTIFICATION_WORKING_DAYS."""
    require(actor, "programmes.review_portfoliocycle")
    notes = (notes or "").strip()
    if not notes:
        raise CycleError(_("Write the review notes."))
    now = timezone.now()
    return _step(
        cycle,
        "review",
        actor=actor,
        note=notes,
        reviewed_by=actor,
        reviewed_at=now,
        review_notes=notes,
        identification_due_at=working_deadline(now, IDENTIFICATION_WORKING_DAYS),
    )


def _require_choosing(cycle: PortfolioCycle) -> None:
    if cycle.state != CycleState.REVIEWED:
        raise CycleError(
            _(
                "Potential donors are chosen once the portfolio is reviewed, until the "
                "identification is recorded."
            )
        )


def _check_donor(donor: Customer) -> None:
    if donor.kind != CustomerKind.DONOR:
        raise CycleError(_("%(customer)s is not a donor.") % {"customer": donor})
    if not donor.is_active:
        raise CycleError(_("%(customer)s is archived.") % {"customer": donor})


def cycle_set_donors(
    *,
    cycle: PortfolioCycle,
    entry: CycleProgramme,
    actor: User,
    donors: Iterable[Customer] | None,
) -> tuple[int, int]:
    """Step 2: the potential donors of one programme of the cycle, suggested from the donors'
    interests or picked by hand. Adds and removes; returns (added, removed)."""
    require(actor, "programmes.review_portfoliocycle")
    _require_choosing(cycle)
    if entry.cycle_id != cycle.pk:
        raise PermissionDenied
    donors = list(dict.fromkeys(donors or []))
    for donor in donors:
        _check_donor(donor)
    wanted = {donor.pk: donor for donor in donors}
    suggested = set(suggested_donors_for(entry.programme).values_list("pk", flat=True))
    with transaction.atomic():
        # Locked: the state is read again, so no donor is added after the identification.
        current_cycle = PortfolioCycle.objects.select_for_update().get(pk=cycle.pk)
        _require_choosing(current_cycle)
        current = set(entry.donors.values_list("donor_id", flat=True))
        to_add = [wanted[pk] for pk in wanted if pk not in current]
        to_remove = current - set(wanted)
        CycleDonor.objects.filter(cycle_programme=entry, donor_id__in=to_remove).delete()
        CycleDonor.objects.bulk_create(
            (
                CycleDonor(
                    cycle_programme=entry,
                    donor=donor,
                    suggested=donor.pk in suggested,
                    added_by=actor,
                )
                for donor in to_add
            ),
            ignore_conflicts=True,
        )
        renew_customers(donor.pk for donor in to_add)  # bulk_create sends no signal
    return len(to_add), len(to_remove)


def cycle_identify_donors(*, cycle: PortfolioCycle, actor: User, note: str = "") -> PortfolioCycle:
    """Step 2 (done): the potential donors of the cycle are identified. At least one donor is
    needed; programmes left without one need a note saying why."""
    require(actor, "programmes.review_portfoliocycle")
    note = (note or "").strip()
    if not CycleDonor.objects.filter(cycle_programme__cycle=cycle).exists():
        raise CycleError(_("Choose the potential donors of at least one programme first."))
    without = programmes_without_donors(cycle)
    if without and not note:
        raise CycleError(
            _("These programmes have no potential donor: %(codes)s. Write a note saying why.")
            % {"codes": "، ".join(entry.programme.code for entry in without)}
        )
    return _step(
        cycle,
        "identify_donors",
        actor=actor,
        note=note,
        donors_identified_by=actor,
        donors_identified_at=timezone.now(),
        identification_note=note,
    )


def cycle_seed_opportunity(
    *,
    cycle: PortfolioCycle,
    entry: CycleProgramme,
    actor: User,
    title: str,
    expected_amount: Decimal | None,
    probability: int = 10,
) -> "Opportunity":
    """An opportunity (in identification) for one programme of the cycle, with the donors
    identified for it as its potential donors; linked to the cycle's programme."""
    from opportunities import services as opportunity_services

    require(actor, "opportunities.add_opportunity")
    if entry.cycle_id != cycle.pk:
        raise PermissionDenied
    if cycle.state == CycleState.HANDED_OVER:
        raise CycleError(_("Review the portfolio before creating opportunities from it."))
    with transaction.atomic():
        locked = CycleProgramme.objects.select_for_update().get(pk=entry.pk)
        if locked.opportunity_id is not None:
            raise CycleError(_("An opportunity was already created for this programme."))
        donors = [row.donor for row in locked.donors.select_related("donor")]
        if not donors:
            raise CycleError(_("Choose the potential donors of this programme first."))
        try:
            opportunity = opportunity_services.opportunity_create(
                actor=actor,
                title=title,
                programme=locked.programme,
                expected_amount=expected_amount,
                probability=probability,
                success_factors=_("Potential donors identified in the portfolio of %(period)s.")
                % {"period": cycle.period_label},
                donors=[donor for donor in donors if donor.is_active],
            )
        except opportunity_services.RequestError as error:
            raise CycleError(str(error)) from error
        locked.opportunity = opportunity
        locked.save(update_fields=["opportunity"])
    entry.opportunity = opportunity
    return opportunity
