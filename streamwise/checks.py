"""`manage.py check` names everything a site still needs to run Streamwise, with the fix.

A host Wagtail site gets all of it from two lines (see streamwise/settings_base.py and
streamwise/plugin_urls.py); these checks catch a site wired by hand, or a setting the site's
own code later overrode, before a page fails at render time.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.urls import NoReverseMatch, reverse

from streamwise import settings_base as base

HELPER = (
    "Or call `streamwise_settings(globals())` (from streamwise.settings_base) at the end of "
    "your settings file."
)
INCLUDE = (
    'Add `path("", include("streamwise.plugin_urls"))` to your ROOT_URLCONF, before Wagtail\'s '
    '`path("", include(wagtail_urls))`.'
)

REQUIRED_APPS = [
    *base.STREAMWISE_APPS,
    *base.STREAMWISE_WAGTAIL_APPS,
    *base.STREAMWISE_SUPPORT_APPS,
    "wagtail",
    "wagtail.admin",
    "wagtail.documents",
    "wagtail.images",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

# Each middleware Streamwise needs, and where it goes.
DJANGO_MIDDLEWARE = [
    base.SESSION_MIDDLEWARE,
    "django.middleware.csrf.CsrfViewMiddleware",
    base.AUTH_MIDDLEWARE,
    "django.contrib.messages.middleware.MessageMiddleware",
]

# URL names the apps link to; one per app is enough to know its routes are included.
REQUIRED_URLS = [
    "home_for_user",
    "times_tables",
    "account_login",
    "pupil_login",
    "learn_home",
    "teacher_portal:home",
    "safeguarding:home",
    "h5p:xapi",
    ("parents:pack", {"slug": "module"}),
]


def _middleware_fix(name: str) -> str:
    if name in base.STREAMWISE_MIDDLEWARE_BEFORE_SESSIONS:
        return f"Add '{name}' to MIDDLEWARE before '{base.SESSION_MIDDLEWARE}'."
    if name in base.STREAMWISE_MIDDLEWARE:
        index = base.STREAMWISE_MIDDLEWARE.index(name)
        after = base.STREAMWISE_MIDDLEWARE[index - 1] if index else base.AUTH_MIDDLEWARE
        return f"Add '{name}' to MIDDLEWARE after '{after}'."
    return f"Add '{name}' to MIDDLEWARE (see Django's default order)."


@register()
def check_streamwise_apps(app_configs, **kwargs):
    return apps_errors(list(settings.INSTALLED_APPS))


def apps_errors(installed: list[str]) -> list[Error]:
    """The apps check on a list (changing INSTALLED_APPS in a running test reloads every app)."""
    errors = [
        Error(
            f"Streamwise needs the app '{app}'.",
            hint=f"Add '{app}' to INSTALLED_APPS. {HELPER}",
            id="streamwise.E501",
        )
        for app in REQUIRED_APPS
        if app not in installed
    ]
    first_wagtail = next((app for app in installed if app.startswith("wagtail")), None)
    listed = first_wagtail and all(app in installed for app in base.STREAMWISE_APPS)
    if listed and installed.index(first_wagtail) < installed.index("streamwise"):
        errors.append(
            Error(
                "Streamwise's apps come after Wagtail's in INSTALLED_APPS, so Wagtail's "
                "templates would hide Streamwise's.",
                hint=f"Move {', '.join(repr(a) for a in base.STREAMWISE_APPS)} above "
                f"'{first_wagtail}' in INSTALLED_APPS.",
                id="streamwise.E502",
            )
        )
    return errors


@register()
def check_streamwise_middleware(app_configs, **kwargs):
    middleware = list(settings.MIDDLEWARE)
    wanted = [
        *DJANGO_MIDDLEWARE,
        *base.STREAMWISE_MIDDLEWARE_BEFORE_SESSIONS,
        *base.STREAMWISE_MIDDLEWARE,
    ]
    errors = [
        Error(
            f"Streamwise needs the middleware '{name}'.",
            hint=f"{_middleware_fix(name)} {HELPER}",
            id="streamwise.E503",
        )
        for name in wanted
        if name not in middleware
    ]
    if errors:
        return errors
    sessions = middleware.index(base.SESSION_MIDDLEWARE)
    auth = middleware.index(base.AUTH_MIDDLEWARE)
    for name in base.STREAMWISE_MIDDLEWARE_BEFORE_SESSIONS:
        if middleware.index(name) > sessions:
            errors.append(
                Error(
                    f"'{name}' must run before the session middleware, so the H5P origin never "
                    "sees or sets a cookie.",
                    hint=f"Move '{name}' above '{base.SESSION_MIDDLEWARE}' in MIDDLEWARE.",
                    id="streamwise.E504",
                )
            )
    for name in base.STREAMWISE_MIDDLEWARE:
        if middleware.index(name) < auth:
            errors.append(
                Error(
                    f"'{name}' must run after the authentication middleware.",
                    hint=f"Move '{name}' below '{base.AUTH_MIDDLEWARE}' in MIDDLEWARE.",
                    id="streamwise.E504",
                )
            )
    return errors


@register(Tags.templates)
def check_streamwise_context_processors(app_configs, **kwargs):
    engines = [
        engine
        for engine in settings.TEMPLATES
        if engine.get("BACKEND") == "django.template.backends.django.DjangoTemplates"
    ]
    if not engines:
        return [
            Error(
                "Streamwise's pages need Django's template engine.",
                hint="Add a DjangoTemplates engine with APP_DIRS = True to TEMPLATES.",
                id="streamwise.E505",
            )
        ]
    processors = engines[0].get("OPTIONS", {}).get("context_processors", [])
    return [
        Error(
            f"Streamwise's pages need the context processor '{name}'.",
            hint=f"Add '{name}' to TEMPLATES[0]['OPTIONS']['context_processors']. {HELPER}",
            id="streamwise.E505",
        )
        for name in base.STREAMWISE_CONTEXT_PROCESSORS
        if name not in processors
    ]


@register()
def check_streamwise_settings(app_configs, **kwargs):
    errors = []
    backends = list(getattr(settings, "AUTHENTICATION_BACKENDS", []))
    for backend in base.STREAMWISE_AUTHENTICATION_BACKENDS:
        if backend not in backends:
            errors.append(
                Error(
                    f"Staff sign-in needs the authentication backend '{backend}'.",
                    hint=f"Add '{backend}' to AUTHENTICATION_BACKENDS. {HELPER}",
                    id="streamwise.E506",
                )
            )
    task_backend = getattr(settings, "TASKS", {}).get("default", {}).get("BACKEND", "")
    if task_backend != "django_tasks_db.DatabaseBackend":
        errors.append(
            Error(
                "Emails to the safeguarding lead and escalations need a task backend that keeps "
                f"tasks until a worker runs them (TASKS uses '{task_backend or 'none'}').",
                hint='Set TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", '
                '"QUEUES": ["default"]}} and run `manage.py db_worker` beside the web server.',
                id="streamwise.E507",
            )
        )
    if not getattr(settings, "SECURE_CSP", None):
        errors.append(
            Error(
                "Streamwise's pages need a content security policy (SECURE_CSP is empty).",
                hint="Set SECURE_CSP = streamwise_csp(STREAMWISE_H5P_ORIGIN) "
                "(from streamwise.settings_base). " + HELPER,
                id="streamwise.E508",
            )
        )
    if str(getattr(settings, "LOGIN_URL", "")) not in {"account_login", "/accounts/login/"}:
        errors.append(
            Error(
                "Staff must sign in through Streamwise's sign-in page (allauth, with MFA for "
                f"safeguarding leads), but LOGIN_URL is '{settings.LOGIN_URL}'.",
                hint='Set LOGIN_URL = "account_login".',
                id="streamwise.E508",
            )
        )
    return errors


@register(Tags.urls)
def check_streamwise_urls(app_configs, **kwargs):
    missing = []
    for entry in REQUIRED_URLS:
        name, kwargs = entry if isinstance(entry, tuple) else (entry, {})
        try:
            reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            missing.append(name)
    if not missing:
        return []
    return [
        Error(
            "Streamwise's pages link to URLs this site does not have: "
            + ", ".join(f"'{name}'" for name in missing)
            + ".",
            hint=INCLUDE,
            id="streamwise.E509",
        )
    ]
