"""Consents proposed on the customer information form (manual 6.2: a staff member proposes,
the manager approves, the steward enters): records are written at entry for the pairs the
form changed, with the form's number as evidence and the steward as recorder."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.consent import no_consents
from customers import services
from customers.forms import CustomerDataForm
from customers.models import Customer, CustomerRequest, RequestKind
from messaging import selectors
from messaging.models import Consent
from messaging.services import consents_record

pytestmark = pytest.mark.django_db


def post_data(**overrides):
    data = {
        "name": "فاطمة علي الزهراني",
        "entity_type": "individual",
        "kind": "beneficiary",
        "mobile": "٠٥٠١٢٣٤٥٦٧",
        "contact_channel": "phone",
        "is_active": "on",
        "reason": "مستفيدة جديدة من مركز الحي",
    }
    data.update(overrides)
    return data


def approve_and_enter(form, people):
    services.customer_request_approve(request=form, actor=people["manager"])
    result = services.customer_request_enter(request=form, actor=people["steward"])
    assert result.entered


def test_a_new_customer_s_consents_go_from_the_form_to_records(client, people):
    client.force_login(people["staff"])
    response = client.post(
        reverse("customers:request_new"),
        post_data(
            consent_sms_marketing="on",
            consent_sms_service="on",
            consent_date="١٥/١١/٢٠٢٦",
            consent_source="استمارة ورقية في مركز الصفا",
        ),
    )
    assert response.status_code == 302
    form = CustomerRequest.objects.get()
    line = form.lines.get()
    assert line.proposed["consents"] == {
        **no_consents(),
        "sms.marketing": True,
        "sms.service": True,
    }
    # The manager reads the consents in Arabic on the form page.
    client.force_login(people["manager"])
    page = client.get(reverse("customers:request_detail", args=[form.pk])).content.decode()
    assert "رسائل الجوال القصيرة: التسويق والحملات" in page
    assert "استمارة ورقية في مركز الصفا" in page
    assert not Consent.objects.exists()  # nothing before entry

    approve_and_enter(form, people)
    customer = Customer.objects.get()
    records = list(Consent.objects.filter(customer=customer).order_by("purpose"))
    assert [(r.channel, r.purpose, r.given) for r in records] == [
        ("sms", "marketing", True),
        ("sms", "service", True),
    ]
    for record in records:
        assert record.source == "form"
        assert record.evidence == f"النموذج رقم {form.pk} · استمارة ورقية في مركز الصفا"
        assert record.recorded_by == people["steward"]
        assert timezone.localtime(record.at).date() == datetime.date(2026, 11, 15)
        assert timezone.localtime(record.at).time() == datetime.time(0, 0)
    assert selectors.may_message(customer, "sms", "marketing")


def test_a_modification_writes_only_the_pairs_it_changed(client, people):
    customer = Customer.objects.create(
        code=900201, name="سارة", kind="donor", mobile="+966551112233", email="s@example.org"
    )
    consents_record(
        customer_id=customer.pk,
        changes={"sms.marketing": True, "email.service": True},
        at=timezone.now(),
        source="migrated",
    )
    client.force_login(people["staff"])
    page = client.get(reverse("customers:request_modify", args=[customer.pk]))
    form = page.context["data_form"]
    assert form["consent_sms_marketing"].value() is True  # today's answers, ticked
    assert form["consent_email_service"].value() is True
    data = post_data(
        name="سارة",
        kind="donor",
        mobile="0551112233",
        email="s@example.org",
        consent_sms_marketing="",  # withdrawn on the phone
        consent_email_service="on",
        consent_email_surveys="on",  # given
        consent_date="01/12/2026",
        consent_source="اتصال هاتفي",
        reason="تحديث الموافقات",
    )
    data.pop("consent_sms_marketing")
    response = client.post(reverse("customers:request_modify", args=[customer.pk]), data)
    assert response.status_code == 302, response.context["data_form"].errors
    request = CustomerRequest.objects.get()
    assert request.kind == RequestKind.MODIFY
    # Meanwhile the person withdraws service e-mails by the link: the form did not touch
    # that pair, so its entry does not give it back.
    consents_record(
        customer_id=customer.pk,
        changes={"email.service": False},
        at=timezone.now(),
        source="unsubscribe_link",
    )
    approve_and_enter(request, people)
    written = Consent.objects.filter(customer=customer, source="form")
    assert sorted((r.channel, r.purpose, r.given) for r in written) == [
        ("email", "surveys", True),
        ("sms", "marketing", False),
    ]
    state = selectors.consent_state(customer.pk)
    assert state[("email", "service")].given is False


def test_a_form_that_changes_no_consent_writes_none(people):
    customer = Customer.objects.create(
        code=900202, name="خالد", kind="donor", mobile="+966551110000"
    )
    proposed = {**services.form_values(customer), "name": "خالد سعد"}
    form = services.customer_request_create(
        actor=people["staff"],
        kind=RequestKind.MODIFY,
        reason="الاسم",
        lines=[(customer, proposed, None)],
    )
    assert "consents" not in form.lines.get().proposed
    approve_and_enter(form, people)
    assert not Consent.objects.exists()


def base_data(**overrides):
    data = {
        "name": "مريم",
        "entity_type": "individual",
        "kind": "beneficiary",
        "mobile": "0501234567",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_a_consent_given_needs_a_date_and_a_source(db):
    form = CustomerDataForm(data=base_data(consent_sms_surveys="on"))
    assert not form.is_valid()
    assert form.errors["consent_date"] == ["سجّل تاريخ موافقة العميل."]
    assert form.errors["consent_source"] == ["سجّل الطريقة التي قدّم بها العميل موافقته."]
    given = base_data(consent_sms_surveys="on", consent_date="01/12/2026", consent_source="هاتف")
    assert CustomerDataForm(data=given).is_valid()


def test_consents_kept_from_before_need_no_new_date(db):
    form = CustomerDataForm(
        data=base_data(consent_sms_marketing="on"),
        consents_before={**no_consents(), "sms.marketing": True},
    )
    assert form.is_valid(), form.errors


def test_consent_by_sms_needs_a_mobile_and_by_email_an_email(db):
    data = base_data(
        mobile="",
        phone="0126543210",
        consent_sms_marketing="on",
        consent_email_service="on",
        consent_date="01/12/2026",
        consent_source="هاتف",
    )
    form = CustomerDataForm(data=data)
    assert not form.is_valid()
    assert form.errors["consent_sms_marketing"] == [
        "الموافقة على رسائل الجوال القصيرة تتطلب رقم جوال."
    ]
    assert form.errors["consent_email_service"] == [
        "الموافقة على رسائل البريد الإلكتروني تتطلب بريدًا إلكترونيًا."
    ]


def test_the_form_shows_a_grid_of_boxes_with_arabic_labels(client, people):
    client.force_login(people["staff"])
    page = client.get(reverse("customers:request_new")).content.decode()
    assert 'data-testid="consent-grid"' in page
    assert 'name="consent_email_donor_reports"' in page
    assert 'aria-label="البريد الإلكتروني: تقارير المانحين"' in page
    assert "consent_whatsapp" not in page  # WhatsApp is not offered in forms yet
    assert "إشعارات الخدمة عن طلباته وشكاواه" in page
