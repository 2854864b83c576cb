"""On the H5P origin only H5P files exist, and no cookie goes in or out."""

import io

import pytest
from django.urls import reverse

from h5p import services
from h5p.middleware import H5POriginMiddleware

from .builders import package
from .conftest import H5P_HOST

MIDDLEWARE = "h5p.middleware.H5POriginMiddleware"


@pytest.fixture(autouse=True)
def with_middleware(settings):
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.contrib.sessions.middleware.SessionMiddleware"), MIDDLEWARE
    )
    settings.MIDDLEWARE = middleware


@pytest.fixture
def content(libraries):
    return services.content_create(file=io.BytesIO(package()))


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/", "/learn/", "/", "/h5p-other/"])
def test_other_pages_do_not_exist_on_the_h5p_origin(client, db, path):
    response = client.get(path, HTTP_HOST=H5P_HOST)
    assert response.status_code == 404
    assert not response.cookies


def test_the_player_is_served_and_cookies_are_dropped(client, content, user):
    client.force_login(user)  # a session cookie the browser would never send here
    response = client.get(reverse("h5p:play", args=[content.key]), HTTP_HOST=H5P_HOST)
    assert response.status_code == 200
    assert not response.cookies
    assert response.wsgi_request.COOKIES == {}
    assert response.wsgi_request.user.is_anonymous


def test_static_files_are_served_on_the_h5p_origin(client, db):
    response = client.get("/static/h5p/player.js", HTTP_HOST=H5P_HOST)
    assert response.status_code == 200


def test_the_site_is_untouched(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200


def test_a_view_that_sets_a_cookie_cannot_on_the_h5p_origin(rf, settings):
    from django.http import HttpResponse

    def view(request):
        response = HttpResponse("x")
        response.set_cookie("sessionid", "stolen")
        return response

    request = rf.get("/h5p/play/x/", HTTP_HOST=H5P_HOST, HTTP_COOKIE="sessionid=abc")
    response = H5POriginMiddleware(view)(request)
    assert not response.cookies
    assert request.COOKIES == {}
