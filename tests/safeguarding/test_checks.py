import pytest

from safeguarding.checks import check_streamwise_safeguarding_settings


def ids(settings_overrides, settings):
    for name, value in settings_overrides.items():
        setattr(settings, name, value)
    return [error.id for error in check_streamwise_safeguarding_settings(None)]


def test_the_default_settings_pass(settings):
    assert ids({}, settings) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"STREAMWISE_ESCALATE_AFTER_MINUTES": 0}, ["streamwise.E201"]),
        ({"STREAMWISE_ESCALATE_AFTER_MINUTES": "30"}, ["streamwise.E201"]),
        ({"STREAMWISE_SAFEGUARDING_TEXT_MAX_CHARS": -1}, ["streamwise.E201"]),
        ({"STREAMWISE_EMAIL_RETRY_BASE_SECONDS": True}, ["streamwise.E201"]),
        (
            {"STREAMWISE_EMAIL_RETRY_BASE_SECONDS": 60, "STREAMWISE_EMAIL_RETRY_MAX_SECONDS": 30},
            ["streamwise.E202"],
        ),
        ({"STREAMWISE_SITE_URL": "streamwise.example"}, ["streamwise.E203"]),
        ({"STREAMWISE_ACCESS_LOG_KEY": "short"}, ["streamwise.E204"]),
    ],
)
def test_bad_settings_are_reported(settings, overrides, expected):
    assert ids(overrides, settings) == expected


def test_the_checks_are_registered():
    from django.core import checks

    assert check_streamwise_safeguarding_settings in checks.registry.registry.get_checks()


def test_the_triage_wiring_is_checked(settings):
    from safeguarding.checks import check_streamwise_triage_wiring

    assert check_streamwise_triage_wiring(None) == []
    settings.ACCOUNT_ADAPTER = "schools.adapters.StaffAccountAdapter"
    settings.TEMPLATES = [
        {**engine, "OPTIONS": {**engine["OPTIONS"], "context_processors": []}}
        for engine in settings.TEMPLATES
    ]
    assert [w.id for w in check_streamwise_triage_wiring(None)] == [
        "streamwise.W211",
        "streamwise.W212",
    ]


# faults: task workers' timings
@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"STREAMWISE_WORKER_HEARTBEAT_SECONDS": 0}, ["streamwise.E205"]),
        ({"STREAMWISE_WORKER_LEASE_SECONDS": "30"}, ["streamwise.E205"]),
        ({"STREAMWISE_WORKER_RECOVERY_SECONDS": -1}, ["streamwise.E205"]),
        ({"STREAMWISE_WORKER_LEASE_SECONDS": 10}, ["streamwise.E206"]),
        ({"STREAMWISE_WORKER_HEARTBEAT_SECONDS": 0.5, "STREAMWISE_WORKER_LEASE_SECONDS": 2}, []),
    ],
)
def test_worker_timings_are_checked(overrides, expected, settings):
    assert ids(overrides, settings) == expected
