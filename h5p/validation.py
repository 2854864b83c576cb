"""Validation of H5P packages (``.h5p`` zip files) before anything of them is stored.

Pure: no database, no storage. The archive is read with :mod:`zipfile` where it lies (nothing is
extracted); every file the site would keep is streamed once and its bytes counted *while*
reading, so a zip bomb is stopped after at most a few chunks over the limit, whatever sizes its
headers claim. Each rejection is a :class:`~django.core.exceptions.ValidationError` whose message
tells an editor which file broke which rule, and whose ``code`` names the rule.

Two kinds of package:

* **content** (:func:`validate_content_package`): ``h5p.json`` + ``content/``. The content may only
  use libraries already installed on the site (a lookup is passed in); library folders shipped
  inside the upload are ignored, never installed, never served.
* **libraries** (:func:`validate_library_package`): library folders (trusted code, installed by an
  administrator), each with its ``library.json``.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any, Protocol

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from . import conf

CHUNK_BYTES = 64 * 1024
# Below this size a file is never called a bomb, however well it compresses (a short JSON file
# of repeated keys compresses 50×); the total-size cap still applies to it.
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_NAME_LENGTH = 255
MAX_DEPENDENCIES = 100

# Fixed types: a file is served with the type of its extension, never a sniffed one.
CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "ogg": "audio/ogg",
    "oga": "audio/ogg",
    "wav": "audio/wav",
    "mp4": "video/mp4",
    "webm": "video/webm",
    "ogv": "video/ogg",
    "json": "application/json",
    "vtt": "text/vtt; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}
LIBRARY_TYPES = {
    **CONTENT_TYPES,
    "js": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "svg": "image/svg+xml",
    "woff": "font/woff",
    "woff2": "font/woff2",
    "ttf": "font/ttf",
    "otf": "font/otf",
    "eot": "application/vnd.ms-fontobject",
    "md": "text/markdown; charset=utf-8",
}

MACHINE_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,254}$")
LIBRARY_FOLDER_RE = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*)-(\d{1,6})\.(\d{1,6})$")
LIBRARY_STRING_RE = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*) (\d{1,6})\.(\d{1,6})$")
# One folder or file name inside content/ or a library: letters, digits and a few marks.
SAFE_COMPONENT_RE = re.compile(r"^\w[\w .()+,=@~-]*$")
DRIVE_RE = re.compile(r"^[A-Za-z]:")


# --- Results --------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class LibraryRef:
    """A library as packages name it: machine name and major.minor (patches are compatible)."""

    machine_name: str
    major: int
    minor: int

    def __str__(self) -> str:
        return f"{self.machine_name} {self.major}.{self.minor}"

    @property
    def folder_name(self) -> str:
        return f"{self.machine_name}-{self.major}.{self.minor}"


@dataclass(frozen=True)
class PackageFile:
    """A file of the package the site keeps: where it is in the zip, and its path once stored."""

    zip_name: str
    path: str
    size: int


@dataclass(frozen=True)
class ContentPackage:
    """A content package that passed every rule."""

    title: str
    main_library: LibraryRef
    dependencies: tuple[LibraryRef, ...]
    sub_libraries: tuple[LibraryRef, ...]
    h5p_json: dict
    content_json: dict
    files: tuple[PackageFile, ...]
    ignored: tuple[str, ...]
    sha256: str
    size: int


@dataclass(frozen=True)
class LibraryFolder:
    """One library of a library package that passed every rule."""

    ref: LibraryRef
    patch: int
    title: str
    runnable: bool
    metadata: dict
    dependencies: tuple[LibraryRef, ...]
    files: tuple[PackageFile, ...]
    checksum: str


@dataclass(frozen=True)
class LibraryPackage:
    libraries: tuple[LibraryFolder, ...]
    sha256: str


class InstalledLibrary(Protocol):
    title: str
    runnable: bool


LibraryLookup = Callable[[LibraryRef], InstalledLibrary | None]


@dataclass(frozen=True)
class Limits:
    max_upload_bytes: int
    max_entries: int
    max_expanded_bytes: int
    max_compression_ratio: int
    max_json_bytes: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_upload_bytes=conf.max_upload_bytes(),
            max_entries=conf.max_entries(),
            max_expanded_bytes=conf.max_expanded_bytes(),
            max_compression_ratio=conf.max_compression_ratio(),
            max_json_bytes=conf.max_json_bytes(),
        )


def _reject(code: str, message: str, **params) -> ValidationError:
    return ValidationError(message, code=code, params=params)


def _extension(name: str) -> str:
    return posixpath.splitext(name)[1].lower().lstrip(".")


def _describe(types: dict[str, str]) -> str:
    return ", ".join(f".{ext}" for ext in sorted(types))


# --- The archive ----------------------------------------------------------------------------


def _end_of_central_directory_count(file: IO[bytes], size: int) -> int | None:
    """The entry count the zip's end record claims, read before :mod:`zipfile` parses anything.

    A crafted archive can list millions of entries; counting them first means Python never builds
    a ZipInfo for each. Returns None when there is no end record (not a zip), -1 for zip64.
    """
    tail_length = min(size, 22 + 0xFFFF)
    file.seek(size - tail_length)
    tail = file.read(tail_length)
    position = tail.rfind(b"PK\x05\x06")
    if position < 0 or len(tail) - position < 22:
        return None
    (total,) = struct.unpack("<H", tail[position + 10 : position + 12])
    return -1 if total == 0xFFFF else total


class _Archive:
    """A zip opened for validation, with the archive-wide rules applied on opening."""

    def __init__(self, file: IO[bytes], limits: Limits):
        self.file = file
        self.limits = limits
        self.expanded = 0
        file.seek(0, 2)
        self.size = file.tell()
        if self.size == 0:
            raise _reject("empty", _("The file is empty."))
        if self.size > limits.max_upload_bytes:
            raise _reject(
                "too_large",
                _("The file is %(size)s; the largest H5P package accepted is %(limit)s."),
                size=filesizeformat(self.size),
                limit=filesizeformat(limits.max_upload_bytes),
            )
        claimed = _end_of_central_directory_count(file, self.size)
        if claimed is None:
            raise self._not_a_zip()
        if claimed > limits.max_entries:
            raise self._too_many(claimed)
        digest = hashlib.sha256()
        file.seek(0)
        while chunk := file.read(CHUNK_BYTES):
            digest.update(chunk)
        self.sha256 = digest.hexdigest()
        file.seek(0)
        try:
            self.zip = zipfile.ZipFile(file)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
            raise self._not_a_zip() from None
        if len(infos) > limits.max_entries:
            raise self._too_many(len(infos))
        self.entries = self._check_entries(infos)

    def _not_a_zip(self):
        return _reject(
            "not_zip",
            _(
                "This is not an H5P package: an .h5p file is a zip archive, and this file is "
                "not one."
            ),
        )

    def _too_many(self, count: int):
        return _reject(
            "too_many_entries",
            _("The package holds %(count)s files and folders; at most %(limit)s are accepted."),
            count=count,
            limit=self.limits.max_entries,
        )

    def _check_entries(self, infos: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
        seen: set[str] = set()
        folded: dict[str, str] = {}
        for info in infos:
            _check_entry_name(info)
            name = info.filename
            if name in seen:
                raise _reject(
                    "duplicate",
                    _('"%(name)s" appears twice in the package.'),
                    name=name,
                )
            seen.add(name)
            key = unicodedata.normalize("NFC", name).casefold()
            if key in folded:
                raise _reject(
                    "duplicate_case",
                    _(
                        '"%(name)s" and "%(other)s" differ only in upper and lower case; '
                        "file names in a package must be different."
                    ),
                    name=name,
                    other=folded[key],
                )
            folded[key] = name
        return infos

    def files(self) -> Iterator[zipfile.ZipInfo]:
        return (info for info in self.entries if not info.is_dir())

    def read(
        self,
        info: zipfile.ZipInfo,
        *,
        keep: bool = False,
        cap: int | None = None,
        sink: Callable[[bytes], object] | None = None,
    ) -> bytes:
        """Stream one member, counting the bytes it really expands to; return them if ``keep``."""
        name = info.filename
        limits = self.limits
        count = 0
        chunks: list[bytes] = []
        try:
            with self.zip.open(info) as source:
                while chunk := source.read(CHUNK_BYTES):
                    count += len(chunk)
                    self.expanded += len(chunk)
                    if self.expanded > limits.max_expanded_bytes:
                        raise _reject(
                            "expanded_too_large",
                            _(
                                "The package expands to more than %(limit)s (the limit) by the "
                                'time "%(name)s" is read.'
                            ),
                            limit=filesizeformat(limits.max_expanded_bytes),
                            name=name,
                        )
                    if count > RATIO_FLOOR_BYTES and count > limits.max_compression_ratio * max(
                        info.compress_size, 1
                    ):
                        raise _reject(
                            "compression_ratio",
                            _(
                                '"%(name)s" expands to more than %(ratio)s times its compressed '
                                "size, which is how zip bombs work; the package was refused."
                            ),
                            name=name,
                            ratio=limits.max_compression_ratio,
                        )
                    if cap is not None and count > cap:
                        raise _reject(
                            "json_too_large",
                            _('"%(name)s" is larger than %(limit)s.'),
                            name=name,
                            limit=filesizeformat(cap),
                        )
                    if keep:
                        chunks.append(chunk)
                    if sink is not None:
                        sink(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError):
            raise self._damaged(name) from None
        if count != info.file_size:
            raise self._damaged(name)
        return b"".join(chunks)

    def _damaged(self, name: str):
        return _reject(
            "damaged",
            _('"%(name)s" is damaged: its data does not match the zip\'s records of it.'),
            name=name,
        )

    def read_json(self, info: zipfile.ZipInfo) -> Any:
        data = self.read(info, keep=True, cap=self.limits.max_json_bytes)
        name = info.filename
        try:
            return json.loads(data.decode("utf-8-sig"), parse_constant=_refuse_constant)
        except UnicodeDecodeError:
            raise _reject("json_encoding", _('"%(name)s" is not UTF-8 text.'), name=name) from None
        except json.JSONDecodeError as error:
            raise _reject(
                "invalid_json",
                _('"%(name)s" is not valid JSON: %(error)s (line %(line)s, column %(column)s).'),
                name=name,
                error=error.msg,
                line=error.lineno,
                column=error.colno,
            ) from None
        except (ValueError, RecursionError):
            raise _reject("invalid_json", _('"%(name)s" is not valid JSON.'), name=name) from None

    def check_ratio(self):
        """The whole archive's ratio, for bombs spread thinly over many small files."""
        ratio = self.limits.max_compression_ratio
        if self.expanded > RATIO_FLOOR_BYTES and self.expanded > ratio * self.size:
            raise _reject(
                "compression_ratio_total",
                _(
                    "The package expands to more than %(ratio)s times its own size, which is how "
                    "zip bombs work; the package was refused."
                ),
                ratio=ratio,
            )


