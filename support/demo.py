"""Demo data of the support requests for `make run`, put through the services (shared with
part B: each part adds its own function and load_demo_support calls them in order).

Part A: the catalogues (document types, support types, rejection reasons), requests in
every state of steps 1–5 (received by phone and online, incomplete, with the research
officer, awaiting the declaration, ready, on a planned meeting's agenda, accepted, rejected,
withdrawn, one overdue, one flagged as a duplicate) and a held meeting with its minutes.
Runs once: nothing happens when the demo requests exist or the demo users are missing."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation

from association.models import Centre
from core.choices import ContactChannel
from customers.models import Customer

from . import services
from .models import (
    AgendaItem,
    DocumentType,
    Recurrence,
    RejectionReason,
    SupportRequest,
    SupportType,
    SupportUnit,
)

USERNAMES = ("crm_staff", "centres_staff", "centres_manager", "researcher", "committee")

# name, has an expiry date
DOCUMENT_TYPES = (
    ("صورة الهوية الوطنية أو الإقامة", True),
    ("سجل الأسرة", False),
    ("إثبات الدخل أو تعريف بالراتب", False),
    ("عقد الإيجار", True),
    ("شهادة الآيبان", False),
    ("تقرير طبي", True),
)
ID, FAMILY, INCOME, LEASE, IBAN, MEDICAL = (name for name, _expiry in DOCUMENT_TYPES)

# name, recurrence, unit, requires research, documents, description
SUPPORT_TYPES = (
    (
        "سلة غذائية",
        Recurrence.RECURRING,
        SupportUnit.ITEMS,
        False,
        (ID, FAMILY, INCOME),
        "سلة غذائية شهرية للأسر المستحقة.",
    ),
    (
        "مساعدة إيجار",
        Recurrence.ONE_OFF,
        SupportUnit.RIYALS,
        True,
        (ID, FAMILY, INCOME, LEASE, IBAN),
        "مساعدة في سداد إيجار السكن بعد البحث الاجتماعي.",
    ),
    (
        "سداد فواتير",
        Recurrence.ONE_OFF,
        SupportUnit.RIYALS,
        False,
        (ID, INCOME, IBAN),
        "سداد فواتير الكهرباء والماء المتأخرة.",
    ),
    (
        "مساعدة علاجية",
        Recurrence.ONE_OFF,
        SupportUnit.RIYALS,
        True,
        (ID, MEDICAL, IBAN),
        "المساهمة في تكاليف العلاج والأدوية.",
    ),
    (
        "دعم تعليمي",
        Recurrence.RECURRING,
        SupportUnit.RIYALS,
        False,
        (ID, FAMILY),
        "الحقيبة المدرسية والرسوم الدراسية للأبناء.",
    ),
)
REJECTION_REASONS = (
    "دخل الأسرة يتجاوز حد الاستحقاق",
    "المستندات المقدمة غير صحيحة",
    "يتلقى دعمًا مماثلًا من جهة أخرى",
    "الطلب خارج نطاق خدمات المراكز",
)

# A signed declaration's scan (a one-page PDF), as staff would upload it.
SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def demo_national_id(serial: int, prefix: str = "1") -> str:
    """A valid national ID (or Iqama with prefix "2") for demo people: nine digits, then
    the Saudi Luhn check digit."""
    body = f"{prefix}{serial:08d}"
    total = 0
    for index, digit in enumerate(body):
        value = int(digit)
        if index % 2 == 0:
            doubled = value * 2
            total += doubled // 10 + doubled % 10
        else:
            total += value
    return body + str((10 - total % 10) % 10)


def load_demo_support() -> int:
    """Returns the number of requests created (0 when already loaded)."""
    with translation.override("ar"), transaction.atomic():
        created = _load_requests()
        if created:
            load_demo_service()  # part B
    return created


def _users() -> dict[str, User] | None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=USERNAMES)}
    return users if len(users) == len(USERNAMES) else None


def load_catalogues() -> dict[str, SupportType]:
    documents = {}
    for position, (name, has_expiry) in enumerate(DOCUMENT_TYPES):
        documents[name], _created = DocumentType.objects.get_or_create(
            name=name, defaults={"has_expiry": has_expiry, "position": position}
        )
    types = {}
    for position, (name, recurrence, unit, research, needed, description) in enumerate(
        SUPPORT_TYPES
    ):
        support_type, created = SupportType.objects.get_or_create(
            name=name,
            defaults={
                "recurrence": recurrence,
                "unit": unit,
                "requires_research": research,
                "description": description,
                "position": position,
            },
        )
        if created:
            support_type.required_documents.set(documents[document] for document in needed)
        types[name] = support_type
    for position, reason in enumerate(REJECTION_REASONS):
        RejectionReason.objects.get_or_create(name=reason, defaults={"position": position})
    return types


def _all_documents(support_request: SupportRequest, actor: User, *, skip: str = "") -> None:
    """Every required document present, legible and valid (but `skip`, left missing)."""
    expiry = timezone.localdate() + datetime.timedelta(days=400)
    services.documents_check(
        support_request=support_request,
        actor=actor,
        checks=[
            {
                "document_type": document_type,
                "present": document_type.name != skip,
                "legible": True,
                "expires_on": expiry if document_type.has_expiry else None,
            }
            for document_type in support_request.support_type.required_documents.all()
        ],
    )


def _research(support_request: SupportRequest, actor: User, *, amount: str = "") -> None:
    services.research_save(
        support_request=support_request,
        actor=actor,
        values={
            "contact_method": "visit",
            "contacted_on": timezone.localdate() - datetime.timedelta(days=3),
            "questions_answered": "شرح إجراءات الطلب ومدة دراسة اللجنة.",
            "household_size": 6,
            "monthly_income": Decimal("2800"),
            "income_sources": "ضمان اجتماعي",
            "housing_type": "rented",
            "monthly_rent": Decimal("1500"),
            "housing_condition": "شقة صغيرة تحتاج صيانة",
            "health_condition": "الأب مريض سكري",
            "debts_amount": Decimal("6000"),
            "debts_note": "إيجار متأخر ثلاثة أشهر",
            "other_support": "",
            "findings": "الأسرة مستحقة، والدخل لا يغطي الإيجار والاحتياجات الأساسية.",
            "recommendation": "accept",
            "recommended_amount": Decimal(amount) if amount else None,
        },
    )


def _load_requests() -> int:
    users = _users()
    if users is None or SupportRequest.objects.exists():
        return 0
    types = load_catalogues()
    safa = Centre.objects.filter(name="مركز حي الصفا").first()
    naseem = Centre.objects.filter(name="مركز حي النسيم").first()
    if safa is None or naseem is None:
        return 0
    home: Centre = safa
    crm, staff, manager = users["crm_staff"], users["centres_staff"], users["centres_manager"]
    researcher, member = users["researcher"], users["committee"]
    now = timezone.now()
    serial = iter(range(31001, 31100))

    def receive(
        name: str,
        kind: str,
        *,
        by: User = staff,
        centre: Centre = home,
        channel: str = ContactChannel.FACE_TO_FACE,
        days_ago: int = 0,
        household: tuple[tuple[str, str, str], ...] = (),
        customer: Customer | None = None,
        need: str = "",
    ) -> SupportRequest:
        return services.request_receive(
            actor=by,
            channel=channel,
            support_type=types[kind],
            applicant_name=name,
            applicant_national_id=customer.national_id
            if customer and customer.national_id
            else demo_national_id(next(serial)),
            applicant_mobile=f"+9665022{next(serial):05d}"[:13],
            customer=customer,
            centre=centre,
            need=need or f"تطلب الأسرة {kind} لضيق الحال.",
            household=[
                {"name": m_name, "relation": relation, "national_id": national_id}
                for m_name, relation, national_id in household
            ],
            received_at=now - datetime.timedelta(days=days_ago),
        )

    created: list[SupportRequest] = []

    # Step 1 only: received by phone at the CRM department today.
    created.append(
        receive("عبدالله محمد القحطاني", "سداد فواتير", by=crm, channel=ContactChannel.PHONE)
    )

    # Step 2: incomplete, the lease and IBAN missing; the list sent by SMS.
    incomplete = receive(
        "مريم سعيد الغامدي",
        "سلة غذائية",
        days_ago=5,
        household=(("سارة خالد الغامدي", "daughter", ""),),
    )
    _all_documents(incomplete, staff, skip=INCOME)
    services.request_mark_incomplete(
        support_request=incomplete, actor=staff, note="إحضار تعريف بالراتب محدث"
    )
    created.append(incomplete)

    # Step 3: referred to the social research officer (rent requires research). Its
    # household member has an open request of her own: flagged as a duplicate.
    shared_id = demo_national_id(next(serial))
    research = receive(
        "هدى عبدالرحمن الشمري",
        "مساعدة إيجار",
        days_ago=9,
        household=(("نورة عبدالرحمن الشمري", "sister", shared_id),),
    )
    _all_documents(research, staff)
    services.request_refer(
        support_request=research,
        actor=staff,
        reason="نوع الدعم يتطلب بحثًا اجتماعيًا وزيارة منزلية.",
        researcher=researcher,
    )
    created.append(research)
    sister = services.request_receive(
        actor=staff,
        channel=ContactChannel.SOCIAL_MEDIA,
        support_type=types["سلة غذائية"],
        applicant_name="نورة عبدالرحمن الشمري",
        applicant_national_id=shared_id,
        applicant_mobile="+966502200777",
        centre=safa,
        need="سلة غذائية للأسرة.",
    )
    created.append(sister)

    # Step 4: complete, awaiting the applicant's signed declaration (overdue: received
    # 35 days ago, past the committee's 30 days).
    awaiting = receive(
        "أحمد علي الزهراني",
        "دعم تعليمي",
        centre=naseem,
        channel=ContactChannel.BRANCH_REPRESENTATIVE,
        days_ago=35,
        household=(("ليان أحمد الزهراني", "daughter", ""), ("يوسف أحمد الزهراني", "son", "")),
    )
    _all_documents(awaiting, staff)
    services.request_confirm_complete(support_request=awaiting, actor=staff)
    created.append(awaiting)

    # Filed online with the declaration: received, waiting for reception's check.
    online = services.request_file_public(
        support_type=types["سلة غذائية"],
        applicant_name="خديجة يوسف البلوي",
        applicant_national_id=demo_national_id(next(serial), "2"),
        applicant_mobile="+966502200888",
        centre=naseem,
        need="أرملة وأعول ثلاثة أطفال، أحتاج سلة غذائية شهرية.",
        declared=True,
        submission_key="demo-online-1",
    )
    created.append(online)

    def to_ready(support_request: SupportRequest, *, research_amount: str = "") -> None:
        _all_documents(support_request, staff)
        if support_request.support_type.requires_research:
            services.request_refer(
                support_request=support_request,
                actor=staff,
                reason="نوع الدعم يتطلب بحثًا اجتماعيًا.",
                researcher=researcher,
            )
            _research(support_request, researcher, amount=research_amount)
            services.research_submit(support_request=support_request, actor=researcher)
        else:
            services.request_confirm_complete(support_request=support_request, actor=staff)
        support_request.refresh_from_db()
        services.request_declare(
            support_request=support_request,
            actor=staff,
            scan=SimpleUploadedFile("declaration.pdf", SCAN, content_type="application/pdf"),
        )

    # Step 5: ready for the committee.
    ready = receive("سعد فهد العتيبي", "سداد فواتير", days_ago=12, centre=naseem)
    to_ready(ready)
    created.append(ready)

    # A held meeting: one accepted (an existing beneficiary), one rejected; minutes closed.
    beneficiary = Customer.objects.filter(name="فاطمة علي الزهراني").first()
    accepted = receive(
        "فاطمة علي الزهراني",
        "مساعدة إيجار",
        days_ago=28,
        customer=beneficiary,
        household=(("علي محمد الزهراني", "son", ""),),
    )
    to_ready(accepted, research_amount="4500")
    rejected = receive("ماجد صالح المطيري", "مساعدة علاجية", days_ago=26)
    to_ready(rejected)
    held = services.meeting_create(
        actor=manager, meets_at=now - datetime.timedelta(days=2), place="مقر الجمعية – جدة"
    )
    for support_request in (accepted, rejected):
        services.meeting_add_request(
            meeting=held, support_request=support_request, actor=researcher
        )
    items = {item.request_id: item for item in AgendaItem.objects.filter(meeting=held)}
    services.agenda_decide(
        item=items[accepted.pk],
        actor=member,
        outcome="accepted",
        granted_amount=Decimal("4500"),
        note="يصرف مبلغ الإيجار المتأخر دفعة واحدة.",
    )
    services.agenda_decide(
        item=items[rejected.pk],
        actor=member,
        outcome="rejected",
        rejection_reason=RejectionReason.objects.get(name="يتلقى دعمًا مماثلًا من جهة أخرى"),
        note="يتلقى العلاج على نفقة جهة حكومية.",
    )
    services.meeting_close(
        meeting=held,
        actor=manager,
        members_present=[member],
        minutes_note="ناقشت اللجنة آلية صرف الدعم المتكرر وأوصت بمراجعة الحالات كل ستة أشهر.",
    )
    created += [accepted, rejected]

    # A planned meeting with one request on its agenda.
    planned = services.meeting_create(
        actor=manager, meets_at=now + datetime.timedelta(days=5), place="مركز حي النسيم"
    )
    on_agenda = receive("عائشة ناصر الحربي", "سلة غذائية", days_ago=18, centre=naseem)
    to_ready(on_agenda)
    services.meeting_add_request(meeting=planned, support_request=on_agenda, actor=manager)
    created.append(on_agenda)

    # Withdrawn by the applicant.
    withdrawn = receive("طلال حمد السبيعي", "سداد فواتير", by=crm, channel=ContactChannel.PHONE)
    services.request_withdraw(
        support_request=withdrawn, actor=crm, note="سدد الفواتير بنفسه وطلب إلغاء الطلب."
    )
    created.append(withdrawn)
    return len(created)


# --- part B: the decision told, registration, service, a distribution day, an appeal ----------


def load_demo_service() -> int:
    """The held meeting's accepted request told by SMS, linked to its customer and served
    (its rent paid); the rejected one told by letter and appealed; a
    distribution day of food baskets at مركز حي الصفا with its beneficiaries recorded.
    Returns the number of deliveries created (0 when already loaded)."""
    from core.errors import ServiceError

    from .delivery import (
        delivery_record,
        distribution_day_create,
        distribution_record,
        request_link_customer,
    )
    from .models import DistributionDay, NoticeChannel, RequestState
    from .notices import appeal_record, notice_send

    users = _users()
    if users is None or DistributionDay.objects.exists():
        return 0
    staff, manager = users["centres_staff"], users["centres_manager"]
    created = 0
    accepted = SupportRequest.objects.filter(
        state=RequestState.ACCEPTED, customer__isnull=False
    ).first()
    if accepted is not None:
        notice_send(support_request=accepted, actor=staff, channel=NoticeChannel.SMS)
        request_link_customer(support_request=accepted, actor=staff)
        delivery_record(
            support_request=accepted,
            actor=staff,
            amount=accepted.granted_amount or Decimal("1000"),
            note="دفعة الإيجار الأولى بعد قرار اللجنة.",
        )
        created += 1
    rejected = SupportRequest.objects.filter(state=RequestState.REJECTED).first()
    if rejected is not None:
        notice_send(support_request=rejected, actor=staff, channel=NoticeChannel.LETTER)
        appeal_record(
            support_request=rejected,
            actor=staff,
            text="أحضر المتقدم ما يثبت توقف الجهة الحكومية عن تغطية العلاج منذ شهرين.",
        )
    safa = Centre.objects.filter(name="مركز حي الصفا").first()
    basket = SupportType.objects.filter(name="سلة غذائية").first()
    if safa is None or basket is None:
        return created
    day = distribution_day_create(
        actor=manager,
        title="توزيع السلال الغذائية الشهرية",
        day=timezone.localdate(),
        centre=safa,
        support_type=basket,
        quantity=1,
    )
    codes = Customer.objects.filter(kind="beneficiary", centre=safa, is_active=True).values_list(
        "code", flat=True
    )[:8]
    for code in codes:
        try:
            distribution_record(day=day, actor=staff, key=str(code))
        except ServiceError:
            continue
        created += 1
    return created
