import datetime
import functools
import re
from collections.abc import Callable
from typing import cast

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from association.models import Centre
from association.selectors import active_centre_choices
from core.forms import Form, ModelForm, MonthInput
from core.numbers import format_file_size
from core.phones import normalize_saudi_mobile
from core.widgets import QuickSelect
from customers.lookup import CustomerChoiceField
from programmes.models import Programme

from . import recurring, register_reviews, selectors
from .attachments import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_CASE, check_uploads
from .errors import AttachmentError
from .filters import local_day_start
from .models import (
    Case,
    CaseCategory,
    CaseRoute,
    ContactKind,
    FaqEntry,
    FaqState,
    Implementation,
    ProposedSolution,
    RecommendationDecision,
)
from .services import REGISTRATION_CUSTOMER_KINDS

ATTACHMENT_ACCEPT = "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django docs, "Uploading multiple files"). The files are
    then checked by their content (complaints.attachments), not by their names."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ATTACHMENT_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_clean = super().clean
        if isinstance(data, (list, tuple)):
            return [single_clean(item, initial) for item in data if item]
        return [single_clean(data, initial)] if data else []


def _attachments_help():
    return _("Images (JPEG, PNG) or PDF files, at most %(count)d, each up to %(size)s.") % {
        "count": MAX_ATTACHMENTS_PER_CASE,
        "size": format_file_size(MAX_ATTACHMENT_BYTES),
    }


class CaseForm(ModelForm):
    """Register a case. The customer is looked up by name, code, mobile or national ID;
    without one, the contact's name."""

    customer_code = CustomerChoiceField(
        label=_("customer"),
        required=False,
        help_text=_(
            "Type a name, code, mobile or national ID and choose from the suggestions. Leave "
            "empty when the person is not in the customer database."
        ),
        error_messages={"unknown": _("No customer with this code.")},
    )
    # Asked when no customer is chosen: it routes the case (a customer's own kind wins).
    contact_kind = forms.ChoiceField(
        label=_("The person is"),
        choices=ContactKind.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "For a person not in the customer database. A beneficiary's case goes to "
            "the centres-affairs department of the chosen centre."
        ),
    )
    attachments = MultipleFileField(label=_("attachments"), required=False)

    class Meta:
        model = Case
        fields = [
            "kind",
            "channel",
            "received_at",
            "contact_name",
            "contact_mobile",
            "centre",
            "programme",
            "category",
            "subject",
            "description",
        ]
        widgets = {
            "received_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "description": forms.Textarea(attrs={"rows": 4}),
            # The programmes are a few hundred options.
            **dict.fromkeys(("kind", "channel", "centre", "programme", "category"), QuickSelect),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["received_at"].required = False
        self.fields["received_at"].help_text = _("Leave empty for now.")
        self.fields["centre"].queryset = Centre.objects.filter(is_active=True).select_related(
            "city"
        )
        self.fields["programme"].queryset = Programme.objects.order_by("name")
        self.fields["category"].queryset = CaseCategory.objects.filter(is_active=True)
        for name in ("kind", "channel"):
            choices = [choice for choice in self.fields[name].choices if choice[0] != ""]
            self.fields[name].choices = [("", _("Choose…"))] + choices
        self.fields["centre"].empty_label = _("No centre")
        self.fields["programme"].empty_label = _("No programme")
        self.fields["category"].empty_label = _("No category")
        self.fields["contact_mobile"].widget.attrs["dir"] = "ltr"
        self.fields["customer_code"].limit_to(user)
        if user.has_perm("complaints.add_caseattachment"):
            self.fields["attachments"].help_text = _attachments_help()
        else:
            del self.fields["attachments"]

    def clean_attachments(self):
        uploads = self.cleaned_data.get("attachments") or []
        try:
            check_uploads(uploads)
        except AttachmentError as error:
            raise ValidationError(str(error)) from error
        return uploads

    def clean_received_at(self):
        received_at = self.cleaned_data.get("received_at")
        if received_at and received_at > timezone.now():
            raise ValidationError(_("The case cannot be received in the future."))
        return received_at

    def clean_contact_mobile(self):
        mobile = self.cleaned_data.get("contact_mobile", "")
        return normalize_saudi_mobile(mobile) if mobile else ""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("customer_code"):
            cleaned["contact_kind"] = ""
            return cleaned
        if "customer_code" in self.errors:
            return cleaned
        if not (cleaned.get("contact_name") or "").strip():
            self.add_error(
                "contact_name",
                _("Give the customer code or the name of the person who contacted us."),
            )
        contact_kind = cleaned.get("contact_kind")
        if not contact_kind:
            self.add_error(
                "contact_kind",
                _("Choose whether the person is a beneficiary of a centre, a donor or other."),
            )
        elif contact_kind == ContactKind.BENEFICIARY and not cleaned.get("centre"):
            self.add_error(
                "centre", _("Choose the centre whose services the beneficiary receives.")
            )
        return cleaned


class AnswerForm(Form):
    """The immediate answer given while the person is on the line."""

    text = forms.CharField(label=_("immediate answer"), widget=forms.Textarea(attrs={"rows": 3}))


class ReplyForm(Form):
    """The reply given to the person after the study or the callback."""

    text = forms.CharField(label=_("reply"), widget=forms.Textarea(attrs={"rows": 3}))


class EntryForm(Form):
    """The daily entry in the register."""

    text = forms.CharField(label=_("Register entry"), widget=forms.Textarea(attrs={"rows": 2}))


class StudyForm(Form):
    causes = forms.CharField(
        label=_("analysis of causes"), widget=forms.Textarea(attrs={"rows": 3})
    )
    helping_party = forms.CharField(
        label=_("party that can help solve it"),
        max_length=200,
        help_text=_("Another department, a centre or an outside party."),
    )
    assignee: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("assigned to"), queryset=None, widget=QuickSelect
    )

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the people who may handle this case, the current user first and chosen.
        assignee = self.fields["assignee"]
        if self.is_bound:
            # Only a sent form checks the choice: building the query cost a blank form,
            # drawn on every case page, more than drawing it.
            assignee.queryset = selectors.case_handlers(case, current=user)
        # Chosen when listed (the option of a pk not in the list is never drawn).
        self.initial.setdefault("assignee", user.pk)
        assignee.empty_label = _("Choose…")
        # The options as cached plain values; the queryset still validates the choice.
        assignee.widget.choices = [
            ("", assignee.empty_label),
            *selectors.case_handler_choices(case, current=user),
        ]


