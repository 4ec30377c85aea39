"""The forms of the survey follow-up (steps 4, 6, 7 and the success stories)."""

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from core.forms import Form, ModelForm
from programmes.models import Programme
from surveys.models import InvitationChannel, Item, ItemKind, Round

from .models import DecisionOutcome, SatisfactionLevel, SuccessStory


class FindingsForm(Form):
    level = forms.ChoiceField(label=_("satisfaction level"), choices=SatisfactionLevel.choices)
    conclusions = forms.CharField(
        label=_("results and conclusions"), widget=forms.Textarea(attrs={"rows": 4})
    )
    recommendations = forms.CharField(
        label=_("recommendations"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def owner_choices() -> Any:
    """Who may own a treatment step: the active staff who hold a role."""
    return (
        User.objects.filter(is_active=True, groups__isnull=False)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class OwnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class WeakItemField(forms.ModelChoiceField):
    """The statements of the round's form, the weak ones marked."""

    weak_codes: frozenset[str] = frozenset()

    def label_from_instance(self, obj: Any) -> str:
        return f"⚠ {obj}" if obj.code in self.weak_codes else str(obj)


class ActionForm(Form):
    item = WeakItemField(
        label=_("weak item"),
        queryset=Item.objects.none(),
        required=False,
        help_text=_("Leave empty for a step about the round as a whole."),
    )
    text = forms.CharField(label=_("treatment step"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = OwnerField(label=_("owner"), queryset=User.objects.none())
    due_on = forms.DateField(label=_("due date"))

    def __init__(
        self, *args: Any, survey_round: Round, weak_codes: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        items = Item.objects.filter(version_id=survey_round.version_id, kind=ItemKind.SCALE)
        item_field = self.fields["item"]
        assert isinstance(item_field, WeakItemField)
        item_field.queryset = items.order_by("position")
        # The weak items marked: they are what step 6 is about.
        item_field.weak_codes = frozenset(weak_codes)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = owner_choices()


class ActionDoneForm(Form):
    note = forms.CharField(
        label=_("what was done"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(Form):
    outcome = forms.ChoiceField(label=_("decision"), choices=DecisionOutcome.choices)
    text = forms.CharField(
        label=_("decision and instructions"), widget=forms.Textarea(attrs={"rows": 3})
    )


class StoryForm(ModelForm):
    class Meta:
        model = SuccessStory
        fields = [
            "title",
            "story",
            "anonymised",
            "consent_to_publish",
            "consent_note",
            "round",
            "programme",
        ]
        widgets = {
            "story": forms.Textarea(attrs={"rows": 5}),
            "anonymised": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent_to_publish"].required = False
        round_field = self.fields["round"]
        assert isinstance(round_field, forms.ModelChoiceField)
        round_field.queryset = Round.objects.order_by("-ended_on", "-pk")
        programme_field = self.fields["programme"]
        assert isinstance(programme_field, forms.ModelChoiceField)
        programme_field.queryset = Programme.objects.order_by("name")


class StoryReturnForm(Form):
    reason = forms.CharField(
        label=_("what should change"), widget=forms.Textarea(attrs={"rows": 2})
    )


class DonorInvitationForm(Form):
    """The programme's donors (its funders, finance) to invite to the donor survey."""

    channel = forms.ChoiceField(label=_("channel"), choices=InvitationChannel.choices)
    donors = forms.MultipleChoiceField(
        label=_("donors"), widget=forms.CheckboxSelectMultiple, choices=()
    )
    subject = forms.CharField(label=_("Subject (e-mail)"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("{الرابط} is replaced by each donor's own link, {الاسم} by their name."),
    )

    def __init__(self, *args: Any, donors: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.donors_by_pk = {str(donor.pk): donor for donor in donors}
        field = self.fields["donors"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(donor.pk), donor.name) for donor in donors]

    def chosen_donors(self) -> list[Any]:
        return [self.donors_by_pk[pk] for pk in self.cleaned_data["donors"]]
