"""Demo complaints register for `make run`, put through the real services (registration,
answers, studies, FAQ, recurring-group review, recommendations) so the register, the
deadlines and the monthly reports have something to show. Runs once, on a database
without cases.

Cases received in the past are registered through the services and then their dates are
moved back: the services stamp "now", and a demo of monthly reports needs last month."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from association.workdays import working_deadline
from core.auth import USERS_TOPIC
from core.cache import bump
from customers.models import Customer

from . import (
    complaint_tallies,
    faq,
    recommendations,
    recurring,
    register_reviews,
    services,
    solutions,
)
from .models import (
    Case,
    CaseCategory,
    CaseRoute,
    CaseTransition,
    ProposedSolution,
    Recommendation,
    RegisterReviewSchedule,
)

# The first case of the demo register: how a later run knows the register is the demo's.
FIRST_DEMO_SUBJECT = "تأخر توزيع السلال الغذائية"

CATEGORIES = ("التوزيع والمساعدات", "التعامل والاستقبال", "المرافق", "البرامج والأنشطة")

FAQ_ENTRIES = [
    (
        "ما مواعيد عمل مراكز الأحياء؟",
        "تعمل المراكز من الأحد إلى الخميس من الساعة الثامنة صباحاً حتى الرابعة عصراً، "
        "وتمتد بعض الأنشطة المسائية حسب جدول كل مركز.",
        "البرامج والأنشطة",
    ),
    (
        "كيف أسجل أسرتي في برنامج السلال الغذائية؟",
        "يحضر رب الأسرة إلى مركز الحي ومعه الهوية الوطنية وصك الإعالة، ويعبئ نموذج "
        "التسجيل لدى موظف شؤون المراكز، ويُبلّغ بالقبول خلال أسبوع عمل.",
        "التوزيع والمساعدات",
    ),
    (
        "هل أستطيع معرفة أثر تبرعي؟",
        "نعم، ترسل إدارة علاقات العملاء تقريراً عن البرنامج المدعوم عند إغلاقه، ويمكن طلب "
        "تقرير مرحلي بالتواصل مع الإدارة.",
        "البرامج والأنشطة",
    ),
]


def _user(username):
    return get_user_model().objects.get(username=username)


def _customer(mobile):
    return Customer.objects.filter(mobile=mobile).first()


def _back_date(case, received_at, *, replied_after=None, closed_after=None):
    """Move a demo case's dates to when it "happened", keeping the order of its steps."""
    replied_at = received_at + replied_after if replied_after else None
    closed_at = replied_at + closed_after if closed_after and replied_at else None
    left = complaint_tallies.buckets_of(case)
    Case.objects.filter(pk=case.pk).update(
        received_at=received_at,
        answer_due_at=working_deadline(received_at, 1),
        replied_at=replied_at if case.replied_at else None,
        closed_at=closed_at if case.closed_at else None,
        last_activity_at=closed_at or replied_at or received_at,
        due_at=services.deadline_for(
            Case(state=case.state, received_at=received_at, replied_at=replied_at)
        ),
    )
    case.received_at = received_at
    complaint_tallies.refresh(left | complaint_tallies.buckets_of(case))
    # Each step at the moment of the state it reached: the study half-way to the reply.
    answered = replied_at or received_at
    stamps = {
        "under_study": received_at + (answered - received_at) / 2,
        "replied": answered,
        "closed": closed_at or answered,
    }
    for step in case.transitions.all():
        CaseTransition.objects.filter(pk=step.pk).update(at=stamps.get(step.target, received_at))
    case.entries.update(at=(replied_at or received_at) + datetime.timedelta(hours=2))


