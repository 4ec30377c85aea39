"""The admin's many-to-many pickers fit the page right to left. Content pushed past the left
edge of a right-to-left page cannot be scrolled to (it does not widen the document), so the
sweep's sideways-scroll check would not see it: this test measures the boxes themselves."""

import pytest
from django.contrib.auth.models import Group, User

from association.demo import load_demo_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 390)
# The boxes of a picker: the available list, the chosen list, their filters and lists.
BOXES_OUTSIDE = """() => Array.from(document.querySelectorAll(
  '.selector-available, .selector-chosen, .selector select, .selector-filter input'))
  .map((e) => e.getBoundingClientRect())
  .filter((r) => r.width > 0 && (r.left < -1 || r.right > window.innerWidth + 1))
  .length"""


@pytest.mark.parametrize("width", WIDTHS)
def test_the_permission_pickers_of_a_group_and_a_user_stay_on_the_page(as_user, live_server, width):
    load_demo_data()
    page = as_user("admin")
    page.set_viewport_size({"width": width, "height": 900})
    group = Group.objects.order_by("pk").first()
    user = User.objects.get(username="crm_staff")
    for path in (f"/admin/auth/group/{group.pk}/change/", f"/admin/auth/user/{user.pk}/change/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_selector(".selector-chosen")
        assert page.get_attribute("html", "dir") == "rtl"
        assert page.evaluate(BOXES_OUTSIDE) == 0, (
            f"{path} at {width} px: a picker box leaves the page"
        )
        chosen = page.locator(".selector-chosen").first.bounding_box()
        available = page.locator(".selector-available").first.bounding_box()
        if width >= 1000:
            # Side by side, right to left: what may be chosen on the right, the chosen on the left.
            assert chosen["x"] + chosen["width"] <= available["x"] + 1
