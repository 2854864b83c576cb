"""Forms: the admin form that checks a quiz's questions, and the pupil's answer form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from . import conf
from .models import QuestionType
from .questions import OptionData, question_problems


def _live_forms(formset):
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if data is None or data.get("DELETE"):
            continue
        if form.instance.pk is None and not form.has_changed():
            continue
        yield form


class QuizAdminForm(WagtailAdminModelForm):
    """The snippet form, which also checks each question makes sense for its type."""

    def is_valid(self):
        valid = super().is_valid()
        questions = self.formsets.get("questions")
        if questions is None:
            return valid
        problems_found = False
        free_text = 0
        for question_form in _live_forms(questions):
            if question_form.errors:
                continue  # its own field errors come first
            data = question_form.cleaned_data
            options_formset = question_form.formsets.get("options")
            options = [
                OptionData(
                    text=f.cleaned_data.get("text", ""),
                    match=f.cleaned_data.get("match", ""),
                    correct=f.cleaned_data.get("correct", False),
                )
                for f in (_live_forms(options_formset) if options_formset is not None else [])
            ]
            kind = data.get("kind")
            free_text += kind == QuestionType.FREE_TEXT
            for problem in question_problems(
                kind=kind,
                text=data.get("text", ""),
                scenario=data.get("scenario", ""),
                answer=data.get("answer"),
                options=options,
            ):
                question_form.add_error(None, problem)
                problems_found = True
        if free_text > 1:
            self.add_error(None, _("A quiz can have at most one free-text question."))
            problems_found = True
        return valid and not problems_found


def _choice_label(option) -> str:
    return option.text


class AnswerForm(forms.Form):
    """One question, as real form controls: radios, checkboxes, selects or a text box.

    Ordering and matching use one <select> per place or per item, so they work with a
    keyboard, a screen reader and touch alike (no drag and drop).
    """

    choose = _("Choose…")

    def __init__(self, *args, question, options, rights=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.options = list(options)
        self.rights = list(rights)
        kind = question.kind
        required = {"required": _("Please choose an answer.")}
        if kind in (QuestionType.SINGLE_CHOICE, QuestionType.SCENARIO):
            self.fields["option"] = forms.ChoiceField(
                label=question.text,
                choices=[(str(o.pk), _choice_label(o)) for o in self.options],
                widget=forms.RadioSelect,
                error_messages=required,
            )
        elif kind == QuestionType.MULTIPLE_SELECT:
            self.fields["options"] = forms.MultipleChoiceField(
                label=question.text,
                choices=[(str(o.pk), _choice_label(o)) for o in self.options],
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": _("Please choose at least one answer.")},
            )
        elif kind == QuestionType.TRUE_FALSE:
            self.fields["answer"] = forms.ChoiceField(
                label=question.text,
                choices=[("true", _("True")), ("false", _("False"))],
                widget=forms.RadioSelect,
                error_messages={"required": _("Please choose true or false.")},
            )
        elif kind == QuestionType.ORDERING:
            choices = [("", self.choose)] + [(str(o.pk), o.text) for o in self.options]
            for number in range(1, len(self.options) + 1):
                self.fields[f"place_{number}"] = forms.ChoiceField(
                    label=_("Number %(number)s") % {"number": number},
                    choices=choices,
                    error_messages={"required": _("Please choose what goes here.")},
                )
        elif kind == QuestionType.MATCHING:
            choices = [("", self.choose)] + [(str(o.pk), o.match) for o in self.rights]
            for option in self.options:
                self.fields[f"match_{option.pk}"] = forms.ChoiceField(
                    label=option.text,
                    choices=choices,
                    error_messages={"required": _("Please choose a match.")},
                )
        elif kind == QuestionType.FREE_TEXT:
            self.fields["text"] = forms.CharField(
                label=question.text,
                required=False,
                max_length=conf.free_text_max_length(),
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text=_("Write as much or as little as you like. You can also skip this."),
            )

    def clean(self):
        cleaned = super().clean()
        if self.question.kind == QuestionType.ORDERING and not self.errors:
            chosen = [cleaned[f"place_{n}"] for n in range(1, len(self.options) + 1)]
            if len(set(chosen)) != len(chosen):
                raise forms.ValidationError(
                    _("Use each one once, so every number has a different answer.")
                )
        return cleaned

    @property
    def main_field(self):
        """The one field of a choice, true/false or free-text question."""
        return self[next(iter(self.fields))]

    @property
    def place_fields(self):
        return [self[name] for name in self.fields if name.startswith(("place_", "match_"))]

    def raw(self) -> dict:
        """The answer in the shape `quizzes.questions.normalise` checks."""
        data = self.cleaned_data
        kind = self.question.kind
        if kind in (QuestionType.SINGLE_CHOICE, QuestionType.SCENARIO):
            return {"option": data["option"]}
        if kind == QuestionType.MULTIPLE_SELECT:
            return {"options": data["options"]}
        if kind == QuestionType.TRUE_FALSE:
            return {"answer": data["answer"] == "true"}
        if kind == QuestionType.ORDERING:
            return {"order": [data[f"place_{n}"] for n in range(1, len(self.options) + 1)]}
        if kind == QuestionType.MATCHING:
            return {"pairs": {str(o.pk): data[f"match_{o.pk}"] for o in self.options}}
        return {"text": data.get("text", "")}

    @staticmethod
    def initial_for(question, answer) -> dict:
        """Form values that show a saved answer again (a pupil coming back to a question)."""
        if answer is None:
            return {}
        response = answer.response
        kind = question.kind
        if kind in (QuestionType.SINGLE_CHOICE, QuestionType.SCENARIO):
            return {"option": str(response)}
        if kind == QuestionType.MULTIPLE_SELECT:
            return {"options": [str(pk) for pk in response]}
        if kind == QuestionType.TRUE_FALSE:
            return {"answer": "true" if response else "false"}
        if kind == QuestionType.ORDERING:
            return {f"place_{n}": str(pk) for n, pk in enumerate(response, start=1)}
        if kind == QuestionType.MATCHING:
            return {f"match_{left}": str(right) for left, right in response}
        return {"text": answer.text}
