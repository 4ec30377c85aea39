"""Donations from the finance system (manual 6.1.7): the import in two steps, the donations
waiting to be matched by hand, and the list of donations with its totals."""

import datetime

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import FilterSet, Form
from core.imports.views import ImportPages
from core.text import normalize_digits
from customers.models import Customer
from programmes.models import Programme

from . import donations, tasks
from .models import Donation, DonationImport

PAGE_SIZE = 25


def _require_perm(user, permission):
    if not user.has_perm(permission):
        raise PermissionDenied


def _querystring_without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- import -----------------------------------------------------------------------------


# The pages are core.imports.views': the dry run and the confirmation run as background jobs
# (opportunities.tasks); confirming adds the new and unmatched receipts.


def _upload_context(request):
    return {
        "columns": [
            (donations.column_label(name), donations.COLUMN_ALIASES[name][0])
            for name in donations.COLUMNS
        ],
        "max_megabytes": donations.MAX_UPLOAD_MEGABYTES,
        "recent_imports": DonationImport.objects.select_related("imported_by")[:5],
    }


def _preview_context(request, result):
    counts = result.counts
    return {
        "result": result,
        "counts": [
            (outcome, donations.OUTCOME_LABELS[outcome], donations.OUTCOME_BADGES[outcome], n)
            for outcome, n in counts.items()
        ],
        "to_write": counts[donations.NEW] + counts[donations.UNMATCHED],
        "unmatched": counts[donations.UNMATCHED],
    }


IMPORT_PAGES = ImportPages(
    importer=donations.IMPORTER,
    permission="opportunities.add_donation",
    preview_job=tasks.DONATION_IMPORT_PREVIEW,
    confirm_job=tasks.DONATION_IMPORT_CONFIRM,
    upload_url="opportunities:donation_import",
    upload_template="opportunities/donation_import.html",
    preview_template="opportunities/donation_import_preview.html",
    stored_preview=donations.StoredDryRun,
    title=gettext_lazy("Import donations from the finance system"),
    back_url="opportunities:donation_list",
    back_label=gettext_lazy("Back to the donations"),
    icon="bi-cash-coin",
    file_label=gettext_lazy("File exported by the finance system"),
    file_help=gettext_lazy("Excel workbook (.xlsx) or CSV."),
    upload_context=_upload_context,
    preview_context=_preview_context,
)
donation_import = IMPORT_PAGES.upload
donation_import_preview = IMPORT_PAGES.preview
donation_import_confirm = IMPORT_PAGES.confirm


# --- matching by hand -------------------------------------------------------------------


class DonationMatchForm(Form):
    donor_code = forms.CharField(label=gettext_lazy("Donor code"), max_length=20)
    programme = forms.ModelChoiceField(
        label=gettext_lazy("Programme"), queryset=Programme.objects.all()
    )

    def clean_donor_code(self):
        text = normalize_digits(self.cleaned_data["donor_code"]).strip()
        if not text.isdigit() or len(text) > donations.CUSTOMER_CODE_MAX_DIGITS:
            raise forms.ValidationError(_("A customer code is a number."))
        donor = Customer.objects.filter(code=int(text)).first()
        if donor is None:
            raise forms.ValidationError(
                _("No customer has the code %(code)s.") % {"code": int(text)}
            )
        return donor


@require_GET
def donations_unmatched(request):
    _require_perm(request.user, "opportunities.change_donation")
    queryset = donations.unmatched_donations().order_by("received_on", "id")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    programmes = list(Programme.objects.only("pk", "code", "name"))
    programme_by_code = {programme.code.casefold(): programme.pk for programme in programmes}
    undone = donations.undone_matches_of(list(page))
    rows = [
        (
            donation,
            _proposed_donor_code(donation),
            donation.programme_id
            or programme_by_code.get(donation.programme_code_as_imported.casefold()),
            undone.get(donation.pk, []),
        )
        for donation in page
    ]
    return render(
        request,
        "opportunities/donation_unmatched.html",
        {
            "page": page,
            "rows": rows,
            "programmes": programmes,
            "querystring": "",
        },
    )


def _proposed_donor_code(donation):
    if donation.donor is not None:
        return str(donation.donor.code)
    code = donation.donor_code_as_imported
    return code if code.isdigit() else ""


