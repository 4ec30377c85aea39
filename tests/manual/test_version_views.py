"""A new version through the pages (1.5, 1.12): the controller starts a draft from the version
in force, edits a section, writes the change log and submits; the sub-council secretary
approves; the previous version is read-only behind a banner."""

import pytest
from django.urls import reverse
from django.utils import timezone

from manual.models import ManualSection, ManualVersion, VersionState, VersionTransition

pytestmark = pytest.mark.django_db


def test_from_draft_to_in_force(client, people, crm_manual):
    client.force_login(people["controller"])
    page = client.get(reverse("manual:document", args=["crm"])).content.decode()
    assert 'data-testid="start-draft"' in page
    response = client.post(reverse("manual:draft_start", args=["crm"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("manual:version", args=["crm", 2])
    draft = ManualVersion.objects.get(document=crm_manual, serial=2)
    page = client.get(reverse("manual:version", args=["crm", 2])).content.decode()
    assert 'data-testid="edit-section"' in page and 'data-testid="change-form"' in page
    assert "None" not in page

    edit = reverse("manual:section_edit", args=["crm", 2, "5.1.6"])
    assert client.get(edit).status_code == 200
    client.post(edit, {"title": "", "text": "يجب أن يشمل سجل الشكاوي تاريخ الإغلاق أيضًا."})
    assert ManualSection.objects.get(version=draft, number="5.1.6").text.endswith("أيضًا.")
    # Submitting without the change log is refused with a message.
    client.post(reverse("manual:version_submit", args=["crm", 2]))
    draft.refresh_from_db()
    assert draft.state == VersionState.DRAFT
    client.post(
        reverse("manual:change_add", args=["crm", 2]),
        {
            "changed_on": timezone.localdate().strftime("%d/%m/%Y"),
            "where": "5.1.6",
            "summary": "إضافة تاريخ الإغلاق",
        },
    )
    assert draft.changes.get().where == "5.1.6"
    client.post(reverse("manual:version_submit", args=["crm", 2]))
    draft.refresh_from_db()
    assert draft.state == VersionState.SUBMITTED
    # The controller does not approve.
    assert client.post(reverse("manual:version_approve", args=["crm", 2])).status_code == 403

    client.force_login(people["secretary"])
    page = client.get(reverse("manual:version", args=["crm", 2])).content.decode()
    assert 'data-testid="approve-version"' in page
    response = client.post(reverse("manual:version_approve", args=["crm", 2]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == VersionState.IN_FORCE
    assert crm_manual.versions.get(serial=1).state == VersionState.SUPERSEDED
    assert VersionTransition.objects.filter(version=draft, target="in_force").exists()
    current = client.get(reverse("manual:section", args=["crm", "5.1.6"])).content.decode()
    assert "تاريخ الإغلاق أيضًا" in current
    old = client.get(reverse("manual:version", args=["crm", 1])).content.decode()
    assert 'data-testid="old-version-banner"' in old
    assert 'data-testid="edit-section"' not in old
    # A second approval is refused with a message, nothing changes.
    response = client.post(reverse("manual:version_approve", args=["crm", 2]), follow=True)
    assert "لم تعد هذه النسخة في هذه الخطوة" in response.content.decode()
    assert response.status_code == 200
    assert VersionTransition.objects.filter(target="in_force").count() == 1


def test_the_in_force_version_is_not_edited(client, people, crm_manual):
    client.force_login(people["controller"])
    edit = reverse("manual:section_edit", args=["crm", 1, "5.1.6"])
    before = ManualSection.objects.get(
        version__document=crm_manual, version__serial=1, number="5.1.6"
    ).text
    response = client.post(edit, {"title": "", "text": "تغيير"})
    assert response.status_code == 200
    assert (
        ManualSection.objects.get(
            version__document=crm_manual, version__serial=1, number="5.1.6"
        ).text
        == before
    )
    client.force_login(people["crm"])
    assert client.get(edit).status_code == 403
    assert client.post(reverse("manual:draft_start", args=["crm"])).status_code == 403
