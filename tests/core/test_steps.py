"""core.steps: the step bar of a declared path and the action panel of a record page."""

from django import forms

from core.steps import Action, Step, StepPath, action_panel

PATH = StepPath(
    steps=(Step("a", "A"), Step("b", "B"), Step("c", "C")),
    at={"a2": "a"},
    ends=(Step("x", "X"),),
)


class Record:
    def __init__(self, state):
        self.state = state


def statuses(state):
    return [(str(step.label), step.status) for step in PATH.shown(Record(state))]


def test_the_bar_marks_done_current_and_todo():
    assert statuses("b") == [("A", "done"), ("B", "current"), ("C", "todo")]
    assert statuses("a2") == [("A", "current"), ("B", "todo"), ("C", "todo")]


def test_the_last_step_reached_is_done():
    assert statuses("c") == [("A", "done"), ("B", "done"), ("C", "done")]


def test_an_end_off_the_path_replaces_the_last_step():
    assert statuses("x") == [("A", "todo"), ("B", "todo"), ("X", "stopped")]


def test_a_page_for_the_public_words_the_steps_its_own_way():
    labels = {"a": "Received", "x": "Withdrawn"}
    shown = [(str(step.label), step.status) for step in PATH.shown(Record("b"), labels=labels)]
    assert shown == [("Received", "done"), ("B", "current"), ("C", "todo")]
    ended = [(str(step.label), step.status) for step in PATH.shown(Record("x"), labels=labels)]
    assert ended == [("Received", "todo"), ("B", "todo"), ("Withdrawn", "stopped")]
    # The declared path keeps its own words.
    assert statuses("b")[0] == ("A", "done")


class NoteForm(forms.Form):
    note = forms.CharField()


DECLARED = (
    Action("go", "Go", NoteForm),
    Action("stop", "Stop"),
    Action("other", "Other", NoteForm),
)


def test_the_first_declared_available_action_is_primary():
    panel = action_panel(DECLARED, ["other", "stop"], url=lambda name: f"/{name}/")
    assert panel.primary.action.name == "stop" and panel.primary.form is None
    assert [shown.action.name for shown in panel.others] == ["other"]
    assert panel.others[0].url == "/other/"
    # Each form has its own ids on the page.
    assert panel.others[0].form["note"].id_for_label == "id_other_note"


def test_nothing_available_gives_no_panel():
    assert not action_panel(DECLARED, [], url=str)


def test_a_form_sent_back_is_shown_open():
    sent = NoteForm({"note": ""})
    panel = action_panel(DECLARED, ["go", "other"], url=str, bound=("other", sent))
    assert panel.others[0].form is sent and panel.others[0].open
    assert not panel.primary.open
