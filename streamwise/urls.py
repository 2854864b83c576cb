from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from safeguarding.views import quick_exit
from schools import urls as pupil_login_urls
from schools.views import home_for_user
from teacher_portal.api import api as portal_api

urlpatterns = [
    path("login/pupil/", include(pupil_login_urls)),
    path("accounts/", include("allauth.urls")),
    path("home/", home_for_user, name="home_for_user"),
    path("learn/", include("lessons.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("portal/", include("teacher_portal.urls")),
    path("api/v1/", portal_api.urls),
    path("safeguarding/", include("safeguarding.urls")),
    # The "hide this page" exit: a neutral address that does not say "safeguarding".
    path("times-tables/", quick_exit, name="times_tables"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("h5p/", include("h5p.urls")),
    # Parent and carer packs: public, one per module, nothing about any school or pupil.
    path("parents/", include("lessons.parent_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

# Rendered without the database, and never claims that anything was saved.
handler500 = "streamwise.errors.server_error"
