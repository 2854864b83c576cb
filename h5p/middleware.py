from django.conf import settings
from django.http import HttpResponseNotFound
from django.urls import reverse

from .origin import is_h5p_request
from .views import FILE_POLICY


class H5POriginMiddleware:
    """Keep the H5P origin to its one job, with no cookies in or out.

    On the H5P host only the H5P URLs and static files exist (the login page, the admin and every
    other view answer 404 there), cookies sent by the browser are dropped before any view sees
    them, and no response sets one. Put it straight after ``SecurityMiddleware`` and WhiteNoise,
    before ``SessionMiddleware``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def _allowed(self, path: str) -> bool:
        h5p_prefix = reverse("h5p:xapi").removesuffix("xapi/")
        prefixes = [h5p_prefix]
        static_url = settings.STATIC_URL or ""
        if static_url.startswith("/"):
            prefixes.append(static_url)
        return path.startswith(tuple(prefixes))

    def __call__(self, request):
        if not is_h5p_request(request):
            return self.get_response(request)
        request.META.pop("HTTP_COOKIE", None)
        request.COOKIES = {}
        if self._allowed(request.path_info):
            response = self.get_response(request)
        else:
            response = HttpResponseNotFound(b"Not found", content_type="text/plain")
            # Answered before the CSP middleware runs, so it carries the H5P files' policy.
            response["Content-Security-Policy"] = FILE_POLICY
        response.cookies.clear()
        return response
