"""Demo points of contact and donor contacts (3.1.21), put through the services: a donor
spoken for by the CRM employee (approved by the secretary), a proposal awaiting the
secretary, and a request to contact by resource development (approved by asking for its
own party, and by the CRM manager) awaiting the secretary. Idempotent."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from customers.models import Customer, CustomerKind

from . import services
from .models import PointOfContactDesignation

USERNAMES = ("crm_staff", "crm_manager", "resources", "secretary")


def load_demo_donor_contacts():
    """Returns the number of designations created (0 when already loaded)."""
    users = {
        user.username: user for user in get_user_model().objects.filter(username__in=USERNAMES)
    }
    donors = {
        donor.name: donor
        for donor in Customer.objects.filter(kind=CustomerKind.DONOR, is_active=True)
    }
    first, second = donors.get("مؤسسة عبدالله الخيرية"), donors.get("شركة الوفاء للتجارة")
    if len(users) < len(USERNAMES) or first is None or second is None:
        return 0
    if PointOfContactDesignation.objects.exists():
        return 0
    approved = services.designation_propose(
        donor=first,
        staff=users["crm_staff"],
        reason="يتابع المؤسسة منذ بداية الشراكة",
        actor=users["crm_manager"],
    )
    services.designation_decide(
        designation=approved, actor=users["secretary"], approve=True, note="موافق"
    )
    services.designation_propose(
        donor=second,
        staff=users["resources"],
        reason="الشركة من مانحي الأوقاف الذين تتابعهم تنمية الموارد",
        actor=users["crm_manager"],
    )
    first.refresh_from_db()
    request = services.donor_contact_request(
        actor=users["resources"],
        donor=first,
        proposed_date=timezone.localdate(),
        channel="face_to_face",
        purpose="زيارة لعرض مشروع الوقف التعليمي",
    )
    services.donor_contact_decide(
        contact=request, actor=users["crm_manager"], approve=True, note="بالتنسيق مع نقطة الاتصال"
    )
    return 2
