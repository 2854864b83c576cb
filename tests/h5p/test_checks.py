"""System checks keep the H5P origin separate from the site."""

import pytest

from h5p.checks import MIDDLEWARE_PATH, check_h5p_origin_is_set, check_h5p_settings


def ids(settings):
    messages = check_h5p_settings(None) + check_h5p_origin_is_set(None)
    return {message.id for message in messages}


@pytest.fixture
def good(settings):
    settings.STREAMWISE_H5P_ORIGIN = "https://h5p.example.org"
    settings.STREAMWISE_SITE_URL = "https://www.example.org"
    settings.ALLOWED_HOSTS = ["www.example.org", "h5p.example.org"]
    settings.SECURE_CSP = {**settings.SECURE_CSP, "frame-src": ["https://h5p.example.org"]}
    settings.MIDDLEWARE = [MIDDLEWARE_PATH, *settings.MIDDLEWARE]
    return settings


def test_a_good_configuration_has_no_problems(good):
    assert ids(good) - {"h5p.W005"} == set()  # W005 only until `make assets` has run


def test_unset_origin_is_only_information(settings):
    settings.STREAMWISE_H5P_ORIGIN = ""
    assert ids(settings) == {"h5p.I001"}


@pytest.mark.parametrize(
    "origin", ["h5p.example.org", "https://h5p.example.org/path", "ftp://h5p.example.org"]
)
def test_origin_must_be_an_origin(good, origin):
    good.STREAMWISE_H5P_ORIGIN = origin
    assert "h5p.E003" in ids(good)


@pytest.mark.parametrize("origin", ["https://www.example.org", "https://www.example.org:8443"])
def test_origin_must_be_another_host(good, origin):
    good.STREAMWISE_H5P_ORIGIN = origin
    assert "h5p.E004" in ids(good)


@pytest.mark.parametrize("setting", ["SESSION_COOKIE_DOMAIN", "CSRF_COOKIE_DOMAIN"])
def test_cookie_domain_covering_the_h5p_host_is_an_error(good, setting):
    setattr(good, setting, ".example.org")
    assert "h5p.E005" in ids(good)


def test_warnings(good):
    good.ALLOWED_HOSTS = ["www.example.org"]
    good.SECURE_CSP = {**good.SECURE_CSP, "frame-src": ["'none'"]}
    good.MIDDLEWARE = [m for m in good.MIDDLEWARE if m != MIDDLEWARE_PATH]
    good.STREAMWISE_SITE_URL = "not a url"
    assert {"h5p.W001", "h5p.W002", "h5p.W003", "h5p.W004"} <= ids(good)


@pytest.mark.parametrize(
    "name", ["STREAMWISE_H5P_MAX_UPLOAD_BYTES", "STREAMWISE_H5P_MAX_COMPRESSION_RATIO"]
)
def test_limits_must_be_positive(good, name):
    setattr(good, name, 0)
    assert "h5p.E001" in ids(good)


def test_verbs_are_limited(good):
    good.STREAMWISE_H5P_XAPI_VERBS = ["answered", "interacted"]
    assert "h5p.E002" in ids(good)
