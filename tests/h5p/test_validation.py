"""Every upload is validated before anything is stored: a corpus of bad packages, one per rule.

Each bad package must be refused with the rule's code and a message that tells the editor
which file broke which rule, and must leave the storage and the database exactly as they were.
"""

import io
import os
import stat
import warnings
import zipfile

import pytest
from django.core.exceptions import ValidationError

from h5p import services
from h5p.models import H5PContent
from h5p.validation import validate_content_package

from .builders import (
    MAIN,
    SPOT_CONTENT,
    h5p_json,
    package,
    patch_entry,
    symlink_info,
    zip_bytes,
)
from .conftest import stored_files

PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(64)


def _lying_size() -> bytes:
    data = package(("content/photo.png", b"x" * 5000))
    # Central directory: uncompressed size (offset 24) claims 10 bytes.
    return patch_entry(data, "content/photo.png", central={24: ("<I", 10)})


def _encrypted() -> bytes:
    data = package(("content/photo.png", PNG))
    return patch_entry(data, "content/photo.png", central={8: ("<H", 0x1)}, local={6: ("<H", 0x1)})


def _many_files() -> bytes:
    return package(*[(f"content/image-{n}.png", PNG) for n in range(6)])


def _bomb() -> bytes:
    return package(("content/video.mp4", bytes(5 * 1024 * 1024)))


def _thin_bombs() -> bytes:
    return package(*[(f"content/clip-{n}.mp4", bytes(900 * 1024)) for n in range(4)])


def _duplicate() -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns, then writes it anyway
        return package(("content/photo.png", PNG), ("content/photo.png", PNG))


def _symlink() -> bytes:
    return package((symlink_info("content/link.png"), b"/etc/passwd"))


def _bzip2() -> bytes:
    info = zipfile.ZipInfo("content/photo.png")
    info.compress_type = zipfile.ZIP_BZIP2
    return package((info, PNG))


