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


# includes/action_form.html as it was before the action_form tag wrote it in Python.
TEMPLATE_ACTION_FORM = (
    "{% load filter_fields %}"
    '<form method="post" action="{{ shown.url }}"{% if shown.form.is_multipart %} '
    'enctype="multipart/form-data"{% endif %} novalidate data-testid="{{ shown.testid }}"'
    '{% if shown.action.confirm %} data-confirm="{{ shown.action.confirm }}"{% endif %}>'
    "{% csrf_token %}\n"
    '  {% if shown.action.help %}<p class="small text-body-secondary">{{ shown.action.help }}'
    "</p>{% endif %}\n"
    "  {% if shown.form %}{{ shown.form|form_fields }}{% endif %}\n"
    '  <button class="btn {% if primary %}btn-{{ shown.action.style }}{% else %}'
    'btn-outline-secondary btn-sm{% endif %} w-100" type="submit">{% if shown.action.icon %}'
    '<i class="bi {{ shown.action.icon }}" aria-hidden="true"></i> {% endif %}'
    "{{ shown.action.label }}</button>\n"
    "</form>\n"
)


class EscapedNoteForm(forms.Form):
    note = forms.CharField(label="Note <&>", help_text="What 'you' saw")


class FileForm(forms.Form):
    file = forms.FileField(label="File")
    kind = forms.ChoiceField(choices=[("", "Choose…"), ("a", "A & B")], required=False)


def test_the_action_form_tag_writes_what_the_template_wrote():
    from django.template import Context, Template
    from django.utils.translation import gettext_lazy

    from core.steps import ShownAction

    actions = [
        ShownAction(Action("plain", "Go"), "/x/1/plain/", None),
        ShownAction(
            Action(
                "noted",
                gettext_lazy("Record the reply"),
                EscapedNoteForm,
                icon="bi-reply",
                style="success",
                confirm="Sure? <b>\"yes\"</b> & 'no'",
                help=gettext_lazy("The answer given to the person."),
                testid="custom",
            ),
            "/x/1/noted/?a=1&b=2",
            EscapedNoteForm(auto_id="id_noted_%s"),
        ),
        ShownAction(Action("file", "Attach", FileForm), "/x/1/file/", FileForm()),
        ShownAction(
            Action("bound", "Again", EscapedNoteForm),
            "/x/1/bound/",
            EscapedNoteForm({"note": ""}),
            open=True,
        ),
    ]
    old = Template(TEMPLATE_ACTION_FORM)
    new = Template("{% load steps %}{% action_form shown primary %}")
    for token in ("abc<&>", "NOTPROVIDED"):
        for shown in actions:
            for primary in (True, False):
                context = {"shown": shown, "primary": primary, "csrf_token": token}
                assert new.render(Context(context)) == old.render(Context(context))
