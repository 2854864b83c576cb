"""System checks for the H5P settings (registered in ``H5PConfig.ready``)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Info, Warning, register
from django.http.request import validate_host

from . import conf
from .origin import origin_key

POSITIVE_INT_SETTINGS = {
    "STREAMWISE_H5P_MAX_UPLOAD_BYTES": conf.max_upload_bytes,
    "STREAMWISE_H5P_MAX_ENTRIES": conf.max_entries,
    "STREAMWISE_H5P_MAX_EXPANDED_BYTES": conf.max_expanded_bytes,
    "STREAMWISE_H5P_MAX_COMPRESSION_RATIO": conf.max_compression_ratio,
    "STREAMWISE_H5P_MAX_JSON_BYTES": conf.max_json_bytes,
    "STREAMWISE_H5P_XAPI_MAX_BYTES": conf.xapi_max_body_bytes,
    "STREAMWISE_H5P_XAPI_TOKEN_MAX_AGE": conf.xapi_token_max_age,
}
MIDDLEWARE_PATH = "h5p.middleware.H5POriginMiddleware"


def _cookie_domain_covers(domain: str | None, host: str) -> bool:
    if not domain:
        return False
    domain = domain.lower().lstrip(".")
    return host == domain or host.endswith("." + domain)


@register(deploy=True)
def check_h5p_origin_is_set(app_configs, **kwargs):
    if conf.h5p_origin():
        return []
    return [
        Info(
            "H5P activities are not shown: STREAMWISE_H5P_ORIGIN is not set.",
            hint="Set it to a separate origin for the player, e.g. https://h5p.example.org.",
            id="h5p.I001",
        )
    ]


def _storage_messages():
    """H5P files must not be reachable on the site origin, e.g. under MEDIA_ROOT at /media/."""
    alias = conf.storage_alias()
    config = (getattr(settings, "STORAGES", None) or {}).get(alias)
    if config is None:
        return [Error(f"STORAGES has no {alias!r} entry for H5P files.", id="h5p.E006")]
    backend = config.get("BACKEND", "")
    location = (config.get("OPTIONS") or {}).get("location")
    if backend.endswith("FileSystemStorage") and location is None:
        location = settings.MEDIA_ROOT
    media_root = getattr(settings, "MEDIA_ROOT", "")
    if location is not None and media_root:
        from pathlib import Path

        inside = Path(location).resolve().is_relative_to(Path(media_root).resolve())
        if inside:
            return [
                Warning(
                    "H5P files are stored under MEDIA_ROOT, so they also answer on the site's own "
                    "origin at MEDIA_URL.",
                    hint="Add a private STORAGES['h5p'] entry (h5p.storage.PrivateH5PStorage "
                    "with a location outside MEDIA_ROOT), then run manage.py h5p_move_files.",
                    id="h5p.W006",
                )
            ]
    return []


@register()
def check_h5p_settings(app_configs, **kwargs):
    messages = []
    for name, read in POSITIVE_INT_SETTINGS.items():
        value = read()
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            messages.append(Error(f"{name} must be a positive integer.", id="h5p.E001"))
    if not set(conf.xapi_verbs()) <= {"answered", "completed", "passed", "failed", "scored"}:
        messages.append(
            Error(
                "STREAMWISE_H5P_XAPI_VERBS may only hold answered, completed, passed, failed "
                "and scored.",
                id="h5p.E002",
            )
        )

    messages += _storage_messages()
    origin = conf.h5p_origin()
    if not origin:
        return messages
    parts = urlsplit(origin)
    key = origin_key(origin)
    if key is None or parts.path or parts.query or parts.fragment or parts.username:
        messages.append(
            Error(
                f"STREAMWISE_H5P_ORIGIN must be an origin such as https://h5p.example.org, "
                f"not {origin!r}.",
                id="h5p.E003",
            )
        )
        return messages
    host = key[0]
    site = conf.site_origin()
    site_key = origin_key(site) if site else None
    if site_key is None:
        messages.append(
            Warning(
                "STREAMWISE_SITE_URL is not a valid URL, so the H5P player cannot report results "
                "to the site or be framed by it.",
                id="h5p.W001",
            )
        )
    elif site_key[0] == host:
        messages.append(
            Error(
                "STREAMWISE_H5P_ORIGIN must be on a different host from STREAMWISE_SITE_URL: "
                "H5P content is untrusted JavaScript, and browsers share cookies between ports "
                "of one host.",
                hint="Use another host name, e.g. h5p.example.org (or localhost beside 127.0.0.1).",
                id="h5p.E004",
            )
        )
    for setting in ("SESSION_COOKIE_DOMAIN", "CSRF_COOKIE_DOMAIN"):
        if _cookie_domain_covers(getattr(settings, setting, None), host):
            messages.append(
                Error(
                    f"{setting} makes the browser send the site's cookie to the H5P origin "
                    f"({host}).",
                    hint=f"Leave {setting} unset, or move the H5P origin out of that domain.",
                    id="h5p.E005",
                )
            )
    if not validate_host(host, settings.ALLOWED_HOSTS):
        messages.append(
            Warning(
                f"The H5P host {host} is not in ALLOWED_HOSTS, so the player cannot be served.",
                id="h5p.W002",
            )
        )
    frame_sources = (getattr(settings, "SECURE_CSP", None) or {}).get("frame-src")
    if frame_sources is not None and origin not in frame_sources:
        messages.append(
            Warning(
                "SECURE_CSP's frame-src does not allow STREAMWISE_H5P_ORIGIN, so pages cannot "
                "show H5P activities.",
                id="h5p.W003",
            )
        )
    if MIDDLEWARE_PATH not in settings.MIDDLEWARE:
        messages.append(
            Warning(
                f"Add {MIDDLEWARE_PATH} to MIDDLEWARE (before SessionMiddleware) so the H5P "
                f"origin serves nothing but H5P files and never handles cookies.",
                id="h5p.W004",
            )
        )
    if "django.contrib.staticfiles" in settings.INSTALLED_APPS:
        from django.contrib.staticfiles import finders

        main = f"{conf.player_static_dir()}/main.bundle.js"
        if not finders.find(main):
            messages.append(
                Warning(
                    f"The H5P player ({main}) is not in the static files.",
                    hint="Copy h5p-standalone's dist files there (make assets).",
                    id="h5p.W005",
                )
            )
    return messages
