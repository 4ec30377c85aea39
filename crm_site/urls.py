from django.apps import apps
from django.conf import settings
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
    # Each project app's pages, under the prefixes its AppConfig declares in
    # urls = {prefix: urlconf}.
    *(
        path(prefix, include(urlconf))
        for app_config in apps.get_app_configs()
        if app_config.name in settings.PROJECT_APPS
        for prefix, urlconf in getattr(app_config, "urls", {}).items()
    ),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