def _refuse_constant(name: str):
    raise ValueError(name)


def _check_entry_name(info: zipfile.ZipInfo) -> None:
    # zipfile cuts a name at its first NUL; the original name still has it.
    raw = info.orig_filename
    name = info.filename
    if any(ord(char) < 32 or ord(char) == 127 for char in raw):
        raise _reject(
            "control_characters",
            _('"%(name)s": file names must not contain control characters.'),
            name=raw.encode("unicode_escape").decode("ascii"),
        )
    if "\\" in name:
        raise _reject(
            "backslash",
            _('"%(name)s": file names must use "/" between folders, not "\\".'),
            name=name,
        )
    if name.startswith("/") or DRIVE_RE.match(name):
        raise _reject(
            "absolute_path",
            _('"%(name)s": absolute paths are not allowed; every file must be inside the package.'),
            name=name,
        )
    parts = name[:-1].split("/") if name.endswith("/") else name.split("/")
    if ".." in parts:
        raise _reject(
            "parent_path",
            _('"%(name)s": ".." (the folder above) is not allowed in a file name.'),
            name=name,
        )
    if any(part in ("", ".") for part in parts):
        raise _reject(
            "empty_component",
            _('"%(name)s": a folder name in this path is empty or ".".'),
            name=name,
        )
    if len(name) > MAX_NAME_LENGTH:
        raise _reject(
            "name_too_long",
            _('"%(name)s…": file names may be at most %(limit)s characters long.'),
            name=name[:60],
            limit=MAX_NAME_LENGTH,
        )
    if stat.S_ISLNK(info.external_attr >> 16):
        raise _reject(
            "symlink",
            _('"%(name)s" is a symbolic link; links are not allowed in a package.'),
            name=name,
        )
    if info.flag_bits & 0x1:
        raise _reject(
            "encrypted",
            _('"%(name)s" is encrypted; packages must not be password-protected.'),
            name=name,
        )
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _reject(
            "compression_method",
            _(
                '"%(name)s" uses a compression method H5P packages do not use; save the package '
                "again with ordinary zip compression."
            ),
            name=name,
        )