# (id, package bytes, code, exact message, settings overrides)
BAD_PACKAGES = [
    ("empty-file", b"", "empty", "The file is empty.", {}),
    (
        "not-a-zip",
        b"This is a text file, not a zip archive at all." * 3,
        "not_zip",
        "This is not an H5P package: an .h5p file is a zip archive, and this file is not one.",
        {},
    ),
    (
        "too-large",
        package(("content/photo.png", os.urandom(3000))),
        "too_large",
        None,
        {"STREAMWISE_H5P_MAX_UPLOAD_BYTES": 2000},
    ),
    (
        "too-many-entries",
        _many_files(),
        "too_many_entries",
        "The package holds 8 files and folders; at most 5 are accepted.",
        {"STREAMWISE_H5P_MAX_ENTRIES": 5},
    ),
    (
        "expanded-too-large",
        package(("content/photo.png", os.urandom(150_000))),
        "expanded_too_large",
        "The package expands to more than 97.7\xa0KB (the limit) by the time "
        '"content/photo.png" is read.',
        {"STREAMWISE_H5P_MAX_EXPANDED_BYTES": 100_000},
    ),
    (
        "zip-bomb",
        _bomb(),
        "compression_ratio",
        '"content/video.mp4" expands to more than 100 times its compressed size, which is how '
        "zip bombs work; the package was refused.",
        {},
    ),
    (
        "thin-zip-bombs",
        _thin_bombs(),
        "compression_ratio_total",
        "The package expands to more than 100 times its own size, which is how zip bombs work; "
        "the package was refused.",
        {},
    ),
    (
        "header-lies-about-size",
        _lying_size(),
        "damaged",
        '"content/photo.png" is damaged: its data does not match the zip\'s records of it.',
        {},
    ),
    (
        "absolute-path",
        package(("/content/photo.png", PNG)),
        "absolute_path",
        '"/content/photo.png": absolute paths are not allowed; every file must be inside the '
        "package.",
        {},
    ),
    (
        "windows-drive",
        package(("C:/content/photo.png", PNG)),
        "absolute_path",
        '"C:/content/photo.png": absolute paths are not allowed; every file must be inside the '
        "package.",
        {},
    ),
    (
        "parent-folder",
        package(("content/../../etc/passwd.txt", b"x")),
        "parent_path",
        '"content/../../etc/passwd.txt": ".." (the folder above) is not allowed in a file name.',
        {},
    ),
    (
        "backslash",
        package(("content\\images\\photo.png", PNG)),
        "backslash",
        '"content\\images\\photo.png": file names must use "/" between folders, not "\\".',
        {},
    ),
    (
        "control-character",
        package(("content/pho\x07to.png", PNG)),
        "control_characters",
        '"content/pho\\x07to.png": file names must not contain control characters.',
        {},
    ),
    (
        "nul-byte",
        package(("content/photo.pngX.js", PNG)).replace(
            b"content/photo.pngX.js", b"content/photo.png\x00.js"
        ),
        "control_characters",
        '"content/photo.png\\x00.js": file names must not contain control characters.',
        {},
    ),
    (
        "empty-folder-name",
        package(("content//photo.png", PNG)),
        "empty_component",
        '"content//photo.png": a folder name in this path is empty or ".".',
        {},
    ),
    (
        "dot-folder",
        package(("content/./photo.png", PNG)),
        "empty_component",
        '"content/./photo.png": a folder name in this path is empty or ".".',
        {},
    ),
    (
        "name-too-long",
        package(("content/" + "a" * 300 + ".png", PNG)),
        "name_too_long",
        '"content/' + "a" * 52 + '…": file names may be at most 255 characters long.',
        {},
    ),
    (
        "symlink",
        _symlink(),
        "symlink",
        '"content/link.png" is a symbolic link; links are not allowed in a package.',
        {},
    ),
    (
        "encrypted",
        _encrypted(),
        "encrypted",
        '"content/photo.png" is encrypted; packages must not be password-protected.',
        {},
    ),
    (
        "bzip2",
        _bzip2(),
        "compression_method",
        '"content/photo.png" uses a compression method H5P packages do not use; save the package '
        "again with ordinary zip compression.",
        {},
    ),
    (
        "duplicate-name",
        _duplicate(),
        "duplicate",
        '"content/photo.png" appears twice in the package.',
        {},
    ),
    (
        "duplicate-case-folded",
        package(("content/Photo.png", PNG), ("content/photo.PNG", PNG)),
        "duplicate_case",
        '"content/photo.PNG" and "content/Photo.png" differ only in upper and lower case; file '
        "names in a package must be different.",
        {},
    ),
    (
        "file-outside-content",
        package(("evil.js", b"alert(1)")),
        "unexpected_file",
        '"evil.js" does not belong in an H5P package: only h5p.json, the content/ folder and '
        "library folders (such as H5P.Example-1.0/) are allowed.",
        {},
    ),
    (
        "unknown-folder",
        package(("__MACOSX/content/._photo.png", b"x")),
        "unexpected_file",
        '"__MACOSX/content/._photo.png" does not belong in an H5P package: only h5p.json, the '
        "content/ folder and library folders (such as H5P.Example-1.0/) are allowed.",
        {},
    ),
    *[
        (
            f"content-{extension}",
            package((f"content/file.{extension}", b"<script>alert(1)</script>")),
            "extension_not_allowed",
            f'"content/file.{extension}": .{extension} files are not allowed in content/ '
            "(allowed: .gif, .jpeg, .jpg, .json, .m4a, .mp3, .mp4, .oga, .ogg, .ogv, .png, "
            ".txt, .vtt, .wav, .webm, .webp).",
            {},
        )
        for extension in ["js", "mjs", "css", "html", "htm", "svg", "php", "wasm", "swf", "exe"]
    ],
    (
        "double-extension",
        package(("content/photo.png.js", b"alert(1)")),
        "extension_not_allowed",
        None,
        {},
    ),
    (
        "no-extension",
        package(("content/README", b"hello")),
        "no_extension",
        '"content/README" has no file extension, so the site cannot tell what kind of file it is.',
        {},
    ),
    (
        "hidden-file",
        package(("content/.htaccess", b"Options +ExecCGI")),
        "hidden_file",
        '"content/.htaccess": hidden files and folders (names starting with ".") are not allowed.',
        {},
    ),
    (
        "unsafe-characters",
        package(("content/what?<b>.png", PNG)),
        "unsafe_name",
        '"content/what?<b>.png": file and folder names may only use letters, digits, spaces and '
        "the marks . ( ) + , = @ ~ - _",
        {},
    ),
    (
        "missing-h5p-json",
        package(without=["h5p.json"]),
        "missing_h5p_json",
        "The package has no h5p.json at its top level, so it is not an H5P package.",
        {},
    ),
    (
        "missing-content-json",
        package(without=["content/content.json"]),
        "missing_content_json",
        "The package has no content/content.json.",
        {},
    ),
    (
        "h5p-json-invalid",
        package(h5p=b'{"title": "Oops",'),
        "invalid_json",
        '"h5p.json" is not valid JSON: Expecting property name enclosed in double quotes '
        "(line 1, column 18).",
        {},
    ),
    (
        "h5p-json-nan",
        package(h5p=b'{"title": NaN}'),
        "invalid_json",
        '"h5p.json" is not valid JSON.',
        {},
    ),
    (
        "h5p-json-not-utf8",
        package(h5p='{"title": "Café"}'.encode("utf-16")),
        "json_encoding",
        '"h5p.json" is not UTF-8 text.',
        {},
    ),
    (
        "h5p-json-too-large",
        package(h5p=h5p_json(description="x" * 500)),
        "json_too_large",
        '"h5p.json" is larger than 400\xa0bytes.',
        {"STREAMWISE_H5P_MAX_JSON_BYTES": 400},
    ),
    (
        "h5p-json-not-object",
        package(h5p=[1, 2, 3]),
        "h5p_json_not_object",
        '"h5p.json" must hold a JSON object ({ … }).',
        {},
    ),
    (
        "no-title",
        package(h5p=h5p_json(title="  ")),
        "missing_title",
        '"h5p.json" has no title.',
        {},
    ),
    (
        "no-main-library",
        package(h5p=h5p_json(mainLibrary=None)),
        "missing_main_library",
        '"h5p.json" does not name its content type (mainLibrary).',
        {},
    ),
    (
        "no-dependencies",
        package(h5p=h5p_json(preloadedDependencies=None)),
        "invalid_dependencies",
        '"h5p.json" does not list the libraries it needs (preloadedDependencies).',
        {},
    ),
    (
        "bad-dependency",
        package(h5p=h5p_json(preloadedDependencies=[{"machineName": "Streamwise.SpotTheSigns"}])),
        "invalid_dependency",
        '"h5p.json": entry 1 of preloadedDependencies is not a valid library reference (it needs '
        "machineName, majorVersion and minorVersion).",
        {},
    ),
    (
        "main-library-not-listed",
        package(h5p=h5p_json(mainLibrary="Streamwise.WhatWouldYouDo")),
        "main_library_not_listed",
        '"h5p.json": its content type Streamwise.WhatWouldYouDo is not listed in '
        "preloadedDependencies, so its version is unknown.",
        {},
    ),
    (
        "libraries-not-installed",
        package(
            h5p=h5p_json(
                mainLibrary="H5P.MultiChoice",
                preloadedDependencies=[
                    {"machineName": "H5P.MultiChoice", "majorVersion": 1, "minorVersion": 16},
                    {"machineName": "H5P.Question", "majorVersion": 1, "minorVersion": 5},
                    dict(MAIN),
                ],
            )
        ),
        "missing_libraries",
        "This package needs H5P libraries that are not installed on this site: H5P.MultiChoice "
        "1.16 and H5P.Question 1.5. Packages can only use installed libraries; ask an "
        "administrator to install them.",
        {},
    ),
    (
        "newer-version-not-installed",
        package(h5p=h5p_json(preloadedDependencies=[{**MAIN, "minorVersion": 3}])),
        "missing_libraries",
        "This package needs H5P libraries that are not installed on this site: "
        "Streamwise.SpotTheSigns 1.3. Packages can only use installed libraries; ask an "
        "administrator to install them.",
        {},
    ),
    (
        "main-library-not-runnable",
        package(
            h5p=h5p_json(
                mainLibrary="Test.Helper",
                preloadedDependencies=[
                    {"machineName": "Test.Helper", "majorVersion": 1, "minorVersion": 0}
                ],
            )
        ),
        "main_library_not_runnable",
        "Test.Helper 1.0 is a helper library, not a content type that can be played on its own.",
        {},
    ),
    (
        "content-json-invalid",
        package(content=b"{'single': 'quotes'}"),
        "invalid_json",
        '"content/content.json" is not valid JSON: Expecting property name enclosed in double '
        "quotes (line 1, column 2).",
        {},
    ),
    (
        "content-json-not-object",
        package(content=["not", "an", "object"]),
        "content_json_not_object",
        '"content/content.json" must hold a JSON object ({ … }).',
        {},
    ),
    (
        "sub-content-library-not-installed",
        package(content={**SPOT_CONTENT, "media": {"library": "H5P.Image 1.1", "params": {}}}),
        "missing_sub_libraries",
        '"content/content.json" uses H5P libraries that are not installed on this site: '
        "H5P.Image 1.1.",
        {},
    ),
]


