"""Forms for the child's details, transfers, imports, retention and legal holds.

They parse and check what was typed; the services decide (UPN check letter, dates, hashes).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import LongTextField, SafeguardingForm
from .services.child import MAX_CARERS
from .services.transfer import MAX_IMPORT_BYTES


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ChildDetailsForm(SafeguardingForm):
    legal_name = forms.CharField(
        label=_("Legal name"),
        required=False,
        max_length=200,
        help_text=_("As on the birth certificate or the school's admission record."),
    )
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    upn = forms.CharField(
        label=_("UPN (unique pupil number)"),
        required=False,
        max_length=20,
        help_text=_("13 characters: a check letter, then 12 digits (or 11 and a letter)."),
    )
    child_protection_plan = forms.BooleanField(label=_("Child protection plan"), required=False)
    child_in_need = forms.BooleanField(label=_("Child in need"), required=False)
    looked_after = forms.BooleanField(label=_("Looked-after child"), required=False)
    send = forms.BooleanField(
        label=_("Special educational needs or disability (SEND)"), required=False
    )
    leaving_date = forms.DateField(label=_("Leaving date"), required=False, widget=DateInput())
    destination_school = forms.CharField(
        label=_("School they are moving to"), required=False, max_length=200
    )


class CarerForm(forms.Form):
    template_name = "safeguarding/includes/form.html"

    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    relationship = forms.CharField(
        label=_("Relationship to the child"),
        required=False,
        max_length=200,
        help_text=_("For example mother, stepfather, foster carer, grandparent."),
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=200)
    email = forms.EmailField(label=_("Email"), required=False, max_length=200)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=200,
        help_text=_("For example: parental responsibility, no contact order."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


CarerFormSet = forms.formset_factory(
    CarerForm, extra=1, max_num=6, absolute_max=MAX_CARERS, validate_max=True
)


class TransferForm(SafeguardingForm):
    destination_school = forms.CharField(
        label=_("The school the pupil is moving to"),
        max_length=200,
        error_messages={"required": _("Name the school the pupil is moving to.")},
    )


class CodeForm(SafeguardingForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 8-character code the sending school gave you separately from the link."),
        error_messages={"required": _("Type the code the sending school gave you.")},
    )


class ConfirmReceiptForm(SafeguardingForm):
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        error_messages={"required": _("Please give your name.")},
    )
    school_name = forms.CharField(
        label=_("Your school"),
        max_length=200,
        error_messages={"required": _("Please give your school's name.")},
    )


class LimitedFileField(forms.FileField):
    def validate(self, value):
        super().validate(value)
        if value is not None and value.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("This file is too large to be a Streamwise file."))


class ImportForm(SafeguardingForm):
    json_file = LimitedFileField(
        label=_("The file (JSON)"),
        help_text=_("The file whose name ends in .json but not .manifest.json."),
        error_messages={"required": _("Choose the JSON file you downloaded.")},
    )
    manifest_file = LimitedFileField(
        label=_("Its manifest"),
        help_text=_("The file whose name ends in .manifest.json: it holds the file's hash."),
        error_messages={"required": _("Choose the manifest file you downloaded.")},
    )
    pupil = forms.ModelChoiceField(
        label=_("Pupil at your school"),
        queryset=None,
        required=False,
        empty_label=_("New pupil record (from the file)"),
        help_text=_("Choose the pupil if they are already on your roll."),
    )

    def __init__(self, *args, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils


class RetentionPolicyForm(SafeguardingForm):
    years_after_leaving = forms.IntegerField(
        label=_("Years to keep a record after the leaving date, when the date of birth is unknown"),
        min_value=1,
        max_value=50,
    )


class LegalHoldForm(SafeguardingForm):
    reason = LongTextField(
        label=_("Why must this record be kept?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the record must be kept.")},
    )


class LiftHoldForm(SafeguardingForm):
    reason = LongTextField(
        label=_("Why can the hold be lifted?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the hold can be lifted.")},
    )
