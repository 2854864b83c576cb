"""One include brings every Streamwise route and leaves the host site's own pages alone."""

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@override_settings(ROOT_URLCONF="tests.plugin.host_urls")
def test_the_host_home_page_still_serves_and_streamwise_routes_resolve(client):
    assert client.get("/").text == "The host school's own home page"
    assert reverse("home_for_user") == "/home/"
    assert reverse("times_tables") == "/times-tables/"
    assert client.get(reverse("pupil_login")).status_code == 200
    assert client.get(reverse("times_tables")).status_code == 200


def test_the_plugin_include_has_no_page_serving_catch_all():
    from streamwise import plugin_urls

    routes = [str(pattern.pattern) for pattern in plugin_urls.urlpatterns]
    assert "admin/" not in routes and "documents/" not in routes
    for pattern in plugin_urls.urlpatterns:
        included = getattr(pattern, "urlconf_name", None)
        assert "wagtail.urls" not in str(getattr(included, "__name__", included))
