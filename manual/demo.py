"""The manual's demo data: both shipped documents as their versions in force."""

from . import services


def load_demo_manual() -> int:
    """Returns the number of documents loaded (0 when already there)."""
    return services.load_manual()
