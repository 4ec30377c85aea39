from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from association import roles
from association.demo import DEMO_PASSWORD, DEMO_USERS
from association.models import Centre, City, Department, PublicHoliday, StaffProfile
from customers.models import Customer, CustomerRequest

pytestmark = pytest.mark.django_db

HISTORY_MODELS = (City, Centre, Department, PublicHoliday, StaffProfile)


def _snapshot():
    User = get_user_model()
    counts = {model.__name__: model.objects.count() for model in HISTORY_MODELS}
    counts["history"] = sum(model.history.count() for model in HISTORY_MODELS)
    counts["users"] = User.objects.count()
    counts["passwords"] = tuple(User.objects.order_by("pk").values_list("password", flat=True))
    counts["memberships"] = User.groups.through.objects.count()
    counts["customers"] = tuple(Customer.objects.order_by("code").values_list("code", "version"))
    counts["forms"] = tuple(CustomerRequest.objects.order_by("pk").values_list("pk", "state"))
    from messaging.models import Consent

    counts["consents"] = Consent.objects.count()
    return counts


def test_demo_data_loads_structure_and_one_user_per_role():
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    assert set(City.objects.values_list("name", flat=True)) == {"جدة", "مكة المكرمة", "الطائف"}
    assert Centre.objects.filter(city__name="الطائف").exists()
    assert PublicHoliday.objects.filter(name__startswith="عيد الفطر").count() == 3
    User = get_user_model()
    for role in roles.ALL_ROLES:
        holders = User.objects.filter(groups__name=role.group_name)
        assert holders.count() == 1, role.code
        assert holders.get().check_password(DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser
    assert "Demo@12345" in out.getvalue()
    # The six customers of the customers app's demo, the campaigns' advertising agency and the
    # donor who came through the launched campaign's billboard.
    assert Customer.objects.count() == 8
    assert set(CustomerRequest.objects.values_list("state", flat=True)) == {
        "filed",
        "submitted",
        "approved",
    }
    centres_staff = StaffProfile.objects.get(user__username="centres_staff")
    assert centres_staff.centres.count() == 2
    # An import waits for the manager: a Hijri and a day-first date converted, one person
    # typed twice flagged, the row with a month-first date left out.
    from customers.selectors import duplicates_by_line

    imported = CustomerRequest.objects.get(kind="import")
    lines = {line.source_row: line for line in imported.lines.all()}
    assert set(lines) == {2, 3, 4}
    assert lines[2].proposed["consent_date"] == "2025-03-15"
    assert lines[4].proposed["consent_date"] == "2025-07-04"
    assert lines[4].proposed["kind"] == "donor"
    same_form = {
        line.source_row: [match.line.source_row for match in matches if match.line]
        for line, matches in duplicates_by_line(imported)
    }
    assert same_form == {2: [3], 3: [2], 4: []}
    # Consents (messaging): given on the demo customers' forms, by phone and on the public
    # page; one marketing consent withdrawn by the unsubscribe link; a suppressed address.
    from messaging.models import Consent, Suppression

    sources = set(Consent.objects.values_list("source", "given"))
    assert {("form", True), ("phone", True), ("public_page", True)} <= sources
    withdrawn = Consent.objects.filter(source="unsubscribe_link")
    assert set(withdrawn.values_list("channel", "purpose", "given")) == {
        ("sms", "marketing", False),
        ("email", "donor_reports", False),  # the demo e-mail's reader unsubscribed
    }
    assert Consent.objects.filter(source="form", recorded_by__username="steward").exists()
    assert Suppression.objects.filter(reason="bounced").exists()
    # Messages: a segment, a marketing SMS approved by the manager and sent with its
    # delivery reports (one number refused, now suppressed), the donor-report e-mail, and
    # the public complaints' tracking numbers by SMS.
    from messaging.models import DirectSms, Message, Segment

    assert Segment.objects.count() == 1
    sms = Message.objects.get(channel="sms", purpose="marketing")
    assert (sms.state, sms.approved_by.username) == ("sent", "crm_manager")
    statuses = set(sms.recipients.values_list("status", flat=True))
    assert {"delivered", "failed"} <= statuses
    assert Suppression.objects.filter(reason="invalid").exists()
    assert Message.objects.get(channel="email", purpose="donor_reports").state == "sent"
    # Queued for the task that sends them on commit (a test's transaction never commits).
    assert DirectSms.objects.filter(body__contains="رقم متابعته").exists()


def test_running_demo_data_twice_changes_nothing():
    call_command("load_demo_data", stdout=StringIO())
    first = _snapshot()
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    assert _snapshot() == first
    assert "nothing changed" in out.getvalue()


def test_demo_users_cover_every_role():
    assert {details[3] for details in DEMO_USERS} == set(roles.ALL_ROLES)


def test_eid_holidays_come_from_the_umm_al_qura_calendar():
    from datetime import date

    from association.demo import demo_holidays

    by_name = {name: (start, end) for name, start, end in demo_holidays()}
    # 1 Shawwal 1447 AH = 20 March 2026 (Umm al-Qura).
    assert by_name["عيد الفطر 1447هـ"][0] == date(2026, 3, 20)
