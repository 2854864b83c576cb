"""OneRoster CSV bulk zips: reading, the sync plan, applying it (schools.oneroster)."""

from __future__ import annotations

import io
import zipfile

import pytest

from schools.models import MisLink, Pupil, RosterUpload, StaffRole, TeachingGroup
from schools.oneroster import apply as apply_module
from schools.oneroster.apply import AlreadyApplied, upload_apply, upload_keep
from schools.oneroster.reader import OneRosterFileError, read_bundle
from schools.oneroster.sync import parse_grade, plan_sync
from tests import factories

from .oneroster_files import COLUMNS, autumn, build_zip, csv_bytes, klass, spring, student


@pytest.fixture
def school(db):
    return factories.SchoolFactory(name="Oakfield", slug="oakfield")


@pytest.fixture
def admin(school):
    return factories.staff(school, StaffRole.SCHOOL_ADMIN)


@pytest.fixture
def sam(school):
    return factories.staff(school, StaffRole.TEACHER, email="sam.reed@oakfield.example")


def plan(school, data):
    return plan_sync(school=school, bundle=read_bundle(data))


def sync(school, admin, data):
    upload = upload_keep(school=school, user=admin, filename="roster.zip", data=data)
    return upload_apply(school=school, user=admin, key=upload.key)


def names(plans):
    return sorted(p.name for p in plans)


# --- Reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_both_versions_are_read(version):
    bundle = read_bundle(autumn(version))
    assert bundle.version == version
    assert {"orgs", "classes", "users", "enrollments", "academicSessions"} <= set(bundle.tables)
    assert ("roles" in bundle.tables) == (version == "1.2")
    line, cells = bundle.rows("users")[0]
    assert line == 2 and cells["givenName"] == "Isla"  # the byte order mark is not in a column


def test_grades_are_ceds_codes_or_english_year_groups():
    assert parse_grade("KG") == 1
    assert parse_grade("PK") == 0
    assert parse_grade("04") == 5
    assert parse_grade("Year 4") == 4
    assert parse_grade("R") == 0
    assert parse_grade("13") is None


def _refused(data, *words):
    with pytest.raises(OneRosterFileError) as error:
        read_bundle(data)
    for word in words:
        assert word in str(error.value)
    return str(error.value)


def test_a_file_over_the_limit_is_refused_kindly(settings):
    settings.STREAMWISE_ONEROSTER_MAX_BYTES = 20_000_000
    message = _refused(b"x" * 50_000_001, "too big", "50.0 MB", "20 MB")
    assert "export" in message


def test_not_a_zip():
    _refused(b"Name,Year group\n", "isn't a zip file")


def test_no_manifest():
    _refused(autumn(leave_out=("manifest.csv",)), "manifest.csv")


def test_an_unknown_version():
    _refused(autumn(manifest={"oneroster.version": "1.0"}), "“1.0”", "1.1 and 1.2")


def test_a_delta_export_is_refused():
    _refused(autumn(manifest={"file.users": "delta"}), "users.csv", "delta")


def test_a_missing_file():
    _refused(autumn(leave_out=("enrollments.csv",)), "enrollments.csv")
    _refused(autumn("1.2", leave_out=("roles.csv",)), "roles.csv")


def test_missing_columns_per_version():
    # A 1.2 users.csv (no role, no orgSourcedIds) in a zip that says 1.1
    users = csv_bytes(COLUMNS["users_1.2"], [student("s1", "Isla", "Morgan")])
    _refused(autumn(replace={"users.csv": users}), "users.csv", "orgSourcedIds, role", "1.1")
    # …and the same file is fine as 1.2
    assert read_bundle(autumn("1.2", replace={"users.csv": users})).version == "1.2"


def test_not_utf8_is_refused_with_the_file_name():
    latin = csv_bytes(COLUMNS["users_1.1"], [], bom=False) + "Zoë,,\r\n".encode("latin-1")
    _refused(autumn(replace={"users.csv": latin}), "users.csv", "UTF-8")


def test_a_zip_bomb_is_refused(settings):
    settings.STREAMWISE_ONEROSTER_MAX_UNZIPPED_BYTES = 1000
    _refused(autumn(replace={"courses.csv": b"a" * 5000}), "too big")


