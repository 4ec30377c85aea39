"""The portfolio in the Django admin: listed, with history, and the same date rule."""

import pytest
from django.urls import reverse

from programmes.models import Programme

pytestmark = pytest.mark.django_db


def test_superuser_sees_programmes_and_their_history(client, superuser, programme):
    client.force_login(superuser)
    assert client.get(reverse("admin:programmes_programme_changelist")).status_code == 200
    assert client.get(reverse("admin:programmes_programmecategory_changelist")).status_code == 200
    history = client.get(reverse("admin:programmes_programme_history", args=[programme.pk]))
    assert history.status_code == 200


def test_the_admin_refuses_an_end_before_the_start(client, superuser, category):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:programmes_programme_add"),
        {
            "code": "ADM-1",
            "name": "برنامج",
            "category": category.pk,
            "start_date": "2026-05-01",
            "end_date": "2026-04-01",
            "budget": "0",
            "status": "planned",
        },
    )
    assert response.status_code == 200
    assert "end_date" in response.context["adminform"].form.errors
    assert not Programme.objects.exists()
