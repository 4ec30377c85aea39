from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from core import views as core_views

admin.site.site_header = _("Customer relations system administration")
admin.site.site_title = _("Customer relations system")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", core_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # The language switch must work on the login page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("customers/", include("customers.urls")),
    path("programmes/", include("programmes.urls")),
    path("opportunities/", include("opportunities.urls")),
    # The donation pages kept their paths under /opportunities/ when they became finance's.
    path("opportunities/", include("finance.urls")),
    path("complaints/", include("complaints.urls")),
    # The public's pages (no login): file a case, follow it, read the FAQ.
    path("public/", include("complaints.urls_public")),
    path("reports/", include("reports.urls")),
    # Background jobs (imports, large entries): their progress page and status.
    path("jobs/", include("core.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
