from typing import Any

from django.core.management.base import BaseCommand

from association.demo import DEMO_PASSWORD, DEMO_USERS, load_demo_data
from complaints.demo import load_demo_cases
from customers.demo import load_demo_customers
from opportunities.demo import load_demo_donor_contacts
from opportunities.problems_demo import load_demo_problems
from programmes.demo import load_demo_portfolio
from reports.demo import load_demo_reports


class Command(BaseCommand):
    help = "Load the demo structure and one user per role. Safe to run again: it changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        created = load_demo_data()
        customers = load_demo_customers()
        if customers:
            self.stdout.write(self.style.SUCCESS(f"Created {customers} demo customers."))
        load_demo_donor_contacts()
        load_demo_reports()
        if load_demo_portfolio():
            self.stdout.write(self.style.SUCCESS("Created the demo portfolio cycles."))
        if load_demo_problems():
            self.stdout.write(self.style.SUCCESS("Created the demo donor-relationship problems."))
        cases = load_demo_cases()
        if cases:
            self.stdout.write(self.style.SUCCESS(f"Created {cases} demo cases."))
        if created:
            self.stdout.write(self.style.SUCCESS(f"Created demo users: {', '.join(created)}"))
        else:
            self.stdout.write("Demo data already present; nothing changed.")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        self.stdout.write(f"  {'admin':<16} superuser (Django admin)")
        for username, _first, _last, role, *_rest in DEMO_USERS:
            self.stdout.write(f"  {username:<16} {role.code}")
