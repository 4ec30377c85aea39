"""The Django admin in the application's look (issue 12, item 14): its colours and font,
selects sized for Arabic, and no "---------" in its selects."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import CentreFactory

pytestmark = pytest.mark.django_db


def test_the_admin_uses_the_site_s_stylesheet_font_and_icon(client, superuser):
    client.force_login(superuser)
    content = client.get(reverse("admin:index")).content.decode()
    for asset in ("css/fonts.css", "css/admin.css", "img/favicon.svg"):
        assert asset in content
    css = Path(finders.find("css/admin.css")).read_text(encoding="utf-8")
    assert "#0b5e55" in css  # the brand colour of static/css/app.css
    assert "Noto Sans Arabic" in css
    assert "height: auto" in css  # Arabic text in selects is not clipped


def test_admin_selects_left_empty_read_choose(client, superuser):
    centre = CentreFactory()
    client.force_login(superuser)
    for url in (
        reverse("admin:association_centre_changelist"),
        reverse("admin:association_centre_change", args=[centre.pk]),
        reverse("admin:association_centre_add"),
    ):
        content = client.get(url).content.decode()
        assert "---------" not in content, url
    assert "اختر…" in client.get(reverse("admin:association_centre_changelist")).content.decode()
