"""Libraries are trusted code: installed only by the command or a user allowed to install."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from h5p import services
from h5p.models import H5PLibrary

from .builders import library_json, library_package, zip_bytes
from .conftest import stored_files

JS = b"window.Test = {};"


def install(data, **kwargs):
    return services.library_install(file=io.BytesIO(data), **kwargs)


def simple(patch=0, js=JS, **extra):
    return library_package(
        "Test.Lib-1.2",
        library_json("Test.Lib", 1, 2, patch, preloadedJs=[{"path": "lib.js"}], **extra),
        {"lib.js": js},
    )


def test_install_stores_files_and_metadata(db):
    report = install(simple())
    library = report.installed[0]
    assert library.version_string == "Test.Lib 1.2.0"
    assert library.metadata["preloadedJs"] == [{"path": "lib.js"}]
    assert set(library.files) == {"library.json", "lib.js"}
    storage = services.h5p_storage()
    with storage.open(library.files["lib.js"]) as handle:
        assert handle.read() == JS


def test_a_user_needs_the_install_permission(db, user):
    with pytest.raises(PermissionDenied):
        install(simple(), user=user)
    assert not H5PLibrary.objects.exists()

    user.user_permissions.add(Permission.objects.get(codename="install_h5plibrary"))
    user = type(user).objects.get(pk=user.pk)  # drop the permission cache
    report = install(simple(), user=user)
    assert report.installed[0].installed_by == user


def test_same_patch_and_files_is_unchanged_newer_patch_replaces_older_is_kept(
    db, django_capture_on_commit_callbacks
):
    first = install(simple()).installed[0]
    old_files = set(first.files.values())

    assert install(simple()).unchanged == [first]

    with django_capture_on_commit_callbacks(execute=True):
        updated = install(simple(patch=1, js=b"window.Test = {v: 2};")).installed[0]
    assert updated.pk == first.pk
    assert updated.patch_version == 1
    assert not old_files & stored_files()  # the old patch's files are gone

    kept = install(simple(patch=0)).newer_kept[0]
    assert kept.patch_version == 1


def test_dependencies_must_be_installed_or_in_the_package(db):
    needs = library_package(
        "Test.Needs-1.0",
        library_json(
            "Test.Needs",
            preloadedDependencies=[
                {"machineName": "Test.Lib", "majorVersion": 1, "minorVersion": 2}
            ],
        ),
    )
    with pytest.raises(ValidationError) as caught:
        install(needs)
    assert caught.value.messages == [
        "These libraries need others that are not installed: Test.Lib 1.2."
    ]
    assert stored_files() == set()

    install(simple())
    assert install(needs).installed[0].machine_name == "Test.Needs"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        pytest.param(zip_bytes([("loose.js", JS)]), "unexpected_file", id="file-outside-folder"),
        pytest.param(
            zip_bytes([("Test.Lib-1.2/lib.js", JS)]), "missing_library_json", id="no-json"
        ),
        pytest.param(
            library_package("Test.Lib-1.3", library_json("Test.Lib", 1, 2)),
            "library_folder_mismatch",
            id="folder-mismatch",
        ),
        pytest.param(
            library_package("Test.Lib-1.2", {"machineName": "Test.Lib"}),
            "invalid_library_json",
            id="incomplete-json",
        ),
        pytest.param(
            library_package(
                "Test.Lib-1.2",
                library_json("Test.Lib", 1, 2, preloadedJs=[{"path": "missing.js"}]),
            ),
            "invalid_preloaded",
            id="preloaded-file-missing",
        ),
        pytest.param(
            library_package(
                "Test.Lib-1.2", library_json("Test.Lib", 1, 2), {"run.php": b"<?php ?>"}
            ),
            "extension_not_allowed",
            id="php-in-library",
        ),
        pytest.param(
            library_package("Test.Lib-1.2", library_json("Test.Lib", 1, 2, runnable=7)),
            "invalid_library_json",
            id="runnable-not-0-or-1",
        ),
        pytest.param(zip_bytes([("h5p.json", b"{}")]), "no_libraries", id="no-folders"),
    ],
)
def test_bad_library_packages_are_refused(db, data, code):
    with pytest.raises(ValidationError) as caught:
        install(data)
    assert caught.value.code == code
    assert not H5PLibrary.objects.exists()
    assert stored_files() == set()


def test_install_command_builtin_and_files(db, tmp_path, capsys):
    call_command("install_h5p_library", "--builtin")
    assert set(H5PLibrary.objects.values_list("machine_name", flat=True)) == {
        "Streamwise.SpotTheSigns",
        "Streamwise.WhatWouldYouDo",
    }
    path = tmp_path / "lib.h5p"
    path.write_bytes(simple())
    call_command("install_h5p_library", str(path))
    assert "Installed Test.Lib 1.2.0" in capsys.readouterr().out

    bad = tmp_path / "bad.h5p"
    bad.write_bytes(b"not a zip")
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="not an H5P package"):
        call_command("install_h5p_library", str(bad))


def test_a_library_in_use_cannot_be_deleted(libraries, django_capture_on_commit_callbacks):
    from .builders import package

    content = services.content_create(file=io.BytesIO(package()))
    spot = H5PLibrary.objects.get(machine_name="Streamwise.SpotTheSigns")
    with pytest.raises(ValidationError) as caught:
        services.library_delete(library=spot)
    assert caught.value.messages == [
        "Spot the signs (Streamwise.SpotTheSigns 1.0.0) is still used by: Spot the signs test."
    ]

    content.delete()
    files = set(spot.files.values())
    with django_capture_on_commit_callbacks(execute=True):
        services.library_delete(library=spot)
    assert not H5PLibrary.objects.filter(pk=spot.pk).exists()
    assert not files & stored_files()


def test_a_library_another_needs_cannot_be_deleted(db):
    install(simple())
    install(
        library_package(
            "Test.Needs-1.0",
            library_json(
                "Test.Needs",
                preloadedDependencies=[
                    {"machineName": "Test.Lib", "majorVersion": 1, "minorVersion": 2}
                ],
            ),
        )
    )
    with pytest.raises(ValidationError, match="still used by: Test.Needs"):
        services.library_delete(library=H5PLibrary.objects.get(machine_name="Test.Lib"))
