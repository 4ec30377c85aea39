"""What a workflow record's page shows about its steps, declared next to the workflow:

- `StepPath`: the ordered main path of a state machine (registered → studied → answered →
  closed), shown as a step bar by `{% include "includes/step_bar.html" with bar=record|step_bar %}`.
  A model declares it as `STEP_PATH = StepPath(...)`; a state off the path counts as a step
  of the path (`at`), and a state that ends the workflow elsewhere (cancelled, rejected) is
  shown as the last step, marked stopped (`ends`).
- `Action` / `action_panel`: the buttons of a record's page. The names still come only from
  `Workflow.available_actions` (docs/ARCHITECTURE.md §4); the declaration gives each one its
  label, its own form and its order, the first available one being the natural next step.
  `{% include "includes/action_card.html" with panel=panel %}` shows it as one primary
  button with its fields and the alternatives folded (`<details>`: no JavaScript needed).
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django import forms
from django.db import models
from django.utils.functional import Promise

Label = str | Promise


@dataclass(frozen=True)
class Step:
    """One step of a path: the state the record is in once the step is taken."""

    state: str
    label: Label


@dataclass(frozen=True)
class ShownStep:
    """A step as the bar shows it: status is "done", "current", "todo" or "stopped"."""

    label: Label
    status: str

    @property
    def is_current(self) -> bool:
        return self.status in ("current", "stopped")


@dataclass(frozen=True)
class StepPath:
    steps: tuple[Step, ...]
    # A state off the path -> the state of the path it counts as (a promised callback is
    # still at "registered").
    at: Mapping[str, str] = field(default_factory=dict)
    # States that end the workflow off its path (rejected, cancelled) and their labels.
    ends: tuple[Step, ...] = ()
    # The state field, or a function giving the state of a record kept in two fields.
    field: str = "state"
    state_of: Callable[[Any], str] | None = None

    def state(self, record: models.Model) -> str:
        if self.state_of is not None:
            return self.state_of(record)
        return str(getattr(record, self.field))

    def shown(
        self, record: models.Model, *, labels: Mapping[str, Label] | None = None
    ) -> list[ShownStep]:
        """The steps of the path for this record, the one it is at marked current.
        `labels` (state -> label) words some steps otherwise, e.g. for the public's page."""
        words = labels or {}
        state = self.state(record)
        for end in self.ends:
            if end.state == state:
                return [
                    ShownStep(words.get(step.state, step.label), "todo") for step in self.steps[:-1]
                ] + [ShownStep(words.get(end.state, end.label), "stopped")]
        state = self.at.get(state, state)
        states = [step.state for step in self.steps]
        reached = states.index(state) if state in states else -1
        last = len(self.steps) - 1
        return [
            ShownStep(
                words.get(step.state, step.label),
                "done"
                if index < reached or (index == reached == last)
                else "current"
                if index == reached
                else "todo",
            )
            for index, step in enumerate(self.steps)
        ]


def step_path_of(record: models.Model) -> StepPath | None:
    path = getattr(type(record), "STEP_PATH", None)
    return path if isinstance(path, StepPath) else None


@dataclass(frozen=True)
class Action:
    """A step a page offers: `name` is a name from available_actions (or a page's own
    action), `form` the form class of its own fields (None: a button alone)."""

    name: str
    label: Label
    form: type[forms.BaseForm] | None = None
    icon: str = ""
    # The Bootstrap colour of its button when it is the primary action.
    style: str = "brand"
    confirm: Label = ""
    help: Label = ""
    # The form's data-testid ("action-<name>" by default).
    testid: str = ""


@dataclass
class ShownAction:
    action: Action
    url: str
    form: forms.BaseForm | None
    # A form sent back with errors: shown open with what was typed.
    open: bool = False

    @property
    def testid(self) -> str:
        return self.action.testid or f"action-{self.action.name}"


@dataclass
class ActionPanel:
    primary: ShownAction | None
    others: list[ShownAction]

    def __bool__(self) -> bool:
        return self.primary is not None

    def __contains__(self, name: str) -> bool:
        return any(shown.action.name == name for shown in self.all())

    def all(self) -> list[ShownAction]:
        return ([self.primary] if self.primary else []) + self.others


def action_panel(
    declared: Sequence[Action],
    available: Iterable[str],
    *,
    url: Callable[[str], str],
    bound: tuple[str, forms.BaseForm] | None = None,
    form_kwargs: Mapping[str, Mapping[str, Any]] | None = None,
) -> ActionPanel:
    """The declared actions that are available, in the declared order: the first is the
    primary one. `bound` is (name, form) of a form sent back with errors, shown instead of
    a blank one; `form_kwargs` gives an action's form its extra arguments."""
    names = set(available)
    shown: list[ShownAction] = []
    for action in declared:
        if action.name not in names:
            continue
        form: forms.BaseForm | None = None
        is_bound = bound is not None and bound[0] == action.name
        if bound is not None and is_bound:
            form = bound[1]
        elif action.form is not None:
            kwargs = dict((form_kwargs or {}).get(action.name, {}))
            form = action.form(auto_id=f"id_{action.name}_%s", **kwargs)
        shown.append(ShownAction(action, url(action.name), form, open=is_bound))
    if not shown:
        return ActionPanel(None, [])
    return ActionPanel(shown[0], shown[1:])


@dataclass(frozen=True)
class HistoryItem:
    """One line of a record's history (includes/steps_trail.html), for pages that merge
    their steps with other events (register entries, referrals, contacts). A page listing
    only its TransitionRecord rows passes them as they are."""

    at: datetime
    actor: Any
    title: Label
    note: str = ""
    icon: str = ""
    # A second line under the title ("From … to …").
    detail: Label = ""
    # A Bootstrap colour for the title's badge ("" for the plain one).
    badge: str = ""
