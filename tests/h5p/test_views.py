"""Serving: the player and its files exist on the H5P origin only, with fixed types and nosniff."""

import io

import pytest
from django.urls import reverse

from h5p import services
from h5p.models import H5PLibrary

from .builders import package
from .conftest import H5P_HOST, SITE

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def content(libraries):
    data = package(
        ("content/images/photo.png", PNG),
        ("content/captions/en.vtt", b"WEBVTT\n"),
        ("content/data/extra.json", b'{"a": 1}'),
    )
    return services.content_create(file=io.BytesIO(data))


def h5p_get(client, url, **extra):
    return client.get(url, HTTP_HOST=H5P_HOST, **extra)


def test_player_page_on_the_h5p_origin(client, content):
    response = h5p_get(client, reverse("h5p:play", args=[content.key]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors http://testserver" in policy
    assert "script-src 'self'" in policy
    assert "connect-src 'self'" in policy
    assert "default-src 'none'" in policy
    assert "X-Frame-Options" not in response  # framing is governed by frame-ancestors
    html = response.content.decode()
    assert 'data-site-origin="http://testserver"' in html
    assert f'data-h5p-json-path="/h5p/content/{content.key}"' in html
    assert 'data-libraries-path="/h5p/libraries"' in html
    assert "vendor/h5p-standalone/main.bundle.js" in html
    assert "<script>" not in html  # no inline script anywhere
    assert not response.cookies


def test_player_page_on_the_site_is_404(client, content):
    assert client.get(reverse("h5p:play", args=[content.key])).status_code == 404


@pytest.mark.parametrize(
    ("name", "path", "content_type"),
    [
        ("h5p:content_file", "images/photo.png", "image/png"),
        ("h5p:content_file", "captions/en.vtt", "text/vtt; charset=utf-8"),
        ("h5p:content_file", "data/extra.json", "application/json"),
    ],
)
def test_content_files_have_fixed_types_and_nosniff(client, content, name, path, content_type):
    response = h5p_get(client, reverse(name, args=[content.key, path]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'; sandbox"
    )
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert not response.cookies


def test_h5p_json_and_content_json_come_from_the_database(client, content):
    response = h5p_get(client, reverse("h5p:h5p_json", args=[content.key]))
    assert response["Content-Type"] == "application/json"
    assert response.json()["mainLibrary"] == "Streamwise.SpotTheSigns"
    response = h5p_get(client, reverse("h5p:content_json", args=[content.key]))
    assert response.json() == content.content_json
    assert response["X-Content-Type-Options"] == "nosniff"


def test_library_files(client, content):
    library = H5PLibrary.objects.get(machine_name="Streamwise.SpotTheSigns")
    response = h5p_get(client, reverse("h5p:library_json", args=[library.folder_name]))
    assert response.json()["machineName"] == "Streamwise.SpotTheSigns"
    response = h5p_get(
        client, reverse("h5p:library_file", args=[library.folder_name, "spot-the-signs.js"])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"Streamwise.SpotTheSigns" in b"".join(response.streaming_content)
    response = h5p_get(
        client, reverse("h5p:library_file", args=[library.folder_name, "spot-the-signs.css"])
    )
    assert response["Content-Type"] == "text/css; charset=utf-8"


@pytest.mark.parametrize(
    "path",
    [
        "images/missing.png",  # not in the manifest
        "../../libraries/Streamwise.SpotTheSigns-1.0/spot-the-signs.js",
        "images/photo.PNG",  # names are exact
        "content.json/../images/photo.png",
    ],
)
def test_only_files_in_the_manifest_are_served(client, content, path):
    assert h5p_get(client, reverse("h5p:content_file", args=[content.key, path])).status_code == 404


def test_a_manifest_entry_with_a_forbidden_type_is_still_not_served(client, content):
    """Defence in depth: even a stored .js file under content/ is never served."""
    content.files["evil.js"] = content.files["images/photo.png"]
    content.save()
    url = reverse("h5p:content_file", args=[content.key, "evil.js"])
    assert h5p_get(client, url).status_code == 404


def test_unknown_library_or_file_is_404(client, content):
    assert h5p_get(client, "/h5p/libraries/H5P.Nope-1.0/library.json").status_code == 404
    assert h5p_get(client, "/h5p/libraries/not-a-folder/library.json").status_code == 404
    url = reverse("h5p:library_file", args=["Streamwise.SpotTheSigns-1.0", "nope.js"])
    assert h5p_get(client, url).status_code == 404


@pytest.mark.parametrize(
    "name_args",
    [
        ("h5p:h5p_json", "key"),
        ("h5p:content_json", "key"),
        ("h5p:content_file", "key", "images/photo.png"),
        ("h5p:library_json", "Streamwise.SpotTheSigns-1.0"),
        ("h5p:library_file", "Streamwise.SpotTheSigns-1.0", "spot-the-signs.js"),
    ],
)
def test_files_are_404_on_the_site_host(client, content, name_args):
    name, *args = name_args
    args = [content.key if arg == "key" else arg for arg in args]
    url = reverse(name, args=args)
    assert h5p_get(client, url).status_code == 200
    assert client.get(url, HTTP_HOST=SITE).status_code == 404


def test_nothing_is_served_when_no_h5p_origin_is_set(client, content, settings):
    settings.STREAMWISE_H5P_ORIGIN = ""
    url = reverse("h5p:play", args=[content.key])
    assert h5p_get(client, url).status_code == 404
    assert client.get(url).status_code == 404


def test_only_get_and_head(client, content):
    url = reverse("h5p:play", args=[content.key])
    assert client.post(url, HTTP_HOST=H5P_HOST).status_code == 405
    assert client.head(url, HTTP_HOST=H5P_HOST).status_code == 200


def test_the_h5p_origin_with_a_port_is_matched_exactly(client, content, settings):
    settings.STREAMWISE_H5P_ORIGIN = "http://localhost:8123"
    url = reverse("h5p:play", args=[content.key])
    assert client.get(url, HTTP_HOST="localhost:8123").status_code == 200
    assert client.get(url, HTTP_HOST="localhost:8124").status_code == 404
    assert client.get(url, HTTP_HOST="localhost").status_code == 404
