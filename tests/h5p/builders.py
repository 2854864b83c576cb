"""Build H5P packages (zip bytes) in code, good and bad, for the H5P tests."""

from __future__ import annotations

import io
import json
import struct
import zipfile

MAIN = {"machineName": "Streamwise.SpotTheSigns", "majorVersion": 1, "minorVersion": 0}
SPOT_CONTENT = {
    "intro": "A chat.",
    "chatName": "Jay",
    "messages": [
        {"from": "them", "text": "hi", "warning": False},
        {"from": "them", "text": "don't tell your parents", "warning": True},
        {"from": "them", "text": "what school do you go to?", "warning": True},
    ],
}


def h5p_json(**overrides) -> dict:
    data = {
        "title": "Spot the signs test",
        "language": "en",
        "mainLibrary": "Streamwise.SpotTheSigns",
        "embedTypes": ["div"],
        "preloadedDependencies": [dict(MAIN)],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def encode(value) -> bytes:
    return value if isinstance(value, bytes) else json.dumps(value).encode()


def zip_bytes(entries, *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """``entries``: (name or ZipInfo, bytes) pairs, written in order (duplicates allowed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries:
            if isinstance(name, zipfile.ZipInfo):
                archive.writestr(name, data)
            else:
                archive.writestr(name, data)
    return buffer.getvalue()


def package(*extra, h5p=None, content=None, without=(), compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A content package for the Spot the signs library, plus ``extra`` (name, bytes) entries."""
    entries = [
        ("h5p.json", encode(h5p if h5p is not None else h5p_json())),
        ("content/content.json", encode(content if content is not None else SPOT_CONTENT)),
        *extra,
    ]
    entries = [(name, data) for name, data in entries if name not in without]
    return zip_bytes(entries, compression=compression)


def library_package(
    folder: str, library_json: dict, files: dict[str, bytes] | None = None
) -> bytes:
    entries = [(f"{folder}/library.json", encode(library_json))]
    entries += [(f"{folder}/{name}", data) for name, data in (files or {}).items()]
    return zip_bytes(entries)


def library_json(machine_name: str, major=1, minor=0, patch=0, *, runnable=1, **extra) -> dict:
    data = {
        "title": machine_name,
        "machineName": machine_name,
        "majorVersion": major,
        "minorVersion": minor,
        "patchVersion": patch,
        "runnable": runnable,
    }
    data.update(extra)
    return data


def symlink_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (0o120777) << 16
    return info


def patch_entry(data: bytes, name: str, *, central: dict, local: dict | None = None) -> bytes:
    """Overwrite header fields of one entry: {offset: (struct format, value)}."""
    data = bytearray(data)
    encoded = name.encode()
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) >= 0:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if bytes(data[position + 46 : position + 46 + name_length]) == encoded:
            for offset, (fmt, value) in central.items():
                struct.pack_into(fmt, data, position + offset, value)
            local_offset = struct.unpack_from("<I", data, position + 42)[0]
            for offset, (fmt, value) in (local or {}).items():
                struct.pack_into(fmt, data, local_offset + offset, value)
        position += 4
    return bytes(data)
