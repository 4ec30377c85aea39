"""The manual's demo loader: both documents as their versions in force, idempotent."""

import pytest

from core.demo import demo_loaders_in_order
from manual.demo import load_demo_manual
from manual.models import ManualDocument, ManualVersion, VersionState

pytestmark = pytest.mark.django_db


def test_the_demo_loads_both_documents_once():
    assert load_demo_manual() == 2
    assert load_demo_manual() == 0
    assert set(ManualDocument.objects.values_list("key", flat=True)) == {
        "crm",
        "beneficiary-relations",
    }
    assert ManualVersion.objects.filter(state=VersionState.IN_FORCE).count() == 2


def test_the_loader_is_registered_after_the_association():
    names = [loader.name for loader in demo_loaders_in_order()]
    assert names.index("manual") > names.index("association")
