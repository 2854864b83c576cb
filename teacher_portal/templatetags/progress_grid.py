"""The progress grid's cells, rendered in Python.

A class grid has thousands of cells (35 pupils × 40 lessons is 1,400). Rendered with template
tags, or even with `format_html`, each costs tens of microseconds: together most of the page's
time. So a row's `<td>`s are built here as plain strings, every piece of text escaped with
`html.escape` (what Django's own `escape` calls), the fixed parts of each status built once.
The markup matches the drill-down's status cells in pupil_progress.html.
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def grid_cells(row):
    """Every `<td>` of one grid row: shape, status word, how far, and the score."""
    prefixes = {True: escape(_("Quiz:")), False: escape(_("Score:"))}
    openings = {}
    parts = []
    for cell in row.cells:
        status = cell.status
        opening = openings.get(status)
        if opening is None:
            # The slug and the icon are Streamwise's own constants; the label is translated text.
            opening = openings[status] = (
                f'<td class="cell cell--{status.slug}"><span class="cell__icon" '
                f'aria-hidden="true">{status.icon}</span> {escape(cell.label)}'
            )
        detail = f'<span class="cell__detail">{escape(cell.detail)}</span>' if cell.detail else ""
        score = ""
        if cell.score is not None:
            score = (
                f'<span class="cell__score">{prefixes[cell.score_is_quiz]} '
                f"{escape(cell.score_text)}</span>"
            )
        parts.append(f"{opening}{detail}{score}</td>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every piece of text is escaped above
