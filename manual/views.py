"""The manual's pages: the documents, a version (the one in force, older ones read-only), a
section, the search, reading access (1.4) and the controller's page, the PDF."""

from io import BytesIO
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.http import AuthenticatedRequest, download_name

from . import documents, selectors, services
from .errors import ManualError
from .forms import (
    AccessDecisionForm,
    AccessRequestForm,
    ChangeForm,
    DelegationForm,
    SearchForm,
    SectionForm,
)
from .models import ManualDocument, ManualSection, ManualVersion, ReadingAccess, VersionState


def _document(key: str) -> ManualDocument:
    return get_object_or_404(ManualDocument, key=key)


def _no_access(request: AuthenticatedRequest, document: ManualDocument) -> HttpResponse:
    """Someone who may not read the document: the request form instead (status 403)."""
    rows = {row.document.pk: row for row in selectors.document_rows(request.user)}
    return render(
        request,
        "manual/no_access.html",
        {"document": document, "row": rows.get(document.pk), "form": AccessRequestForm()},
        status=403,
    )


def _version_page(
    request: AuthenticatedRequest, version: ManualVersion, *, section_number: str = ""
) -> HttpResponse:
    services.reading_record(version=version, actor=request.user, section_number=section_number)
    sections = list(selectors.sections_of(version))
    context: dict[str, Any] = {
        "document": version.document,
        "version": version,
        "in_force": selectors.version_in_force(version.document),
        "versions": list(selectors.versions_of(version.document)),
        "sections": sections,
        "changes": list(selectors.changes_of(version)),
        "is_controller": selectors.is_controller(request.user),
        "may_approve": selectors.may_approve(request.user),
        "preparing": version.document.versions.filter(
            state__in=(VersionState.DRAFT, VersionState.SUBMITTED)
        ).first(),
    }
    context["editable"] = version.is_editable and context["is_controller"]
    if context["editable"]:
        context["change_form"] = ChangeForm(initial={"where": "", "summary": ""})
    if section_number:
        shown = next((s for s in sections if s.number == section_number), None)
        if shown is None:
            raise Http404
        prefix = section_number + "."
        context["section"] = shown
        context["subsections"] = [
            s for s in sections if s.number.startswith(prefix) or s.parent_number == section_number
        ]
        return render(request, "manual/section.html", context)
    return render(request, "manual/document.html", context)


def _readable_version(request: AuthenticatedRequest, key: str, serial: int) -> ManualVersion:
    document = _document(key)
    version = get_object_or_404(ManualVersion, document=document, serial=serial)
    if version.state in (VersionState.DRAFT, VersionState.SUBMITTED) and not (
        selectors.is_controller(request.user) or selectors.may_approve(request.user)
    ):
        raise Http404
    return version


@require_GET
def index(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "manual/index.html",
        {
            "rows": selectors.document_rows(request.user),
            "form": AccessRequestForm(),
            "search_form": SearchForm(),
            "is_controller": selectors.is_controller(request.user),
        },
    )


@require_GET
def document(request: AuthenticatedRequest, key: str) -> HttpResponse:
    doc = _document(key)
    if not selectors.may_read(request.user, doc):
        return _no_access(request, doc)
    version = selectors.version_in_force(doc)
    if version is None:
        raise Http404
    return _version_page(request, version)


@require_GET
def version(request: AuthenticatedRequest, key: str, serial: int) -> HttpResponse:
    doc = _document(key)
    if not selectors.may_read(request.user, doc):
        return _no_access(request, doc)
    return _version_page(request, _readable_version(request, key, serial))


@require_GET
def section(request: AuthenticatedRequest, key: str, number: str) -> HttpResponse:
    """The section of the version in force ("ما يقوله الدليل" links here)."""
    doc = _document(key)
    if not selectors.may_read(request.user, doc):
        return _no_access(request, doc)
    version = selectors.version_in_force(doc)
    if version is None or not ManualSection.objects.filter(version=version, number=number).exists():
        raise Http404
    return _version_page(request, version, section_number=number)


@require_GET
def version_pdf(request: AuthenticatedRequest, key: str, serial: int) -> HttpResponseBase:
    doc = _document(key)
    if not selectors.may_read(request.user, doc):
        raise PermissionDenied
    version = _readable_version(request, key, serial)
    services.reading_record(version=version, actor=request.user, section_number="pdf")
    pdf = documents.version_pdf(version)
    return FileResponse(
        BytesIO(pdf.content),
        as_attachment=True,
        filename=download_name(
            doc.title, _("version %(serial)s") % {"serial": version.serial}, extension="pdf"
        ),
        content_type="application/pdf",
    )


@require_GET
def search(request: AuthenticatedRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = list(selectors.search_sections(request.user, query)) if query else []
    return render(
        request,
        "manual/search.html",
        {"search_form": form, "query": query, "results": results},
    )


@require_POST
def access_request(request: AuthenticatedRequest, key: str) -> HttpResponse:
    doc = _document(key)
    form = AccessRequestForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.access_request(document=doc, actor=request.user, reason=reason)
    except ManualError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Your request was sent to the manual's controller, who will answer it.")
        )
    return redirect("manual:index")


