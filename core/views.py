from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from association.roles import HEADLINE_ROLES, user_has_role, user_roles
from association.selectors import staff_profile_for

from . import jobs
from .http import AuthenticatedRequest
from .models import BackgroundJob, JobState
from .mywork import home_for


@require_GET
def home(request: AuthenticatedRequest) -> HttpResponse:
    """عملي: what awaits this user, from every app's work provider; for the managers, the
    secretary and the management, a row of headline figures from every app above it."""
    user = request.user
    sees_headlines = user.is_superuser or user_has_role(user, *HEADLINE_ROLES)
    # From the cache until a row changes (core.mywork.home_for).
    home_ = home_for(user, headlines=sees_headlines)
    sections = home_.sections
    context = {
        "headlines": home_.headlines,
        "sections": sections,
        "has_work": any(section.items for section in sections),
        "roles": user_roles(request.user),
        "profile": staff_profile_for(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "core/home.html", context)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Arabic page for a refused form (expired page, cookies off), instead of Django's."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer and docker compose: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


# --- background jobs ---------------------------------------------------------------------------


def _own_job_or_404(request: AuthenticatedRequest, pk: UUID) -> BackgroundJob:
    job = jobs.own_job(request.user, pk)
    if job is None:
        raise Http404
    return jobs.fail_if_stale(job)


_MESSAGE_LEVELS = {
    "success": messages.SUCCESS,
    "info": messages.INFO,
    "warning": messages.WARNING,
    "error": messages.ERROR,
}


@require_GET
def job_detail(request: AuthenticatedRequest, pk: UUID) -> HttpResponse:
    """A job's progress while it runs; once done, where it leads, with its message."""
    job = _own_job_or_404(request, pk)
    if job.state == JobState.DONE:
        if job.result.get("message"):
            level = _MESSAGE_LEVELS.get(job.result.get("level"), messages.INFO)
            messages.add_message(request, level, job.result["message"])
        return redirect(job.result["url"])
    if job.state == JobState.FAILED:
        if job.result.get("as_message", True):
            messages.error(request, job.error)
        return redirect(job.result.get("url") or "home")
    kind = jobs.JOB_KINDS.get(job.kind)
    return render(
        request,
        "core/job_progress.html",
        {
            "job": job,
            "title": kind.title if kind else "",
            "progress": jobs.progress_of(job),
            "back_url": kind.fallback_url(job) if kind else reverse("home"),
        },
    )


@require_GET
def job_status(request: AuthenticatedRequest, pk: UUID) -> JsonResponse:
    """The progress bar's data, polled by static/js/job-progress.js."""
    job = _own_job_or_404(request, pk)
    progress = jobs.progress_of(job)
    return JsonResponse(
        {
            "state": job.state,
            "done": not job.is_active,
            "percent": progress["percent"],
            "label": progress["label"],
            "url": reverse("core:job_detail", args=[job.pk]),
        },
        headers={"Cache-Control": "no-store"},
    )
