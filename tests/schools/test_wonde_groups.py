"""Classes from Wonde's registration groups (forms), from its classes, or from both, synced
end to end against the local Wonde server (pagination, the type filter, errors)."""

from __future__ import annotations

import pytest

from schools.models import MisLink, Pupil, StaffRole, TeachingGroup, WondeConnection, WondeSync
from schools.wonde import client as client_module
from schools.wonde.services import (
    connection_save,
    groups_from_save,
    preview_apply,
    preview_plan,
    sync_request,
    sync_run,
)
from tests import factories
from tests.wonde_server.records import TOKEN

Status = WondeSync.Status
GroupsFrom = WondeConnection.GroupsFrom


@pytest.fixture
def school(db):
    return factories.SchoolFactory(name="Oakfield", slug="oakfield")


@pytest.fixture
def admin(school):
    return factories.staff(school, StaffRole.SCHOOL_ADMIN)


@pytest.fixture
def sam(school):
    return factories.staff(school, StaffRole.TEACHER, email="sam.reed@oakfield.example")


def first_sync(school, admin, server, groups_from) -> WondeSync:
    sync = connection_save(school=school, user=admin, token=TOKEN, wonde_school_id=server.school.id)
    WondeConnection.objects.filter(school=school).update(groups_from=groups_from)
    sync_run(sync_id=sync.pk)
    sync.refresh_from_db()
    return sync


def run(sync) -> WondeSync:
    sync_run(sync_id=sync.pk)
    sync.refresh_from_db()
    return sync


def pupils(school):
    return {
        p.display_name: sorted(g.name for g in p.teaching_groups.all())
        for p in Pupil.objects.filter(school=school, archived_at__isnull=True)
    }


def test_registration_groups_become_the_classes_with_their_tutors(school, admin, sam, wonde_server):
    sync = first_sync(school, admin, wonde_server, GroupsFrom.REGISTRATION)

    assert sync.status == Status.PREVIEW, sync.message
    plan = preview_plan(sync=sync)
    assert sorted((c.title, c.kind, c.year_group) for c in plan.classes) == [
        ("4M", "new", 4),
        ("5P", "new", 5),
    ]  # fmt: skip  (the YEAR and HOUSE groups are not classes)
    assert [(s.user, s.classes) for s in plan.staff] == [(sam, ["4M"])]
    groups_asked = [r["query"] for r in wonde_server.requests if r["path"].endswith("/groups")]
    assert groups_asked == [
        {"type": "REGISTRATION", "include": "students,employees", "per_page": "200"}
    ]
    assert not any(r["path"].endswith("/classes") for r in wonde_server.requests)

    preview_apply(school=school, sync_id=sync.pk)
    assert pupils(school) == {
        "Isla M": ["4M"], "Jack T": ["4M"], "Amir K": ["4M"], "Zoe L": ["5P"], "Ben O": ["5P"],
    }  # fmt: skip
    form = TeachingGroup.objects.get(school=school, name="4M")
    assert list(form.teachers.all()) == [sam]
    assert MisLink.objects.get(teaching_group=form).sourced_id == "group:G001"


def test_every_page_of_groups_is_followed(school, admin, wonde_server, monkeypatch):
    monkeypatch.setattr(client_module, "PER_PAGE", 1)
    wonde_server.school.group("G009", "6R", students=[])
    sync = first_sync(school, admin, wonde_server, GroupsFrom.REGISTRATION)
    assert sync.status == Status.PREVIEW
    assert wonde_server.pages_asked("groups") == [1, 2, 3]
    titles = sorted(c.title for c in preview_plan(sync=sync).classes)
    assert titles == ["4M", "5P"]  # 6R has no pupils, so no year group: listed as a problem


def test_groups_of_another_type_are_never_classes_even_if_wonde_sends_them(
    school, admin, wonde_server
):
    """Should the type filter be ignored, the sync still keeps registration groups only."""
    original_handle = wonde_server.handle

    def without_type(handler):
        handler.path = handler.path.replace("type=REGISTRATION&", "")
        original_handle(handler)

    wonde_server.handle = without_type
    sync = first_sync(school, admin, wonde_server, GroupsFrom.REGISTRATION)
    asked = [r["query"] for r in wonde_server.requests if r["path"].endswith("/groups")]
    assert asked and "type" not in asked[0]  # Wonde sent the YEAR and HOUSE groups too
    assert sorted(c.title for c in preview_plan(sync=sync).classes) == ["4M", "5P"]


def test_both_classes_and_groups_and_a_form_called_like_a_class_is_that_class(
    school, admin, sam, wonde_server
):
    wonde_server.school.group("G005", "Owls", students=["S004", "S005"], employees=["E001"])
    sync = first_sync(school, admin, wonde_server, GroupsFrom.BOTH)
    plan = preview_plan(sync=sync)
    assert sorted(c.title for c in plan.classes) == ["4M", "5P", "Kestrels", "Owls"]
    assert not plan.problems

    preview_apply(school=school, sync_id=sync.pk)
    assert pupils(school)["Zoe L"] == ["5P", "Owls"]
    assert pupils(school)["Isla M"] == ["4M", "Kestrels"]
    owls = TeachingGroup.objects.get(school=school, name="Owls")
    assert list(owls.teachers.all()) == [sam]  # the form's tutor teaches the class it is
    assert owls.pupils.count() == 2


def test_changing_to_registration_groups_previews_first_then_moves_everyone(
    school, admin, sam, wonde_server
):
    sync = first_sync(school, admin, wonde_server, GroupsFrom.CLASSES)
    preview_apply(school=school, sync_id=sync.pk)
    connection = WondeConnection.objects.get(school=school)
    assert connection.approved_at is not None

    changed = groups_from_save(school=school, user=admin, groups_from=GroupsFrom.REGISTRATION)
    connection.refresh_from_db()
    assert connection.approved_at is None and connection.schedule_key == ""
    changed = run(changed)
    assert changed.status == Status.PREVIEW  # not applied by itself
    assert pupils(school)["Isla M"] == ["Kestrels"]
    plan = preview_plan(sync=changed)
    assert sorted((c.title, c.kind) for c in plan.classes) == [
        ("4M", "new"), ("5P", "new"), ("Kestrels", "closing"), ("Owls", "closing"),
    ]  # fmt: skip
    assert plan.counts["moved"] == 5 and plan.counts["new"] == 0

    preview_apply(school=school, sync_id=changed.pk)
    assert pupils(school)["Isla M"] == ["4M"]
    assert TeachingGroup.objects.get(name="Kestrels").archived_at is not None
    assert Pupil.objects.filter(school=school).count() == 5
    assert WondeConnection.objects.get(school=school).approved_at is not None
    # The same choice again changes nothing and queues nothing
    assert groups_from_save(school=school, user=admin, groups_from="registration") is None

    # Nightly syncs from now on follow the forms
    wonde_server.school.groups["G001"]["students"].remove("S002")
    wonde_server.school.groups["G002"]["students"].append("S002")
    later = run(sync_request(school=school, user=admin))
    assert later.status == Status.APPLIED
    assert pupils(school)["Jack T"] == ["5P"]


def test_an_error_fetching_groups_changes_nothing(school, admin, wonde_server):
    sync = first_sync(school, admin, wonde_server, GroupsFrom.CLASSES)
    preview_apply(school=school, sync_id=sync.pk)
    before = pupils(school)
    wonde_server.faults.fail = {"groups:1": 502}

    changed = run(groups_from_save(school=school, user=admin, groups_from="both"))

    assert changed.status == Status.FAILED and "error 502" in changed.message
    assert pupils(school) == before
