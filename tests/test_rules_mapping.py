"""tests/RULES.md lists each business rule of the seed with the tests that catch it: every
test named there must exist, and every rule needs a service-level and a page-level test."""

import importlib
import re
from pathlib import Path

RULES = Path(__file__).with_name("RULES.md")
ENTRY = re.compile(r"^- (service|view): (tests/\S+\.py)::(test_\w+)")


def rules():
    """{rule heading: [(kind, path, test name)]} from RULES.md."""
    found = {}
    heading = None
    for line in RULES.read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            heading = line[4:]
            found[heading] = []
        elif match := ENTRY.match(line):
            assert heading is not None, line
            found[heading].append(match.groups())
    return found


def test_rules_md_lists_rules():
    assert len(rules()) >= 25


def test_every_listed_test_exists():
    missing = []
    for entries in rules().values():
        for _kind, path, name in entries:
            module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
            if not callable(getattr(module, name, None)):
                missing.append(f"{path}::{name}")
    assert missing == []


def test_every_rule_has_a_service_and_a_view_test():
    thin = {
        heading: entries
        for heading, entries in rules().items()
        if len(entries) < 2 or {kind for kind, _path, _name in entries} != {"service", "view"}
    }
    assert thin == {}
