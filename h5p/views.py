"""The player and its files (H5P origin only) and the xAPI intake (site origin only).

Views on the H5P origin never touch the session or CSRF machinery, so they never set a cookie;
they serve only files recorded in a manifest, with the type fixed by the extension and
``nosniff``. The player page may be framed by the site origin alone.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.csp import CSP, build_policy
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST, require_safe

from . import conf, services
from .models import H5PContent, H5PLibrary
from .origin import h5p_origin_only, h5p_url, site_origin_only
from .validation import CONTENT_TYPES, LIBRARY_TYPES
from .xapi import StatementError

LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
# Responses that are files, not documents: if one is ever opened as a page, it runs nothing.
FILE_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"


def player_policy() -> dict:
    """The Content Security Policy of the player page, built from the settings of the moment.

    Scripts only from the H5P origin (and the static files host). Inline *styles* are allowed:
    H5P core and content types set style attributes in generated markup, and this document runs
    on its own origin where a style can reach nothing of the site's.
    """
    static_host = []
    static_parts = urlsplit(settings.STATIC_URL or "")
    if static_parts.scheme and static_parts.netloc:
        static_host = [f"{static_parts.scheme}://{static_parts.netloc}"]
    site = conf.site_origin()
    return {
        "default-src": [CSP.NONE],
        "script-src": [CSP.SELF, *static_host],
        "style-src": [CSP.SELF, CSP.UNSAFE_INLINE, *static_host],
        "img-src": [CSP.SELF, "data:", "blob:"],
        "media-src": [CSP.SELF, "blob:"],
        "font-src": [CSP.SELF, "data:", *static_host],
        "connect-src": [CSP.SELF],
        "frame-src": [CSP.NONE],
        "frame-ancestors": [site] if site else [CSP.NONE],
        "form-action": [CSP.NONE],
        "base-uri": [CSP.NONE],
        "object-src": [CSP.NONE],
    }


def _harden(response, *, cache_seconds: int = 300):
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = f"public, max-age={cache_seconds}"
    if "Content-Security-Policy" not in response:
        response["Content-Security-Policy"] = FILE_POLICY
    return response


def _json_file(data) -> JsonResponse:
    return _harden(JsonResponse(data, safe=False, content_type="application/json"))


def _stored_file(stored_name: str, content_type: str, *, cache_seconds: int = 300):
    storage = services.h5p_storage()
    try:
        handle = storage.open(stored_name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    return _harden(response, cache_seconds=cache_seconds)


def _extension(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _base(path: str, levels: int) -> str:
    return path.rsplit("/", levels)[0]


# --- H5P origin -----------------------------------------------------------------------------


@h5p_origin_only
@xframe_options_exempt
@require_safe
def play(request, key):
    """The player page the site embeds in its sandboxed iframe."""
    content = get_object_or_404(H5PContent.objects.select_related("main_library"), key=key)
    player = conf.player_static_dir()
    language = content.h5p_json.get("language", "")
    h5p_json_url = reverse("h5p:h5p_json", args=[content.key])
    context = {
        "content": content,
        "language": language if isinstance(language, str) and LANGUAGE_RE.match(language) else "en",
        "main_js": static(f"{player}/main.bundle.js"),
        "config": {
            "content-id": content.key.hex,
            "h5p-json-path": _base(h5p_json_url, 1),
            "content-json-path": _base(reverse("h5p:content_json", args=[content.key]), 1),
            "libraries-path": _base(reverse("h5p:library_json", args=["H5P.Any-1.0"]), 2),
            "frame-js": static(f"{player}/frame.bundle.js"),
            "frame-css": static(f"{player}/styles/h5p.css"),
            "site-origin": conf.site_origin(),
            "object-iri": h5p_url("h5p:play", content.key),
            "verbs": json.dumps(list(conf.xapi_verbs())),
            "error-text": _("Sorry, this activity could not be loaded."),
        },
    }
    response = render(request, "h5p/player.html", context)
    response["Content-Security-Policy"] = build_policy(player_policy())
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-cache"
    return response


@h5p_origin_only
@require_safe
def h5p_json(request, key):
    content = get_object_or_404(H5PContent, key=key)
    return _json_file(content.h5p_json)


@h5p_origin_only
@require_safe
def content_json(request, key):
    content = get_object_or_404(H5PContent, key=key)
    return _json_file(content.content_json)


@h5p_origin_only
@require_safe
def content_file(request, key, path):
    """A file under the package's content/ folder: only if stored, only allow-listed types."""
    content = get_object_or_404(H5PContent, key=key)
    stored = content.files.get(path)
    content_type = CONTENT_TYPES.get(_extension(path))
    if stored is None or content_type is None:
        raise Http404
    return _stored_file(stored, content_type)


@h5p_origin_only
@require_safe
def library_json(request, folder):
    library = H5PLibrary.objects.for_folder(folder)
    if library is None:
        raise Http404
    return _json_file(library.metadata)


@h5p_origin_only
@require_safe
def library_file(request, folder, path):
    """A file of an installed library: only if stored, only allow-listed types."""
    library = H5PLibrary.objects.for_folder(folder)
    if library is None:
        raise Http404
    stored = library.files.get(path)
    content_type = LIBRARY_TYPES.get(_extension(path))
    if stored is None or content_type is None:
        raise Http404
    return _stored_file(stored, content_type, cache_seconds=3600)


# --- Site origin ----------------------------------------------------------------------------


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@site_origin_only
@require_POST
def xapi(request):
    """Record one xAPI statement posted by the page that embeds an activity.

    Body: ``{"token": <from the embed>, "statement": {…}}``. Login and CSRF are required; the
    user is the session's.
    """
    if not request.user.is_authenticated:
        return _error(_("Log in to save your answers."), 403)
    limit = conf.xapi_max_body_bytes()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        return _error(_("The statement is too large."), 413)
    body = request.read(limit + 1)
    if len(body) > limit:
        return _error(_("The statement is too large."), 413)
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return _error(_("The request is not valid JSON."), 400)
    if not isinstance(data, dict) or not isinstance(data.get("token"), str):
        return _error(_("The request needs a token and a statement."), 400)
    try:
        content, context_id = services.xapi_token_read(token=data["token"], user=request.user)
        record = services.statement_record(
            user=request.user,
            content=content,
            statement=data.get("statement"),
            context_id=context_id,
        )
    except StatementError as error:
        return _error(error.message, error.status)
    return JsonResponse(
        {
            "recorded": True,
            "verb": record.verb,
            "raw": record.raw,
            "max": record.max,
            "scaled": record.scaled,
            "completed": record.completed,
            "passed": record.passed,
            "clamped": record.clamped,
            "counted": record.top_level,
        },
        status=201,
    )