def test_the_corpus_covers_at_least_thirty_packages_and_every_rule():
    assert len(BAD_PACKAGES) >= 30
    assert len({code for _id, _data, code, _message, _settings in BAD_PACKAGES}) >= 30


@pytest.mark.parametrize(
    ("data", "code", "message", "overrides"),
    [pytest.param(*case[1:], id=case[0]) for case in BAD_PACKAGES],
)
def test_bad_package_is_refused_with_a_clear_message_and_nothing_stored(
    libraries, settings, data, code, message, overrides
):
    for name, value in overrides.items():
        setattr(settings, name, value)
    before = stored_files()

    with pytest.raises(ValidationError) as caught:
        services.content_create(file=io.BytesIO(data))

    assert caught.value.code == code
    if message is not None:
        assert caught.value.messages == [message]
    assert stored_files() == before
    assert not H5PContent.objects.exists()


def test_too_large_message_names_both_sizes(libraries, settings):
    settings.STREAMWISE_H5P_MAX_UPLOAD_BYTES = 2000
    data = package(("content/photo.png", os.urandom(3000)))
    with pytest.raises(ValidationError) as caught:
        services.content_create(file=io.BytesIO(data))
    size = f"{len(data) / 1024:.1f}\xa0KB"
    assert caught.value.messages == [
        f"The file is {size}; the largest H5P package accepted is 2.0\xa0KB."
    ]


