from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from association.roles import user_roles
from association.selectors import staff_profile_for

from .mywork import work_sections_for


@require_GET
def home(request):
    """عملي: what awaits this user, from every app's work provider."""
    sections = work_sections_for(request.user)
    context = {
        "sections": sections,
        "has_work": any(section.items for section in sections),
        "roles": user_roles(request.user),
        "profile": staff_profile_for(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "core/home.html", context)


def csrf_failure(request, reason=""):
    """Arabic page for a refused form (expired page, cookies off), instead of Django's."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)


@login_not_required
@require_GET
def healthz(request):
    """For the load balancer and docker compose: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
