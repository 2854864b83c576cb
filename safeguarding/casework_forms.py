"""Forms for casework on a case: actions, attachments, referral outcomes, related cases."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .forms import LongTextField, SafeguardingForm
from .models import CaseRelationship, Concern, ReferralOutcome

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def datetime_field(label, **kwargs):
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=DATETIME_FORMATS,
        **kwargs,
    )


class LeadChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.email


class ActionForm(SafeguardingForm):
    title = forms.CharField(
        label=_("What needs doing?"),
        help_text=_("For example “Call parent” or “Refer to MASH”."),
        max_length=200,
        error_messages={"required": _("Say what needs doing.")},
    )
    owner = LeadChoiceField(
        label=_("Who will do it?"),
        queryset=get_user_model().objects.none(),
        empty_label=_("Choose a DSL or deputy"),
        error_messages={
            "required": _("Choose who will do it."),
            "invalid_choice": _("Choose a DSL or deputy DSL of this school."),
        },
    )
    due_at = datetime_field(
        _("Due by"),
        help_text=_("They get a reminder then, in Streamwise and by email."),
        error_messages={
            "required": _("Enter when it is due."),
            "invalid": _("Enter a date and time, like 14/03/2027 09:30."),
        },
    )
    submission = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, leads, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = leads


class ActionCompleteForm(SafeguardingForm):
    note = LongTextField(
        label=_("What was done?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write what was done.")},
    )


class AttachmentForm(SafeguardingForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A photo or screenshot (JPEG, PNG, WebP or GIF), a PDF, or a plain text file. It is "
            "kept privately with this case."
        ),
        error_messages={
            "required": _("Choose a file to attach."),
            "empty": _("This file is empty. Choose the file again."),
        },
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif,application/pdf,.txt"}
        ),
    )
    description = forms.CharField(
        label=_("What is it?"),
        help_text=_("For example “Photo of the note Isla wrote”."),
        required=False,
        max_length=300,
    )


class OutcomeForm(SafeguardingForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=ReferralOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the outcome.")},
    )
    outcome_at = datetime_field(
        _("Date and time of the outcome"),
        error_messages={
            "required": _("Enter the date and time of the outcome."),
            "invalid": _("Enter a date and time, like 14/03/2027 09:30."),
        },
    )
    reference = forms.CharField(label=_("Reference number"), required=False, max_length=100)
    text = LongTextField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, concern):
        return _("Case %(number)s — %(name)s (%(year)s)") % {
            "number": concern.pk,
            "name": concern.pupil.display_name,
            "year": concern.pupil.get_year_group_display(),
        }


class RelatedCaseForm(SafeguardingForm):
    other = CaseChoiceField(
        label=_("Related case"),
        queryset=Concern.objects.none(),
        empty_label=_("Choose a case"),
        error_messages={
            "required": _("Choose a case."),
            "invalid_choice": _("Choose a case of this school."),
        },
    )
    relationship = forms.ChoiceField(
        label=_("How are the children related?"),
        choices=CaseRelationship.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the children are related.")},
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = cases
