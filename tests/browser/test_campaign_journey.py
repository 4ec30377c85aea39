"""In Chromium, in Arabic: the annual plan and a campaign from preparation to launch. The CRM
manager prepares the plan, the four departments record their notes, management approves it;
a campaign of the plan has its channels approved, its proposals requested; the agency sends
them through its private link without an account; the CRM manager chooses and defines the
programme, management approves it, and the launch is recorded with its evidence. A passer-by
scans the placement's printed QR poster on a phone (the PDF rasterised and decoded), lands on
the public form and files a suggestion; the campaign's evaluation then counts the visit, the
unique visitor and the case. Screenshots at 1280 and 390 px."""

import subprocess

import pytest
import zxingcpp
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.utils import timezone
from PIL import Image

from association.demo import load_demo_data
from campaigns.models import Campaign, CampaignState, MarketingPlan, Placement, PlanState
from complaints.models import Case
from customers.models import Customer, CustomerKind, EntityType
from customers.services import allocate_customer_code
from links.models import LinkVisit, TrackedLink
from tests.browser.conftest import shot
from tests.campaigns.conftest import SMALL_PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Headless Chromium says "HeadlessChrome": an automated client, not counted (links.services).
PHONE_AGENT = "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 Chrome/124 Mobile"


def at_phone_width(page, name):
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, name)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), name
    page.set_viewport_size({"width": 1280, "height": 900})


def take(page, action, **fields):
    """Fill the step's own fields (input or textarea by name) and send it."""
    form = page.locator(f"[data-testid=action-{action}]")
    if not form.is_visible():  # an alternative step, folded under the primary one
        page.locator("details.action-alt", has=form).locator("summary").click()
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".alert-success")


