"""CSV and XLSX downloads of the progress grid and of what pupils answered.

Each download is built from a `Table` made from the same service output the pages show
(`progress.progress_grid`, `answers.answer_rows`), with the same filter and sort, so a file
always says what the screen said. Every text cell is made safe for spreadsheets first.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook

from .answers import AnswerRow
from .progress import ProgressGrid

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet_safe(value):
    """Text a spreadsheet will show as text: a leading ' before anything formula-like.

    Numbers pass through unchanged (a negative number is data, not a formula).
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list]


def grid_table(grid: ProgressGrid) -> Table:
    """The grid as shown: a row per pupil; per lesson, its status and its score (%)."""
    headers = [_("Pupil"), _("Lessons completed")]
    for column in grid.columns:
        headers += [column.heading, _("%(lesson)s: score (%%)") % {"lesson": column.heading}]
    rows = []
    for row in grid.rows:
        values = [row.pupil.display_name, row.completed_text]
        for cell in row.cells:
            status = f"{cell.label} ({cell.detail})" if cell.detail else cell.label
            values += [status, cell.score]
        rows.append(values)
    return Table(title=_("Progress"), headers=headers, rows=rows)


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def drawings_text(answer: AnswerRow, link: Callable[[str], str]) -> str:
    """Says a drawing was handed in, with a link to it (`link` makes a path absolute).

    The link is safe in a file that may travel: it holds only a number, and the drawing view
    shows the picture only to someone signed in who may see that pupil (404 for anyone else),
    so a forwarded file shows nobody else the drawing."""
    return "; ".join(
        _("Drawing handed in: %(url)s")
        % {"url": link(reverse("quizzes:reflection_drawing", args=[pk]))}
        for pk in answer.drawings
    )


def answers_table(answers: Sequence[AnswerRow], *, link: Callable[[str], str] = str) -> Table:
    """Every activity answer and quiz attempt, as listed on the pupil pages; `link` turns a
    path into the address written in the file (the request's `build_absolute_uri`)."""
    headers = [
        _("Pupil"),
        _("Lesson"),
        _("Step"),
        _("Activity or quiz"),
        _("Type"),
        _("Finished"),
        _("Result"),
        _("Score (%)"),
        _("Tries"),
        _("Answer"),
        _("When"),
        _("Drawings"),
    ]
    rows = [
        [
            answer.pupil.display_name,
            answer.column.heading,
            answer.step,
            answer.title,
            answer.kind,
            answer.finished_text,
            answer.correct_text,
            answer.score,
            answer.tries,
            answer.answer_text,
            _when(answer.when),
            drawings_text(answer, link),
        ]
        for answer in answers
    ]
    return Table(title=_("Answers"), headers=headers, rows=rows)


def _filename(stem: str, extension: str) -> str:
    day = timezone.localdate().isoformat()
    return f"{slugify(stem) or 'export'}-{day}.{extension}"


def csv_response(table: Table, *, stem: str) -> HttpResponse:
    """A UTF-8 CSV (with a byte-order mark, so spreadsheets read accents right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([spreadsheet_safe(value) for value in table.headers])
    for row in table.rows:
        writer.writerow([spreadsheet_safe("" if v is None else v) for v in row])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(stem, "csv")}"'
    return response


def xlsx_response(table: Table, *, stem: str) -> HttpResponse:
    """An Excel workbook with one sheet; empty cells stay empty, scores are numbers."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.title[:31])
    sheet.append([spreadsheet_safe(value) for value in table.headers])
    for row in table.rows:
        sheet.append([spreadsheet_safe(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(stem, "xlsx")}"'
    return response
