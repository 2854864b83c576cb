"""Reading a OneRoster CSV bulk zip into tables, before anything is compared or saved.

A OneRoster zip holds manifest.csv and one CSV per kind of record (orgs, academicSessions,
classes, users, enrollments, and from 1.2 roles). Files are UTF-8 (a byte order mark is
allowed) with a header row naming the columns. Anything that stops the whole zip being read
raises OneRosterFileError with a message for the person who uploaded it.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

VERSIONS = ("1.1", "1.2")

# Columns each file must have (the ones the OneRoster CSV binding marks required, plus the ones
# a sync reads). users.csv changed in 1.2: role and orgSourcedIds moved to roles.csv.
_COMMON = ["sourcedId", "status", "dateLastModified"]
REQUIRED_COLUMNS = {
    "1.1": {
        "orgs": [*_COMMON, "name", "type"],
        "academicSessions": [*_COMMON, "title", "type", "startDate", "endDate", "schoolYear"],
        "classes": [*_COMMON, "title", "courseSourcedId", "classType", "schoolSourcedId"],
        "users": [
            *_COMMON,
            "enabledUser",
            "orgSourcedIds",
            "role",
            "username",
            "givenName",
            "familyName",
        ],
        "enrollments": [*_COMMON, "classSourcedId", "schoolSourcedId", "userSourcedId", "role"],
    },
    "1.2": {
        "orgs": [*_COMMON, "name", "type"],
        "academicSessions": [*_COMMON, "title", "type", "startDate", "endDate", "schoolYear"],
        "classes": [*_COMMON, "title", "courseSourcedId", "classType", "schoolSourcedId"],
        "users": [*_COMMON, "enabledUser", "username", "givenName", "familyName"],
        "roles": [*_COMMON, "userSourcedId", "roleType", "role", "orgSourcedId"],
        "enrollments": [*_COMMON, "classSourcedId", "schoolSourcedId", "userSourcedId", "role"],
    },
}
# Files a sync cannot do without (academicSessions is read when present, never needed).
NEEDED_FILES = {
    "1.1": ("orgs", "classes", "users", "enrollments"),
    "1.2": ("orgs", "classes", "users", "roles", "enrollments"),
}


def max_bytes() -> int:
    """The largest zip accepted (a 1,500-pupil school's export is well under 2 MB)."""
    return getattr(settings, "STREAMWISE_ONEROSTER_MAX_BYTES", 20_000_000)


def max_unzipped_bytes() -> int:
    return getattr(settings, "STREAMWISE_ONEROSTER_MAX_UNZIPPED_BYTES", 100_000_000)


def max_rows() -> int:
    """The most rows one file of the zip may have."""
    return getattr(settings, "STREAMWISE_ONEROSTER_MAX_ROWS", 50_000)


class OneRosterFileError(Exception):
    """A zip that cannot be used at all; the message is shown to the person who uploaded it."""


@dataclass
class Table:
    name: str  # "users", …
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (line, cells)

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


@dataclass
class Bundle:
    version: str
    tables: dict[str, Table]

    def rows(self, name: str) -> list[tuple[int, dict[str, str]]]:
        table = self.tables.get(name)
        return table.rows if table else []


def too_big_message(size: int | None = None) -> str:
    limit = max_bytes() // 1_000_000
    if size is None:
        return _("The file is too big: the limit is %(max)s MB.") % {"max": limit}
    return _(
        "The file is too big (%(size)s MB; the limit is %(max)s MB). A OneRoster export of one "
        "school is far smaller: check that you exported only your school, without photos."
    ) % {"size": round(size / 1_000_000, 1), "max": limit}


def _member(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    """The member called name.csv, at the top of the zip or in one folder inside it."""
    wanted = f"{name}.csv".lower()
    for info in archive.infolist():
        if not info.is_dir() and info.filename.replace("\\", "/").rsplit("/", 1)[-1].lower() == (
            wanted
        ):
            return info
    return None


def _read_csv(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> Table:
    filename = f"{name}.csv"
    raw = archive.read(info)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise OneRosterFileError(
            _(
                "%(file)s isn't saved as UTF-8, so we can't read its letters. Export it again "
                "as UTF-8 (OneRoster files must be UTF-8) and upload the zip again."
            )
            % {"file": filename}
        ) from None
    if "\x00" in text:
        raise OneRosterFileError(
            _("%(file)s isn't a CSV file. Export it again and upload the zip again.")
            % {"file": filename}
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if not header:
            raise OneRosterFileError(
                _("%(file)s is empty: it needs at least a header row.") % {"file": filename}
            )
        columns = [cell.strip() for cell in header]
        table = Table(name=name, columns=columns)
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(table.rows) >= max_rows():
                raise OneRosterFileError(
                    _("%(file)s has more than %(max)s rows, more than one school can have.")
                    % {"file": filename, "max": max_rows()}
                )
            cells = {
                column: (row[index].strip() if index < len(row) else "")
                for index, column in enumerate(columns)
            }
            table.rows.append((reader.line_num, cells))
    except csv.Error:
        raise OneRosterFileError(
            _("%(file)s isn't a well-formed CSV file (near line %(line)s).")
            % {"file": filename, "line": reader.line_num}
        ) from None
    return table


def _manifest(archive: zipfile.ZipFile) -> dict[str, str]:
    info = _member(archive, "manifest")
    if info is None:
        raise OneRosterFileError(
            _(
                "The zip has no manifest.csv, so it isn't a OneRoster export. Export the "
                "OneRoster CSV files from your MIS again (the zip must hold manifest.csv)."
            )
        )
    table = _read_csv(archive, info, "manifest")
    if table.columns[:2] != ["propertyName", "value"]:
        raise OneRosterFileError(_("manifest.csv must have the columns propertyName and value."))
    return {cells["propertyName"]: cells["value"] for _line, cells in table.rows}


def read_bundle(data: bytes) -> Bundle:
    """Read an uploaded OneRoster zip. Raises OneRosterFileError for one that can't be used."""
    if len(data) > max_bytes():
        raise OneRosterFileError(too_big_message(len(data)))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise OneRosterFileError(
            _(
                "This isn't a zip file. Upload the zip of OneRoster CSV files your MIS exports, "
                "as it is (don't unzip it)."
            )
        ) from None
    with archive:
        if sum(info.file_size for info in archive.infolist()) > max_unzipped_bytes():
            raise OneRosterFileError(too_big_message())
        manifest = _manifest(archive)
        version = manifest.get("oneroster.version", "").strip()
        if version not in VERSIONS:
            raise OneRosterFileError(
                _(
                    "manifest.csv says this is OneRoster version “%(version)s”. We can read "
                    "versions 1.1 and 1.2."
                )
                % {"version": version or "?"}
            )
        tables = {}
        for name, required in REQUIRED_COLUMNS[version].items():
            mode = manifest.get(f"file.{name}", "absent").strip().lower()
            if mode == "delta":
                raise OneRosterFileError(
                    _(
                        "%(file)s is a delta (changes only). Export a full (bulk) file: a sync "
                        "needs every pupil and class to tell who has left."
                    )
                    % {"file": f"{name}.csv"}
                )
            info = _member(archive, name)
            if mode != "bulk" or info is None:
                if name in NEEDED_FILES[version]:
                    raise OneRosterFileError(
                        _(
                            "The zip has no %(file)s (or manifest.csv doesn't list it as "
                            "“bulk”). A OneRoster %(version)s sync needs: %(files)s."
                        )
                        % {
                            "file": f"{name}.csv",
                            "version": version,
                            "files": ", ".join(f"{n}.csv" for n in NEEDED_FILES[version]),
                        }
                    )
                continue
            table = _read_csv(archive, info, name)
            missing = [column for column in required if column not in table.columns]
            if missing:
                raise OneRosterFileError(
                    _(
                        "%(file)s is missing the column(s) %(columns)s, which OneRoster "
                        "%(version)s needs. Check the export settings of your MIS."
                    )
                    % {"file": table.filename, "columns": ", ".join(missing), "version": version}
                )
            tables[name] = table
    return Bundle(version=version, tables=tables)
