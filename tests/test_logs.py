"""Refusals are logged as one line (path, status, user id); errors keep their traceback."""

import logging

import pytest
from django.urls import reverse

from schools.models import StaffRole
from streamwise.logs import OneLineRefusals
from tests.factories import SchoolFactory, staff


@pytest.mark.django_db
def test_a_refusal_is_one_line_with_the_path_and_user_id(client, caplog):
    lead = staff(SchoolFactory(), StaffRole.DSL)
    client.force_login(lead)
    url = reverse("teacher_portal:home")
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(url).status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is None and record.exc_text is None
    line = logging.Formatter().format(record)
    assert "\n" not in line
    assert url in line and f"user {lead.pk}" in line and "403" in line
    assert lead.email not in line


def _record(status: int) -> logging.LogRecord:
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Oops: %s", ("/x/",), None
        )
        record.exc_info = (type(exc), exc, exc.__traceback__)
    record.status_code = status
    return record


def test_a_server_error_keeps_its_traceback():
    record = _record(500)
    assert OneLineRefusals().filter(record)
    assert record.exc_info is not None
    assert "Traceback" in logging.Formatter().format(record)


def test_a_refusal_without_a_request_is_anonymous():
    record = _record(404)
    OneLineRefusals().filter(record)
    assert record.exc_info is None
    assert logging.Formatter().format(record) == "Oops: /x/ [404, anonymous]"
