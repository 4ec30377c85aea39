"""Staff pages of the FAQ (manual 5.1.10): the list of entries, a proposal, its review."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.pagination import CappedPaginator
from core.permissions import require

from . import faq, selectors
from .errors import FaqError
from .forms import FaqDecisionForm, FaqEntryForm, FaqFilterForm
from .models import FaqState

PAGE_SIZE = 25
ANSWERED_CASES_SHOWN = 20


def _entry_or_404(user, pk):
    require(user, "complaints.view_faqentry")
    return get_object_or_404(selectors.faq_entries_visible_to(user), pk=pk)


@require_GET
def faq_list(request):
    require(request.user, "complaints.view_faqentry")
    filter_form = FaqFilterForm(request.GET)
    entries = selectors.faq_entries_visible_to(request.user)
    if filter_form.is_valid():
        if filter_form.cleaned_data["state"]:
            entries = entries.filter(state=filter_form.cleaned_data["state"])
        entries = selectors.search_faq_entries(entries, filter_form.cleaned_data["q"])
    entries = selectors.faq_ordered_for(entries, request.user).annotate(
        author_count=Count("text_authors", distinct=True)
    )
    page = CappedPaginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "complaints/faq_list.html",
        {
            "filter_form": filter_form,
            "page": page,
            "querystring": query.urlencode(),
            "awaiting_count": selectors.faq_proposals_awaiting(request.user).count(),
            "states": FaqState,
        },
    )


@require_http_methods(["GET", "POST"])
def faq_new(request):
    require(request.user, "complaints.add_faqentry")
    form = FaqEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = faq.faq_propose(
                actor=request.user,
                question=form.cleaned_data["question"],
                answer=form.cleaned_data["answer"],
                category=form.cleaned_data["category"],
            )
        except FaqError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("The question was proposed. A manager approves it before publication.")
            )
            return redirect("complaints:faq_detail", pk=entry.pk)
    return render(request, "complaints/faq_form.html", {"form": form, "entry": None})


@require_http_methods(["GET", "POST"])
def faq_edit(request, pk):
    entry = _entry_or_404(request.user, pk)
    require(request.user, "complaints.add_faqentry")
    if entry.state != FaqState.PROPOSED:
        messages.error(request, _("Only a proposal awaiting approval can be edited."))
        return redirect("complaints:faq_detail", pk=entry.pk)
    if not faq.may_edit(entry, request.user):
        raise PermissionDenied
    form = FaqEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            faq.faq_update(
                entry=entry,
                actor=request.user,
                question=form.cleaned_data["question"],
                answer=form.cleaned_data["answer"],
                category=form.cleaned_data["category"],
            )
        except FaqError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The proposal was saved."))
            return redirect("complaints:faq_detail", pk=entry.pk)
    return render(request, "complaints/faq_form.html", {"form": form, "entry": entry})


@require_GET
def faq_detail(request, pk):
    entry = _entry_or_404(request.user, pk)
    # Only what the list shows (and the state, which django-fsm reads when it makes a
    # case): joining the case's relations costs more planning than the query takes.
    answered = (
        selectors.cases_visible_to(request.user)
        .filter(faq_entry=entry)
        .select_related(None)
        .only("tracking_number", "subject", "received_at", "state")
        .order_by("-received_at", "-pk")
    )
    changes = faq.edit_history(entry)
    steps = list(entry.transitions.select_related("actor"))
    self_proposed = entry.proposed_by_id == request.user.pk
    return render(
        request,
        "complaints/faq_detail.html",
        {
            "entry": entry,
            "transitions": steps,
            "actions": faq.available_actions(entry, request.user),
            "decision_form": FaqDecisionForm(),
            "answered_cases": answered[:ANSWERED_CASES_SHOWN],
            "states": FaqState,
            "self_proposed": self_proposed,
            "self_authored": not self_proposed and entry.is_author(request.user),
            "credit": faq.credit(entry, changes, steps),
            "edits": [change for change in changes if change.kind == "edited"],
        },
    )


_ACTIONS = {
    "publish": faq.faq_publish,
    "reject": faq.faq_reject,
    "withdraw": faq.faq_withdraw,
}

_DONE_MESSAGES = {
    "publish": gettext_lazy("The answer was published on the FAQ page."),
    "reject": gettext_lazy("The proposal was rejected."),
    "withdraw": gettext_lazy("The answer was withdrawn from the FAQ page."),
}


@require_POST
def faq_action(request, pk, action):
    entry = _entry_or_404(request.user, pk)
    if action not in _ACTIONS:
        raise PermissionDenied
    extra = {}
    if action == "publish":
        # The revision of the text the manager read on the page (faq.faq_publish).
        extra["revision"] = request.POST.get("revision") or None
    try:
        _ACTIONS[action](
            entry=entry, actor=request.user, note=request.POST.get("note", ""), **extra
        )
    except FaqError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, str(_DONE_MESSAGES[action]))
    return redirect("complaints:faq_detail", pk=entry.pk)
