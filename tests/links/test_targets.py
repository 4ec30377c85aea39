"""No open redirect: a link's target is a page of this site that resolves, or an address
whose host is on the allow-list; checked by the service, the staff form and the admin
form with an Arabic message."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.utils.translation import override

from links import services
from links.errors import LinkError
from links.forms import AllowedRedirectHostForm, TrackedLinkForm
from links.models import AllowedRedirectHost, TrackedLink

pytestmark = pytest.mark.django_db

OPEN_REDIRECTS = [
    "//evil.com",
    "//evil.com/public/faq/",
    "/\\evil.com",
    "https://evil.com",
    "http://evil.com/public/faq/",
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "https://www.example.org@evil.com/",
    "https://user:pass@www.example.org/",
    "https://www.example.org.evil.com/",
    "ftp://www.example.org/",
    "/public/faq/\r\nSet-Cookie: x=1",
    "",
]


@pytest.mark.parametrize("target", OPEN_REDIRECTS)
def test_the_service_refuses_targets_off_the_site_and_the_allow_list(
    make_link, allowed_host, target
):
    with pytest.raises(LinkError), override("ar"):
        make_link(target=target)
    assert not TrackedLink.objects.exists()


@pytest.mark.parametrize("target", OPEN_REDIRECTS)
def test_the_form_refuses_them_in_arabic(allowed_host, target):
    with override("ar"):
        form = TrackedLinkForm(data={"label": "ملصق", "target": target, "is_active": "on"})
        assert not form.is_valid()
        assert "target" in form.errors
        message = " ".join(form.errors["target"])
    assert any("\u0600" <= char <= "\u06ff" for char in message), message


def test_a_site_page_that_does_not_exist_is_refused(make_link):
    with pytest.raises(LinkError), override("ar"):
        make_link(target="/no/such/page/")


@pytest.mark.parametrize(
    "target", ["/public/cases/new/", "/public/faq/?q=1", "/public/", "/public/cases/track/#top"]
)
def test_site_pages_are_accepted(make_link, target):
    assert make_link(target=target).target == target


def test_an_allowed_host_is_accepted_and_its_case_ignored(make_link, allowed_host):
    link = make_link(target="https://WWW.Example.org/donate")
    assert link.target == "https://WWW.Example.org/donate"


def test_the_allow_list_takes_effect_when_a_host_is_added(make_link):
    with pytest.raises(LinkError):
        make_link(target="https://partner.example.net/")
    AllowedRedirectHost.objects.create(host="partner.example.net")
    assert make_link(target="https://partner.example.net/").pk


def test_an_edit_checks_the_target_too(make_link, manager):
    link = make_link()
    with pytest.raises(LinkError):
        services.link_update(link=link, actor=manager, target="https://evil.com/")
    link.refresh_from_db()
    assert link.target == "/public/cases/new/"


@pytest.mark.parametrize(
    "host",
    ["https://example.org", "example.org/path", "example.org:8080", "localhost", "-bad-.org", ""],
)
def test_the_allow_list_takes_host_names_only(host):
    with override("ar"):
        form = AllowedRedirectHostForm(data={"host": host})
        assert not form.is_valid()
        message = " ".join(form.errors["host"])
    assert any("\u0600" <= char <= "\u06ff" for char in message), message


def test_the_allow_list_stores_the_host_in_lower_case():
    form = AllowedRedirectHostForm(data={"host": "WWW.Partner.ORG."})
    assert form.is_valid(), form.errors
    assert form.save().host == "www.partner.org"


def test_the_admin_form_refuses_an_open_redirect(superuser, allowed_host):
    request = RequestFactory().post("/admin/links/trackedlink/add/")
    request.user = superuser
    model_admin = site._registry[TrackedLink]
    form_class = model_admin.get_form(request)
    with override("ar"):
        form = form_class(data={"label": "ملصق", "target": "https://evil.com/", "is_active": "on"})
        assert not form.is_valid()
        assert "target" in form.errors


def test_only_the_crm_manager_makes_and_edits_links(people, make_link):
    for name in ("crm_staff", "management", "nobody"):
        with pytest.raises(LinkError):
            services.link_create(actor=people[name], label="x", target="/public/faq/")
    link = make_link()
    with pytest.raises(LinkError):
        services.link_update(link=link, actor=people["crm_staff"], label="y")


def test_codes_are_unique_short_sqids(make_link):
    codes = {make_link(label=f"رابط {number}").code for number in range(20)}
    assert len(codes) == 20
    assert all(6 <= len(code) <= 16 and code.isalnum() and code.isascii() for code in codes)


def test_an_edit_is_kept_in_the_history(make_link, manager):
    link = make_link()
    services.link_update(link=link, actor=manager, label="ملصق جديد")
    latest = link.history.order_by("-history_date").first()
    assert latest.label == "ملصق جديد"
    assert latest.history_user == manager
