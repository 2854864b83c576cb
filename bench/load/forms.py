"""Read the forms of a page the way a browser would, so the load clients post what a pupil's
browser posts: the form's own action, its CSRF token and hidden fields, and a chosen button.

The standard library's HTML parser is enough for Streamwise's server-rendered forms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Choice:
    """A radio button, checkbox, option or submit button: one value a form field can take."""

    name: str
    value: str
    label: str = ""
    checked: bool = False


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)  # hidden and pre-filled fields
    choices: list[Choice] = field(default_factory=list)  # radio, checkbox, select options
    buttons: list[Choice] = field(default_factory=list)
    text_fields: list[str] = field(default_factory=list)  # textareas and text inputs

    def choices_for(self, name: str) -> list[Choice]:
        return [choice for choice in self.choices if choice.name == name]

    def choice_names(self) -> list[str]:
        return list(dict.fromkeys(choice.name for choice in self.choices))

    def data(self, **values) -> dict[str, str]:
        """The fields a browser sends unchanged, with `values` filled in or replaced."""
        data = dict(self.fields)
        data.update({name: value for name, value in values.items() if value is not None})
        return data


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._button: Choice | None = None
        self._select: str | None = None
        self._option: Choice | None = None
        self._label_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attr = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._form = Form(
                action=attr.get("action") or self.page_url,
                method=(attr.get("method") or "get").lower(),
            )
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag == "input":
            self._input(attr)
        elif tag == "textarea" and attr.get("name"):
            self._form.text_fields.append(attr["name"])
        elif tag == "select":
            self._select = attr.get("name")
        elif tag == "option" and self._select:
            self._option = Choice(self._select, attr.get("value", ""), checked="selected" in attr)
            self._form.choices.append(self._option)
        elif tag == "button" and attr.get("type", "submit") == "submit":
            self._button = Choice(attr.get("name", ""), attr.get("value", ""))
            self._form.buttons.append(self._button)

    def _input(self, attr: dict[str, str]) -> None:
        kind, name = attr.get("type", "text").lower(), attr.get("name", "")
        if not name:
            return
        if kind == "hidden":
            self._form.fields[name] = attr.get("value", "")
        elif kind in ("radio", "checkbox"):
            checked = "checked" in attr
            self._form.choices.append(Choice(name, attr.get("value", "on"), checked=checked))
        elif kind == "submit":
            self._form.buttons.append(Choice(name, attr.get("value", ""), attr.get("value", "")))
        else:
            self._form.text_fields.append(name)
            if attr.get("value"):
                self._form.fields[name] = attr["value"]

    def handle_data(self, data):
        if self._button is not None:
            self._button.label += data
        if self._option is not None:
            self._option.label += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "button" and self._button is not None:
            self._button.label = " ".join(self._button.label.split())
            self._button = None
        elif tag == "option":
            self._option = None
        elif tag == "select":
            self._select = None


def parse_forms(html: str, *, page_url: str) -> list[Form]:
    """Every form on the page, in document order."""
    parser = _FormParser(page_url)
    parser.feed(html)
    return parser.forms
