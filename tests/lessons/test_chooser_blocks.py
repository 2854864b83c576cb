"""Issue 16: chooser blocks skip Wagtail's lookup when nothing was chosen, and migrate as
Wagtail's own blocks."""

from django.db.models import QuerySet

from lessons.chooser_blocks import DocumentChooserBlock, ImageChooserBlock


def test_nothing_chosen_asks_for_nothing(monkeypatch):
    asked = []
    monkeypatch.setattr(QuerySet, "in_bulk", lambda self, ids, **kw: asked.append(ids) or {})
    for block in (ImageChooserBlock(), DocumentChooserBlock()):
        assert block.bulk_to_python([None, None]) == [None, None]
    assert asked == []
    assert ImageChooserBlock().bulk_to_python([None, 5]) == [None, None]  # 5 is not there
    assert asked == [[None, 5]]


def test_migrations_record_wagtails_own_blocks():
    assert ImageChooserBlock().deconstruct()[0] == "wagtail.images.blocks.ImageChooserBlock"
    assert DocumentChooserBlock().deconstruct()[0] == (
        "wagtail.documents.blocks.DocumentChooserBlock"
    )
