"""The API's work and progress endpoints: the same figures as the grid, one school only."""

import datetime

import pytest
from django.utils import timezone

from lessons import services
from lessons.services import assignment_create, assignment_withdraw
from teacher_portal.models import ApiToken, hash_api_token
from teacher_portal.progress import progress_grid
from teacher_portal.services import api_token_create, api_token_revoke
from tests import factories


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def assignments_url(group):
    return f"/api/v1/classes/{group.pk}/assignments"


def progress_url(work):
    return f"/api/v1/assignments/{work.pk}/progress"


@pytest.fixture
def token(school, school_admin):
    return api_token_create(school=school, name="MIS sync", created_by=school_admin)[1]


@pytest.fixture
def far_token(other_school):
    return api_token_create(school=other_school, name="Elmwood IT", created_by=None)[1]


def get(client, url, token=None, **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(url, params, headers=headers)


def test_the_work_set_for_a_class(client, token, work, group, short_lesson, teacher):
    jack = factories.pupil(group, "Jack").pupil
    chosen = assignment_create(
        group=group,
        lesson=short_lesson,
        opens_on=days(0),
        due_on=days(9),
        created_by=teacher,
        pupils=[jack],
    )
    gone = assignment_create(
        group=group, lesson=short_lesson, opens_on=days(0), due_on=days(2), created_by=teacher
    )
    assignment_withdraw(assignment=gone)
    response = get(client, assignments_url(group), token)
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": work.pk,
                "class_id": group.pk,
                "kind": "module",
                "page_id": work.module_id,
                "title": "Test module 8-10",
                "opens_on": work.opens_on.isoformat(),
                "due_on": work.due_on.isoformat(),
                "whole_class": True,
                "pupils": [],
            },
            {
                "id": chosen.pk,
                "class_id": group.pk,
                "kind": "lesson",
                "page_id": short_lesson.pk,
                "title": "Two activities",
                "opens_on": days(0).isoformat(),
                "due_on": days(9).isoformat(),
                "whole_class": False,
                "pupils": ["Jack"],
            },
        ],
        "count": 2,
    }


def test_progress_matches_the_grid_and_pages(client, token, work, group, lesson):
    for number in range(30):
        pupil = factories.pupil(group, f"Pupil {number:02}").pupil
        if number % 3 == 0:
            services.progress_step_reach(pupil=pupil, lesson=lesson, step=2)
    first = get(client, progress_url(work), token).json()
    assert first["count"] == 60  # 30 pupils × 2 lessons
    second = get(client, progress_url(work), token, page=2).json()
    items = first["items"] + second["items"]
    grid = progress_grid(group=group, assignment=work)
    assert [(i["pupil"], i["lesson_number"], i["status"], i["step"]) for i in items] == [
        (row.pupil.display_name, cell.column.number, cell.status.slug, cell.step)
        for row in grid.rows
        for cell in row.cells
    ]
    assert items[0] == {
        "pupil": "Pupil 00",
        "lesson_number": 1,
        "lesson_id": lesson.pk,
        "lesson": "Every activity",
        "status": "in_progress",
        "status_label": "In progress",
        "step": 2,
        "steps": lesson.last_step,
        "score": None,
        "quiz_attempts": None,
        "started_at": items[0]["started_at"],
        "completed_at": None,
        "completed_in_class": False,
        "taught_in_class_at": None,
    }
    assert items[0]["started_at"] is not None


def test_another_schools_work_does_not_exist(client, far_token, token, work, group, far_group):
    factories.pupil(group, "Isla")
    for url in (assignments_url(group), progress_url(work)):
        response = get(client, url, far_token)
        assert response.status_code == 404
        assert "Isla" not in response.text and "Test module" not in response.text
    assert get(client, assignments_url(far_group), token).status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer sw_wrong-but-well-formed", "Basic eDp5"])
def test_no_or_bad_token_is_refused(client, work, group, header):
    headers = {"Authorization": header} if header else {}
    for url in (assignments_url(group), progress_url(work)):
        assert client.get(url, headers=headers).status_code == 401


def test_revoked_token_and_staff_sessions_are_refused(client, token, work, group, school_admin):
    api_token_revoke(token=ApiToken.objects.get(token_hash=hash_api_token(token)))
    assert get(client, progress_url(work), token).status_code == 401
    client.force_login(school_admin)
    assert client.get(progress_url(work)).status_code == 401


def test_openapi_lists_the_new_endpoints(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/classes/{class_id}/assignments" in paths
    assert "/api/v1/assignments/{assignment_id}/progress" in paths
