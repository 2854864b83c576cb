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