def _check_file_path(name: str, parts: list[str], types: dict[str, str], where: str) -> str:
    """Check one stored file's folders and name; return its extension."""
    for part in parts:
        if part.startswith("."):
            raise _reject(
                "hidden_file",
                _(
                    '"%(name)s": hidden files and folders (names starting with ".") are not '
                    "allowed."
                ),
                name=name,
            )
        if not SAFE_COMPONENT_RE.match(part) or part.endswith((" ", ".")):
            raise _reject(
                "unsafe_name",
                _(
                    '"%(name)s": file and folder names may only use letters, digits, spaces and '
                    "the marks . ( ) + , = @ ~ - _"
                ),
                name=name,
            )
    extension = _extension(parts[-1])
    if not extension:
        raise _reject(
            "no_extension",
            _('"%(name)s" has no file extension, so the site cannot tell what kind of file it is.'),
            name=name,
        )
    if extension not in types:
        raise _reject(
            "extension_not_allowed",
            _(
                '"%(name)s": .%(extension)s files are not allowed in %(where)s '
                "(allowed: %(allowed)s)."
            ),
            name=name,
            extension=extension,
            where=where,
            allowed=_describe(types),
        )
    return extension


# --- Library references ---------------------------------------------------------------------


def _int_field(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _library_ref(value: Any) -> LibraryRef | None:
    if not isinstance(value, dict):
        return None
    name = value.get("machineName")
    major, minor = _int_field(value.get("majorVersion")), _int_field(value.get("minorVersion"))
    if not isinstance(name, str) or not MACHINE_NAME_RE.match(name) or None in (major, minor):
        return None
    return LibraryRef(name, major, minor)


def _dependency_list(data: dict, key: str, source: str) -> tuple[LibraryRef, ...]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise _reject(
            "invalid_dependencies",
            _('"%(source)s": %(key)s must be a list of libraries.'),
            source=source,
            key=key,
        )
    if len(value) > MAX_DEPENDENCIES:
        raise _reject(
            "invalid_dependencies",
            _('"%(source)s" lists more than %(limit)s libraries in %(key)s.'),
            source=source,
            key=key,
            limit=MAX_DEPENDENCIES,
        )
    refs = []
    for index, item in enumerate(value, start=1):
        ref = _library_ref(item)
        if ref is None:
            raise _reject(
                "invalid_dependency",
                _(
                    '"%(source)s": entry %(index)s of %(key)s is not a valid library reference '
                    "(it needs machineName, majorVersion and minorVersion)."
                ),
                source=source,
                index=index,
                key=key,
            )
        refs.append(ref)
    return tuple(dict.fromkeys(refs))


def sub_library_refs(content: Any) -> tuple[LibraryRef, ...]:
    """Libraries content.json uses for sub-content (``"library": "H5P.Image 1.1"`` anywhere)."""
    found: dict[LibraryRef, None] = {}
    stack = [content]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            library = value.get("library")
            if isinstance(library, str) and (match := LIBRARY_STRING_RE.match(library)):
                found[LibraryRef(match[1], int(match[2]), int(match[3]))] = None
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return tuple(sorted(found))


def _missing_message(missing: list[LibraryRef]) -> str:
    return get_text_list([str(ref) for ref in sorted(missing)], _("and"))


# --- Content packages -----------------------------------------------------------------------


def validate_content_package(
    file: IO[bytes], *, library_lookup: LibraryLookup, limits: Limits | None = None
) -> ContentPackage:
    """Check an uploaded content package against every rule, reading it where it lies.

    ``library_lookup`` answers whether a library (any patch of a major.minor) is installed.
    Raises ValidationError on the first broken rule; writes nothing anywhere.
    """
    archive = _Archive(file, limits or Limits.from_settings())
    h5p_info = content_info = None
    files: list[tuple[zipfile.ZipInfo, str]] = []
    ignored: list[str] = []
    for info in archive.files():
        name = info.filename
        parts = name.split("/")
        if name == "h5p.json":
            h5p_info = info
        elif name == "content/content.json":
            content_info = info
        elif parts[0] == "content" and len(parts) > 1:
            _check_file_path(name, parts[1:], CONTENT_TYPES, "content/")
            files.append((info, "/".join(parts[1:])))
        elif len(parts) > 1 and LIBRARY_FOLDER_RE.match(parts[0]):
            # Libraries are trusted code installed by an administrator, never by an upload.
            ignored.append(name)
        else:
            raise _reject(
                "unexpected_file",
                _(
                    '"%(name)s" does not belong in an H5P package: only h5p.json, the content/ '
                    "folder and library folders (such as H5P.Example-1.0/) are allowed."
                ),
                name=name,
            )
    if h5p_info is None:
        raise _reject(
            "missing_h5p_json",
            _("The package has no h5p.json at its top level, so it is not an H5P package."),
        )
    if content_info is None:
        raise _reject("missing_content_json", _("The package has no content/content.json."))

    h5p_json = archive.read_json(h5p_info)
    title, main, dependencies = _check_h5p_json(h5p_json, library_lookup)

    content_json = archive.read_json(content_info)
    if not isinstance(content_json, dict):
        raise _reject(
            "content_json_not_object",
            _('"content/content.json" must hold a JSON object ({ … }).'),
        )
    sub_libraries = sub_library_refs(content_json)
    missing = [ref for ref in sub_libraries if library_lookup(ref) is None]
    if missing:
        raise _reject(
            "missing_sub_libraries",
            _(
                '"content/content.json" uses H5P libraries that are not installed on this site: '
                "%(libraries)s."
            ),
            libraries=_missing_message(missing),
        )

    stored = []
    for info, path in files:
        archive.read(info)
        stored.append(PackageFile(zip_name=info.filename, path=path, size=info.file_size))
    archive.check_ratio()
    return ContentPackage(
        title=title,
        main_library=main,
        dependencies=dependencies,
        sub_libraries=sub_libraries,
        h5p_json=h5p_json,
        content_json=content_json,
        files=tuple(stored),
        ignored=tuple(ignored),
        sha256=archive.sha256,
        size=archive.size,
    )


def _check_h5p_json(
    data: Any, library_lookup: LibraryLookup
) -> tuple[str, LibraryRef, tuple[LibraryRef, ...]]:
    if not isinstance(data, dict):
        raise _reject("h5p_json_not_object", _('"h5p.json" must hold a JSON object ({ … }).'))
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise _reject("missing_title", _('"h5p.json" has no title.'))
    main_name = data.get("mainLibrary")
    if not isinstance(main_name, str) or not MACHINE_NAME_RE.match(main_name):
        raise _reject(
            "missing_main_library",
            _('"h5p.json" does not name its content type (mainLibrary).'),
        )
    if "preloadedDependencies" not in data:
        raise _reject(
            "invalid_dependencies",
            _('"h5p.json" does not list the libraries it needs (preloadedDependencies).'),
        )
    dependencies = _dependency_list(data, "preloadedDependencies", "h5p.json")
    main = next((ref for ref in dependencies if ref.machine_name == main_name), None)
    if main is None:
        raise _reject(
            "main_library_not_listed",
            _(
                '"h5p.json": its content type %(name)s is not listed in preloadedDependencies, '
                "so its version is unknown."
            ),
            name=main_name,
        )
    missing = [ref for ref in dependencies if library_lookup(ref) is None]
    if missing:
        raise _reject(
            "missing_libraries",
            _(
                "This package needs H5P libraries that are not installed on this site: "
                "%(libraries)s. Packages can only use installed libraries; ask an administrator "
                "to install them."
            ),
            libraries=_missing_message(missing),
        )
    installed = library_lookup(main)
    if not installed.runnable:
        raise _reject(
            "main_library_not_runnable",
            _("%(library)s is a helper library, not a content type that can be played on its own."),
            library=str(main),
        )
    return title.strip()[:255], main, dependencies


# --- Library packages -----------------------------------------------------------------------


def validate_library_package(file: IO[bytes], *, limits: Limits | None = None) -> LibraryPackage:
    """Check a package of libraries (trusted code an administrator installs).

    Every top-level folder must be a library folder (``Machine.Name-1.2``) with a valid
    ``library.json``; ``h5p.json`` and ``content/`` may be present (a full .h5p file) and are
    ignored. Dependencies on other libraries are checked by the installer, which knows what is
    installed.
    """
    archive = _Archive(file, limits or Limits.from_settings())
    folders: dict[str, dict[str, zipfile.ZipInfo]] = {}
    for info in archive.files():
        name = info.filename
        parts = name.split("/")
        if name == "h5p.json" or (parts[0] == "content" and len(parts) > 1):
            continue
        if len(parts) < 2 or not LIBRARY_FOLDER_RE.match(parts[0]):
            raise _reject(
                "unexpected_file",
                _(
                    '"%(name)s" does not belong in a library package: every file must be inside '
                    "a library folder (such as H5P.Example-1.0/)."
                ),
                name=name,
            )
        path = "/".join(parts[1:])
        if path != "library.json":
            _check_file_path(name, parts[1:], LIBRARY_TYPES, parts[0] + "/")
        folders.setdefault(parts[0], {})[path] = info
    if not folders:
        raise _reject("no_libraries", _("The package holds no library folders."))

    libraries = []
    for folder, members in sorted(folders.items()):
        libraries.append(_check_library_folder(archive, folder, members))
    archive.check_ratio()
    return LibraryPackage(libraries=tuple(libraries), sha256=archive.sha256)


def _check_library_folder(
    archive: _Archive, folder: str, members: dict[str, zipfile.ZipInfo]
) -> LibraryFolder:
    source = f"{folder}/library.json"
    if "library.json" not in members:
        raise _reject(
            "missing_library_json",
            _('The library folder "%(folder)s" has no library.json.'),
            folder=folder,
        )
    metadata = archive.read_json(members["library.json"])
    if not isinstance(metadata, dict):
        raise _reject(
            "library_json_not_object",
            _('"%(source)s" must hold a JSON object ({ … }).'),
            source=source,
        )
    ref = _library_ref(metadata)
    patch = _int_field(metadata.get("patchVersion"))
    title = metadata.get("title")
    if ref is None or patch is None or not isinstance(title, str) or not title.strip():
        raise _reject(
            "invalid_library_json",
            _(
                '"%(source)s" must give title, machineName, majorVersion, minorVersion and '
                "patchVersion."
            ),
            source=source,
        )
    if ref.folder_name != folder:
        raise _reject(
            "library_folder_mismatch",
            _('"%(source)s" describes %(library)s, but its folder should then be "%(expected)s".'),
            source=source,
            library=str(ref),
            expected=ref.folder_name,
        )
    runnable = metadata.get("runnable", 0)
    if runnable not in (0, 1):
        raise _reject(
            "invalid_library_json",
            _('"%(source)s": runnable must be 0 or 1.'),
            source=source,
        )
    for key, extension in (("preloadedJs", "js"), ("preloadedCss", "css")):
        entries = metadata.get(key, [])
        if not isinstance(entries, list):
            raise _reject(
                "invalid_preloaded",
                _('"%(source)s": %(key)s must be a list of {"path": …} entries.'),
                source=source,
                key=key,
            )
        for entry in entries:
            path = entry.get("path") if isinstance(entry, dict) else None
            if not isinstance(path, str) or path not in members or _extension(path) != extension:
                raise _reject(
                    "invalid_preloaded",
                    _(
                        '"%(source)s": %(key)s names "%(path)s", which is not a .%(extension)s '
                        "file of the library."
                    ),
                    source=source,
                    key=key,
                    path=str(path),
                    extension=extension,
                )
    dependencies = _dependency_list(metadata, "preloadedDependencies", source)
    digest = hashlib.sha256()
    files = []
    for path, info in sorted(members.items()):
        file_digest = hashlib.sha256()
        archive.read(info, sink=file_digest.update)
        digest.update(path.encode() + b"\0" + file_digest.digest())
        files.append(PackageFile(zip_name=info.filename, path=path, size=info.file_size))
    return LibraryFolder(
        ref=ref,
        patch=patch,
        title=title.strip()[:255],
        runnable=bool(runnable),
        metadata=metadata,
        dependencies=dependencies,
        files=tuple(files),
        checksum=digest.hexdigest(),
    )


@contextmanager
def open_package(file: IO[bytes]) -> Iterator[zipfile.ZipFile]:
    """Re-open a package that passed validation, to copy the files it keeps."""
    file.seek(0)
    with zipfile.ZipFile(file) as archive:
        yield archive


def member_chunks(archive: zipfile.ZipFile, member: PackageFile) -> Iterator[bytes]:
    """The bytes of one validated member, never more than validation counted."""
    with archive.open(member.zip_name) as source:
        left = member.size
        while left > 0 and (chunk := source.read(min(CHUNK_BYTES, left))):
            left -= len(chunk)
            yield chunk
