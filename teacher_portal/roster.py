"""Reading a roster CSV (name, year group, class) and checking every row before anything is saved.

Schools export rosters from their MIS or type them into Excel, so the reader is forgiving about
what does not matter (header case and spacing, "Year 4" / "Y4" / "4", comma, semicolon or tab
separators, a UTF-8 byte order mark) and clear about what does (every row's problems, listed
before the school confirms).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schools.models import Pupil, School, TeachingGroup, YearGroup

from . import conf

NAME_MAX_LENGTH = Pupil._meta.get_field("display_name").max_length

# Column → the header spellings accepted for it (compared after normalise_header).
COLUMNS = {
    "name": {"name", "pupil", "pupil name", "display name", "full name"},
    "year_group": {"year group", "year", "yeargroup", "yr", "year grp"},
    "class": {"class", "class name", "teaching group", "group", "form"},
}
COLUMN_LABELS = {
    "name": gettext_lazy("Name"),
    "year_group": gettext_lazy("Year group"),
    "class": gettext_lazy("Class"),
}
RECEPTION_SPELLINGS = {"r", "rec", "reception", "yr", "yearr", "yearreception"}
YEAR_PATTERN = re.compile(r"(?:year|yr|y)?(\d{1,2})")
SIGNING_SALT = "teacher_portal.roster"


class RosterFileError(Exception):
    """A file that cannot be read as a roster at all; the message is shown to the uploader."""


class RosterExpired(Exception):
    """A preview that is too old, tampered with, or belongs to someone else."""


def normalise_header(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("-", " ").strip().lower().split())


def normalise_name(text: str) -> str:
    return " ".join(text.split())


def parse_year_group(text: str) -> int | None:
    """ "Year 4", "Y4", "yr 4", "4" → 4; "Reception", "R", "YR" → 0; anything else → None."""
    compact = "".join(text.lower().split()).replace(".", "")
    if compact in RECEPTION_SPELLINGS:
        return YearGroup.RECEPTION
    match = YEAR_PATTERN.fullmatch(compact)
    if match and 1 <= int(match[1]) <= YearGroup.Y11:
        return int(match[1])
    return None


def _decode(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise RosterFileError(
            _(
                "This looks like an Excel workbook, not a CSV file. In Excel, choose "
                "File › Save As, pick “CSV UTF-8 (Comma delimited)” and upload that file."
            )
        )
    # Excel's "Unicode text" is UTF-16 with a byte order mark; everything else must be UTF-8.
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    encoding = "utf-16" if utf16 else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise RosterFileError(
            _(
                "We couldn't read the letters in this file: it isn't saved as UTF-8. In Excel, "
                "choose File › Save As and pick “CSV UTF-8 (Comma delimited)”, then upload it "
                "again."
            )
        ) from None
    if "\x00" in text:
        raise RosterFileError(
            _("This doesn't look like a CSV file. Save your list as CSV and upload it again.")
        )
    return text


def _delimiter(first_line: str) -> str:
    """Excel writes commas, or semicolons where the comma is the decimal mark; MIS tools tabs."""
    return max((",", ";", "\t"), key=first_line.count)


@dataclass
class RosterTable:
    """The raw cells of a roster: which columns were found and the data rows."""

    columns: dict[str, int]
    missing: list[str]
    entries: list[tuple[int, str, str, str]]  # (line number, name, year group, class)


def read_roster(data: bytes) -> RosterTable:
    """Read the bytes of an uploaded roster. Raises RosterFileError for unreadable files."""
    if len(data) > conf.roster_max_bytes():
        raise RosterFileError(too_big_message())
    text = _decode(data)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=_delimiter(first)))
    except csv.Error:
        raise RosterFileError(
            _("This doesn't look like a CSV file. Save your list as CSV and upload it again.")
        ) from None
    numbered = [
        (number, row) for number, row in enumerate(rows, start=1) if any(c.strip() for c in row)
    ]
    if not numbered:
        raise RosterFileError(_("The file is empty. Add a row for each pupil and try again."))
    header_line, header = numbered[0]
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        for column, spellings in COLUMNS.items():
            if normalise_header(cell) in spellings and column not in columns:
                columns[column] = index
    missing = [str(COLUMN_LABELS[column]) for column in COLUMNS if column not in columns]
    data_rows = numbered[1:]
    if not data_rows:
        raise RosterFileError(
            _("The file has a header row but no pupils. Add a row for each pupil and try again.")
        )
    if len(data_rows) > conf.roster_max_rows():
        raise RosterFileError(
            _(
                "The file lists %(count)s pupils; the most we can take at once is %(max)s. "
                "Split it into smaller files (for example one per year group) and upload each."
            )
            % {"count": len(data_rows), "max": conf.roster_max_rows()}
        )

    def cell(row: list[str], column: str) -> str:
        index = columns.get(column)
        return row[index].strip() if index is not None and index < len(row) else ""

    entries = [
        (number, cell(row, "name"), cell(row, "year_group"), cell(row, "class"))
        for number, row in data_rows
    ]
    return RosterTable(columns=columns, missing=missing, entries=entries)


def too_big_message() -> str:
    return _(
        "The file is too big (the limit is %(size)s KB). A roster only needs three columns: "
        "name, year group and class."
    ) % {"size": conf.roster_max_bytes() // 1000}


class RowStatus:
    ADD = "add"
    SKIP = "skip"
    PROBLEM = "problem"


@dataclass
class RosterRow:
    """One pupil row of a roster, with what will happen to it."""

    line: int
    name: str
    year_group_text: str
    class_text: str
    year_group: int | None = None
    group: TeachingGroup | None = None
    exists: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.problems:
            return RowStatus.PROBLEM
        if self.exists:
            return RowStatus.SKIP
        return RowStatus.ADD

    @property
    def year_group_label(self) -> str:
        return YearGroup(self.year_group).label if self.year_group is not None else ""

    def as_entry(self) -> tuple[int, str, str, str]:
        return (self.line, self.name, self.year_group_text, self.class_text)


@dataclass
class RosterPreview:
    """Every row of a roster and what importing it would do."""

    rows: list[RosterRow]
    missing_columns: list[str] = field(default_factory=list)

    def _with(self, status: str) -> list[RosterRow]:
        return [row for row in self.rows if row.status == status]

    @property
    def to_add(self) -> list[RosterRow]:
        return self._with(RowStatus.ADD)

    @property
    def to_skip(self) -> list[RosterRow]:
        return self._with(RowStatus.SKIP)

    @property
    def with_problems(self) -> list[RosterRow]:
        return self._with(RowStatus.PROBLEM)

    @property
    def can_import(self) -> bool:
        return not self.missing_columns and bool(self.to_add)


def roster_check(*, school: School, entries) -> list[RosterRow]:
    """Check roster entries against the file itself and the school's classes and pupils."""
    groups = {
        normalise_name(group.name).casefold(): group
        for group in TeachingGroup.objects.filter(school=school)
    }
    existing = {
        normalise_name(name).casefold()
        for name in Pupil.objects.filter(school=school).values_list("display_name", flat=True)
    }
    first_seen: dict[str, int] = {}
    rows = []
    for line, raw_name, year_text, class_text in entries:
        name = normalise_name(raw_name)
        row = RosterRow(line=line, name=name, year_group_text=year_text, class_text=class_text)
        key = name.casefold()
        if not name:
            row.problems.append(_("The name is empty."))
        elif len(name) > NAME_MAX_LENGTH:
            row.problems.append(
                _("The name is longer than %(max)s characters.") % {"max": NAME_MAX_LENGTH}
            )
        elif key in first_seen:
            row.problems.append(
                _(
                    "Same name as row %(line)s. Give each pupil a different name, for example "
                    "by adding an initial."
                )
                % {"line": first_seen[key]}
            )
        else:
            first_seen[key] = line
            row.exists = key in existing

        row.year_group = parse_year_group(year_text) if year_text else None
        if not year_text:
            row.problems.append(_("The year group is empty."))
        elif row.year_group is None:
            row.problems.append(
                _("“%(value)s” is not a year group. Use Reception (or R), or Year 1 to Year 11.")
                % {"value": year_text}
            )

        group = groups.get(normalise_name(class_text).casefold()) if class_text else None
        if not class_text:
            row.problems.append(_("The class is empty."))
        elif group is None:
            row.problems.append(
                _(
                    "There is no class called “%(value)s” in your school. Check the spelling, "
                    "or add the class first."
                )
                % {"value": class_text}
            )
        elif group.archived_at is not None:
            row.problems.append(_("The class “%(value)s” is archived.") % {"value": group.name})
        else:
            row.group = group
        rows.append(row)
    return rows


