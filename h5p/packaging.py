"""Build ``.h5p`` files from folders: library folders and content folders.

A content folder holds ``h5p.json`` and ``content/``; the package built from it also carries the
library folders it needs, like any self-contained ``.h5p`` file. The zips are reproducible (fixed
dates, sorted names), so the same sources always give the same checksum.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable
from pathlib import Path

from .builtin import DEMO_CONTENT_DIR, LIBRARIES_DIR
from .validation import LibraryRef

FIXED_DATE = (2024, 1, 1, 0, 0, 0)


def _add_tree(archive: zipfile.ZipFile, folder: Path, prefix: str) -> None:
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        info = zipfile.ZipInfo(f"{prefix}{path.relative_to(folder).as_posix()}", FIXED_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        archive.writestr(info, path.read_bytes())


def library_dirs(root: Path = LIBRARIES_DIR) -> list[Path]:
    """The library folders (``Machine.Name-1.0``) under ``root``."""
    return sorted(path for path in root.iterdir() if (path / "library.json").is_file())


def demo_content_dirs(root: Path = DEMO_CONTENT_DIR) -> dict[str, Path]:
    """Example activities by slug (their folder names)."""
    return {path.name: path for path in sorted(root.iterdir()) if (path / "h5p.json").is_file()}


def build_library_package(folders: Iterable[Path]) -> bytes:
    """A package of library folders, for ``install_h5p_library``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for folder in folders:
            _add_tree(archive, folder, f"{folder.name}/")
    return buffer.getvalue()


def _needed_folders(content_dir: Path, available: Iterable[Path]) -> list[Path]:
    h5p_json = json.loads((content_dir / "h5p.json").read_text())
    wanted = {
        LibraryRef(item["machineName"], item["majorVersion"], item["minorVersion"]).folder_name
        for item in h5p_json.get("preloadedDependencies", [])
    }
    return [folder for folder in available if folder.name in wanted]


def build_content_package(content_dir: Path, *, libraries: Iterable[Path] | None = None) -> bytes:
    """A complete ``.h5p`` file: h5p.json, content/ and the library folders it needs."""
    folders = _needed_folders(content_dir, library_dirs() if libraries is None else libraries)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _add_tree(archive, content_dir, "")
        for folder in folders:
            _add_tree(archive, folder, f"{folder.name}/")
    return buffer.getvalue()
