from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Audience, SchoolTrainingSettings, staff_courses


class DateInput(forms.DateInput):
    input_type = "date"


class _PlainLabels:
    """Labels as written ("Course", not "Course:"), like the rest of the site's forms."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class AssignmentForm(_PlainLabels, forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"), queryset=staff_courses(), empty_label=None, to_field_name="slug"
    )
    audience = forms.ChoiceField(label=_("Who must take it"), choices=Audience.choices)
    due_on = forms.DateField(label=_("Due by"), widget=DateInput)

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("Choose a date from today on."))
        return due_on


class TrainingSettingsForm(_PlainLabels, forms.ModelForm):
    class Meta:
        model = SchoolTrainingSettings
        fields = ["renewal_months", "part_one_version", "part_one_due_on"]
        widgets = {"part_one_due_on": DateInput}


class TableFilterForm(_PlainLabels, forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    course = forms.ChoiceField(label=_("Course"), required=False)

    def __init__(self, *args, courses=(), has_part_one=False, **kwargs):
        from .services import STATUS_LABELS

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *STATUS_LABELS.items()]
        choices = [("", _("All courses")), *((c.slug, c.title) for c in courses)]
        if has_part_one:
            choices.append(("part-one", _("KCSIE Part one")))
        self.fields["course"].choices = choices