@transaction.atomic
def load_demo_cases():
    """Returns the number of cases created (0 when the register already has cases or the
    demo users are missing). A register loaded in an earlier month gets this month's
    answered cases (the home page's share answered within the deadline)."""
    if Case.objects.exists():
        return _top_up_answered_this_month()
    try:
        crm, crm_manager = _user("crm_staff"), _user("crm_manager")
        centres, centres_manager = _user("centres_staff"), _user("centres_manager")
        quality, secretary = _user("quality"), _user("secretary")
    except get_user_model().DoesNotExist:
        return 0
    categories = {name: CaseCategory.objects.get_or_create(name=name)[0] for name in CATEGORIES}
    entries = _load_faq(crm, crm_manager, categories)
    now = timezone.now()
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=10)
    last_month_at = timezone.make_aware(datetime.datetime.combine(last_month, datetime.time(9)))

    fatima, nawal = _customer("+966501110004"), _customer("+966501110005")
    donor = _customer("+966501110001")
    distribution = categories["التوزيع والمساعدات"]

    # Last month: two beneficiaries' complaints about the food baskets, answered and closed.
    for offset, customer, subject in (
        (0, fatima, "تأخر توزيع السلال الغذائية"),
        (3, nawal, "التأخر في توزيع السلة الغذائية"),
        (6, fatima, "تأخر توزيع السلال الغذائية مرة أخرى"),
    ):
        case = services.case_register(
            actor=centres,
            kind="complaint",
            channel="phone",
            subject=subject,
            description="اتصلت المستفيدة تفيد بأن السلة الغذائية لم تصل في موعدها هذا الشهر.",
            customer=customer,
            category=distribution,
        )
        handler = centres
        services.case_start_study(
            case=case,
            actor=handler,
            causes="تأخر المورد في تسليم السلال للمركز.",
            assignee=handler,
            helping_party="مورد السلال الغذائية",
        )
        services.case_add_entry(case=case, actor=handler, text="تم التواصل مع المورد وتحديد موعد.")
        services.case_record_reply(
            case=case, actor=handler, reply="تم إبلاغ المستفيدة بموعد التوزيع الجديد."
        )
        services.case_close(case=case, actor=handler)
        received_at = last_month_at + datetime.timedelta(days=offset)
        _back_date(
            case,
            received_at,
            replied_after=datetime.timedelta(hours=20 + 10 * offset),
            closed_after=datetime.timedelta(hours=3),
        )

    # Last month: a donor's inquiry answered at once from the FAQ.
    inquiry = services.case_register(
        actor=crm,
        kind="inquiry",
        channel="email",
        subject="الاستفسار عن أثر التبرع",
        description="يرغب المانح في معرفة أثر تبرعه لبرنامج الأسر المنتجة.",
        customer=donor,
        category=categories["البرامج والأنشطة"],
    )
    services.case_answer_from_faq(case=inquiry, actor=crm, entry=entries[2])
    services.case_close(case=inquiry, actor=crm)
    _back_date(
        inquiry,
        last_month_at + datetime.timedelta(days=2),
        replied_after=datetime.timedelta(hours=1),
        closed_after=datetime.timedelta(hours=1),
    )

    # This month: a visitor's complaint under study and past its deadline, a donor's
    # inquiry with a callback promised, a suggestion filed on the public page, and a
    # complaint received today.
    visitor = services.case_register(
        actor=crm,
        kind="complaint",
        channel="face_to_face",
        subject="سوء تعامل موظف الاستقبال",
        description="حضر المراجع إلى المركز وأفاد بأن موظف الاستقبال لم يحسن استقباله.",
        contact_name="سعيد عبدالله الحربي",
        contact_mobile="+966551234567",
        contact_kind="other",
        centre=fatima.centre if fatima else None,
        category=categories["التعامل والاستقبال"],
    )
    services.case_start_study(
        case=visitor,
        actor=crm,
        causes="ضغط المراجعين وقت الظهيرة.",
        assignee=crm,
        helping_party="قسم شؤون المراكز – مركز حي الصفا",
    )
    _back_date(visitor, now - datetime.timedelta(days=6))
    callback = services.case_register(
        actor=crm,
        kind="inquiry",
        channel="phone",
        subject="موعد تقرير البرنامج المدعوم",
        description="يسأل المانح عن موعد التقرير المرحلي لبرنامج الحقيبة المدرسية.",
        customer=donor,
        category=categories["البرامج والأنشطة"],
    )
    services.case_promise_callback(case=callback, actor=crm, note="سنعاود الاتصال غداً.")
    services.case_file_public(
        kind="suggestion",
        subject="اقتراح زيادة ساعات عمل المركز",
        description="أقترح فتح المركز مساءً يومي الأربعاء والخميس لأنشطة الشباب.",
        contact_name="ريم سالم",
        contact_mobile="+966561112233",
        contact_kind="other",
    )
    _load_routing(crm, centres, fatima)
    services.case_register(
        actor=centres,
        kind="complaint",
        channel="phone",
        subject="انقطاع التكييف في قاعة الأنشطة",
        description="التكييف في قاعة الأنشطة النسائية لا يعمل منذ يومين.",
        customer=nawal,
        category=categories["المرافق"],
    )
    _load_follow_up(quality, centres_manager, secretary, distribution, fatima, last_month)
    _load_weekly_reviews(crm, crm_manager)
    _load_answered_this_month(crm, centres, now)
    return Case.objects.count()


