"""The form a trust admin sets trust-wide work with."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lessons.models import ModulePage
from schools.models import YearGroup

from .forms import DateInput, PortalForm

DEFAULT_DAYS_TO_DO = 14


class TrustAssignmentForm(PortalForm):
    # Choices from the live modules (not a ModelChoiceField): an id that is no choice is a
    # plain "not one of the choices", however large the number sent.
    module = forms.TypedChoiceField(
        label=_("Module"),
        coerce=int,
        help_text=_("Each module is written for one age band; choose one for the year group."),
    )
    year_group = forms.TypedChoiceField(
        label=_("Year group"),
        choices=[("", _("Choose a year group")), *YearGroup.choices],
        coerce=int,
    )
    opens_on = forms.DateField(
        label=_("Open date"), widget=DateInput(), help_text=_("Pupils see the work from this day.")
    )
    due_on = forms.DateField(
        label=_("Due date"),
        widget=DateInput(),
        help_text=_("Each school can change its own dates afterwards."),
    )

    def __init__(self, *args, **kwargs):
        today = timezone.localdate()
        kwargs.setdefault(
            "initial", {"opens_on": today, "due_on": today + timedelta(days=DEFAULT_DAYS_TO_DO)}
        )
        super().__init__(*args, **kwargs)
        self.modules = {m.pk: m for m in ModulePage.objects.live().order_by("path")}
        self.fields["module"].choices = [
            ("", _("Choose a module")),
            *((pk, module.title) for pk, module in self.modules.items()),
        ]

    def clean_module(self):
        return self.modules[self.cleaned_data["module"]]

    def clean(self):
        cleaned = super().clean()
        opens_on, due_on = cleaned.get("opens_on"), cleaned.get("due_on")
        if opens_on and due_on and due_on < opens_on:
            self.add_error("due_on", _("The due date must be on or after the open date."))
        return cleaned
