"""Every route Streamwise's apps need, for a host Wagtail site: one include.

In the host's urls.py, before Wagtail's own catch-all::

    path("", include("streamwise.plugin_urls")),

This brings pupil sign-in, staff accounts (allauth), lessons, quizzes, the teacher portal, the
schools API, safeguarding, H5P, parent packs and the two addresses the apps link to by name
(``home_for_user`` and the quick exit ``times_tables``). It leaves out the Wagtail admin,
documents and page serving, which the host site already has, so the host's own pages keep
serving. The standalone project (``streamwise.urls``) includes this module too.
"""

from django.urls import include, path

from teacher_portal.api import api as portal_api

urlpatterns = [
    path("login/pupil/", include("schools.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("schools.home_urls")),
    path("learn/", include("lessons.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("portal/", include("teacher_portal.urls")),
    path("api/v1/", portal_api.urls),
    path("safeguarding/", include("safeguarding.urls")),
    path("training/", include("training.urls")),
    # The "hide this page" exit: a neutral address that does not say "safeguarding".
    path("", include("safeguarding.exit_urls")),
    path("h5p/", include("h5p.urls")),
    # Parent and carer packs: public, one per module, nothing about any school or pupil.
    path("parents/", include("lessons.parent_urls")),
]
