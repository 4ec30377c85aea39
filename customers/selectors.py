"""Reads of the customer database: who sees which customers, search, duplicates."""

from dataclasses import dataclass, field

from django.db.models import Q

from association import roles
from association.models import Centre
from core.phones import normalize_saudi_mobile
from core.text import normalize_arabic

from .models import Customer, CustomerKind, CustomerRequest, LineAction

# Roles whose members see only the beneficiaries of their own centres.
CENTRE_SCOPED_ROLES = {roles.CENTRES_STAFF, roles.CENTRES_MANAGER}


def customers_visible_to(user):
    """All customers for roles that read the database; the beneficiaries of their own
    centres for centres-affairs staff; nothing for anyone else."""
    queryset = Customer.objects.select_related("city", "centre", "point_of_contact")
    if not user.has_perm("customers.view_customer"):
        return queryset.none()
    user_role_set = set(roles.user_roles(user))
    if user.is_superuser or user_role_set - CENTRE_SCOPED_ROLES:
        return queryset
    return queryset.filter(kind=CustomerKind.BENEFICIARY, centre__in=_user_centres(user))


def _user_centres(user):
    return Centre.objects.filter(staff__user=user)


def search_customers(queryset, text):
    """One search box: code, name (Arabic-normalised), mobile (any typing) or email."""
    text = (text or "").strip()
    if not text:
        return queryset
    normalized = normalize_arabic(text)
    condition = Q(name_normalized__contains=normalized)
    if normalized.isdigit():
        condition |= Q(code=int(normalized))
    mobile = _as_mobile(text)
    if mobile:
        condition |= Q(mobile=mobile)
    if "@" in text:
        condition |= Q(email=text.lower())
    return queryset.filter(condition)


def _as_mobile(text):
    try:
        return normalize_saudi_mobile(text)
    except Exception:  # noqa: BLE001 - any unparsable text is simply not a mobile number
        return None


@dataclass
class DuplicateMatch:
    customer: Customer
    reasons: list = field(default_factory=list)
    blocking: bool = False


def find_possible_duplicates(values, *, exclude_pk=None, limit=10):
    """Customers that may be the same person or body as `values` (proposed values)."""
    national_id = values.get("national_id") or ""
    mobile = values.get("mobile") or ""
    email = (values.get("email") or "").lower()
    name = normalize_arabic(values.get("name"))
    condition = Q(pk__in=[])
    if national_id:
        condition |= Q(national_id=national_id)
    if mobile:
        condition |= Q(mobile=mobile)
    if email:
        condition |= Q(email=email)
    if name:
        condition |= Q(name_normalized=name)
        tokens = name.split()
        if len(tokens) >= 2:
            condition |= Q(name_normalized__startswith=tokens[0] + " ") & Q(
                name_normalized__endswith=" " + tokens[-1]
            )
    candidates = Customer.objects.filter(condition).exclude(pk=exclude_pk)[:limit]
    return [_describe_match(customer, national_id, mobile, email, name) for customer in candidates]


def _describe_match(customer, national_id, mobile, email, name):
    from django.utils.translation import gettext as _

    match = DuplicateMatch(customer)
    if national_id and customer.national_id == national_id:
        match.reasons.append(_("same national ID"))
        match.blocking = True
    if mobile and customer.mobile == mobile:
        match.reasons.append(_("same mobile"))
        match.blocking = True
    if email and customer.email == email:
        match.reasons.append(_("same email"))
    if name and not match.reasons:
        match.reasons.append(_("similar name"))
    return match


def duplicates_by_line(request):
    """[(line, [DuplicateMatch])] for every line of a form, for the reviewer."""
    return [
        (
            line,
            find_possible_duplicates(
                {**line.base_values, **line.proposed}, exclude_pk=line.customer_id
            ),
        )
        for line in request.lines.all()
    ]


def blocking_duplicates(request):
    """New-record lines that match an existing customer's national ID or mobile exactly."""
    return [
        (line, match)
        for line, matches in duplicates_by_line(request)
        if line.action == LineAction.CREATE
        for match in matches
        if match.blocking
    ]


def requests_visible_to(user):
    if not user.has_perm("customers.view_customerrequest"):
        return CustomerRequest.objects.none()
    return CustomerRequest.objects.select_related("prepared_by", "decided_by", "entered_by")


def open_requests_in_state(state):
    return (
        CustomerRequest.objects.filter(state=state).select_related("prepared_by").order_by("due_at")
    )