# This month's answered cases: (kind, channel, subject, description, contact, category,
# answered late). Received and answered between the first of the month and now.
ANSWERED_THIS_MONTH = (
    (
        "inquiry",
        "phone",
        "الاستفسار عن مواعيد توزيع الحقيبة المدرسية",
        "تسأل المستفيدة عن موعد توزيع الحقيبة المدرسية في مركز الحي.",
        "+966501110005",
        "البرامج والأنشطة",
        False,
    ),
    (
        "complaint",
        "face_to_face",
        "تأخر الرد على طلب صيانة دورات المياه",
        "أفاد المراجع بأن دورات المياه في المركز تحتاج إلى صيانة منذ أسبوع.",
        "+966501110004",
        "المرافق",
        False,
    ),
    (
        "inquiry",
        "email",
        "الاستفسار عن إيصال التبرع",
        "يطلب المانح إيصالًا بتبرعه الأخير لبرنامج الأسر المنتجة.",
        "+966501110001",
        "البرامج والأنشطة",
        True,
    ),
)


def _top_up_answered_this_month():
    """On a demo register loaded before this month, add this month's answered cases once."""
    if not Case.objects.filter(subject=FIRST_DEMO_SUBJECT).exists():
        return 0  # not the demo register
    subjects = [row[2] for row in ANSWERED_THIS_MONTH]
    month_start = _month_start(timezone.now())
    if Case.objects.filter(subject__in=subjects, received_at__gte=month_start).exists():
        return 0
    try:
        crm, centres = _user("crm_staff"), _user("centres_staff")
    except get_user_model().DoesNotExist:
        return 0
    return _load_answered_this_month(crm, centres, timezone.now())


