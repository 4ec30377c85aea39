from django.core.management.base import BaseCommand

from association.demo import ASSOCIATION_DEMO, DEMO_PASSWORD, DEMO_USERS
from core.demo import run_demo_loaders


class Command(BaseCommand):
    help = (
        "Load the demo data every app registers (core/demo.py): the structure, one user per "
        "role and each app's examples. Safe to run again: it changes nothing."
    )

    def handle(self, *args, **options):
        results = run_demo_loaders(lambda message: self.stdout.write(self.style.SUCCESS(message)))
        created = results[ASSOCIATION_DEMO]
        if created:
            self.stdout.write(self.style.SUCCESS(f"Created demo users: {', '.join(created)}"))
        else:
            self.stdout.write("Demo data already present; nothing changed.")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        self.stdout.write(f"  {'admin':<16} superuser (Django admin)")
        for username, _first, _last, role, *_rest in DEMO_USERS:
            self.stdout.write(f"  {username:<16} {role.code}")
