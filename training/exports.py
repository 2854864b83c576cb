"""The training table as CSV and XLSX, with the same filter as the page.

Names and course titles are typed by people, so every text cell that a spreadsheet would run
as a formula gets a leading apostrophe first (CSV injection).
"""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def as_text(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def table_rows(table, rows) -> tuple[list[str], list[list[str]]]:
    """Headers and rows: per course its status and expiry or due date; then Part one."""
    headers = [_("Name"), _("Email address")]
    for course in table.courses:
        headers += [course.title, _("%(course)s: date") % {"course": course.title}]
    if table.part_one_version:
        headers.append(_("KCSIE Part one (%(version)s)") % {"version": table.part_one_version})
    body = []
    for row in rows:
        values = [row.member.name, row.member.user.email]
        for course in table.courses:
            cell = row.courses[course.pk]
            values += [cell.label, cell.due_on.isoformat() if cell.due_on else ""]
        if table.part_one_version:
            values.append(row.part_one.label)
        body.append([as_text(v) for v in values])
    return [as_text(h) for h in headers], body


def _attachment(response: HttpResponse, table, extension: str) -> HttpResponse:
    name = f"staff-training-{slugify(table.school.name)}-{table.today.isoformat()}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def export_response(table, rows, fmt: str) -> HttpResponse:
    headers, body = table_rows(table, rows)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        writer.writerows(body)
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
        return _attachment(response, table, "csv")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Staff training"))
    sheet.append(headers)
    for values in body:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE), table, "xlsx")
