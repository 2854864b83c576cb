"""School admin pages for Wonde: connect, watch the sync, check and apply the first one."""

import logging

import pytest
from django.urls import reverse

from schools.models import Pupil, WondeConnection, WondeSync
from tests import factories
from tests.wonde_server.records import TOKEN, wonde_preview_sync

HOME = reverse("teacher_portal:wonde_home")
STATUS = reverse("teacher_portal:wonde_status")
SYNC_NOW = reverse("teacher_portal:wonde_sync_now")
APPLY = reverse("teacher_portal:wonde_apply")
DISCONNECT = reverse("teacher_portal:wonde_disconnect")


def connect(client, server, token=TOKEN):
    return client.post(HOME, {"token": token, "wonde_school_id": server.school.id})


def test_connect_fetch_check_and_apply(
    admin_client,
    school,
    wonde_server,
    caplog,
    run_tasks,
):
    caplog.set_level(logging.DEBUG)
    response = connect(admin_client, wonde_server)
    assert response.status_code == 302 and response.url == HOME
    page = admin_client.get(HOME)
    assert "Syncing with Wonde" in page.text and 'hx-trigger="every 2s"' in page.text

    run_tasks()
    status = admin_client.get(STATUS)
    assert "Check the changes" in status.text and "every 2s" not in status.text
    sync = WondeSync.objects.get(school=school)
    preview = admin_client.get(reverse("teacher_portal:wonde_preview", args=[sync.pk]))
    assert "5 new pupils" in preview.text and "Kestrels" in preview.text
    done = admin_client.post(APPLY, {"sync": sync.pk})
    assert done.status_code == 200 and "5 added" in done.text
    again = admin_client.post(APPLY, {"sync": sync.pk}, follow=True)
    assert "already been applied" in again.text
    assert Pupil.objects.filter(school=school).count() == 5

    page = admin_client.get(HOME)
    assert TOKEN not in page.text and f"…{TOKEN[-4:]}" in page.text
    assert "Applied" in page.text and "On: next at" in page.text
    assert TOKEN not in caplog.text


def test_a_wrong_token_fails_kindly_on_the_page(
    admin_client,
    school,
    wonde_server,
    run_tasks,
):
    connect(admin_client, wonde_server, token="not-the-right-token-0123456789")
    run_tasks()
    page = admin_client.get(HOME)
    assert "Wonde didn&#x27;t accept the token" in page.text
    assert not Pupil.objects.filter(school=school).exists()


def test_half_a_token_is_refused_on_the_form(admin_client, school):
    response = admin_client.post(HOME, {"token": "abc 123", "wonde_school_id": "A1?"})
    assert response.status_code == 200
    assert "a whole Wonde token" in response.text and "letters and numbers only" in response.text
    assert not WondeConnection.objects.exists()


def test_sync_now_needs_a_connection(admin_client, school):
    response = admin_client.post(SYNC_NOW, follow=True)
    assert "Connect to Wonde first" in response.text
    assert not WondeSync.objects.exists()


def test_another_schools_preview_is_not_there(admin_client, school):
    other = factories.SchoolFactory(name="Elm", slug="elm")
    sync = wonde_preview_sync(other)
    response = admin_client.get(reverse("teacher_portal:wonde_preview", args=[sync.pk]))
    assert response.status_code == 404
    admin_client.post(APPLY, {"sync": sync.pk})
    assert not Pupil.objects.exists()
    sync.refresh_from_db()
    assert sync.status == WondeSync.Status.PREVIEW


def test_disconnect(admin_client, school):
    wonde_preview_sync(school)
    response = admin_client.post(DISCONNECT, follow=True)
    assert "Disconnected from Wonde" in response.text
    assert not WondeConnection.objects.filter(school=school).exists()
    assert WondeSync.objects.get(school=school).status == WondeSync.Status.SUPERSEDED


@pytest.mark.parametrize("url", [HOME, STATUS])
def test_teachers_cannot_see_the_wonde_pages(teacher_client, url):
    assert teacher_client.get(url).status_code == 403


def test_problems_name_wonde_lists_not_files(admin_client, school, wonde_server, run_tasks):
    wonde_server.school.student("S099", "Noor", "Ali", 4)  # in no class
    wonde_server.school.student("S098", "=cmd", "Evil", 4)
    wonde_server.school.classes["C001"]["students"].append("S098")
    connect(admin_client, wonde_server)
    run_tasks()
    sync = WondeSync.objects.get(school=school)
    preview = admin_client.get(reverse("teacher_portal:wonde_preview", args=[sync.pk]))
    assert "2 rows have problems" in preview.text
    assert "Noor A" in preview.text and "Wonde pupils and staff" in preview.text
    assert "Wonde class lists" in preview.text  # "isn't in any of your classes in …"
    assert ".csv" not in preview.text
    assert "spreadsheets run as a formula" in preview.text