def _require_controller(request: AuthenticatedRequest) -> None:
    if not selectors.is_controller(request.user):
        raise PermissionDenied


@require_GET
def access(request: AuthenticatedRequest) -> HttpResponse:
    """The controller's page: reading requests to decide, decisions taken, the reading log
    and the delegations."""
    _require_controller(request)
    return render(
        request,
        "manual/access.html",
        {
            "pending": list(selectors.pending_requests()),
            "decided": list(selectors.decided_requests()),
            "readings": list(selectors.reading_log()),
            "delegations": list(selectors.delegations()),
            "decision_form": AccessDecisionForm(),
            "delegation_form": DelegationForm()
            if request.user.has_perm(selectors.CONTROL)
            else None,
        },
    )


@require_POST
def access_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _require_controller(request)
    access_row = get_object_or_404(ReadingAccess, pk=pk)
    form = AccessDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to grant or to refuse."))
        return redirect(reverse("manual:access") + f"#request-{pk}")
    try:
        decided = services.access_decide(
            access=access_row,
            actor=request.user,
            grant=form.cleaned_data["decision"] == "grant",
            refusal_reason=form.cleaned_data["refusal_reason"],
        )
    except ManualError as error:
        messages.error(request, str(error))
        return redirect(reverse("manual:access") + f"#request-{pk}")
    messages.success(
        request,
        _("Reading access granted.")
        if decided.state == "granted"
        else _("Reading access refused."),
    )
    return redirect("manual:access")


@require_POST
def delegation_create(request: AuthenticatedRequest) -> HttpResponse:
    if not request.user.has_perm(selectors.CONTROL):
        raise PermissionDenied
    form = DelegationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a CRM staff member and the delegation's dates."))
        return redirect("manual:access")
    try:
        services.delegation_create(
            delegate=form.cleaned_data["delegate"],
            starts_on=form.cleaned_data["starts_on"],
            ends_on=form.cleaned_data["ends_on"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
    except ManualError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The delegation was recorded."))
    return redirect("manual:access")


# --- a new version (1.5, 1.12) ------------------------------------------------------------------


def _version_url(version: ManualVersion) -> str:
    return reverse("manual:version", args=[version.document.key, version.serial])


@require_POST
def draft_start(request: AuthenticatedRequest, key: str) -> HttpResponse:
    _require_controller(request)
    doc = _document(key)
    try:
        draft = services.version_start_draft(document=doc, actor=request.user)
    except ManualError as error:
        messages.error(request, str(error))
        return redirect("manual:document", key=key)
    messages.success(
        request,
        _("Version %(serial)s was started as a copy of the version in force.")
        % {"serial": draft.serial},
    )
    return redirect(_version_url(draft))


@require_http_methods(["GET", "POST"])
def section_edit(request: AuthenticatedRequest, key: str, serial: int, number: str) -> HttpResponse:
    _require_controller(request)
    version = get_object_or_404(ManualVersion, document__key=key, serial=serial)
    shown = get_object_or_404(ManualSection, version=version, number=number)
    form = SectionForm(request.POST or None, initial={"title": shown.title, "text": shown.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.section_edit(
                section=shown,
                actor=request.user,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
            )
        except ManualError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The section was changed in the draft."))
            return redirect(_version_url(version) + f"#s-{number}")
    in_force = selectors.version_in_force(version.document)
    return render(
        request,
        "manual/section_form.html",
        {
            "document": version.document,
            "version": version,
            "section": shown,
            "form": form,
            "in_force_section": in_force.sections.filter(number=number).first()
            if in_force
            else None,
        },
    )


@require_POST
def change_add(request: AuthenticatedRequest, key: str, serial: int) -> HttpResponse:
    _require_controller(request)
    version = get_object_or_404(ManualVersion, document__key=key, serial=serial)
    form = ChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date, the section or page and the summary."))
        return redirect(_version_url(version) + "#changes")
    try:
        services.change_add(
            version=version,
            actor=request.user,
            changed_on=form.cleaned_data["changed_on"],
            where=form.cleaned_data["where"],
            summary=form.cleaned_data["summary"],
        )
    except ManualError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The change was added to the change log."))
    return redirect(_version_url(version) + "#changes")


@require_POST
def version_submit(request: AuthenticatedRequest, key: str, serial: int) -> HttpResponse:
    _require_controller(request)
    version = get_object_or_404(ManualVersion, document__key=key, serial=serial)
    try:
        services.version_submit(version=version, actor=request.user)
    except ManualError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The version was sent to the sub-council secretary."))
    return redirect(_version_url(version))


@require_POST
def version_approve(request: AuthenticatedRequest, key: str, serial: int) -> HttpResponse:
    if not selectors.may_approve(request.user):
        raise PermissionDenied
    version = get_object_or_404(ManualVersion, document__key=key, serial=serial)
    try:
        services.version_approve(version=version, actor=request.user)
    except ManualError as error:
        messages.error(request, str(error))
        return redirect(_version_url(version))
    messages.success(
        request,
        _("Version %(serial)s is in force; the previous one is kept read-only.")
        % {"serial": version.serial},
    )
    return redirect("manual:document", key=key)
