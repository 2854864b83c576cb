"""Every form field of the blocks we define has an accessible name in the Wagtail admin."""

from django.apps import apps
from wagtail import blocks
from wagtail.fields import StreamField

import lessons.wagtail_hooks  # noqa: F401 - labels the blocks at start-up
from lessons.admin_labels import APPS


def field_blocks(block):
    if isinstance(block, blocks.ListBlock):
        yield from field_blocks(block.child_block)
    elif getattr(block, "child_blocks", None) is not None:
        for child in block.child_blocks.values():
            yield from field_blocks(child)
    elif getattr(block, "field", None) is not None:
        yield block


def test_every_block_field_widget_has_a_name():
    checked = 0
    for app_label in APPS:
        for model in apps.get_app_config(app_label).get_models():
            for field in model._meta.get_fields():
                if not isinstance(field, StreamField):
                    continue
                for block in field_blocks(field.stream_block):
                    widget = block.field.widget
                    if widget.is_hidden:
                        continue
                    checked += 1
                    where = f"{model.__name__}.{field.name}: {block.name}"
                    assert widget.attrs.get("aria-label"), where
                    options = getattr(widget, "options", None)
                    if isinstance(options, dict):  # Draftail
                        assert options.get("ariaLabel"), where
    assert checked > 20
