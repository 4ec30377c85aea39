"""Survey rounds at a given step, built through the services (used by the surveys tests and
the permission table's public pages)."""

import datetime

from django.utils import timezone

from association import roles
from customers.models import Customer, CustomerKind
from customers.services import allocate_customer_code
from surveys import selectors, services
from surveys.models import Invitation, Round
from tests.factories import CentreFactory
from tests.helpers import user_with


def staff(role, name):
    from django.contrib.auth import get_user_model

    existing = get_user_model().objects.filter(username=name).first()
    return existing or user_with(role, name)


def prepared_round(*, centres=None, **values):
    quality = staff(roles.QUALITY_OFFICER, "survey_quality")
    today = timezone.localdate()
    fields = {
        "activity_name": "أمسية توعوية",
        "ended_on": today - datetime.timedelta(days=1),
        "centres": centres if centres is not None else [CentreFactory()],
        **values,
    }
    return services.round_create(actor=quality, **fields)


def collecting_round(**values) -> Round:
    survey_round = prepared_round(**values)
    quality = staff(roles.QUALITY_OFFICER, "survey_quality")
    reviewer = staff(roles.CENTRES_MANAGER, "survey_reviewer")
    services.round_submit_for_review(survey_round=survey_round, actor=quality)
    services.round_approve_content(survey_round=survey_round, actor=reviewer)
    survey_round.refresh_from_db()
    return survey_round


def customer(name="مستفيد", mobile="+966501112233", **fields):
    return Customer.objects.create(
        code=allocate_customer_code(),
        name=name,
        kind=CustomerKind.BENEFICIARY,
        mobile=mobile,
        **fields,
    )


def invitation_for(survey_round: Round, person=None) -> Invitation:
    return Invitation.objects.create(
        round=survey_round,
        customer=person or customer(mobile="+966501119999"),
        channel="sms",
        centre=survey_round.centres.first().centre,
    )


def full_answers(survey_round: Round, value=4, **by_code):
    """{item id: value} for every item of the round's form; `by_code` overrides some."""
    return {
        item.pk: by_code.get(item.code, value)
        for item in selectors.version_items(survey_round.version)
    }


def form_data(survey_round: Round, value=4, **extra):
    """The POST of the answer page: every statement answered `value`."""
    data = {
        f"item_{item.position}": str(value)
        for item in selectors.version_items(survey_round.version)
    }
    data.update(extra)
    return data
