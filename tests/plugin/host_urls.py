"""A host site's urls.py as the plugin docs describe it: its own pages plus one include."""

from django.http import HttpResponse
from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls


def host_home(request):
    return HttpResponse("The host school's own home page")


urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("", include("streamwise.plugin_urls")),
    path("", host_home, name="host_home"),
]