def _month_start(now):
    today = timezone.localtime(now).date()
    return timezone.make_aware(datetime.datetime.combine(today.replace(day=1), datetime.time()))


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _load_answered_this_month(crm, centres, now):
    """Cases received this month and answered: within the answer deadline (one working day)
    at once or by the study's reply, and one answered after it. Dates are spread over the
    part of the month that has passed, so they stay in this month whatever today's date;
    early in the month, before a working day has passed, there is no time yet for a late
    answer, and that case is answered in time. Returns the number of cases created."""
    month_start = _month_start(now)
    elapsed = now - month_start
    first_day = timezone.localtime(month_start).date()
    days_passed = (timezone.localtime(now).date() - first_day).days
    categories = {name: CaseCategory.objects.get_or_create(name=name)[0] for name in CATEGORIES}
    created = 0
    for index, (kind, channel, subject, description, mobile, category, late) in enumerate(
        ANSWERED_THIS_MONTH
    ):
        customer = _customer(mobile)
        case = services.case_register(
            actor=centres if customer and customer.centre_id and kind == "complaint" else crm,
            kind=kind,
            channel=channel,
            subject=subject,
            description=description,
            customer=customer,
            contact_name="" if customer else "مراجع",
            contact_mobile="" if customer else mobile,
            contact_kind="" if customer else "other",
            category=categories[category],
        )
        handler = centres if case.routed_to == CaseRoute.CENTRES else crm  # its queue
        # Office hours on a day spread over the month so far, never later than now.
        day = first_day + datetime.timedelta(days=days_passed * index // len(ANSWERED_THIS_MONTH))
        received_at = max(month_start, min(_at(day, 9 + index), now - elapsed / 4))
        answered_after = min((now - received_at) / 2, datetime.timedelta(hours=3))
        if late:
            received_at = max(month_start, min(_at(first_day, 10), now - elapsed / 2))
            # The morning after the deadline (23:59 of the next working day).
            overdue = working_deadline(received_at, 1) + datetime.timedelta(hours=10)
            if overdue < now:
                answered_after = overdue - received_at
        if kind == "inquiry" and not late:
            services.case_answer_immediately(
                case=case, actor=handler, answer="تم إبلاغ المستفيدة بموعد التوزيع."
            )
        else:
            services.case_start_study(
                case=case,
                actor=handler,
                causes="يحتاج الرد إلى مراجعة القسم المختص.",
                assignee=handler,
                helping_party="الشؤون المالية",
            )
            services.case_record_reply(case=case, actor=handler, reply="تم الرد على العميل.")
        # Closed once answered: the open cases of the demo customers stay those above.
        services.case_close(case=case, actor=handler)
        closed_after = max(
            min(now - received_at - answered_after, datetime.timedelta(hours=1)) / 2,
            datetime.timedelta(seconds=1),
        )
        _back_date(case, received_at, replied_after=answered_after, closed_after=closed_after)
        created += 1
    return created


def _load_routing(crm, centres, fatima):
    """Issue 10 items 2, 3 and 18: a public filing from the demo donor's mobile, a possible
    match awaiting the CRM staff's confirmation; a phone call from an unknown donor taken
    by the centres-affairs employee (routed to CRM, she keeps reading it); and a CRM case
    referred to the centres-affairs staff of مركز حي الصفا, newly referred on their my-work
    page."""
    services.case_file_public(
        kind="complaint",
        subject="لم يصلني تقرير البرنامج المدعوم",
        description="تبرعنا لبرنامج الحقيبة المدرسية ولم يصلنا التقرير الختامي حتى الآن.",
        contact_name="مؤسسة عبدالله الخيرية",
        contact_mobile="+966501110001",
        contact_kind="donor",
    )
    services.case_register(
        actor=centres,
        kind="inquiry",
        channel="phone",
        subject="الاستفسار عن التبرع لبرنامج الأسر المنتجة",
        description="اتصل متبرع بالمركز يسأل عن طريقة دعم برنامج الأسر المنتجة.",
        contact_name="ماجد العتيبي",
        contact_mobile="+966553334455",
        contact_kind="donor",
        centre=fatima.centre if fatima else None,
    )
    if fatima is None:
        return
    referred = services.case_register(
        actor=crm,
        kind="complaint",
        channel="email",
        subject="صعوبة الوصول إلى قاعة الأنشطة",
        description="وصلت رسالة من أحد الأهالي بأن مدخل قاعة الأنشطة غير مهيأ لكبار السن.",
        contact_name="أبو عبدالله القرشي",
        contact_mobile="+966554445566",
        contact_kind="other",
        centre=fatima.centre,
    )
    services.case_refer(
        case=referred,
        actor=crm,
        department="centres",
        centre=fatima.centre,
        note="المدخل تابع للمركز: يتولى قسم شؤون المراكز التنسيق مع إدارة المركز.",
    )


def _load_faq(crm, crm_manager, categories):
    published = []
    for question, answer, category in FAQ_ENTRIES:
        entry = faq.faq_propose(
            actor=crm, question=question, answer=answer, category=categories[category]
        )
        published.append(faq.faq_publish(entry=entry, actor=crm_manager))
    waiting = faq.faq_propose(
        actor=crm,
        question="هل يمكن التبرع عينياً للمراكز؟",
        answer="نعم، تُقبل التبرعات العينية بعد التنسيق مع إدارة علاقات العملاء.",
    )
    # The CRM manager completes the answer: being one of its authors now, another manager
    # (the centres-affairs manager) publishes it.
    faq.faq_update(
        entry=waiting,
        actor=crm_manager,
        question=waiting.question,
        answer=waiting.answer + " وتُسلَّم في المركز الأقرب للمتبرع خلال ساعات الدوام.",
    )
    return published


def _load_follow_up(quality, centres_manager, secretary, distribution, fatima, last_month):
    """The quality officer's analysis of the food-basket group, last month's recommendation
    approved but not implemented (its investigation due), and this month's awaiting the
    secretary's decision."""
    group_key = recurring.category_centre_key(distribution.pk, fatima.centre_id if fatima else None)
    label = "التوزيع والمساعدات · مركز حي الصفا"
    recurring.save_group_review(
        actor=quality,
        group_key=group_key,
        label=label,
        root_causes="تأخر المورد في التسليم وعدم إبلاغ المستفيدين بالموعد البديل.",
    )
    # Two proposed solutions with their plans: one under way (monitored), one overdue.
    penalty = solutions.solution_add(
        actor=quality,
        group_key=group_key,
        label=label,
        text="إضافة بند غرامة تأخير في عقد المورد.",
        plan="مراجعة العقد مع الشؤون المالية، ثم توقيع ملحق العقد مع المورد.",
        owner=centres_manager,
        due_date=timezone.localdate() + datetime.timedelta(days=21),
    )
    solutions.solution_monitor(
        actor=centres_manager,
        solution=penalty,
        step="start",
        note="أُرسلت مسودة الملحق إلى الشؤون المالية.",
    )
    solutions.solution_monitor(
        actor=quality,
        solution=penalty,
        step="note",
        note="تابعت مع الشؤون المالية: الرد متوقع هذا الأسبوع.",
    )
    reminder = solutions.solution_add(
        actor=quality,
        group_key=group_key,
        label=label,
        text="إرسال رسالة نصية للمستفيدين بموعد التوزيع.",
        plan="تفعيل خدمة الرسائل مع مزود الخدمة، وإعداد نص الرسالة، وإرسالها قبل التوزيع بيومين.",
        owner=centres_manager,
        due_date=timezone.localdate(),
    )
    ProposedSolution.objects.filter(pk=reminder.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=5)
    )
    earlier = recommendations.recommendation_raise(
        actor=centres_manager,
        text="إرسال رسالة نصية للمستفيدين قبل موعد توزيع السلال بيومين.",
        department="centres",
        owner=centres_manager,
        due_date=timezone.localdate() + datetime.timedelta(days=1),
        group_key=group_key,
    )
    recommendations.recommendation_decide(
        actor=secretary, recommendation=earlier, approve=True, note="معتمدة."
    )
    recommendations.recommendation_record_implementation(
        actor=centres_manager,
        recommendation=earlier,
        implemented=False,
        note="لم تُرسل الرسائل لعدم تفعيل خدمة الرسائل.",
    )
    raised_at = timezone.make_aware(datetime.datetime.combine(last_month, datetime.time(12)))
    Recommendation.objects.filter(pk=earlier.pk).update(
        raised_at=raised_at, due_date=last_month + datetime.timedelta(days=10)
    )
    recommendations.recommendation_raise(
        actor=centres_manager,
        text="تدريب موظفي الاستقبال على مهارات التعامل مع المراجعين.",
        department="centres",
        owner=centres_manager,
        due_date=timezone.localdate() + datetime.timedelta(days=30),
    )


