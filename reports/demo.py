"""Demo data of the reports: who receives each report type, and the association's visual
identity. Idempotent like association.demo: only what is missing is created."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from .models import ReportRecipient, ReportType, VisualIdentity

# report type -> demo usernames (association.demo.DEMO_USERS) who receive it.
DEMO_RECIPIENTS = {
    ReportType.WEEKLY_OPPORTUNITIES: ["crm_manager"],
    ReportType.MONTHLY_PERFORMANCE: ["secretary", "crm_manager", "centres_manager"],
    ReportType.MONTHLY_RECURRING: ["planning"],
    ReportType.QUARTERLY_CAMPAIGNS: ["management", "crm_manager"],
}


@transaction.atomic
def load_demo_reports():
    """Create the demo recipients (giving a demo user an email address if they have none)
    and the visual identity row. Returns the number of rows created."""
    created = 0
    if not VisualIdentity.objects.exists():
        VisualIdentity.objects.create(name=settings.ASSOCIATION_NAME)
        created += 1
    users = get_user_model().objects.filter(
        username__in={name for names in DEMO_RECIPIENTS.values() for name in names}
    )
    by_username = {user.username: user for user in users}
    for report_type, usernames in DEMO_RECIPIENTS.items():
        for username in usernames:
            user = by_username.get(username)
            if user is None:
                continue
            if not user.email:
                user.email = f"{username}@example.org"
                user.save(update_fields=["email"])
            _recipient, was_created = ReportRecipient.objects.get_or_create(
                report_type=report_type, user=user
            )
            created += was_created
    return created
