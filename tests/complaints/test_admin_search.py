"""The cases' admin changelist: the register's own search and a capped count
(core.admin.LargeTableAdminMixin)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.complaints.conftest import register

pytestmark = pytest.mark.django_db


def test_the_case_admin_searches_the_normalised_register_text(client, superuser, people):
    late = register(people["crm"], subject="تأخّر توزيع السلة")
    register(people["crm"], subject="اقتراح حديقة")
    client.force_login(superuser)
    url = reverse("admin:complaints_case_changelist")
    for typed in ("تاخر", "السله", late.tracking_number):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"q": typed})
        changelist = response.context["cl"]
        assert list(changelist.result_list) == [late], typed
        assert changelist.full_result_count is None
        assert not any("UPPER(" in query["sql"].upper() for query in captured.captured_queries)