def _load_weekly_reviews(crm, crm_manager):
    """The weekly reviews started three weeks ago: the CRM manager reviewed last week and
    raised a recommendation from it; the centres-affairs weeks are missed; this week's
    reviews are due on both managers' "عملي"."""
    this_week = register_reviews.current_week()
    started = this_week - datetime.timedelta(weeks=3)
    for department in register_reviews.DEPARTMENTS:
        RegisterReviewSchedule.objects.update_or_create(
            department=department, defaults={"starts_on": started}
        )
    User = get_user_model()
    User.objects.filter(username__in=["crm_manager", "centres_manager"]).update(
        date_joined=timezone.make_aware(datetime.datetime.combine(started, datetime.time(8)))
    )
    bump(USERS_TOPIC)  # update() sends no signal: the signed-in users are read again
    crm_manager.refresh_from_db()
    review = register_reviews.register_review_record(
        actor=crm_manager,
        department="crm",
        week_start=this_week - datetime.timedelta(weeks=1),
        findings="استفسار مانح وُعد بمعاودة الاتصال ولم يُحدَّث السجل منذ يومين، "
        "وشكوى سوء تعامل ما زالت قيد الدراسة بعد موعدها.",
    )
    recommendations.recommendation_raise(
        actor=crm_manager,
        text="تحديث سجل الشكاوى يومياً لكل حالة وُعد صاحبها بمعاودة الاتصال.",
        department="crm",
        owner=crm,
        due_date=timezone.localdate() + datetime.timedelta(days=14),
        register_review=review,
    )
