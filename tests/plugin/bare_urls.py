"""A host site that forgot Streamwise's include (for the URL check's test)."""

from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("", include("schools.urls")),
]