def test_files_in_a_folder_inside_the_zip_are_found():
    inner = zipfile.ZipFile(io.BytesIO(autumn()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in inner.namelist():
            archive.writestr(f"export/{name}", inner.read(name))
    assert read_bundle(out.getvalue()).version == "1.1"


# --- The plan ---------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_a_first_sync_plans_classes_pupils_and_staff(school, sam, version):
    result = plan(school, autumn(version))
    assert names(result.pupils_of("new")) == ["Amir K", "Isla M", "Jack T"]
    assert [(c.kind, c.title, c.year_group) for c in result.classes] == [
        ("new", "Kestrels", 5),
        ("new", "Owls", 6),
    ]
    assert [(s.user, s.classes) for s in result.staff] == [(sam, ["Kestrels"])]
    assert not result.problems
    assert result.has_changes


def test_unknown_staff_are_listed_not_created(school):
    result = plan(school, autumn())
    assert result.staff[0].user is None
    assert result.staff[0].email == "sam.reed@oakfield.example"


def test_rows_with_problems_say_which_file_line_and_why(school, other_school=None):
    users = [
        student("s1", "Isla", "Morgan"),
        student("s1", "Isla", "Again"),  # duplicate sourcedId
        student("s2", "", "Taylor"),  # no given name
        student("s3", "=HYPERLINK(1)", "X"),  # formula
        student("s4", "Ava", "@cmd"),  # formula in the family name
        student("s5", "Both", "Schools", org="org-oak,org-elm"),  # two schools
    ]
    orgs = [
        {"sourcedId": "org-oak", "name": "Oakfield", "type": "school"},
        {"sourcedId": "org-elm", "name": "Elmwood", "type": "school"},
    ]
    data = build_zip(
        classes=[klass("c-a", "Kestrels")],
        users=users,
        orgs=orgs,
        enrollments=[("c-a", s, "student") for s in ("s1", "s2", "s3", "s4", "s5")]
        + [("c-zz", "s1", "student")],
    )
    result = plan(school, data)
    problems = {(p.file, p.line): p.message for p in result.problems}
    assert "also on line 2" in problems[("users.csv", 3)]
    assert "no givenName" in problems[("users.csv", 4)]
    assert "“=”" in problems[("users.csv", 5)] and "formula" in problems[("users.csv", 5)]
    assert "“@”" in problems[("users.csv", 6)]
    assert "Elmwood" in problems[("users.csv", 7)]
    assert "no class with sourcedId c-zz" in problems[("enrollments.csv", 7)]
    assert names(result.pupils_of("new")) == ["Isla M"]


def test_two_pupils_with_the_same_initial_get_their_family_names(school):
    data = build_zip(
        classes=[klass("c-a", "Kestrels")],
        users=[student("s1", "Isla", "Morgan"), student("s2", "Isla", "Moss")],
        enrollments=[("c-a", "s1", "student"), ("c-a", "s2", "student")],
    )
    assert names(plan(school, data).pupils_of("new")) == ["Isla Morgan", "Isla Moss"]


def test_pupils_and_classes_typed_in_by_hand_are_linked_not_duplicated(school, admin):
    group = factories.TeachingGroupFactory(school=school, name="Kestrels", year_group=4)
    isla = factories.pupil(group, "Isla M").pupil
    result = plan(school, autumn())
    assert [(c.kind, c.title) for c in result.classes][0] == ("link", "Kestrels")
    linked = [p for p in result.pupils if p.pupil == isla]
    assert linked and linked[0].link
    sync(school, admin, autumn())
    assert Pupil.objects.filter(school=school).count() == 3
    assert TeachingGroup.objects.filter(school=school).count() == 2
    assert MisLink.objects.get(pupil=isla).sourced_id == "s1"


# --- Applying ---------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.1", "1.2"])
def test_a_sync_then_next_terms_sync_moves_archives_and_returns(school, admin, sam, version):
    result = sync(school, admin, autumn(version))
    assert len(result.created) == 3
    kestrels = TeachingGroup.objects.get(school=school, name="Kestrels")
    owls = TeachingGroup.objects.get(school=school, name="Owls")
    assert list(kestrels.teachers.all()) == [sam]
    isla = Pupil.objects.get(display_name="Isla M")
    assert isla.picture_password  # a 9-year-old logs in with pictures, as the CSV import does
    assert list(isla.teaching_groups.all()) == [kestrels]

    # The same file again changes nothing
    again = plan(school, autumn(version))
    assert not again.has_changes
    assert again.counts["unchanged"] == 3

    # Next term: Jack moves to Owls, Amir leaves, Sam also teaches Owls
    preview = plan(school, spring(version))
    assert names(preview.pupils_of("moved")) == ["Jack T"]
    assert names(preview.pupils_of("leaving")) == ["Amir K"]
    sync(school, admin, spring(version))
    jack = Pupil.objects.get(display_name="Jack T")
    assert list(jack.teaching_groups.all()) == [owls]
    amir = Pupil.objects.get(display_name="Amir K")
    assert amir.archived_at is not None and not amir.user.is_active
    assert list(owls.teachers.all()) == [sam]
    assert not plan(school, spring(version)).has_changes

    # Amir comes back
    preview = plan(school, autumn(version))
    assert names(preview.pupils_of("returning")) == ["Amir K"]
    sync(school, admin, autumn(version))
    amir.refresh_from_db()
    assert amir.archived_at is None and amir.user.is_active
    assert Pupil.objects.filter(school=school).count() == 3  # nobody twice
    assert list(jack.teaching_groups.all()) == [kestrels]


def test_a_leaver_with_a_safeguarding_record_is_archived_never_deleted(school, admin, sam):
    from safeguarding.models import Concern
    from safeguarding.services import concern_raise

    sync(school, admin, autumn())
    amir = Pupil.objects.get(display_name="Amir K")
    dsl = factories.staff(school, StaffRole.DSL)
    concern = concern_raise(raised_by=dsl, pupil=amir, what_happened="A worry.")
    sync(school, admin, spring())
    amir.refresh_from_db()
    assert amir.archived_at is not None
    assert Concern.objects.filter(pk=concern.pk, pupil=amir).exists()


def test_hand_added_pupils_are_never_archived_by_a_sync(school, admin):
    group = factories.TeachingGroupFactory(school=school, name="Robins", year_group=2)
    zoe = factories.pupil(group, "Zoe A").pupil
    sync(school, admin, autumn())
    sync(school, admin, spring())
    zoe.refresh_from_db()
    assert zoe.archived_at is None


def test_an_error_in_the_middle_changes_nothing(school, admin, monkeypatch):
    sync(school, admin, autumn())
    before = {
        p.display_name: (p.archived_at, sorted(p.teaching_groups.values_list("name", flat=True)))
        for p in Pupil.objects.filter(school=school)
    }

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(apply_module, "pupil_archive", broken)  # after the move, before the end
    upload = upload_keep(school=school, user=admin, filename="spring.zip", data=spring())
    with pytest.raises(RuntimeError):
        upload_apply(school=school, user=admin, key=upload.key)
    after = {
        p.display_name: (p.archived_at, sorted(p.teaching_groups.values_list("name", flat=True)))
        for p in Pupil.objects.filter(school=school)
    }
    assert after == before
    assert RosterUpload.objects.get(pk=upload.pk).applied_at is None


def test_a_double_submit_applies_once(school, admin):
    upload = upload_keep(school=school, user=admin, filename="autumn.zip", data=autumn())
    upload_apply(school=school, user=admin, key=upload.key)
    with pytest.raises(AlreadyApplied):
        upload_apply(school=school, user=admin, key=upload.key)
    assert Pupil.objects.filter(school=school).count() == 3
    assert RosterUpload.objects.get(pk=upload.pk).data in (b"", memoryview(b""))


def test_an_upload_belongs_to_who_uploaded_it(school, admin):
    from schools.oneroster.apply import UploadGone

    other_admin = factories.staff(school, StaffRole.SCHOOL_ADMIN)
    upload = upload_keep(school=school, user=admin, filename="autumn.zip", data=autumn())
    with pytest.raises(UploadGone):
        upload_apply(school=school, user=other_admin, key=upload.key)


def test_a_pupil_moving_up_to_11_plus_gets_a_password_with_their_cards(school, admin):
    sync(school, admin, autumn())
    isla = Pupil.objects.get(display_name="Isla M")
    data = autumn(
        users=[student("s1", "Isla", "Morgan", grade="06")],
        classes=[klass("c-a", "Kestrels")],
        enrollments=[("c-a", "s1", "student")],
    )
    sync(school, admin, data)
    isla.refresh_from_db()
    assert isla.year_group == 7 and not isla.picture_password and not isla.password_hash


def test_teachers_follow_the_file_and_hand_picked_teachers_stay(school, admin, sam):
    sync(school, admin, autumn())
    kestrels = TeachingGroup.objects.get(school=school, name="Kestrels")
    helper = factories.staff(school, StaffRole.TEACHER)  # not in the MIS file
    kestrels.teachers.add(helper)
    owls_only = autumn(
        enrollments=[
            ("c-a", "s1", "student"),
            ("c-a", "s2", "student"),
            ("c-b", "s3", "student"),
            ("c-b", "t1", "teacher"),
        ]
    )
    sync(school, admin, owls_only)
    assert set(kestrels.teachers.all()) == {helper}
    assert list(TeachingGroup.objects.get(school=school, name="Owls").teachers.all()) == [sam]


def test_a_file_of_several_schools_must_name_this_one(school):
    orgs = [
        {"sourcedId": "org-x", "name": "Ashdown", "type": "school"},
        {"sourcedId": "org-y", "name": "Birchfield", "type": "school"},
    ]
    with pytest.raises(OneRosterFileError, match="Ashdown, Birchfield"):
        plan(school, autumn(orgs=orgs))


def test_unknown_users_and_duplicate_class_titles_are_problems(school):
    data = build_zip(
        classes=[klass("c-a", "Kestrels"), klass("c-b", "Kestrels")],
        users=[student("s1", "Isla", "Morgan")],
        enrollments=[("c-a", "s1", "student"), ("c-a", "ghost", "student")],
    )
    problems = {(p.file, p.line): p.message for p in plan(school, data).problems}
    assert "same title" in problems[("classes.csv", 3)]
    assert "no user with sourcedId ghost" in problems[("enrollments.csv", 3)]
