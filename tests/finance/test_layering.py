"""The apps' dependency order (association → customers → programmes → finance →
opportunities): finance never imports opportunities, and the programmes' funding reads
import neither; a programme's money reaches them through programmes.funding."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _modules(relative):
    """The .py files of a package (migrations aside), or the one file named."""
    path = ROOT / relative
    if path.is_file():
        return [path]
    return [module for module in path.rglob("*.py") if "migrations" not in module.parts]


def _imported_packages(relative):
    """{top-level package: files of `relative` importing it}."""
    found = {}
    for path in _modules(relative):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize(
    ("code", "above"),
    [
        ("finance", {"opportunities"}),
        ("programmes/selectors.py", {"finance", "opportunities"}),
        ("programmes/funding.py", {"finance", "opportunities"}),
    ],
)
def test_code_does_not_import_the_apps_above_it(code, above):
    imported = _imported_packages(code)
    assert not {name: imported[name] for name in above if name in imported}