# The active centres' options as a page reads them: once, when a select first draws them
# (functools.cache over association.selectors.active_centre_choices); the case page gives
# one to its referral and registration forms.
CentreOptions = Callable[[], list[tuple[int, str]]]


def centre_options() -> CentreOptions:
    return functools.cache(active_centre_choices)


def offer_active_centres(form: forms.BaseForm, options: CentreOptions | None) -> None:
    """The form's `centre` chooses an active centre: its queryset checks the choice, its
    select draws the cached plain options (the same as the queryset's: no query compiled,
    no cache read per select)."""
    field = cast(forms.ModelChoiceField, form.fields["centre"])  # declared so by the form
    field.queryset = Centre.objects.filter(is_active=True).select_related("city")
    read = options or centre_options()
    field.widget.choices = lambda: [("", field.empty_label), *read()]


class ReferralForm(Form):
    """Refer a case to another department or centre (procedure step 3)."""

    department = forms.ChoiceField(
        label=_("Refer to"), choices=CaseRoute.choices, widget=QuickSelect
    )
    centre = forms.ModelChoiceField(
        label=_("neighbourhood centre"),
        queryset=Centre.objects.none(),
        required=False,
        empty_label=_("No centre"),
        help_text=_("Required for the centres-affairs department: its staff in this centre."),
        widget=QuickSelect,
    )
    note = forms.CharField(
        label=_("Note for those who receive it"), widget=forms.Textarea(attrs={"rows": 2})
    )
    seen_route = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, centre_options: CentreOptions | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        offer_active_centres(self, centre_options)


class AttachmentForm(Form):
    """Add files to a registered case."""

    # The form's metaclass takes declared fields off the class: self.files stays the uploads.
    files = MultipleFileField(label=_("Add files"))  # type: ignore[assignment]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _attachments_help()


class FaqEntryForm(ModelForm):
    class Meta:
        model = FaqEntry
        fields = ["question", "answer", "category"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = CaseCategory.objects.filter(is_active=True)


class FaqDecisionForm(Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FaqFilterForm(Form):
    q = forms.CharField(label=_("Search"), required=False)
    state = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("", _("All"))] + list(FaqState.choices),
    )


