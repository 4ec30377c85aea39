"""Where part 2 of the surveys (analysis, results report, weak-point actions, management
decision, donor survey) plugs into the round's workflow without part 1 importing it.

A gate is a named check a step must pass: `register_gate(step, check)` with `check(round)`
returning None when the step may be taken or a translated reason when it may not. The round's
transitions list `gates_pass(step)` among their conditions, so the buttons and the services
agree (core.workflow.available_actions), and `surveys.services` gives the first reason.

A panel is a part of the round page: `register_round_panel(fn)` with `fn(round, user)`
returning a `RoundPanel(template, context, step)` or None; the page includes each one
under the step it belongs to.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

GateCheck = Callable[[Any], object | None]
PanelMaker = Callable[[Any, Any], "RoundPanel | None"]

_gates: dict[str, list[GateCheck]] = {}
_panels: list[PanelMaker] = []


@dataclass(frozen=True)
class RoundPanel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    # The round state the panel belongs to (shown under that step); "" for the whole round.
    step: str = ""
    order: int = 100


def register_gate(step: str, check: GateCheck) -> None:
    """`step` is the name of a round transition (surveys.models.Round's methods)."""
    if check not in _gates.setdefault(step, []):
        _gates[step].append(check)


def gate_refusal(step: str, survey_round: Any) -> object | None:
    """The first reason a registered gate gives for refusing `step`, or None."""
    for check in _gates.get(step, []):
        reason = check(survey_round)
        if reason:
            return reason
    return None


def gates_pass(step: str) -> Callable[[Any], bool]:
    """A django-fsm condition: every gate registered for `step` lets it through."""

    def condition(survey_round: Any) -> bool:
        return gate_refusal(step, survey_round) is None

    condition.__name__ = f"gates_pass_{step}"
    return condition


def register_round_panel(maker: PanelMaker) -> None:
    if maker not in _panels:
        _panels.append(maker)


def round_panels(survey_round: Any, user: Any) -> list[RoundPanel]:
    panels = [panel for maker in _panels if (panel := maker(survey_round, user)) is not None]
    return sorted(panels, key=lambda panel: panel.order)