def test_entry_count_is_checked_before_zipfile_reads_the_directory(monkeypatch, settings):
    settings.STREAMWISE_H5P_MAX_ENTRIES = 5
    data = _many_files()

    def refuse(*args, **kwargs):
        raise AssertionError("zipfile must not parse an archive with too many entries")

    monkeypatch.setattr(zipfile, "ZipFile", refuse)
    with pytest.raises(ValidationError) as caught:
        validate_content_package(io.BytesIO(data), library_lookup=lambda ref: None)
    assert caught.value.code == "too_many_entries"


def test_a_huge_content_file_is_stopped_after_a_few_chunks(libraries, monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("h5p.json", package_h5p_json())
        archive.writestr("content/content.json", b"{}")
        with archive.open("content/huge.mp4", "w", force_zip64=True) as member:
            chunk = bytes(1024 * 1024)
            for _ in range(64):
                member.write(chunk)
    read = []
    original = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        data = original(self, n)
        read.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    with pytest.raises(ValidationError) as caught:
        services.content_create(file=buffer)
    assert caught.value.code == "compression_ratio"
    # Refused once it passed 100 × its ~64 KB compressed size: ~6.5 MB of the 64 MB it holds.
    assert sum(read) < 8 * 1024 * 1024


def package_h5p_json() -> bytes:
    import json

    return json.dumps(h5p_json()).encode()


# --- Good packages ----------------------------------------------------------------------------


def test_good_package_is_stored_with_its_files_and_libraries(libraries):
    vtt = b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n"
    data = package(
        ("content/images/photo.png", PNG),
        ("content/images/Photo 2 (copy).JPG", b"\xff\xd8\xff" + os.urandom(32)),
        ("content/audio/voice.mp3", os.urandom(64)),
        ("content/captions/en.vtt", vtt),
        ("content/", b""),
    )
    before = stored_files()

    content = services.content_create(file=io.BytesIO(data))

    assert content.title == "Spot the signs test"
    assert content.main_library.machine_name == "Streamwise.SpotTheSigns"
    assert content.max_score == 2  # two warning signs in SPOT_CONTENT
    assert content.content_json == SPOT_CONTENT
    assert set(content.files) == {
        "images/photo.png",
        "images/Photo 2 (copy).JPG",
        "audio/voice.mp3",
        "captions/en.vtt",
    }
    assert stored_files() - before == set(content.files.values())
    storage = services.h5p_storage()
    with storage.open(content.files["captions/en.vtt"]) as handle:
        assert handle.read() == vtt
    assert [lib.machine_name for lib in content.dependencies.all()] == ["Streamwise.SpotTheSigns"]


def test_library_folders_in_an_upload_are_ignored_never_installed(libraries):
    from h5p.models import H5PLibrary

    evil = b"alert('I am not the real library')"
    data = package(
        ("Streamwise.SpotTheSigns-1.0/library.json", b'{"title": "Evil"}'),
        ("Streamwise.SpotTheSigns-1.0/spot-the-signs.js", evil),
        ("H5P.Evil-1.0/evil.js", evil),
    )
    library = H5PLibrary.objects.get(machine_name="Streamwise.SpotTheSigns")
    before = stored_files()

    content = services.content_create(file=io.BytesIO(data))

    assert content.files == {}
    assert stored_files() - before == set()
    library.refresh_from_db()
    assert library.title == "Spot the signs"
    assert not H5PLibrary.objects.filter(machine_name="H5P.Evil").exists()


def test_sub_content_libraries_that_are_installed_are_accepted(libraries):
    content_json = {**SPOT_CONTENT, "part": {"library": "Streamwise.WhatWouldYouDo 1.0"}}
    content = services.content_create(file=io.BytesIO(package(content=content_json)))
    assert {lib.machine_name for lib in content.dependencies.all()} == {
        "Streamwise.SpotTheSigns",
        "Streamwise.WhatWouldYouDo",
    }


def test_symlink_detection_reads_the_unix_mode():
    info = symlink_info("content/x.png")
    assert stat.S_ISLNK(info.external_attr >> 16)


def test_zip_with_only_directories_is_missing_h5p_json(libraries):
    data = zip_bytes([("content/", b""), ("content/images/", b"")])
    with pytest.raises(ValidationError) as caught:
        services.content_create(file=io.BytesIO(data))
    assert caught.value.code == "missing_h5p_json"