def roster_preview(*, school: School, data: bytes) -> RosterPreview:
    """Read and check an uploaded roster. Raises RosterFileError for unreadable files."""
    table = read_roster(data)
    if table.missing:
        rows = [RosterRow(*entry) for entry in table.entries]
        return RosterPreview(rows=rows, missing_columns=table.missing)
    return RosterPreview(rows=roster_check(school=school, entries=table.entries))


def roster_sign(*, school: School, user, preview: RosterPreview) -> str:
    """A tamper-proof token of the rows to add, carried from the preview page to the confirm.

    Only the parsed cells travel (no file, no path); they are checked again on confirm.
    """
    payload = {"s": school.pk, "u": user.pk, "r": [row.as_entry() for row in preview.to_add]}
    return signing.dumps(payload, salt=SIGNING_SALT, compress=True)


def roster_unsign(*, school: School, user, token: str) -> list[tuple[int, str, str, str]]:
    """The entries a preview token carries. Raises RosterExpired if it is not theirs or too old."""
    try:
        payload = signing.loads(
            token, salt=SIGNING_SALT, max_age=conf.roster_preview_minutes() * 60
        )
    except signing.BadSignature:
        raise RosterExpired from None
    if payload.get("s") != school.pk or payload.get("u") != user.pk:
        raise RosterExpired
    return [tuple(entry) for entry in payload["r"]]