@require_POST
def donation_match(request, pk):
    _require_perm(request.user, "opportunities.change_donation")
    donation = get_object_or_404(Donation, pk=pk)
    form = DonationMatchForm(request.POST)
    back = reverse("opportunities:donations_unmatched")
    page = request.POST.get("page", "")
    if page.isdigit():
        back = f"{back}?{urlencode({'page': page})}"
    if not form.is_valid():
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(
                    request,
                    _("Donation %(receipt)s: %(error)s")
                    % {"receipt": donation.receipt_number, "error": error},
                )
        return redirect(back)
    try:
        matched = donations.donation_match(
            donation=donation,
            donor=form.cleaned_data["donor_code"],
            programme=form.cleaned_data["programme"],
            actor=request.user,
        )
    except donations.DonationError as error:
        messages.error(request, str(error))
        return redirect(back)
    messages.success(
        request,
        _("Donation %(receipt)s is now recorded for %(donor)s, programme %(programme)s.")
        % {
            "receipt": matched.receipt_number,
            "donor": matched.donor.name,
            "programme": matched.programme,
        },
    )
    return redirect(back)


class UnmatchForm(Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is the match wrong?"), widget=forms.Textarea(attrs={"rows": 3})
    )


@require_http_methods(["GET", "POST"])
def donation_unmatch(request, pk):
    """Confirm, with the reason, then undo a manual match (the donation is matched again
    from the list of donations waiting to be matched)."""
    _require_perm(request.user, "opportunities.change_donation")
    donation = get_object_or_404(
        Donation.objects.select_related("donor", "programme", "matched_by"), pk=pk
    )
    form = UnmatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            donations.donation_unmatch(
                donation=donation, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except donations.DonationError as error:
            messages.error(request, str(error))
            return redirect("opportunities:donation_list")
        messages.success(
            request,
            _("The match of donation %(receipt)s was undone: it waits to be matched again.")
            % {"receipt": donation.receipt_number},
        )
        return redirect("opportunities:donations_unmatched")
    return render(
        request,
        "opportunities/donation_unmatch.html",
        {
            "donation": donation,
            "form": form,
            "history": donations.undone_matches_of([donation]).get(donation.pk, []),
        },
    )


# --- the list ---------------------------------------------------------------------------

MATCHED, UNMATCHED = "matched", "unmatched"


class DonationFilter(FilterSet):
    donor = django_filters.CharFilter(label=gettext_lazy("Donor code"), method="filter_donor")
    programme = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Programme"),
        queryset=Programme.objects.only("pk", "code", "name"),
        empty_label=gettext_lazy("All programmes"),
    )
    year = django_filters.ChoiceFilter(
        label=gettext_lazy("Year"),
        method="filter_year",
        choices=[],
        empty_label=gettext_lazy("All years"),
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Matching"),
        method="filter_status",
        choices=[
            (MATCHED, gettext_lazy("Matched")),
            (UNMATCHED, gettext_lazy("Waiting to be matched")),
        ],
        empty_label=gettext_lazy("All"),
    )

    class Meta:
        model = Donation
        fields = ["donor", "programme", "year", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["year"].extra["choices"] = [
            (year, str(year)) for year in donations.donation_years()
        ]

    def filter_donor(self, queryset, name, value):
        code = normalize_digits(value).strip()
        condition = Q(donor_code_as_imported=code)
        if code.isdigit() and len(code) <= donations.CUSTOMER_CODE_MAX_DIGITS:
            condition |= Q(donor__code=int(code))
        return queryset.filter(condition)

    def filter_year(self, queryset, name, value):
        value = int(value)  # one of the choices, so digits
        # A range on the date, not __year: the index on received_on serves it.
        return queryset.filter(
            received_on__gte=datetime.date(value, 1, 1),
            received_on__lte=datetime.date(value, 12, 31),
        )

    def filter_status(self, queryset, name, value):
        if value == MATCHED:
            return queryset.filter(donor__isnull=False, programme__isnull=False)
        return queryset.filter(Q(donor__isnull=True) | Q(programme__isnull=True))


@require_GET
def donation_list(request):
    _require_perm(request.user, "opportunities.view_donation")
    donation_filter = DonationFilter(request.GET, queryset=donations.donations_with_parties())
    queryset = donation_filter.qs
    totals = donations.donation_totals(queryset)
    paginator = Paginator(queryset, PAGE_SIZE)
    # The totals query has counted the rows already: the paginator need not count again.
    paginator.count = totals["count"]
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "opportunities/donation_list.html",
        {
            "filter": donation_filter,
            "page": page,
            "totals": totals,
            "querystring": _querystring_without_page(request),
            "unmatched_count": (
                donations.unmatched_count()
                if request.user.has_perm("opportunities.change_donation")
                else None
            ),
            "may_unmatch": request.user.has_perm("opportunities.change_donation"),
        },
    )
