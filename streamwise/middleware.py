from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.middleware.csp import ContentSecurityPolicyMiddleware as DjangoCSPMiddleware
from django.utils.csp import CSP
from django.utils.deprecation import MiddlewareMixin

from schools.permissions import get_pupil


class ContentSecurityPolicyMiddleware(DjangoCSPMiddleware):
    """Django's CSP middleware, applied to every page except the Wagtail admin.

    The Wagtail admin is a trusted editors' tool that relies on inline scripts and styles, so it
    keeps Wagtail's own protections; pupil, teacher and DSL pages all get the strict policy.
    """

    exempt_prefixes = ("/admin/",)

    def process_response(self, request, response):
        if request.path.startswith(self.exempt_prefixes):
            return response
        if self.is_admin_preview(request) and not hasattr(response, "_csp_config"):
            # The page editor's preview panel frames this page from the admin, on this origin:
            # the strict policy, except that the site's own pages may frame it.
            response._csp_config = {**settings.SECURE_CSP, "frame-ancestors": [CSP.SELF]}
        return super().process_response(request, response)

    @staticmethod
    def is_admin_preview(request) -> bool:
        """Wagtail renders a preview by passing a dummy request for the page's own URL through
        the middleware (``make_preview_request``); only the admin's preview views make one."""
        return getattr(request, "is_dummy", False) and getattr(request, "is_preview", False)


class PupilsOutOfStaffAccountsMiddleware(MiddlewareMixin):
    """Refuse the staff account pages (allauth: email addresses, passwords, MFA) to pupils.

    A pupil has no email address and no password of their own (pupil data is minimal, and their
    teacher resets their login), so none of those pages may store one for them.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func.__module__.startswith("allauth.") and get_pupil(request.user) is not None:
            raise PermissionDenied(
                "You are logged in as a pupil. To use a staff account here, log out first."
            )
