"""A plain Wagtail rich-text page, the benchmark's yardstick for a Wagtail page."""

from wagtail.fields import RichTextField
from wagtail.models import Page


class RichTextPage(Page):
    body = RichTextField()
    template = "benchpages/rich_text_page.html"

    class Meta:
        app_label = "benchpages"
