"""The Wagtail admin's door for signed-in people who may not use it.

Wagtail sends a signed-in user without ``wagtailadmin.access_admin`` to the login page, which
sends a signed-in user straight back: an endless redirect. Teachers, school admins, DSLs and
pupils get a plain "not for your account" page (403) with a link to their own home instead.
"""

from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse


class AdminNotForYouMiddleware:
    """Answer 403 with a way home at the admin's URLs for users who cannot use the admin.

    Put it after ``AuthenticationMiddleware``. Anonymous visitors still go to the login page,
    and the admin's own login and logout URLs are left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            self._is_admin(request.path_info)  # first: other pages never load the user here
            and user is not None
            and user.is_authenticated
            and not user.has_perm("wagtailadmin.access_admin")
        ):
            template = "streamwise/admin_not_for_you.html"
            return TemplateResponse(request, template, status=403).render()
        return self.get_response(request)

    def _is_admin(self, path: str) -> bool:
        try:
            prefix = reverse("wagtailadmin_home")
            open_paths = (reverse("wagtailadmin_login"), reverse("wagtailadmin_logout"))
        except NoReverseMatch:
            return False
        return path.startswith(prefix) and not path.startswith(open_paths)
