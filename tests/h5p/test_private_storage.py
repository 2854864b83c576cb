"""H5P files never answer on the site's own origin: they live outside the public media root.

Found by a hostile-upload run: with H5P files in the default (media) storage, a library's
JavaScript and a package's files answered 200 at ``/media/h5p/…`` on the site's host.
"""

import io
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import include, path, re_path, reverse
from django.views.static import serve

from h5p import services
from h5p.demo import load_h5p_demo
from h5p.models import H5PContent, H5PLibrary

from .builders import package
from .conftest import H5P_HOST, SITE

# The site's URLs plus the media serving `streamwise.urls` adds when DEBUG is on.
urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": django_settings.MEDIA_ROOT}),
    path("", include("streamwise.urls")),
]


@pytest.fixture
def on_disk(settings, tmp_path):
    """The real layout: MEDIA_ROOT served at /media/, H5P files in their own private folder."""
    settings.ROOT_URLCONF = __name__
    settings.MEDIA_ROOT = str(tmp_path / "media")
    urlpatterns[0].default_args["document_root"] = settings.MEDIA_ROOT
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "h5p": {
            "BACKEND": "h5p.storage.PrivateH5PStorage",
            "OPTIONS": {"location": str(tmp_path / "h5p-files")},
        },
    }
    return tmp_path


def load_packages():
    """The demo's libraries and activities, plus an uploaded package with content files."""
    load_h5p_demo()
    data = package(
        ("content/images/photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32),
        ("content/notes/readme.txt", b"hello"),
        ("content/data/extra.json", b'{"a": 1}'),
    )
    services.content_create(file=io.BytesIO(data))


def every_file():
    """(site path a media server would use, H5P origin URL) for every stored H5P file."""
    for library in H5PLibrary.objects.all():
        for member, stored in library.files.items():
            url = reverse("h5p:library_file", args=[library.folder_name, member])
            yield stored, url
    for content in H5PContent.objects.all():
        for member, stored in content.files.items():
            yield stored, reverse("h5p:content_file", args=[content.key, member])


def test_every_h5p_file_is_404_on_the_site_and_200_on_the_h5p_origin(client, db, on_disk):
    load_packages()
    files = list(every_file())
    assert len(files) >= 9
    assert any(content.files for content in H5PContent.objects.all())
    for stored, url in files:
        assert not (on_disk / "media" / stored).exists(), stored
        assert (on_disk / "h5p-files" / stored).is_file(), stored
        for site_path in (f"/media/{stored}", url):
            assert client.get(site_path, HTTP_HOST=SITE).status_code == 404, site_path
        response = client.get(url, HTTP_HOST=H5P_HOST)
        assert response.status_code == 200, url


def test_the_media_url_serves_media_but_not_h5p(client, db, on_disk):
    """The /media/ route of the test really serves MEDIA_ROOT (so its 404s above mean something)."""
    (on_disk / "media").mkdir()
    (on_disk / "media" / "hello.txt").write_text("hello")
    response = client.get("/media/hello.txt", HTTP_HOST=SITE)
    assert response.status_code == 200


def test_h5p_files_have_no_public_url(db, on_disk):
    from h5p import services

    with pytest.raises(ValueError, match="no public URL"):
        services.h5p_storage().url("h5p/anything.js")


def test_moving_old_files_out_of_media_is_idempotent(client, db, on_disk, settings, capsys):
    # Files uploaded by an older version: in the default (media) storage.
    settings.STREAMWISE_H5P_STORAGE = "default"
    load_packages()
    names = [stored for stored, _ in every_file()]
    assert all((on_disk / "media" / name).is_file() for name in names)

    del settings.STREAMWISE_H5P_STORAGE
    call_command("h5p_move_files")
    assert f"{len(set(names))} moved, 0 already" in capsys.readouterr().out
    for name in names:
        assert not (on_disk / "media" / name).exists()
        assert (on_disk / "h5p-files" / name).is_file()
    for _, url in every_file():
        response = client.get(url, HTTP_HOST=H5P_HOST)
        assert response.status_code == 200, url

    call_command("h5p_move_files")
    assert f"0 moved, {len(set(names))} already in the H5P storage, 0 missing" in (
        capsys.readouterr().out
    )


def test_moving_into_the_same_storage_is_refused(db, settings):
    settings.STREAMWISE_H5P_STORAGE = "default"
    with pytest.raises(CommandError, match="already"):
        call_command("h5p_move_files")


def test_a_check_warns_when_h5p_files_are_under_media_root(settings, tmp_path):
    from h5p.checks import check_h5p_settings

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "h5p": {
            "BACKEND": "h5p.storage.PrivateH5PStorage",
            "OPTIONS": {"location": str(Path(settings.MEDIA_ROOT) / "h5p")},
        },
    }
    assert "h5p.W006" in [message.id for message in check_h5p_settings(None)]
    settings.STORAGES["h5p"]["OPTIONS"]["location"] = str(tmp_path / "private")
    assert "h5p.W006" not in [message.id for message in check_h5p_settings(None)]
