"""Wonde syncs against a local server that answers like Wonde (schools.wonde).

Fetching (pagination, includes, rate limits, errors), the first sync's preview and its apply,
the automatic syncs after it (movers, leavers, returning pupils), and failures that change
nothing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from schools.models import MisLink, Pupil, StaffRole, TeachingGroup, WondeConnection, WondeSync
from schools.wonde import client as client_module
from schools.wonde.secret import TokenUnreadable, token_decrypt
from schools.wonde.services import (
    AlreadyApplied,
    PreviewGone,
    connection_remove,
    connection_save,
    next_night,
    nightly_run,
    preview_apply,
    preview_plan,
    sync_request,
    sync_run,
)
from tests import factories
from tests.wonde_server import spring
from tests.wonde_server.records import TOKEN

Status = WondeSync.Status


@pytest.fixture
def school(db):
    return factories.SchoolFactory(name="Oakfield", slug="oakfield")


@pytest.fixture
def admin(school):
    return factories.staff(school, StaffRole.SCHOOL_ADMIN)


@pytest.fixture
def sam(school):
    return factories.staff(school, StaffRole.TEACHER, email="sam.reed@oakfield.example")


def connect(school, admin, server, *, token=TOKEN) -> WondeSync:
    sync = connection_save(school=school, user=admin, token=token, wonde_school_id=server.school.id)
    sync_run(sync_id=sync.pk)
    sync.refresh_from_db()
    return sync


def connect_and_apply(school, admin, server):
    sync = connect(school, admin, server)
    assert sync.status == Status.PREVIEW, sync.message
    return preview_apply(school=school, sync_id=sync.pk)


def run_now(school, admin=None) -> WondeSync:
    sync = sync_request(school=school, user=admin)
    sync_run(sync_id=sync.pk)
    sync.refresh_from_db()
    return sync


def pupils(school):
    return {
        p.display_name: sorted(g.name for g in p.teaching_groups.all())
        for p in Pupil.objects.filter(school=school, archived_at__isnull=True)
    }


# --- The first sync: a preview, then the admin applies it ----------------------------------


def test_the_first_sync_fetches_everything_and_waits_for_a_check(school, admin, sam, wonde_server):
    sync = connect(school, admin, wonde_server)

    assert sync.status == Status.PREVIEW
    assert sync.trigger == WondeSync.Trigger.FIRST
    assert sync.summary["new"] == 5 and sync.summary["problems"] == 0
    assert not Pupil.objects.filter(school=school).exists()  # nothing changed yet
    plan = preview_plan(sync=sync)
    assert sorted(p.name for p in plan.pupils_of("new")) == [
        "Amir K", "Ben O", "Isla M", "Jack T", "Zoe L",
    ]  # fmt: skip
    assert {p.name: p.year_group for p in plan.pupils}["Zoe L"] == 5
    assert [s.user for s in plan.staff] == [sam]
    # Wonde's documented includes and page size, with the token in the header only
    asked = {r["path"].rsplit("/", 1)[-1]: r["query"] for r in wonde_server.requests}
    assert asked["classes"]["include"] == "students,employees"
    assert asked["students"]["include"] == "year,education_details"
    assert "groups" not in asked  # classes come from Wonde classes unless the admin chooses
    assert asked["employees"]["include"] == "contact_details"
    assert asked["students"]["per_page"] == "200"
    assert all(r["authorised"] for r in wonde_server.requests)


def test_the_token_is_kept_encrypted_and_only_its_end_is_shown(school, admin, wonde_server):
    connect(school, admin, wonde_server)
    connection = WondeConnection.objects.get(school=school)
    assert TOKEN not in connection.token_encrypted
    assert connection.token_hint == TOKEN[-4:]
    assert token_decrypt(connection.token_encrypted) == TOKEN


def test_a_changed_secret_key_asks_for_the_token_again(school, admin, wonde_server, settings):
    connect(school, admin, wonde_server)
    settings.SECRET_KEY = "another-secret-key-entirely-0123456789-abcdefghijklmnop"
    with pytest.raises(TokenUnreadable):
        token_decrypt(WondeConnection.objects.get(school=school).token_encrypted)
    sync = run_now(school, admin)
    assert sync.status == Status.FAILED and "paste the token again" in sync.message


def test_applying_the_preview_syncs_the_school_and_starts_the_nightly_syncs(
    school, admin, sam, wonde_server
):
    result = connect_and_apply(school, admin, wonde_server)

    assert len(result.created) == 5
    assert pupils(school) == {
        "Isla M": ["Kestrels"], "Jack T": ["Kestrels"], "Amir K": ["Kestrels"],
        "Zoe L": ["Owls"], "Ben O": ["Owls"],
    }  # fmt: skip
    kestrels = TeachingGroup.objects.get(school=school, name="Kestrels")
    assert kestrels.year_group == 4 and list(kestrels.teachers.all()) == [sam]
    assert MisLink.objects.filter(school=school, source="wonde").count() == 7
    connection = WondeConnection.objects.get(school=school)
    assert connection.approved_at is not None
    nightly = DBTaskResult.objects.get(task_path="schools.wonde.tasks.wonde_nightly")
    assert nightly.run_after == connection.next_sync_at
    assert nightly.args_kwargs["kwargs"]["key"] == connection.schedule_key
    local = timezone.localtime(connection.next_sync_at)
    assert local.hour == 2 and connection.next_sync_at > timezone.now()
    sync = WondeSync.objects.get(school=school)
    assert sync.status == Status.APPLIED and sync.data == {}


def test_a_preview_applies_once(school, admin, wonde_server):
    sync = connect(school, admin, wonde_server)
    preview_apply(school=school, sync_id=sync.pk)
    with pytest.raises(AlreadyApplied):
        preview_apply(school=school, sync_id=sync.pk)
    assert Pupil.objects.filter(school=school).count() == 5


def test_another_schools_preview_cannot_be_applied(school, admin, wonde_server):
    sync = connect(school, admin, wonde_server)
    other = factories.SchoolFactory(name="Elm", slug="elm")
    with pytest.raises(PreviewGone):
        preview_apply(school=other, sync_id=sync.pk)
    assert not Pupil.objects.exists()


# --- After the first sync: automatic syncs ----------------------------------------------------


def test_a_later_sync_applies_movers_leavers_and_newcomers_by_itself(
    school, admin, sam, wonde_server
):
    connect_and_apply(school, admin, wonde_server)
    spring(wonde_server.school)

    sync = run_now(school, admin)

    assert sync.status == Status.APPLIED
    assert sync.trigger == WondeSync.Trigger.MANUAL
    assert sync.summary == {
        "new": 1, "moved": 1, "returning": 0, "leaving": 1, "unchanged": 3,
        "problems": 0, "classes_new": 0, "classes_closing": 0, "to_confirm": 0,
    }  # fmt: skip
    assert pupils(school) == {
        "Isla M": ["Kestrels"], "Jack T": ["Owls"], "Zoe L": ["Owls"], "Ben O": ["Owls"],
        "Mia P": ["Owls"],
    }  # fmt: skip
    amir = Pupil.objects.get(school=school, display_name="Amir K")
    assert amir.archived_at is not None  # archived, never deleted

    # Amir comes back next term
    wonde_server.school.student("S003", "Amir", "Khan", 4)
    wonde_server.school.classes["C001"]["students"].append("S003")
    sync = run_now(school, admin)
    assert sync.summary["returning"] == 1
    amir.refresh_from_db()
    assert amir.archived_at is None


def test_a_leaver_with_a_safeguarding_record_is_archived_never_deleted(school, admin, wonde_server):
    from safeguarding.models import Concern
    from safeguarding.services import concern_raise

    connect_and_apply(school, admin, wonde_server)
    amir = Pupil.objects.get(school=school, display_name="Amir K")
    dsl = factories.staff(school, StaffRole.DSL)
    concern = concern_raise(raised_by=dsl, pupil=amir, what_happened="A worry.")
    spring(wonde_server.school)

    run_now(school, admin)

    amir.refresh_from_db()
    assert amir.archived_at is not None
    assert Concern.objects.filter(pk=concern.pk, pupil=amir).exists()


def test_the_same_data_again_changes_nothing(school, admin, wonde_server):
    connect_and_apply(school, admin, wonde_server)
    before = pupils(school)
    sync = run_now(school, admin)
    assert sync.status == Status.APPLIED
    assert sync.summary["unchanged"] == 5 and sync.summary["new"] == 0
    assert pupils(school) == before


# --- Pagination and rate limits ---------------------------------------------------------------


def test_every_page_is_followed(school, admin, wonde_server, monkeypatch):
    monkeypatch.setattr(client_module, "PER_PAGE", 2)
    sync = connect(school, admin, wonde_server)
    assert sync.summary["new"] == 5
    assert wonde_server.pages_asked("students") == [1, 2, 3]
    assert wonde_server.pages_asked("classes") == [1]


def test_a_429_is_waited_out_and_the_page_asked_again(school, admin, wonde_server, monkeypatch):
    waits = []
    monkeypatch.setattr(client_module, "pause", waits.append)
    monkeypatch.setattr(client_module, "PER_PAGE", 2)
    wonde_server.faults.throttle_once = {"students:2"}
    wonde_server.faults.retry_after = 7

    sync = connect(school, admin, wonde_server)

    assert sync.status == Status.PREVIEW and sync.summary["new"] == 5
    assert wonde_server.pages_asked("students") == [1, 2, 2, 3]
    assert waits == [2]  # Retry-After 7, capped by STREAMWISE_WONDE_MAX_WAIT_SECONDS


def test_wonde_that_keeps_saying_slow_down_fails_kindly(school, admin, wonde_server, monkeypatch):
    monkeypatch.setattr(client_module, "pause", lambda seconds: None)
    monkeypatch.setattr(client_module, "RETRIES", 2)
    wonde_server.faults.throttle_once = {"classes:1"}
    original = wonde_server.handle

    def throttle_every_time(handler):
        wonde_server.faults.throttle_once.add("classes:1")
        original(handler)

    wonde_server.handle = throttle_every_time
    sync = connect(school, admin, wonde_server)
    assert sync.status == Status.FAILED
    assert "slow down" in sync.message and "Nothing was changed" in sync.message


def test_a_next_link_to_another_host_is_never_followed(school, admin, wonde_server, monkeypatch):
    """The token goes only to the configured API: a `next` elsewhere fails the sync."""
    asked = []
    monkeypatch.setattr(client_module, "PER_PAGE", 2)
    original = client_module.Client.get

    def get(self, url):
        asked.append(url)
        page = original(self, url)
        pagination = page.get("meta", {}).get("pagination", {})
        if pagination.get("next"):
            pagination["next"] = "http://elsewhere.example/v1.0/next"
        return page

    monkeypatch.setattr(client_module.Client, "get", get)
    sync = connect(school, admin, wonde_server)
    assert sync.status == Status.FAILED
    assert not any(r["path"] == "/v1.0/next" for r in wonde_server.requests)


# --- Errors: kind words, nothing changed -----------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("token", "didn't accept the token"),
        ("approval", "approve Streamwise's access"),
        ("school id", "doesn't know a school with the id"),
    ],
)
def test_errors_are_explained_and_change_nothing(school, admin, wonde_server, fault, words):
    token, school_id = TOKEN, wonde_server.school.id
    if fault == "token":
        token = "a-wrong-token-0123456789abcdef"
    elif fault == "approval":
        wonde_server.faults.approved = False
    else:
        school_id = "A0000000000"
    sync = connection_save(school=school, user=admin, token=token, wonde_school_id=school_id)
    sync_run(sync_id=sync.pk)
    sync.refresh_from_db()

    assert sync.status == Status.FAILED
    assert words in sync.message
    assert not Pupil.objects.filter(school=school).exists()
    assert token not in sync.message


def test_a_server_error_mid_pagination_changes_nothing(school, admin, wonde_server, monkeypatch):
    monkeypatch.setattr(client_module, "PER_PAGE", 2)
    connect_and_apply(school, admin, wonde_server)
    before = pupils(school)
    spring(wonde_server.school)
    wonde_server.faults.fail = {"students:2": 500}

    sync = run_now(school, admin)

    assert sync.status == Status.FAILED
    assert "error 500" in sync.message and "Nothing was changed" in sync.message
    assert wonde_server.pages_asked("students")[-1] == 2  # it stopped part way
    assert pupils(school) == before
    assert Pupil.objects.get(display_name="Amir K").archived_at is None


def test_a_fault_while_applying_rolls_everything_back(school, admin, wonde_server, monkeypatch):
    from schools.wonde import services

    connect_and_apply(school, admin, wonde_server)
    before = pupils(school)
    spring(wonde_server.school)
    real_apply = services.plan_apply

    def apply_then_fail(**kwargs):
        real_apply(**kwargs)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "plan_apply", apply_then_fail)
    with pytest.raises(RuntimeError):
        run_now(school, admin)

    sync = WondeSync.objects.filter(school=school).first()
    assert sync.status == Status.FAILED and "Nothing was changed" in sync.message
    assert pupils(school) == before


# --- One at a time, the nightly chain, disconnecting ------------------------------------------


def test_sync_now_while_a_sync_is_queued_queues_no_second(school, admin, wonde_server):
    connect_and_apply(school, admin, wonde_server)
    first = sync_request(school=school, user=admin)
    assert sync_request(school=school, user=admin).pk == first.pk


def test_the_nightly_task_runs_once_and_schedules_the_next(school, admin, wonde_server):
    connect_and_apply(school, admin, wonde_server)
    connection = WondeConnection.objects.get(school=school)
    key = connection.schedule_key

    assert nightly_run(connection_id=connection.pk, key="an-old-key") == "skipped"
    assert nightly_run(connection_id=connection.pk, key=key) == "queued"

    connection.refresh_from_db()
    assert connection.schedule_key != key
    sync = WondeSync.objects.filter(school=school).first()
    assert sync.trigger == WondeSync.Trigger.NIGHTLY and sync.status == Status.QUEUED
    assert nightly_run(connection_id=connection.pk, key=key) == "skipped"  # ran already


def test_a_lost_nightly_task_is_scheduled_again(school, admin, wonde_server):
    from schools.wonde.services import nightly_ensure

    connect_and_apply(school, admin, wonde_server)
    DBTaskResult.objects.all().delete()  # the chain broke
    WondeConnection.objects.filter(school=school).update(
        next_sync_at=timezone.now() - timedelta(days=1)
    )
    nightly_ensure(school=school)
    connection = WondeConnection.objects.get(school=school)
    assert connection.next_sync_at > timezone.now()
    assert DBTaskResult.objects.get().args_kwargs["kwargs"]["key"] == connection.schedule_key
    nightly_ensure(school=school)  # on time now: nothing more
    assert DBTaskResult.objects.count() == 1


def test_next_night_is_tonight_or_tomorrow_at_the_sync_hour(school, admin, wonde_server):
    connect_and_apply(school, admin, wonde_server)
    connection = WondeConnection.objects.get(school=school)
    evening = timezone.localtime().replace(hour=22, minute=0)
    due = timezone.localtime(next_night(connection=connection, now=evening))
    assert due.hour == 2 and due.date() == (evening + timedelta(days=1)).date()
    early = evening.replace(hour=1)
    assert timezone.localtime(next_night(connection=connection, now=early)).date() == early.date()


def test_disconnecting_forgets_the_token_and_keeps_the_pupils(school, admin, wonde_server):
    connect_and_apply(school, admin, wonde_server)
    connection = WondeConnection.objects.get(school=school)
    connection_remove(school=school)
    assert not WondeConnection.objects.filter(school=school).exists()
    assert Pupil.objects.filter(school=school).count() == 5
    assert nightly_run(connection_id=connection.pk, key=connection.schedule_key) == "skipped"
    assert WondeSync.objects.filter(school=school).exists()  # the change log stays
