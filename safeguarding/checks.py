from django.core.checks import Error, Warning, register

from . import conf


def _positive_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


@register()
def check_streamwise_safeguarding_settings(app_configs, **kwargs):
    errors = []
    for name, value in (
        ("STREAMWISE_ESCALATE_AFTER_MINUTES", conf.escalate_after_minutes()),
        ("STREAMWISE_SAFEGUARDING_TEXT_MAX_CHARS", conf.text_max_chars()),
        ("STREAMWISE_SAFEGUARDING_PUPIL_TEXT_MAX_CHARS", conf.pupil_text_max_chars()),
        ("STREAMWISE_EMAIL_RETRY_BASE_SECONDS", conf.email_retry_base_seconds()),
        ("STREAMWISE_EMAIL_RETRY_MAX_SECONDS", conf.email_retry_max_seconds()),
    ):
        if not _positive_int(value):
            errors.append(
                Error(f"{name} must be a whole number of at least 1.", id="streamwise.E201")
            )
    if (
        _positive_int(conf.email_retry_base_seconds())
        and _positive_int(conf.email_retry_max_seconds())
        and conf.email_retry_max_seconds() < conf.email_retry_base_seconds()
    ):
        errors.append(
            Error(
                "STREAMWISE_EMAIL_RETRY_MAX_SECONDS must not be less than "
                "STREAMWISE_EMAIL_RETRY_BASE_SECONDS.",
                id="streamwise.E202",
            )
        )
    if not conf.site_url().startswith(("http://", "https://")):
        errors.append(
            Error(
                "STREAMWISE_SITE_URL must start with http:// or https:// (it is used for the "
                "links in safeguarding emails).",
                id="streamwise.E203",
            )
        )
    key = conf.access_log_key()
    if not isinstance(key, str) or len(key) < 32:
        errors.append(
            Error(
                "STREAMWISE_ACCESS_LOG_KEY (or SECRET_KEY) must be at least 32 characters: it "
                "seals the safeguarding access log.",
                id="streamwise.E204",
            )
        )
    # faults: task workers' heartbeat, lease and recovery pass
    worker_timings = {
        "STREAMWISE_WORKER_HEARTBEAT_SECONDS": conf.worker_heartbeat_seconds(),
        "STREAMWISE_WORKER_LEASE_SECONDS": conf.worker_lease_seconds(),
        "STREAMWISE_WORKER_RECOVERY_SECONDS": conf.worker_recovery_seconds(),
    }
    for name, value in worker_timings.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            errors.append(Error(f"{name} must be a number above 0.", id="streamwise.E205"))
    heartbeat, lease = conf.worker_heartbeat_seconds(), conf.worker_lease_seconds()
    if not errors and lease < 3 * heartbeat:
        errors.append(
            Error(
                "STREAMWISE_WORKER_LEASE_SECONDS must be at least three heartbeats long, or "
                "live workers would be taken for dead.",
                id="streamwise.E206",
            )
        )
    return errors


@register()
def check_streamwise_attachment_settings(app_configs, **kwargs):
    """Casework: attachment limits are sensible and their folder is never a public one."""
    from pathlib import Path

    from django.conf import settings

    errors = []
    for name, value in (
        ("STREAMWISE_SAFEGUARDING_ATTACHMENT_MAX_BYTES", conf.attachment_max_bytes()),
        ("STREAMWISE_SAFEGUARDING_ATTACHMENT_MAX_PIXELS", conf.attachment_max_pixels()),
    ):
        if not _positive_int(value):
            errors.append(
                Error(f"{name} must be a whole number of at least 1.", id="streamwise.E210")
            )
    if conf.attachment_storage_config() is None:
        folder = Path(conf.attachment_dir()).resolve()
        for public in ("MEDIA_ROOT", "STATIC_ROOT"):
            root = getattr(settings, public, None)
            if root and folder.is_relative_to(Path(root).resolve()):
                errors.append(
                    Error(
                        f"Safeguarding attachments ({folder}) must not be kept under {public}, "
                        "which is served publicly. Set STREAMWISE_SAFEGUARDING_FILES_DIR to a "
                        "private folder.",
                        id="streamwise.E211",
                    )
                )
    return errors


# --- Triage: the waiting count in the header and the landing after sign-in ----------------------


@register()
def check_streamwise_triage_wiring(app_configs, **kwargs):
    """A host site that leaves these out still works, but its leads see nothing waiting until
    they open the safeguarding area themselves."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    from .adapters import SafeguardingAccountAdapter

    warnings = []
    processors = [
        name
        for engine in getattr(settings, "TEMPLATES", [])
        for name in engine.get("OPTIONS", {}).get("context_processors", [])
    ]
    if "safeguarding.context_processors.safeguarding" not in processors:
        warnings.append(
            Warning(
                "Add 'safeguarding.context_processors.safeguarding' to your template context "
                "processors so safeguarding leads see how much waits for them on every page.",
                id="streamwise.W211",
            )
        )
    adapter = getattr(settings, "ACCOUNT_ADAPTER", "")
    try:
        ours = issubclass(import_string(adapter), SafeguardingAccountAdapter)
    except ImportError:
        ours = False
    if not ours:
        warnings.append(
            Warning(
                "ACCOUNT_ADAPTER does not inherit from "
                "safeguarding.adapters.SafeguardingAccountAdapter, so safeguarding leads don't "
                "land on the inbox after signing in when something waits for them.",
                id="streamwise.W212",
            )
        )
    return warnings
