"""Demo data of the support requests (shared with part B: each part adds its own function
and load_demo_support calls them in order). Idempotent, through the services."""


def load_demo_support() -> list[str]:
    created: list[str] = []
    return created
