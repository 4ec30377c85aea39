"""Donations from the finance system (manual 6.1.7): the list with its totals, the
donations waiting to be matched by hand, matching one, and undoing a wrong match. The
import's pages are opportunities.views_donations."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.pagination import CappedPaginator
from core.permissions import require
from core.text import bdi, html_message
from programmes.selectors import programme_choices

from . import presentation, selectors, services
from .filters import DonationFilter
from .forms import DonationMatchForm, UnmatchForm
from .models import Donation

PAGE_SIZE = 25


def _querystring_without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- matching by hand -------------------------------------------------------------------


@require_GET
def donations_unmatched(request):
    require(request.user, "finance.change_donation")
    queryset = selectors.unmatched_donations().order_by("received_on", "id")
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    programmes = _programme_options()
    programme_by_code = {code: pk for pk, code, _option in programmes}
    undone = selectors.undone_matches_of(list(page))
    rows = []
    for donation in page:
        programme_id = donation.programme_id or programme_by_code.get(
            donation.programme_code_as_imported.casefold()
        )
        donor_field = DonationMatchForm(
            initial={"donor_code": _proposed_donor_code(donation)}, auto_id=f"%s-{donation.pk}"
        )["donor_code"]
        options = _options_choosing(programmes, programme_id)
        rows.append((donation, donor_field, programme_id, options, undone.get(donation.pk, [])))
    return render(
        request,
        "finance/donation_unmatched.html",
        {"page": page, "rows": rows, "querystring": ""},
    )


def _programme_options():
    """[(pk, code casefolded, "<option …>")] of every programme: the options of each row's
    programme select, written once rather than a template loop per row."""
    return [
        (pk, code.casefold(), format_html('<option value="{}">{} · {}</option>', pk, code, name))
        for pk, code, name in programme_choices()
    ]


def _options_choosing(programmes, chosen_id):
    return mark_safe(  # noqa: S308 - every option was escaped by format_html
        "".join(
            option.replace(">", " selected>", 1) if pk == chosen_id else option
            for pk, _code, option in programmes
        )
    )


def _proposed_donor_code(donation):
    if donation.donor is not None:
        return str(donation.donor.code)
    code = donation.donor_code_as_imported
    return code if code.isdigit() else ""


@require_POST
def donation_match(request, pk):
    require(request.user, "finance.change_donation")
    donation = get_object_or_404(Donation, pk=pk)
    form = DonationMatchForm(request.POST)
    back = reverse("finance:donations_unmatched")
    page = request.POST.get("page", "")
    if page.isdigit():
        back = f"{back}?{urlencode({'page': page})}"
    if not form.is_valid():
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(
                    request,
                    html_message(
                        _("Donation %(receipt)s: %(error)s"),
                        {"receipt": bdi(donation.receipt_number), "error": error},
                    ),
                )
        return redirect(back)
    try:
        matched = services.donation_match(
            donation=donation,
            donor=form.cleaned_data["donor_code"],
            programme=form.cleaned_data["programme"],
            actor=request.user,
        )
    except services.DonationError as error:
        messages.error(request, str(error))
        return redirect(back)
    messages.success(
        request,
        html_message(
            _("Donation %(receipt)s is now recorded for %(donor)s, programme %(programme)s."),
            {
                "receipt": bdi(matched.receipt_number),
                "donor": bdi(matched.donor.name),
                "programme": bdi(matched.programme),
            },
        ),
    )
    return redirect(back)


@require_http_methods(["GET", "POST"])
def donation_unmatch(request, pk):
    """Confirm, with the reason, then undo a manual match (the donation is matched again
    from the list of donations waiting to be matched)."""
    require(request.user, "finance.change_donation")
    donation = get_object_or_404(
        Donation.objects.select_related("donor", "programme", "matched_by"), pk=pk
    )
    form = UnmatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.donation_unmatch(
                donation=donation, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except services.DonationError as error:
            messages.error(request, str(error))
            return redirect("finance:donation_list")
        messages.success(
            request,
            html_message(
                _("The match of donation %(receipt)s was undone: it waits to be matched again."),
                {"receipt": bdi(donation.receipt_number)},
            ),
        )
        return redirect("finance:donations_unmatched")
    return render(
        request,
        "finance/donation_unmatch.html",
        {
            "donation": donation,
            "form": form,
            "history": selectors.undone_matches_of([donation]).get(donation.pk, []),
        },
    )


# --- the list ---------------------------------------------------------------------------


def _unfiltered(donation_filter: DonationFilter) -> bool:
    """The filter is valid and empty: its queryset is every donation."""
    form = donation_filter.form
    return form.is_valid() and all(value in (None, "") for value in form.cleaned_data.values())


@require_GET
def donation_list(request):
    require(request.user, "finance.view_donation")
    donation_filter = DonationFilter(request.GET, queryset=selectors.donations_with_parties())
    queryset = donation_filter.qs
    # Without a filter, the totals of every donation: cached (renewed on every change).
    totals = (
        selectors.all_donation_totals()
        if _unfiltered(donation_filter)
        else selectors.donation_totals(queryset)
    )
    # The totals query has counted the rows already: the paginator need not count again.
    page = CappedPaginator(queryset, PAGE_SIZE, known_count=totals["count"]).get_page(
        request.GET.get("page")
    )
    may_unmatch = request.user.has_perm("finance.change_donation")
    presentation.prepare_donation_rows(page, may_unmatch=may_unmatch)
    return render(
        request,
        "finance/donation_list.html",
        {
            "filter": donation_filter,
            "page": page,
            "totals": totals,
            "querystring": _querystring_without_page(request),
            "unmatched_count": selectors.unmatched_count() if may_unmatch else None,
        },
    )
