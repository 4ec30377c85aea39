"""The manual sits right after `association` (the workflows will read their durations from
it): it imports no other project app."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_the_manual_imports_only_core_and_association():
    allowed = {"core", "association", "manual"}
    project = set(settings.PROJECT_APPS)
    found = {}
    for path in (ROOT / "manual").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in project and top not in allowed:
                    found.setdefault(top, []).append(str(path.relative_to(ROOT)))
    assert found == {}


def test_the_manual_comes_right_after_the_association():
    apps = list(settings.PROJECT_APPS)
    assert apps.index("manual") == apps.index("association") + 1
