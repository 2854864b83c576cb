"""Editors upload .h5p files in the Wagtail admin and see what they are."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from h5p import services
from h5p.models import H5PContent, H5PLibrary
from h5p.packaging import (
    build_content_package,
    build_library_package,
    demo_content_dirs,
    library_dirs,
)

from .builders import MAIN, h5p_json, library_json, library_package, package
from .conftest import stored_files

ADD = "wagtailsnippets_h5p_h5pcontent:add"
EDIT = "wagtailsnippets_h5p_h5pcontent:edit"
DELETE = "wagtailsnippets_h5p_h5pcontent:delete"


@pytest.fixture
def editor_client(client, db):
    user = get_user_model().objects.create_superuser(
        username="editor", email="editor@example.com", password="pw-for-tests-only"
    )
    client.force_login(user)
    client.user = user
    return client


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/zip")


def test_editor_uploads_a_package_and_sees_type_and_libraries(editor_client, libraries):
    data = build_content_package(demo_content_dirs()["mayas-live-stream"])
    response = editor_client.post(
        reverse(ADD),
        {"package": upload("maya.h5p", data), "title": "", "slug": "", "max_score": ""},
    )
    assert response.status_code == 302, response.context["form"].errors
    content = H5PContent.objects.get()
    assert content.title == "What would you do? Maya's live stream"
    assert content.max_score == 3
    assert content.uploaded_by == editor_client.user

    page = editor_client.get(reverse(EDIT, args=[content.pk])).content.decode()
    assert "What would you do?" in page
    assert "Streamwise.WhatWouldYouDo 1.0.0" in page
    assert "Needs these libraries" in page
    assert f"http://h5p.testserver/h5p/play/{content.key}/" in page

    listing = editor_client.get(reverse("wagtailsnippets_h5p_h5pcontent:list")).content.decode()
    assert "Maya" in listing


def test_missing_libraries_are_a_clear_error_on_the_form(editor_client, libraries):
    data = package(
        h5p=h5p_json(
            mainLibrary="H5P.MultiChoice",
            preloadedDependencies=[
                {"machineName": "H5P.MultiChoice", "majorVersion": 1, "minorVersion": 16},
                dict(MAIN),
            ],
        )
    )
    before = stored_files()
    response = editor_client.post(reverse(ADD), {"package": upload("quiz.h5p", data), "title": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["package"] == [
        "This package needs H5P libraries that are not installed on this site: H5P.MultiChoice "
        "1.16. Packages can only use installed libraries; ask an administrator to install them."
    ]
    assert "H5P.MultiChoice 1.16" in response.content.decode()
    assert list(response.context["form"].errors) == ["package"]
    assert not H5PContent.objects.exists()
    assert stored_files() == before


def test_a_package_is_required_to_create(editor_client, libraries):
    response = editor_client.post(reverse(ADD), {"title": "No file"})
    assert response.status_code == 200
    assert "package" in response.context["form"].errors


def test_editing_keeps_the_package_and_replacing_swaps_files(
    editor_client, libraries, django_capture_on_commit_callbacks
):
    first = services.content_create(file=io.BytesIO(package(("content/a.png", b"\x89PNG1"))))
    old_files = set(first.files.values())
    response = editor_client.post(
        reverse(EDIT, args=[first.pk]), {"title": "Renamed", "slug": "renamed", "max_score": "9"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.title == "Renamed"
    assert first.max_score == 2  # our own type's maximum cannot be overridden
    assert set(first.files.values()) == old_files

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse(EDIT, args=[first.pk]),
            {
                "title": "Renamed",
                "slug": "renamed",
                "package": upload("new.h5p", package(("content/b.png", b"\x89PNG2"))),
            },
        )
    assert response.status_code == 302
    first.refresh_from_db()
    assert set(first.files) == {"b.png"}
    assert not old_files & stored_files()


def test_deleting_an_activity_deletes_its_files(
    editor_client, libraries, django_capture_on_commit_callbacks
):
    content = services.content_create(file=io.BytesIO(package(("content/a.png", b"\x89PNG"))))
    files = set(content.files.values())
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(reverse(DELETE, args=[content.pk]))
    assert response.status_code == 302
    assert not H5PContent.objects.exists()
    assert not files & stored_files()


def test_installing_libraries_needs_the_install_permission(client, db):
    user = get_user_model().objects.create_user(username="staff", password="pw-for-tests-only")
    group = Group.objects.create(name="H5P test group")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_h5plibrary"),
    )
    user.groups.add(group)
    client.force_login(user)
    data = library_package(
        "Test.Lib-1.0", library_json("Test.Lib", preloadedJs=[{"path": "a.js"}]), {"a.js": b"1"}
    )
    url = reverse("h5p_libraries:add")
    assert client.get(reverse("h5p_libraries:index")).status_code == 200
    assert "Install libraries" not in client.get(reverse("h5p_libraries:index")).content.decode()
    response = client.post(url, {"package": upload("lib.h5p", data)})
    assert response.status_code in (302, 403)
    assert not H5PLibrary.objects.exists()

    group.permissions.add(Permission.objects.get(codename="install_h5plibrary"))
    user = get_user_model().objects.get(pk=user.pk)
    client.force_login(user)
    assert "Install libraries" in client.get(reverse("h5p_libraries:index")).content.decode()
    response = client.post(url, {"package": upload("lib.h5p", data)})
    assert response.status_code == 302
    assert H5PLibrary.objects.get().installed_by == user


def test_install_view_shows_validation_errors(editor_client, db):
    response = editor_client.post(
        reverse("h5p_libraries:add"), {"package": upload("lib.h5p", b"not a zip")}
    )
    assert response.status_code == 200
    assert "This is not an H5P package" in response.content.decode()


def test_install_view_installs_the_builtin_libraries(editor_client, db):
    data = build_library_package(library_dirs())
    response = editor_client.post(reverse("h5p_libraries:add"), {"package": upload("s.h5p", data)})
    assert response.status_code == 302
    assert H5PLibrary.objects.count() == 2


def test_deleting_a_library_in_use_is_refused_not_an_error(editor_client, libraries):
    services.content_create(file=io.BytesIO(package()))
    library = H5PLibrary.objects.get(machine_name="Streamwise.SpotTheSigns")
    response = editor_client.post(reverse("h5p_libraries:delete", args=[library.pk]))
    assert response.status_code in (302, 403)
    assert H5PLibrary.objects.filter(pk=library.pk).exists()

    unused = H5PLibrary.objects.get(machine_name="Test.Helper")
    response = editor_client.post(reverse("h5p_libraries:delete", args=[unused.pk]))
    assert response.status_code == 302
    assert not H5PLibrary.objects.filter(pk=unused.pk).exists()
