"""Safeguarding forms: they parse and validate input; the services do the work."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schools.forms import RecordChoicesField
from schools.models import Pupil, YearGroup

from . import conf
from .models import (
    ESCALATION_REPEAT_MAX_MINUTES,
    ESCALATION_REPEAT_MIN_MINUTES,
    Agency,
    ConcernCategory,
    EntryKind,
    Feeling,
    ReferralOutcome,
    TalkAbout,
    TalkTo,
)
from .services import text_too_long_message

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class SafeguardingForm(forms.Form):
    """Renders every field with a visible label, its help and its errors linked to the input."""

    template_name = "safeguarding/includes/form.html"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's ValidationError on the fields it names (or on the whole form)."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)


class LongTextField(forms.CharField):
    """Free text with a generous limit. There is no maxlength attribute, so nothing is cut off
    silently while typing or pasting: text over the limit gets a clear message instead."""

    def __init__(self, *, limit=conf.text_max_chars, **kwargs):
        self.limit = limit
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 6}))
        kwargs.setdefault("strip", True)
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        limit = self.limit()
        if value and len(value) > limit:
            raise ValidationError(text_too_long_message(limit=limit, length=len(value)))


def yes_no_field(label, help_text=""):
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )


class PupilChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, pupil):
        return f"{pupil.display_name} ({pupil.get_year_group_display()})"


class CategoriesField(RecordChoicesField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, category):
        return category.name


# --- Pupils ------------------------------------------------------------------------------------


class TalkForm(forms.Form):
    """ "Talk to someone": every field is optional, so one tap on Send is enough."""

    feeling = forms.ChoiceField(
        label=_("How are you feeling?"),
        choices=Feeling.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    about = forms.ChoiceField(
        label=_("What is it about?"),
        choices=TalkAbout.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    details = forms.CharField(
        label=_("Tell us more"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    talk_to = forms.ChoiceField(
        label=_("Who would you like to talk to?"),
        choices=TalkTo.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    submission = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean_details(self):
        value = self.cleaned_data["details"]
        limit = conf.pupil_text_max_chars()
        if len(value) > limit:
            raise ValidationError(
                _(
                    "That's a lot to read! Please make it shorter (up to %(limit)s letters), "
                    "or just press Send and tell a grown-up the rest."
                )
                % {"limit": f"{limit:,}"}
            )
        return value


# --- Staff ---------------------------------------------------------------------------------------


class RaiseConcernForm(SafeguardingForm):
    pupil = PupilChoiceField(
        label=_("Which pupil is this about?"),
        queryset=Pupil.objects.none(),
        empty_label=_("Choose a pupil"),
        error_messages={
            "required": _("Choose the pupil this is about."),
            "invalid_choice": _("Choose one of your pupils."),
        },
    )
    what_happened = LongTextField(
        label=_("What happened, or what did the child say?"),
        help_text=_(
            "Use the child's own words where you can, even if they are rude or unclear. Write "
            "what you saw and heard, not what you think it means."
        ),
        error_messages={"required": _("Write what happened or what the child said.")},
    )
    occurred_at = forms.DateTimeField(
        label=_("When did it happen?"),
        help_text=_("Leave empty if it was just now."),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    location = forms.CharField(
        label=_("Where?"),
        help_text=_("For example the lesson, the room or the website."),
        required=False,
        max_length=200,
    )
    categories = CategoriesField(
        label=_("What kind of concern is it?"),
        help_text=_("Choose any that fit; the DSL can change this later."),
        queryset=ConcernCategory.objects.none(),
        required=False,
    )
    immediate_danger = yes_no_field(_("Is the child in immediate danger?"))
    told_dsl_in_person = yes_no_field(_("Have you already told a DSL in person?"))
    submission = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, pupils, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils
        self.fields["categories"].queryset = categories

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        if value and value > timezone.now() + timedelta(minutes=5):
            raise ValidationError(_("That time is in the future."))
        return value

    def clean(self):
        cleaned = super().clean()
        pupil, categories = cleaned.get("pupil"), cleaned.get("categories") or []
        if pupil is not None and any(c.school_id != pupil.school_id for c in categories):
            self.add_error("categories", _("Choose categories of the pupil's school."))
        return cleaned


# --- DSL area ------------------------------------------------------------------------------------


class EntryForm(SafeguardingForm):
    """A note, an action taken, contact with parents, or an outcome."""

    form_name = "entry"
    kind = forms.ChoiceField(
        label=_("What are you recording?"),
        choices=[
            (kind.value, kind.label)
            for kind in (
                EntryKind.NOTE,
                EntryKind.ACTION,
                EntryKind.PARENT_CONTACT,
                EntryKind.OUTCOME,
            )
        ],
    )
    text = LongTextField(label=_("Details"), error_messages={"required": _("Write the details.")})
    event_date = forms.DateField(
        label=_("Date it happened"),
        help_text=_("Leave empty for today."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class DecisionForm(SafeguardingForm):
    form_name = "decision"
    text = LongTextField(
        label=_("Decision"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the decision.")},
    )
    reason = LongTextField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for the decision.")},
    )


class ReferralForm(SafeguardingForm):
    form_name = "referral"
    agency = forms.ChoiceField(
        label=_("Referred to"),
        choices=Agency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the agency the referral went to.")},
    )
    agency_name = forms.CharField(label=_("Agency name (if other)"), required=False, max_length=200)
    event_date = forms.DateField(
        label=_("Date of referral"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Enter the date of the referral.")},
    )
    reference = forms.CharField(
        label=_("Reference number"),
        help_text=_("If you don't have one yet, add it with the outcome when it arrives."),
        required=False,
        max_length=100,
    )
    text = LongTextField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    # Casework: the outcome, when it is known already (otherwise it is recorded later).
    outcome = forms.ChoiceField(
        label=_("Outcome, if known"),
        choices=[("", _("Not known yet")), *ReferralOutcome.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    outcome_at = forms.DateTimeField(
        label=_("Date and time of the outcome"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("agency") == Agency.OTHER and not cleaned.get("agency_name"):
            self.add_error("agency_name", _("Name the agency."))
        if cleaned.get("outcome") and not cleaned.get("outcome_at"):
            self.add_error("outcome_at", _("Enter the date and time of the outcome."))
        return cleaned


class CorrectionForm(SafeguardingForm):
    text = LongTextField(
        label=_("Correction"),
        help_text=_("Say what was wrong and what is right. The original entry stays as it was."),
        error_messages={"required": _("Write the correction.")},
    )


class CloseForm(SafeguardingForm):
    reason = LongTextField(
        label=_("Why can this case close?"),
        help_text=_("Summarise the outcome."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the case can close.")},
    )


class ReopenForm(SafeguardingForm):
    reason = LongTextField(
        label=_("Why is this case being reopened?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the case is being reopened.")},
    )


class LinkPupilForm(SafeguardingForm):
    pupil = PupilChoiceField(
        label=_("Another pupil involved"),
        queryset=Pupil.objects.none(),
        empty_label=_("Choose a pupil"),
        error_messages={"required": _("Choose a pupil.")},
    )
    note = forms.CharField(label=_("How they are involved"), required=False, max_length=500)

    def __init__(self, *args, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils


class FlagPromoteForm(SafeguardingForm):
    categories = CategoriesField(
        label=_("What kind of concern is it?"),
        queryset=ConcernCategory.objects.none(),
        required=False,
    )
    note = LongTextField(
        label=_("Note for the chronology"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = categories


class FlagDismissForm(SafeguardingForm):
    reason = LongTextField(
        label=_("Why does this need no action?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why this needs no action.")},
    )


class SearchForm(SafeguardingForm):
    q = forms.CharField(
        label=_("Pupil name or concern number"),
        max_length=100,
        error_messages={"required": _("Type a name or a number to search for.")},
    )


class CategoriesForm(SafeguardingForm):
    categories = forms.CharField(
        label=_("Concern categories"),
        help_text=_(
            "One per line, in the order staff should see them. Removing a category hides it "
            "for new concerns; concerns already filed under it keep it."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
    )

    def names(self) -> list[str]:
        return self.cleaned_data["categories"].splitlines()


class PhrasesForm(SafeguardingForm):
    phrases = forms.CharField(
        label=_("Screening phrases"),
        help_text=_(
            "One per line. Free-text answers in quizzes that contain one of these (ignoring "
            "capitals and punctuation, whole words only) appear in your inbox as “needs "
            "review”. Pupils never see this."
        ),
        widget=forms.Textarea(attrs={"rows": 16}),
        required=False,
        max_length=20000,
    )

    def phrase_list(self) -> list[str]:
        return self.cleaned_data["phrases"].splitlines()


# --- Notify: escalation settings -------------------------------------------------------------


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.email or obj.get_username()


class EscalationSettingsForm(SafeguardingForm):
    escalation_repeat_minutes = forms.IntegerField(
        label=_("Repeat the escalation every (minutes)"),
        help_text=_(
            "While nobody has acknowledged a concern or opened a flag, every DSL and deputy, "
            "the school admins and the head teacher below are told again this often."
        ),
        min_value=ESCALATION_REPEAT_MIN_MINUTES,
        max_value=ESCALATION_REPEAT_MAX_MINUTES,
    )
    head_teacher = StaffChoiceField(
        label=_("Head teacher to email when something escalates"),
        help_text=_(
            "They get an email with the case number only, never any details. Choose nobody "
            "to leave the head teacher out."
        ),
        queryset=None,
        required=False,
        empty_label=_("Nobody"),
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head_teacher"].queryset = staff


# --- Triage: the inbox's filters, a case's categories and assignee, governor counts ------------


class IdChoiceField(forms.TypedChoiceField):
    """A choice among records offered on the page, posted as an id and never looked up by an
    id the page did not offer (so a huge or foreign id is simply "not one of the choices")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("empty_value", None)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class InboxFilterForm(SafeguardingForm):
    """The inbox's filters. A GET form: the address carries only ids, choices and dates."""

    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("waiting", _("Waiting: not acknowledged or to review")),
            ("new", _("New concerns")),
            ("review", _("Flags that need review")),
            ("open", _("Open cases")),
            ("referred", _("Referred cases")),
            ("closed", _("Closed cases")),
            ("all", _("Every concern")),
        ],
    )
    category = IdChoiceField(label=_("Category"))
    group = IdChoiceField(label=_("Class"))
    year_group = forms.TypedChoiceField(
        label=_("Year group"), required=False, coerce=int, empty_value=None
    )
    source = forms.ChoiceField(
        label=_("Raised by"),
        required=False,
        choices=[
            ("", _("Anyone")),
            ("staff", _("Staff")),
            ("pupil", _("The pupil (Talk to someone)")),
            ("screening", _("Free-text screening")),
        ],
    )
    since = forms.DateField(
        label=_("Raised from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Raised until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    assigned = forms.ChoiceField(
        label=_("Assigned to"),
        required=False,
        choices=[("", _("Anyone or nobody")), ("me", _("Me")), ("nobody", _("Nobody yet"))],
    )

    def __init__(self, *args, categories, groups, **kwargs):
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        self.categories_by_id = {c.pk: c for c in categories}
        self.fields["category"].choices = anything + [(c.pk, c.name) for c in categories]
        self.fields["group"].choices = anything + [(g.pk, g.name) for g in groups]
        self.fields["year_group"].choices = anything + list(YearGroup.choices)

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("Choose an end date on or after the start date."))
        return cleaned


class CaseCategoriesForm(SafeguardingForm):
    categories = CategoriesField(
        label=_("Categories"),
        help_text=_("Choose any that fit. The chronology records each change."),
        queryset=ConcernCategory.objects.none(),
        required=False,
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = categories


class AssignForm(SafeguardingForm):
    assignee = IdChoiceField(
        label=_("Assign to"),
        help_text=_("They get an alert here and an email with no details."),
    )

    def __init__(self, *args, leads, **kwargs):
        super().__init__(*args, **kwargs)
        self.leads = {user.pk: user for user in leads}
        self.fields["assignee"].choices = [("", _("Nobody"))] + [
            (user.pk, user.get_full_name() or user.email) for user in leads
        ]

    def chosen_lead(self):
        """The DSL or deputy chosen, or None for "Nobody"."""
        return self.leads.get(self.cleaned_data["assignee"])


class ReportYearForm(SafeguardingForm):
    year = forms.TypedChoiceField(label=_("School year"), coerce=int, required=False)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"{y}–{str(y + 1)[-2:]}") for y in years]
