"""Wagtail's image and document chooser blocks, without a wasted lookup (issue 16).

A lesson's body is read whole on every lesson page and every answer. Wagtail reads each chooser
field of a block type in one `in_bulk()` call, even when nothing was chosen anywhere in the
lesson (most steps have no picture or narration): Django then builds a query for
`id IN (NULL, …)` and drops it, which cost about 1 ms a page. These blocks skip the call when
every value is empty. What is stored, and what migrations record, is Wagtail's own block.
"""

from django.utils.functional import cached_property
from wagtail.documents import blocks as document_blocks
from wagtail.images import blocks as image_blocks


class _SkipsEmptyLookup:
    wagtail_path: str  # the Wagtail block this one stands for in migrations

    def bulk_to_python(self, values):
        if all(value is None for value in values):
            return [None] * len(values)
        return super().bulk_to_python(values)

    @cached_property
    def canonical_module_path(self):
        return self.wagtail_path


class ImageChooserBlock(_SkipsEmptyLookup, image_blocks.ImageChooserBlock):
    wagtail_path = "wagtail.images.blocks.ImageChooserBlock"


class DocumentChooserBlock(_SkipsEmptyLookup, document_blocks.DocumentChooserBlock):
    wagtail_path = "wagtail.documents.blocks.DocumentChooserBlock"
