"""The JSON API for school IT: per-school tokens, and nothing from any other school."""

import pytest
from django.urls import reverse
from django.utils import timezone

from schools.models import StaffRole
from teacher_portal.models import ApiToken, hash_api_token
from teacher_portal.services import api_token_create, api_token_revoke
from tests import factories

CLASSES = "/api/v1/classes"


def pupils_url(group):
    return f"/api/v1/classes/{group.pk}/pupils"


@pytest.fixture
def token(school, school_admin):
    return api_token_create(school=school, name="MIS sync", created_by=school_admin)[1]


@pytest.fixture
def far_token(other_school):
    return api_token_create(school=other_school, name="Elmwood IT", created_by=None)[1]


def get(client, url, token=None, **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(url, params, headers=headers)


def test_list_classes(client, token, group, senior_group, school, far_group):
    archived = factories.TeachingGroupFactory(school=school, name="Old", year_group=2)
    archived.archived_at = timezone.now()
    archived.save()
    response = get(client, CLASSES, token)
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {"id": group.pk, "name": "Kestrels", "year_group": 4},
            {"id": senior_group.pk, "name": "Hawks", "year_group": 7},
        ],
        "count": 2,
    }


def test_list_pupils_of_a_class_gives_name_and_year_only(client, token, group):
    factories.pupil(group, "Isla")
    factories.pupil(group, "Jack", year_group=5)
    archived = factories.pupil(group, "Gone").pupil
    archived.archived_at = timezone.now()
    archived.save()
    response = get(client, pupils_url(group), token)
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {"display_name": "Isla", "year_group": 4},
            {"display_name": "Jack", "year_group": 5},
        ],
        "count": 2,
    }


def test_pages(client, token, group):
    for number in range(60):
        factories.pupil(group, f"Pupil {number:02}")
    first = get(client, pupils_url(group), token).json()
    assert first["count"] == 60 and len(first["items"]) == 50
    second = get(client, pupils_url(group), token, page=2).json()
    assert [item["display_name"] for item in second["items"]] == [
        f"Pupil {n}" for n in range(50, 60)
    ]
    small = get(client, pupils_url(group), token, page=3, page_size=5).json()
    assert [item["display_name"] for item in small["items"]][0] == "Pupil 10"


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer ",
        "Bearer not-a-token",
        "Bearer sw_wrong-but-well-formed",
        "Basic dXNlcjpwYXNz",
    ],
)
def test_no_or_bad_token_is_refused(client, group, token, header):
    headers = {"Authorization": header} if header else {}
    for url in (CLASSES, pupils_url(group)):
        response = client.get(url, headers=headers)
        assert response.status_code == 401
        assert "Kestrels" not in response.text


def test_revoked_token_is_refused(client, token, group):
    api_token_revoke(token=ApiToken.objects.get(token_hash=hash_api_token(token)))
    assert get(client, CLASSES, token).status_code == 401
    assert get(client, pupils_url(group), token).status_code == 401


def test_a_school_cannot_read_another_school(client, far_token, token, group, far_group):
    factories.pupil(group, "Isla")
    # Elmwood's token sees only Elmwood's classes…
    listed = get(client, CLASSES, far_token).json()
    assert [item["name"] for item in listed["items"]] == ["Elm 4"]
    # …and Oakfield's class does not exist for it.
    response = get(client, pupils_url(group), far_token)
    assert response.status_code == 404
    assert "Isla" not in response.text
    assert get(client, pupils_url(far_group), token).status_code == 404


def test_staff_session_is_not_an_api_login(client, school_admin, group):
    client.force_login(school_admin)
    assert client.get(CLASSES).status_code == 401


def test_last_used_is_recorded(client, token):
    stored = ApiToken.objects.get(token_hash=hash_api_token(token))
    assert stored.last_used_at is None
    get(client, CLASSES, token)
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_openapi_document_is_served(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert "/api/v1/classes" in document["paths"]
    assert "/api/v1/classes/{class_id}/pupils" in document["paths"]
    assert document["components"]["securitySchemes"]["SchoolToken"]["scheme"] == "bearer"
    # No interactive docs page: it would load its code from a CDN.
    assert client.get("/api/v1/docs", follow=True).status_code == 404


class TestTokenManagement:
    def test_admin_makes_a_token_and_sees_it_once(self, client, school_admin, school, group):
        client.force_login(school_admin)
        response = client.post(reverse("teacher_portal:api_tokens"), {"name": "MIS sync"})
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        secret = response.text.split('<code class="token">')[1].split("</code>")[0]
        stored = ApiToken.objects.get(school=school)
        assert stored.name == "MIS sync" and stored.created_by == school_admin
        assert stored.token_hash == hash_api_token(secret) and secret not in stored.token_hash
        assert secret not in client.get(reverse("teacher_portal:api_tokens")).text
        assert get(client, CLASSES, secret).status_code == 200

    def test_admin_revokes_a_token(self, client, school_admin, token):
        stored = ApiToken.objects.get(token_hash=hash_api_token(token))
        client.force_login(school_admin)
        url = reverse("teacher_portal:api_token_revoke", args=[stored.pk])
        assert "Revoke token" in client.get(url).text
        client.post(url)
        stored.refresh_from_db()
        assert stored.revoked_at is not None
        assert get(client, CLASSES, token).status_code == 401

    def test_cannot_revoke_another_schools_token(self, client, school_admin, far_token):
        stored = ApiToken.objects.get(token_hash=hash_api_token(far_token))
        client.force_login(school_admin)
        url = reverse("teacher_portal:api_token_revoke", args=[stored.pk])
        assert client.post(url).status_code == 404
        stored.refresh_from_db()
        assert stored.revoked_at is None

    def test_another_schools_tokens_are_not_listed(self, client, school_admin, far_token):
        client.force_login(school_admin)
        assert "Elmwood IT" not in client.get(reverse("teacher_portal:api_tokens")).text

    def test_teachers_cannot_make_tokens(self, client, school):
        teacher = factories.staff(school, StaffRole.TEACHER)
        client.force_login(teacher)
        assert client.post(reverse("teacher_portal:api_tokens"), {"name": "x"}).status_code == 403
        assert not ApiToken.objects.exists()
