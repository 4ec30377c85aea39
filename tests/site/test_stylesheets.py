"""The project's stylesheets are flat: a rule never opens inside another rule. A merge once
left four rules unclosed; browsers then read the following rules as nested selectors and
silently dropped the step bar's and the lookup's styles."""

import re
from pathlib import Path

import pytest
from django.conf import settings

STYLESHEETS = sorted((Path(settings.BASE_DIR) / "static" / "css").glob("*.css"))
COMMENT = re.compile(r"/\*.*?\*/", re.S)
STRING = re.compile(r"\"[^\"]*\"|'[^']*'")


def nested_rules(css: str) -> list[str]:
    """The preludes of blocks opened inside a style rule (an at-rule may hold rules)."""
    css = STRING.sub('""', COMMENT.sub("", css))
    stack: list[bool] = []  # True: the open block is an at-rule (@media, @supports, …)
    nested: list[str] = []
    start = 0
    for match in re.finditer(r"[{}]", css):
        if match.group() == "{":
            prelude = css[start : match.start()].rsplit(";", 1)[-1].strip()
            if stack and not stack[-1]:
                nested.append(prelude)
            stack.append(prelude.startswith("@"))
        else:
            assert stack, "a closing brace with no block open"
            stack.pop()
        start = match.end()
    assert not stack, f"{len(stack)} block(s) never closed"
    return nested


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda path: path.name)
def test_no_rule_opens_inside_another(path):
    assert nested_rules(path.read_text(encoding="utf-8")) == []


def test_the_check_finds_an_unclosed_rule():
    assert nested_rules(".a { color: red; .b { color: blue; } }") == [".b"]
    assert nested_rules("@media (max-width: 1px) { .a { color: red; } }") == []
