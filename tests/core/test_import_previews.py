"""The preview and confirmation pages of the three imports (customers, portfolio, finance
donations), now that their dry runs are background jobs: who may open a dry run's preview
(only the person who uploaded it), who may confirm it, and that a refused POST writes
nothing."""

from dataclasses import dataclass
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from association import roles
from core import jobs
from core.models import BackgroundJob
from customers.models import Customer, CustomerRequest
from finance.models import Donation
from programmes.models import Programme, ProgrammeCategory

pytestmark = pytest.mark.django_db


@dataclass
class Import:
    upload: str
    preview: str
    confirm: str
    content: bytes
    allowed: tuple  # roles with the permission to import
    owner_role: object
    extra: dict


IMPORTS = {
    "customers": Import(
        upload="customers:import",
        preview="customers:import_preview",
        confirm="customers:import_confirm",
        content="name,kind,mobile\nنورة,مستفيد,0551234567\n".encode(),
        allowed=(roles.CRM_STAFF, roles.CRM_MANAGER),
        owner_role=roles.CRM_STAFF,
        extra={"reason": "قائمة"},
    ),
    "programmes": Import(
        upload="programmes:import",
        preview="programmes:import_preview",
        confirm="programmes:import_confirm",
        content="code,name,category\nEDU-9,محو الأمية,تعليم\n".encode(),
        allowed=(roles.CRM_MANAGER, roles.PLANNING_DIRECTOR),
        owner_role=roles.PLANNING_DIRECTOR,
        extra={},
    ),
    "donations": Import(
        upload="opportunities:donation_import",
        preview="opportunities:donation_import_preview",
        confirm="opportunities:donation_import_confirm",
        content=b"receipt number,date,amount,donor code,programme code\nR-1,15/03/2025,100,1,P\n",
        allowed=(roles.CRM_MANAGER,),
        owner_role=roles.CRM_MANAGER,
        extra={},
    ),
}


def written():
    return (
        Customer.objects.count(),
        CustomerRequest.objects.count(),
        Programme.objects.count(),
        ProgrammeCategory.objects.count(),
        Donation.objects.count(),
    )


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def dry_run(client, make_user, which):
    spec = IMPORTS[which]
    owner = make_user(spec.owner_role, username=f"owner_{which}")
    client.force_login(owner)
    response = client.post(
        reverse(spec.upload), {"file": SimpleUploadedFile("file.csv", spec.content)}, follow=True
    )
    assert response.status_code == 200
    return owner, BackgroundJob.objects.get(owner=owner)


WHO = [role.code for role in roles.ALL_ROLES] + ["no_role"]


@pytest.mark.parametrize("which", list(IMPORTS))
@pytest.mark.parametrize("who", WHO)
def test_only_the_uploader_opens_the_preview_and_confirms_it(client, make_user, which, who):
    spec = IMPORTS[which]
    _owner, job = dry_run(client, make_user, which)
    role = None if who == "no_role" else roles.role_by_code(who)
    client.force_login(make_user(role, username=f"someone_{who}"))
    before = written()

    preview = client.get(reverse(spec.preview, args=[job.pk]))
    confirm = client.post(reverse(spec.confirm), {"job": job.pk, **spec.extra})

    if role in spec.allowed:
        assert preview.status_code == 404
        # Another person's dry run is as good as none: upload the file again.
        assert confirm.status_code == 302 and confirm.url == reverse(spec.upload)
    else:
        assert preview.status_code == 403
        assert confirm.status_code == 403
    assert written() == before
    assert BackgroundJob.objects.count() == 1


@pytest.mark.parametrize("which", list(IMPORTS))
def test_the_uploader_sees_the_preview_and_anonymous_visitors_are_sent_to_login(
    client, make_user, which
):
    spec = IMPORTS[which]
    _owner, job = dry_run(client, make_user, which)
    assert client.get(reverse(spec.preview, args=[job.pk])).status_code == 200
    client.logout()
    for response in (
        client.get(reverse(spec.preview, args=[job.pk])),
        client.post(reverse(spec.confirm), {"job": job.pk, **spec.extra}),
    ):
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("which", list(IMPORTS))
def test_a_double_click_on_confirm_confirms_once(client, make_user, which):
    """The first click claims the upload; a second one, while the first is still at work,
    is shown the first one's progress; after it, the upload is gone."""
    spec = IMPORTS[which]
    owner, job = dry_run(client, make_user, which)
    sent = []
    with mock.patch("core.jobs._enqueue", side_effect=sent.append):
        first = client.post(reverse(spec.confirm), {"job": job.pk, **spec.extra})
        second = client.post(reverse(spec.confirm), {"job": job.pk, **spec.extra})
    assert first.status_code == 302 and second.status_code == 302
    assert first.url == second.url and first.url.startswith("/jobs/")
    assert len(sent) == 1
    jobs.run(sent[0])
    third = client.post(reverse(spec.confirm), {"job": job.pk, **spec.extra})
    assert third.status_code == 302 and third.url == reverse(spec.upload)
    assert BackgroundJob.objects.filter(owner=owner).count() == 2