class RegistrationRequestForm(Form):
    """What the "request registration" button asks: who the person is and their centre."""

    customer_kind = forms.ChoiceField(
        label=_("customer type"),
        choices=[(kind.value, kind.label) for kind in REGISTRATION_CUSTOMER_KINDS],
        widget=QuickSelect,
    )
    centre = forms.ModelChoiceField(
        label=_("neighbourhood centre"),
        queryset=Centre.objects.none(),
        required=False,
        widget=QuickSelect,
    )

    def __init__(self, *args, centre_options: CentreOptions | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        offer_active_centres(self, centre_options)


# --- the recurring-group analysis and recommendations (views_analysis) ------------------


class PeriodForm(Form):
    """The period of the recurring-complaints analysis; the last 90 days by default."""

    date_from = forms.DateField(
        label=gettext_lazy("Received from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=gettext_lazy("Received to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Grouped by"),
        required=False,
        choices=[
            ("", gettext_lazy("All")),
            (recurring.BY_CATEGORY_CENTRE, gettext_lazy("Same category and centre")),
            (recurring.BY_TEXT, gettext_lazy("Similar wording")),
        ],
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    def period(self):
        """(first day, last day, kind): valid values, or the defaults."""
        today = timezone.localdate()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        last_day = data.get("date_to") or today
        first_day = data.get("date_from") or last_day - datetime.timedelta(
            days=recurring.DEFAULT_PERIOD_DAYS
        )
        return first_day, last_day, data.get("kind") or ""


class ReviewForm(Form):
    root_causes = forms.CharField(
        label=gettext_lazy("root causes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Found with the departments concerned."),
    )


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class RecommendationForm(Form):
    text = forms.CharField(
        label=gettext_lazy("recommendation"), widget=forms.Textarea(attrs={"rows": 4})
    )
    department = forms.ChoiceField(label=gettext_lazy("department"), choices=CaseRoute.choices)
    owner = OwnerChoiceField(
        label=gettext_lazy("owner"),
        queryset=get_user_model().objects.none(),
        empty_label=gettext_lazy("Choose the owner"),
        help_text=gettext_lazy("Who implements the recommendation."),
    )
    due_date = forms.DateField(
        label=gettext_lazy("due date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    group_key = forms.CharField(required=False, widget=forms.HiddenInput)
    register_review = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["owner"].queryset = selectors.owner_choices()

    def clean_register_review(self):
        """The weekly review the recommendation is raised from: one of the user's own
        department's reviews."""
        pk = self.cleaned_data.get("register_review")
        if not pk:
            return None
        review = (
            register_reviews.reviews_visible_to(self.user)
            .filter(pk=pk, department__in=register_reviews.departments_reviewed_by(self.user))
            .first()
        )
        if review is None:
            raise forms.ValidationError(_("Choose a weekly review of your department."))
        return review

    def clean(self):
        data = super().clean()
        review = data.get("register_review")
        if review is not None and data.get("department") not in (None, review.department):
            self.add_error(
                "department",
                _(
                    "A recommendation raised from a weekly review belongs to the department of "
                    "the review."
                ),
            )
        return data

    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        if due_date < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due_date


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class RecommendationFilterForm(Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("decision"),
        required=False,
        choices=[("", gettext_lazy("All"))] + RecommendationDecision.choices,
    )
    implementation = forms.ChoiceField(
        label=gettext_lazy("implementation"),
        required=False,
        choices=[("", gettext_lazy("All"))] + Implementation.choices,
    )
    department = forms.ChoiceField(
        label=gettext_lazy("department"),
        required=False,
        choices=[("", gettext_lazy("All"))] + CaseRoute.choices,
    )
    month = forms.CharField(
        label=gettext_lazy("Month raised"),
        required=False,
        widget=MonthInput(),
    )

    def clean_month(self):
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        match = _MONTH.match(value)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."))
        return datetime.date(int(match.group(1)), int(match.group(2)), 1)

    def filter(self, queryset):
        self.is_valid()
        data = self.cleaned_data
        for name in ("decision", "implementation", "department"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        month = data.get("month")
        if month:
            following = (month + datetime.timedelta(days=32)).replace(day=1)
            queryset = queryset.filter(
                raised_at__gte=local_day_start(month), raised_at__lt=local_day_start(following)
            )
        return queryset


# --- weekly register reviews (views_reviews) ----------------------------------------------


class RegisterReviewForm(Form):
    findings = forms.CharField(
        label=gettext_lazy("findings"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "What the register shows this week: late answers, recurring subjects, cases to "
            "follow up. Raise recommendations from the review once it is recorded."
        ),
    )


class WeeksFilterForm(Form):
    department = forms.ChoiceField(label=gettext_lazy("department"), required=False)
    missed = forms.BooleanField(label=gettext_lazy("Missed weeks only"), required=False)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(CaseRoute.choices)
        self.fields["department"].choices = [("", gettext_lazy("All"))] + [
            (code, labels[code]) for code in departments
        ]


# --- proposed solutions (views_solutions) -------------------------------------------------


class SolutionForm(ModelForm):
    """A proposed solution with how to implement it, who implements it and by when."""

    group_key = forms.CharField(widget=forms.HiddenInput, required=False)
    owner = OwnerChoiceField(
        label=gettext_lazy("owner"),
        queryset=selectors.owner_choices(),
        empty_label=gettext_lazy("Choose the owner"),
        help_text=gettext_lazy("Who implements the solution."),
    )

    class Meta:
        model = ProposedSolution
        fields = ["text", "implementation_plan", "owner", "due_date"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3}),
            "implementation_plan": forms.Textarea(attrs={"rows": 4}),
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "implementation_plan": gettext_lazy(
                "How the solution is implemented: the steps, with the departments concerned."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = selectors.owner_choices()
        for name in ("implementation_plan", "due_date"):
            self.fields[name].required = True

    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        if self.instance.pk is None and due_date < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due_date
