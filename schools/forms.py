from django import forms
from django.utils.translation import gettext_lazy as _

from .models import normalise_class_code


class ClassCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your class code"),
        help_text=_("Your teacher will show you this. It has 8 letters and numbers."),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "class": "code-input"}
        ),
    )

    def clean_code(self):
        return normalise_class_code(self.cleaned_data["code"])


class PupilPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        max_length=100,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class RecordChoicesField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that answers "not a valid choice" for ids no database can hold.

    Django looks the posted ids up with ``pk__in``; on SQLite an id past the 64-bit range
    raises OverflowError there (a server error) instead of failing validation.
    """

    def clean(self, value):
        for pk in value if isinstance(value, list | tuple) else ():
            if not _fits_a_database_id(pk):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


def _fits_a_database_id(value) -> bool:
    try:
        return abs(int(value)) < 2**63
    except (TypeError, ValueError):
        return True  # not a number at all: Django's own check refuses it
