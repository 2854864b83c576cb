"""Streamwise's own content types: built into .h5p files that pass our own validation."""

import io
import zipfile

import pytest
from django.core.management import call_command

from h5p import services
from h5p.builtin import max_score_for
from h5p.demo import load_h5p_demo
from h5p.models import H5PContent, H5PLibrary
from h5p.packaging import (
    build_content_package,
    build_library_package,
    demo_content_dirs,
    library_dirs,
)
from h5p.validation import validate_content_package, validate_library_package


def test_builtin_libraries_build_into_a_valid_library_package():
    data = build_library_package(library_dirs())
    package = validate_library_package(io.BytesIO(data))
    assert {str(library.ref) for library in package.libraries} == {
        "Streamwise.SpotTheSigns 1.0",
        "Streamwise.WhatWouldYouDo 1.0",
    }
    assert all(library.runnable for library in package.libraries)
    # Reproducible: the same sources give the same bytes.
    assert build_library_package(library_dirs()) == data


@pytest.mark.parametrize("slug", ["mayas-live-stream", "spot-the-signs-in-the-chat"])
def test_demo_packages_are_proper_h5p_files_that_pass_validation(libraries, slug):
    data = build_content_package(demo_content_dirs()[slug])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
    assert {"h5p.json", "content/content.json"} <= names
    # A self-contained .h5p file: it carries the library folders it needs...
    assert any(name.endswith("/library.json") for name in names)
    package = services.content_validate(file=io.BytesIO(data))
    # ...which an upload ignores: the installed libraries are used.
    assert package.ignored
    assert package.main_library.machine_name.startswith("Streamwise.")


def test_demo_packages_are_refused_before_the_libraries_are_installed(db):
    from django.core.exceptions import ValidationError

    data = build_content_package(demo_content_dirs()["mayas-live-stream"])
    with pytest.raises(ValidationError) as caught:
        validate_content_package(io.BytesIO(data), library_lookup={}.get)
    assert caught.value.code == "missing_libraries"


def test_max_scores_of_our_types():
    scenario = {
        "start": "a",
        "scenes": [
            {
                "id": "a",
                "choices": [
                    {"text": "safe", "safe": True, "next": "b"},
                    {"text": "unsafe", "safe": False, "next": "c"},
                ],
            },
            {"id": "b", "choices": [{"text": "safe", "safe": True, "next": "a"}]},  # loops back
            {"id": "c", "choices": [{"text": "safe", "safe": True, "next": None}]},
        ],
    }
    assert max_score_for("Streamwise.WhatWouldYouDo", scenario) == 2
    chat = {
        "messages": [
            {"from": "them", "text": "hi", "warning": False},
            {"from": "them", "text": "secret", "warning": True},
            # The pupil's own messages cannot be tapped, nor empty ones.
            {"from": "me", "text": "ok", "warning": True},
            {"from": "them", "text": "", "warning": True},
        ]
    }
    assert max_score_for("Streamwise.SpotTheSigns", chat) == 1
    assert max_score_for("H5P.MultiChoice", {}) is None
    assert max_score_for("Streamwise.WhatWouldYouDo", {"scenes": "nonsense"}) == 0


def test_load_h5p_demo_creates_two_activities_and_is_idempotent(db):
    activities = load_h5p_demo()
    assert set(activities) == {"mayas-live-stream", "spot-the-signs-in-the-chat"}
    maya = activities["mayas-live-stream"]
    assert maya.main_library.machine_name == "Streamwise.WhatWouldYouDo"
    assert maya.max_score == 3
    assert activities["spot-the-signs-in-the-chat"].max_score == 5
    keys = {slug: content.key for slug, content in activities.items()}

    again = load_h5p_demo()
    assert {slug: content.key for slug, content in again.items()} == keys
    assert H5PContent.objects.count() == 2
    assert H5PLibrary.objects.count() == 2


def test_build_command_writes_h5p_files(tmp_path, capsys):
    call_command("build_h5p_packages", "--output", str(tmp_path))
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "mayas-live-stream.h5p",
        "spot-the-signs-in-the-chat.h5p",
        "streamwise-libraries.h5p",
    ]


def test_load_demo_command(db, capsys):
    call_command("load_h5p_demo")
    out = capsys.readouterr().out
    assert "mayas-live-stream: What would you do? Maya's live stream (max score 3)" in out
