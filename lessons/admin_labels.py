"""Every form field of our StreamField blocks has an accessible name in the Wagtail admin.

Wagtail labels a StructBlock's children with a visible ``<label>``, but a field block placed
straight in a StreamBlock or ListBlock (a learning outcome, a ground rule) shows its label as the
block's heading only, so its input has no name; and a rich text editor (Draftail) is a
``contenteditable`` that the ``<label>`` of its hidden input does not name. Screen reader users
then hear "edit text" with no idea which field it is (axe: ``label``, ``aria-input-field-name``).

``label_stream_fields()`` walks the blocks of our StreamFields once at start-up and gives each
field widget an ``aria-label`` (Draftail: its ``ariaLabel`` option) from the block's own label.
It changes widgets only, never the blocks' definitions, so no migration follows from it.
"""

from __future__ import annotations

from django.apps import apps
from wagtail import blocks
from wagtail.fields import StreamField

APPS = ("lessons", "quizzes", "h5p")


def label_block(block: blocks.Block, parent_label: str = "") -> None:
    """Name the widget of ``block`` and of every block inside it."""
    label = str(block.label or block.name or "").strip()
    if isinstance(block, blocks.ListBlock):
        label_block(block.child_block, label)
        return
    children = getattr(block, "child_blocks", None)
    if children is not None:  # StructBlock, StreamBlock
        for child in children.values():
            label_block(child)
        return
    field = getattr(block, "field", None)
    widget = getattr(field, "widget", None)
    if widget is None or getattr(widget, "is_hidden", False):
        return
    name = label or parent_label
    if not name:
        return
    options = getattr(widget, "options", None)
    if isinstance(options, dict) and "ariaLabel" not in options:
        options["ariaLabel"] = name  # Draftail: the contenteditable's name
    widget.attrs.setdefault("aria-label", name)


def label_stream_fields() -> None:
    for app_label in APPS:
        try:
            config = apps.get_app_config(app_label)
        except LookupError:
            continue
        for model in config.get_models():
            for field in model._meta.get_fields():
                if isinstance(field, StreamField):
                    label_block(field.stream_block)
