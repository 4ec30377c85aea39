"""The public pages' bar is made of the apps' registered links (core.navigation): filing a
case, tracking it, asking for support, the FAQ, each marked current on its own pages."""

import pytest
from django.urls import reverse

from core.navigation import public_links

pytestmark = pytest.mark.django_db


def test_every_public_page_shows_every_app_s_tab_and_marks_its_own(client):
    names = [link.url_name for link in public_links()]
    assert names == [
        "public:file",
        "public:track",
        "support_public:request_new",
        "public:faq",
    ]
    for link in public_links():
        page = client.get(reverse(link.url_name)).content.decode()
        for other in public_links():
            assert f'href="{reverse(other.url_name)}"' in page
        current = page[page.index('aria-current="page"') - 200 : page.index('aria-current="page"')]
        assert reverse(link.url_name) in current
