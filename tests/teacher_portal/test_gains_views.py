"""Learning gains in the portal: who may see them, what they show, the CSV, query counts."""

from __future__ import annotations

import csv
import io

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.models import CheckPhase
from quizzes.module_checks import check_upsert_from_spec
from schools.models import StaffRole
from tests import factories
from tests.lessons.check_helpers import CHECK_YAML, take_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def check():
    return check_upsert_from_spec(
        key="test-8-10/module-check",
        title="Test module: before and after check",
        spec=yaml.safe_load(CHECK_YAML),
        age_band="8-10",
    )


@pytest.fixture
def taken(check, group, other_school):
    """Ann improves on c1; Ben only did the check before; a pupil of school B did both."""
    ann = factories.pupil(group, "Ann").pupil
    ben = factories.pupil(group, "Ben").pupil
    take_check(ann, check, CheckPhase.BEFORE, wrong_keys={"c1", "c2"})
    take_check(ann, check, CheckPhase.AFTER)
    take_check(ben, check, CheckPhase.BEFORE)
    far_group = factories.TeachingGroupFactory(school=other_school, name="Elm 4", year_group=4)
    far = factories.pupil(far_group, "Keira").pupil
    take_check(far, check, CheckPhase.BEFORE)
    take_check(far, check, CheckPhase.AFTER, wrong_keys={"c1", "c2", "c3"})
    return ann, ben


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_a_teacher_sees_their_class_gains_per_strand_and_question(client, teacher, group, taken):
    response = _get(client, teacher, reverse("teacher_portal:class_gains", args=[group.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "2 did the check before, 1 after; 1 did both." in text
    strands = text.split("data-gains-strands")[1].split("</table>")[0]
    assert '<th scope="row">Online relationships</th><td>0%</td><td>100%</td><td>+100</td>' in (
        strands
    )
    assert "<svg" in text and "Before 0%" in text and "After 100%" in text
    assert "Keira" not in text and "Ann" not in text  # figures only, and school B never counts


def test_the_csv_has_the_same_numbers(client, teacher, group, taken):
    url = reverse("teacher_portal:class_gains_export", args=[group.pk])
    response = _get(client, teacher, url)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert rows[0][:7] == [
        "Module check",
        "Row",
        "Strand",
        "Question",
        "Before: secure (%)",
        "After: secure (%)",
        "Change (points)",
    ]
    by_key = {(r[1], r[2], r[3]): r[4:] for r in rows[1:]}
    assert by_key[("Strand", "Online relationships", "")] == ["0", "100", "100", "1", "2", "1"]
    assert by_key[("Strand", "Health, well-being and lifestyle", "")][:3] == ["100", "100", "0"]
    question = "What should you do first if messages upset you?"
    assert by_key[("Question", "Privacy and security", question)][:2] == ["100", "100"]


def test_nobody_did_both_says_so_kindly(client, teacher, group, check):
    text = _get(client, teacher, reverse("teacher_portal:class_gains", args=[group.pk])).content
    assert b"No pupil has done both checks yet" in text
    assert b"<svg" not in text


def test_who_may_see_a_class_gains(client, group, school, other_school, taken):
    url = reverse("teacher_portal:class_gains", args=[group.pk])
    csv_url = reverse("teacher_portal:class_gains_export", args=[group.pk])
    other_teacher = factories.staff(school, StaffRole.TEACHER)
    far_teacher = factories.staff(other_school, StaffRole.TEACHER)
    far_admin = factories.staff(other_school, StaffRole.SCHOOL_ADMIN)
    admin = factories.staff(school, StaffRole.SCHOOL_ADMIN)
    for user, status in ((other_teacher, 404), (far_teacher, 404), (far_admin, 404), (admin, 200)):
        assert _get(client, user, url).status_code == status
        assert _get(client, user, csv_url).status_code == status
    pupil = taken[0]
    assert _get(client, pupil.user, url).status_code == 403
    assert _get(client, pupil.user, csv_url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_a_school_admin_sees_the_school_and_only_their_school(
    client, school, school_admin, teacher, group, taken
):
    url = reverse("teacher_portal:school_gains")
    text = _get(client, school_admin, url).content.decode()
    assert "2 did the check before, 1 after; 1 did both." in text
    assert reverse("teacher_portal:class_gains", args=[group.pk]) in text
    export = _get(client, school_admin, reverse("teacher_portal:school_gains_export"))
    assert "Online relationships,,0,100,100,1,2,1" in export.content.decode()
    assert _get(client, teacher, url).status_code == 403
    assert _get(client, taken[0].user, url).status_code == 403


def test_the_page_runs_the_same_queries_for_more_pupils(client, teacher, group, check, taken):
    url = reverse("teacher_portal:class_gains", args=[group.pk])
    client.force_login(teacher)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for name in ("Cat", "Dan", "Eve", "Fin"):
        pupil = factories.pupil(group, name).pupil
        take_check(pupil, check, CheckPhase.BEFORE, wrong_keys={"c3"})
        take_check(pupil, check, CheckPhase.AFTER)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert b"6 did the check before, 5 after; 5 did both." in response.content
    assert len(many) == len(few) <= 14
