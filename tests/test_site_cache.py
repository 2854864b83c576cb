"""Issue 16: Wagtail's site for a host is remembered between requests, never shared unsafely."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page, Site

from streamwise import site_cache

pytestmark = pytest.mark.django_db


def _site():
    return Site.objects.get(is_default_site=True)


def _site_queries(client, url, host="localhost") -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url, HTTP_HOST=host)
    return sum('"wagtailcore_site"' in q["sql"] for q in captured.captured_queries)


def test_a_page_looks_the_site_up_once_then_it_is_remembered(client, settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    site = _site()
    site.hostname = "localhost"
    site.save()
    assert _site_queries(client, "/") == 1
    assert _site_queries(client, "/") == 0
    assert site_cache.remembered_site("localhost", "80").pk == site.pk


def test_a_page_without_wagtail_never_looks_the_site_up(client):
    assert _site_queries(client, reverse("pupil_login"), host="testserver") == 0
    assert site_cache.remembered_site("testserver", "80") is site_cache.UNKNOWN


def test_each_request_gets_its_own_copy():
    site = _site()
    site_cache.remember_site("a.example", 80, site, since=site_cache.forgotten_count())
    first = site_cache.remembered_site("a.example", 80)
    first.root_page.anything_learnt = "by one request"
    second = site_cache.remembered_site("a.example", 80)
    assert first is not second and first.root_page is not second.root_page
    assert not hasattr(second.root_page, "anything_learnt")
    assert second.root_page.pk == site.root_page_id


def test_saving_a_site_or_a_page_forgets():
    site = _site()
    since = site_cache.forgotten_count()
    site_cache.remember_site("a.example", 80, site, since=since)
    site.site_name = "Renamed"
    site.save()
    assert site_cache.remembered_site("a.example", 80) is site_cache.UNKNOWN
    site_cache.remember_site("a.example", 80, site, since=site_cache.forgotten_count())
    page = Page.objects.get(pk=site.root_page_id)
    page.title = "A new title"
    page.save()
    assert site_cache.remembered_site("a.example", 80) is site_cache.UNKNOWN


def test_a_site_found_before_a_change_is_not_remembered_after_it():
    site = _site()
    since = site_cache.forgotten_count()
    Page.objects.get(pk=site.root_page_id).save()  # a page published during the request
    site_cache.remember_site("a.example", 80, site, since=since)
    assert site_cache.remembered_site("a.example", 80) is site_cache.UNKNOWN


def test_zero_seconds_remembers_nothing(settings):
    settings.STREAMWISE_SITE_CACHE_SECONDS = 0
    site_cache.remember_site("a.example", 80, _site(), since=site_cache.forgotten_count())
    assert site_cache.remembered_site("a.example", 80) is site_cache.UNKNOWN


def test_another_host_gets_its_own_site(client, settings):
    settings.ALLOWED_HOSTS = ["*"]
    default = _site()
    other_root = Page.objects.get(pk=default.root_page_id).add_child(
        instance=Page(title="Other school", slug="other-school")
    )
    Site.objects.create(hostname="other.example", port=80, root_page=other_root)
    client.get("/", HTTP_HOST=default.hostname)
    client.get("/", HTTP_HOST="other.example")
    assert site_cache.remembered_site("other.example", "80").root_page.pk == other_root.pk
    assert site_cache.remembered_site(default.hostname, "80").pk == default.pk
