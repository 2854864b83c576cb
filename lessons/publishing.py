"""Writing pages built from files: create or update, publish a revision only if changed.

Used by the curriculum loader (`lessons.loader`) and by other apps that build Wagtail pages
from files the same way (`training.loader` for the staff courses).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page

from .curriculum_rules import CurriculumError

# The StreamFields checked before saving (a lesson's, a module's and a staff course's).
_STREAM_FIELDS = {"learning_outcomes", "ground_rules", "body"}


def _normalised(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _field_state(page: Page, names: list[str]) -> str:
    state = {}
    for name in names:
        model_field = page._meta.get_field(name)
        value = getattr(page, name)
        if hasattr(model_field, "stream_block"):
            value = model_field.get_prep_value(value)
        state[name] = value
    return _normalised(state)


def _validate_streams(page: Page, names: list[str], where: str) -> None:
    for name in names:
        stream_block = page._meta.get_field(name).stream_block
        try:
            stream_block.clean(stream_block.to_python(json.loads(json.dumps(page_raw(page, name)))))
        except ValidationError as error:
            detail = error.as_json_data() if hasattr(error, "as_json_data") else error.messages
            raise CurriculumError(f"{where}: {name} is not valid: {_normalised(detail)}") from error


def page_raw(page: Page, name: str) -> Any:
    """A field's value as the database holds it (StreamFields as raw JSON-ready data)."""
    return page._meta.get_field(name).get_prep_value(getattr(page, name))


def page_upsert(
    *, parent: Page, page_class: type[Page], slug: str, values: dict, where: str, report
) -> Page:
    """Create or update the `page_class` page `slug` under `parent` from `values` (field name →
    value, StreamFields as raw data) and publish it, only if something changed.

    A new page is created and published; an existing one is updated in place (its id, and so
    everything keyed to it, stays) and a revision published only when a field differs or the
    page is not live as it stands. The StreamFields in `_STREAM_FIELDS` are validated first.
    `where` names the page in messages and is added to `report.created`, `report.updated` or
    `report.unchanged` (a `lessons.loader.LoadReport`). Raises CurriculumError when the values
    are not valid or another kind of page already has the slug.
    """
    page = page_class.objects.child_of(parent).filter(slug=slug).first()
    names = list(values)
    if page is None:
        if Page.objects.child_of(parent).filter(slug=slug).exists():
            raise CurriculumError(f"{where}: a different kind of page already uses “{slug}”")
        page = page_class(slug=slug, **values)
        _validate_streams(page, [n for n in names if n in _STREAM_FIELDS], where)
        parent.add_child(instance=page)
        page.save_revision(log_action=False).publish(log_action=False)
        report.created.append(where)
        return page
    before = _field_state(page, names)
    for name, value in values.items():
        setattr(page, name, value)
    if _field_state(page, names) == before and page.live and not page.has_unpublished_changes:
        report.unchanged.append(where)
        return page
    _validate_streams(page, [n for n in names if n in _STREAM_FIELDS], where)
    page.save_revision(log_action=False).publish(log_action=False)
    report.updated.append(where)
    return page


def page_tree_root() -> Page:
    """The page tree's root, created if the database has none (Wagtail's initial data flushed)."""
    root = Page.get_first_root_node()
    if root is None:
        try:
            Locale.get_default()
        except Locale.DoesNotExist:
            Locale.objects.create(
                language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
            )
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    return root
