from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

# The standalone site is a host site like any other: Streamwise's routes come from one include
# (streamwise.plugin_urls); the admin, documents and page serving are Wagtail's.
urlpatterns = [
    path("", include("streamwise.plugin_urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

# Rendered without the database, and never claims that anything was saved.
handler500 = "streamwise.errors.server_error"