def scanned(manager, url, tmp_path):
    """The poster PDF as printed (rasterised at 100 dpi) and scanned: the decoded texts."""
    poster = tmp_path / "poster.pdf"
    poster.write_bytes(manager.request.get(url).body())
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", str(poster), str(tmp_path / "poster")], check=True
    )
    image = Image.open(tmp_path / "poster-1.png").convert("L")
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_plan_to_launch_to_evaluation(as_user, browser, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = f"{live_server.url}/"
    cache.clear()  # the public pages' rate limits
    load_demo_data()
    agency = Customer.objects.create(
        code=allocate_customer_code(),
        name="وكالة الإبداع",
        kind=CustomerKind.OTHER,
        entity_type=EntityType.ORGANISATION,
    )
    year = timezone.localdate().year
    today = timezone.localdate().strftime("%d/%m/%Y")

    # 1. The CRM manager prepares the plan and sends it for coordination.
    manager = as_user("crm_manager")
    manager.goto(f"{live_server.url}/campaigns/plans/new/")
    manager.fill("input[name=title]", f"خطة الحملات {year}")
    manager.fill("textarea[name=objectives]", "رفع الوعي ببرامج الجمعية")
    manager.fill("textarea[name=strategic_goals]", "الهدف الاستراتيجي الثاني")
    manager.click("form.card button[type=submit]")
    manager.wait_for_selector("[data-testid=plan-span]")
    take(manager, "send_for_coordination")
    plan = MarketingPlan.objects.get()

    # 2. The departments record their notes.
    for username, department in (
        ("resources", "finance"),
        ("planning", "planning"),
        ("planning", "programmes"),
        ("centres_manager", "centres"),
    ):
        page = as_user(username)
        page.goto(f"{live_server.url}/campaigns/plans/{plan.pk}/")
        form = page.locator("[data-testid=coordinate-form]")
        form.locator("select[name=department]").select_option(department)
        form.locator("select[name=verdict]").select_option("agree")
        form.locator("button[type=submit]").click()
        page.wait_for_selector(".alert-success")
    assert plan.coordinations.count() == 4

    # 3. Submitted, then approved by management.
    manager.goto(f"{live_server.url}/campaigns/plans/{plan.pk}/")
    take(manager, "submit")
    management = as_user("management")
    management.goto(f"{live_server.url}/campaigns/plans/{plan.pk}/")
    shot(management, "campaigns-plan-decision-ar")
    at_phone_width(management, "campaigns-plan-decision-390-ar")
    take(management, "approve")
    plan.refresh_from_db()
    assert plan.state == PlanState.APPROVED
    management.goto(f"{live_server.url}/campaigns/plans/{plan.pk}/calendar/")
    assert management.locator("[data-testid=month]").count() == 12
    at_phone_width(management, "campaigns-calendar-390-ar")

    # 4. A campaign of the plan: channels chosen, approved by management.
    manager.goto(f"{live_server.url}/campaigns/new/?plan={plan.pk}")
    manager.fill("input[name=title]", "حملة رمضان")
    manager.fill("textarea[name=objectives]", "التعريف بالسلال الغذائية")
    manager.fill("input[name=starts_on]", f"01/11/{year}")
    manager.fill("input[name=ends_on]", f"31/12/{year}")
    manager.fill("input[name=budget]", "50000")
    manager.check("input[name=channels][value=billboards]")
    manager.check("input[name=channels][value=social]")
    manager.click("form.card button[type=submit]")
    manager.wait_for_selector("[data-testid=channels]")
    campaign = Campaign.objects.get()
    take(manager, "submit_channels")
    management.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    take(management, "approve_channels")

    # 5. The proposals requested from the agency.
    manager.reload()
    form = manager.locator("[data-testid=action-request_proposals]")
    form.locator("select[name=agency]").select_option(str(agency.pk))
    form.locator("textarea[name=requirements]").fill("لوحتان خارجيتان ومنشورات")
    form.locator("button[type=submit]").click()
    manager.wait_for_selector("[data-testid=agency-link]")
    link = manager.locator("[data-testid=agency-link] a").get_attribute("href")
    shot(manager, "campaigns-awaiting-proposals-ar")
    at_phone_width(manager, "campaigns-awaiting-proposals-390-ar")

    # 6. The agency sends them through its link, no account.
    proposal_file = tmp_path / "proposals.pdf"
    proposal_file.write_bytes(SMALL_PDF)
    context = browser.new_context(locale="ar-SA", viewport={"width": 390, "height": 844})
    agency_page = context.new_page()
    agency_page.goto(f"{live_server.url}{link}")
    agency_page.fill("input[name=title]", "مقترحات الوكالة")
    agency_page.set_input_files("input[name=file]", str(proposal_file))
    agency_page.click("[data-testid=agency-upload-form] button[type=submit]")
    agency_page.wait_for_selector("[data-testid=sent]")
    shot(agency_page, "campaigns-agency-upload-390-ar")
    assert agency_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    context.close()
    assert campaign.proposals.get().by_agency

    # 7. The CRM manager chooses, defines the programme and submits it.
    manager.reload()
    form = manager.locator("[data-testid=action-choose_proposal]")
    form.locator("select[name=proposal]").select_option(index=1)
    form.locator("textarea[name=evaluation]").fill("يغطي القنوات المعتمدة")
    form.locator("button[type=submit]").click()
    manager.wait_for_selector("[data-testid=placement-form]")
    placement = manager.locator("[data-testid=placement-form]")
    placement.locator("select[name=channel]").select_option("billboards")
    placement.locator("input[name=location]").fill("طريق الملك عبدالعزيز")
    placement.locator("input[name=starts_on]").fill(f"01/11/{year}")
    placement.locator("input[name=ends_on]").fill(f"30/11/{year}")
    placement.locator("input[name=cost]").fill("20000")
    placement.locator("button[type=submit]").click()
    manager.wait_for_selector("[data-testid=placement-row]")
    take(manager, "submit_programme")

    # 8. Management approves the programme; the launch is recorded with its evidence.
    management.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    take(management, "approve_programme")
    manager.reload()
    evidence = manager.locator("[data-testid=evidence-form]")
    evidence.locator("input[name=url]").fill("https://x.com/association/status/3")
    evidence.locator("button[type=submit]").click()
    manager.wait_for_selector(".alert-success")
    take(manager, "launch", launched_on=today)
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.LAUNCHED
    # The approval gave the placement its tracked link: its short URL, the link's page
    # (QR codes) and its visits are on the programme's row.
    row = manager.locator("[data-testid=placement-row]")
    assert "/c/" in row.locator("[data-testid=placement-short-url]").inner_text()
    assert row.locator("[data-testid=placement-visits]").inner_text() == "0"
    assert row.locator("[data-testid=placement-link-page]").count() == 1
    shot(manager, "campaigns-launched-ar")
    at_phone_width(manager, "campaigns-launched-390-ar")

    # 9. A passer-by scans the placement's printed poster and files a suggestion on a phone.
    placement = Placement.objects.get(campaign=campaign)
    link = TrackedLink.objects.get(
        owner_type=ContentType.objects.get_for_model(Placement), owner_id=placement.pk
    )
    assert scanned(manager, f"{live_server.url}/links/{link.pk}/poster.pdf", tmp_path) == [
        f"{live_server.url}/c/{link.code}"
    ]
    phone_context = browser.new_context(
        locale="ar-SA", viewport={"width": 390, "height": 844}, user_agent=PHONE_AGENT
    )
    phone = phone_context.new_page()
    phone.goto(f"{live_server.url}/c/{link.code}")
    assert phone.url.startswith(f"{live_server.url}/public/cases/new/")
    phone.click("label[for=id_kind_2]")  # suggestion
    phone.check("input[name=contact_kind][value=other]")
    phone.fill("input[name=name]", "أبو فهد")
    phone.fill("input[name=mobile]", "0551234567")
    phone.fill("input[name=subject]", "رأيت لوحة الحملة")
    phone.fill("textarea[name=description]", "أود التطوع في توزيع السلال")
    phone.click("[data-testid=public-case-form] button[type=submit]")
    phone.wait_for_selector("[data-testid=filed]")
    phone_context.close()
    assert LinkVisit.objects.filter(link=link).count() == 1
    assert Case.objects.get(subject="رأيت لوحة الحملة").source_link == link

    # 10. The evaluation counts the visit, the visitor and the case against the placement.
    manager.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    manager.click("[data-testid=evaluation-link]")
    manager.wait_for_selector("[data-testid=evaluation-headlines]")
    row = manager.locator("[data-testid=placements] [data-testid=placement-row]")
    assert row.locator("[data-testid=visits]").inner_text() == "1"
    assert row.locator("[data-testid=unique-visitors]").inner_text() == "1"
    assert row.locator("[data-testid=outcomes]").inner_text() == "1"
    assert "رأيت لوحة الحملة" in manager.inner_text("[data-testid=outcome-records]")
    shot(manager, "campaigns-evaluation-ar")
    at_phone_width(manager, "campaigns-evaluation-390-ar")
