"""The question page writes each option's input itself (issue 16: Django's widget templates
cost three includes per option); the markup must stay exactly what Django's widgets write."""

from types import SimpleNamespace

import pytest
from django import forms
from django.template.loader import render_to_string


class _Form(forms.Form):
    one = forms.ChoiceField(
        choices=[("1", "Tell an adult"), ("2", "Keep it <secret>")], widget=forms.RadioSelect
    )
    many = forms.MultipleChoiceField(
        choices=[("1", "Block"), ("2", "Report"), ("3", "Tell")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


@pytest.mark.parametrize(
    ("name", "kind", "data"),
    [
        ("one", "multiple_choice", {"one": "2"}),
        ("one", "true_false", {}),
        ("many", "multiple_select", {"many": ["1", "3"]}),
    ],
)
def test_each_option_is_the_input_djangos_widget_writes(name, kind, data):
    field = _Form(data=data or None)[name]
    page = render_to_string(
        "quizzes/includes/question_fields.html",
        {
            "question": SimpleNamespace(kind=kind, text="What would you do?"),
            "form": SimpleNamespace(main_field=field),
        },
    )
    for choice in field:
        assert f'{choice.tag()}<label for="{choice.id_for_label}">' in page
