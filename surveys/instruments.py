"""The two instruments the surveys start with: the manual's beneficiary form «نموذج قياس رضا
العملاء» word for word (the eleven statements, the five labels, the instructions and the
suggestions question, as the seed writes them, its spelling kept), and a proposed donor
survey for step 8 (the seed gives none; a new version changes it)."""

from typing import Any

SCALE_LABELS = ["اعارض بشدة", "لا أوافق", "اوافق نوعا ما", "أوافق", "أوافق بشدة"]
INSTRUCTIONS = "الرجاء اختيار الرقم الذي يمثل مستوى الرضا عن كل عنصر"

BENEFICIARY_NAME = "نموذج قياس رضا العملاء"
BENEFICIARY_ITEMS = [
    ("overall", "بشكل عام أشعر بالرضا عن الخدمة التي قدمت لي", False),
    ("benefit", "أشعر بأنه تم تحقيق الفائدة المرجوة من حصولي على الخدمة", False),
    ("venue", "أعتقد بأن مكان تقديم الخدمة ذو جودة عالية", False),
    ("organisation", "تم تنفيذ وتنظيم الخدمة بكفاءة عالية", False),
    ("punctuality", "أعتقد بأنه تم الالتزام والتقيد المواعيد المحددة", False),
    ("presenter", "يتميز مقدم البرنامج بالكفاءة العالية", True),
    ("more_services", "أتطلع الى الحصول على مزيد من الخدمات في المستقبل", False),
    ("recommend", "سأقوم بتوصية معارفي من سكان الحي على الاستفادة من خدمات الجمعية", False),
    ("advertising", "أعتقد بأن طريقة الاعلان عن الخدمة كانت فعالة", False),
    ("expectations", "أشعر بأن الخدمة المقدمة تتوافق مع توقعاتي وتطلعاتي", False),
    ("fees", "أعتقد بأن رسوم الاشتراك (ان وجدت) رمزية وفي متناول الجميع", False),
]

DONOR_NAME = "استبيان رضى المانحين"
DONOR_ITEMS = [
    ("reporting", "scale", "أنا راضٍ عن التقارير التي وصلتني عن البرنامج ونتائجه", True),
    ("transparency", "scale", "تتعامل الجمعية بشفافية في استخدام الدعم المقدم", True),
    ("impact", "scale", "حقق البرنامج أثرًا واضحًا في حياة المستفيدين", True),
    ("contact", "scale", "نقطة الاتصال في الجمعية متعاونة وسريعة الاستجابة", True),
    ("fund_again", "yes_no", "هل ترغب في دعم برامج الجمعية مرة أخرى؟", True),
    (
        "recommend",
        "score",
        "من 0 إلى 10: ما مدى احتمال أن توصي غيرك بدعم الجمعية؟",
        True,
    ),
    ("comments", "text", "ملاحظاتك واقتراحاتك", False),
]


def seed(Instrument: Any, InstrumentVersion: Any, Item: Any, SurveySettings: Any) -> None:
    """Create what is missing (idempotent): called by migration 0002 with its historical
    models, and by the demo loader after a test database was flushed."""
    beneficiary, _ = Instrument.objects.get_or_create(
        name=BENEFICIARY_NAME, defaults={"kind": "beneficiary"}
    )
    if not beneficiary.versions.exists():
        version = InstrumentVersion.objects.create(
            instrument=beneficiary,
            number=1,
            instructions=INSTRUCTIONS,
            scale_labels=SCALE_LABELS,
            suggestions_label="الاقتراحات للبرامج/ الفعاليات القادمة",
            change_note="النموذج كما في دليل الإجراءات",
        )
        Item.objects.bulk_create(
            Item(
                version=version,
                position=position,
                code=code,
                text=text,
                kind="scale",
                required=True,
                about_presenter=about_presenter,
            )
            for position, (code, text, about_presenter) in enumerate(BENEFICIARY_ITEMS, 1)
        )
    donor, _ = Instrument.objects.get_or_create(name=DONOR_NAME, defaults={"kind": "donor"})
    if not donor.versions.exists():
        version = InstrumentVersion.objects.create(
            instrument=donor,
            number=1,
            instructions=INSTRUCTIONS,
            scale_labels=SCALE_LABELS,
            change_note="نموذج مقترح: الدليل لا يتضمن نموذجًا لاستبيان المانحين",
        )
        Item.objects.bulk_create(
            Item(
                version=version,
                position=position,
                code=code,
                text=text,
                kind=kind,
                required=required,
            )
            for position, (code, kind, text, required) in enumerate(DONOR_ITEMS, 1)
        )
    SurveySettings.objects.get_or_create(pk=1)


def seed_current() -> None:
    from .models import Instrument, InstrumentVersion, Item, SurveySettings

    seed(Instrument, InstrumentVersion, Item, SurveySettings)
