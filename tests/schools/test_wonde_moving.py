"""A school that imported its pupils from OneRoster connects Wonde: the same children are the
same pupils (by UPN, by MIS id and name, or by name and class once the admin confirms), their
progress and safeguarding records stay, and two children are never merged on a name alone."""

from __future__ import annotations

import pytest

from schools.models import MisLink, Pupil, StaffRole, TeachingGroup, WondeSync
from schools.oneroster.apply import upload_apply, upload_keep
from schools.wonde.matching import UPN_LETTERS, upn
from schools.wonde.services import (
    connection_save,
    preview_apply,
    preview_plan,
    sync_request,
    sync_run,
)
from tests import factories
from tests.wonde_server.records import TOKEN

from .oneroster_files import build_zip, klass, student

Status = WondeSync.Status


def valid_upn(twelve: str) -> str:
    """A UPN with its check letter, worked out here from the rule DfE publishes."""
    values = [int(c) if c.isdigit() else UPN_LETTERS.index(c) for c in twelve]
    total = sum(value * position for position, value in enumerate(values, start=2))
    return UPN_LETTERS[total % 23] + twelve


# OneRoster grades are US grades (CEDS): grade 3 is Year 4 in England.
Y4, Y5 = "03", "04"
ISLA_UPN = valid_upn("820200126001")
AMIR_UPN = valid_upn("820200126003")


@pytest.fixture
def school(db):
    return factories.SchoolFactory(name="Oakfield", slug="oakfield")


@pytest.fixture
def admin(school):
    return factories.staff(school, StaffRole.SCHOOL_ADMIN)


def oneroster_import(school, admin, users, enrollments):
    data = build_zip(
        classes=[klass("c-k", "Kestrels", grade=Y4), klass("c-o", "Owls", grade=Y5)],
        users=users,
        enrollments=enrollments,
    )
    upload = upload_keep(school=school, user=admin, filename="sds.zip", data=data)
    return upload_apply(school=school, user=admin, key=upload.key)


def the_same_children(school, admin):
    """The Wonde test school's five children, as an SDS export had them."""
    oneroster_import(
        school,
        admin,
        [
            student("sds-1", "Isla", "Morgan", grade=Y4, identifier=ISLA_UPN),
            student("2002", "Jack", "Turner", grade=Y4),  # the MIS id as sourcedId
            student("sds-3", "Amir", "Khan", grade=Y4),
            student("sds-4", "Zoe", "Lee", grade=Y5),
            student("sds-5", "Ben", "Okafor", grade=Y5),
        ],
        [("c-k", "sds-1", "student"), ("c-k", "2002", "student"), ("c-k", "sds-3", "student")]
        + [("c-o", "sds-4", "student"), ("c-o", "sds-5", "student")],
    )


def connect(school, admin, server) -> WondeSync:
    sync = connection_save(school=school, user=admin, token=TOKEN, wonde_school_id=server.school.id)
    sync_run(sync_id=sync.pk)
    sync.refresh_from_db()
    assert sync.status == Status.PREVIEW, sync.message
    return sync


def test_upns_are_checked_before_they_are_trusted():
    assert upn(ISLA_UPN) == ISLA_UPN
    # Worked by hand: 8·2 + 2·3 + 2·5 + 1·8 + 2·9 + 6·10 + 3·13 = 157; 157 mod 23 = 19 → W
    assert upn("W820200126003") == "W820200126003"
    assert upn("w 8202 0012 6003") == "W820200126003"
    assert upn(ISLA_UPN.lower()) == ISLA_UPN
    wrong = ("B" if ISLA_UPN[0] != "B" else "C") + ISLA_UPN[1:]
    assert upn(wrong) == ""
    assert upn("1234") == upn("") == upn("A12345678901") == ""


def test_a_oneroster_school_moves_to_wonde_without_a_single_duplicate(school, admin, wonde_server):
    from lessons.loader import curriculum_load
    from lessons.models import LessonPage, LessonProgress
    from safeguarding.models import Concern
    from safeguarding.services import concern_raise
    from tests.lessons.conftest import FIXTURE_CURRICULUM

    the_same_children(school, admin)
    isla = Pupil.objects.get(school=school, display_name="Isla M")
    jack = Pupil.objects.get(school=school, display_name="Jack T")
    amir = Pupil.objects.get(school=school, display_name="Amir K")
    assert isla.mis_link.identifier == ISLA_UPN  # the OneRoster identifier is kept
    curriculum_load(directory=FIXTURE_CURRICULUM)
    lesson = LessonPage.objects.get(slug="every-activity")
    LessonProgress.objects.create(pupil=isla, lesson=lesson, status="completed", current_step=3)
    dsl = factories.staff(school, StaffRole.DSL)
    concern = concern_raise(raised_by=dsl, pupil=jack, what_happened="A worry.")

    wonde = wonde_server.school
    wonde.student("S001", "Isla", "Morgan", 4, upn=ISLA_UPN)
    wonde.student("S002", "Jack", "Turner", 4, mis_id="2002")
    sync = connect(school, admin, wonde_server)

    plan = preview_plan(sync=sync)
    assert plan.counts["new"] == 0 and not plan.problems
    handed = {p.name: p.pupil for p in plan.pupils if p.link}
    assert handed == {"Isla M": isla, "Jack T": jack}  # UPN; MIS id and the same name
    assert [(c.name, c.pupil, c.classes, c.pupil_classes) for c in plan.to_confirm] == [
        ("Amir K", amir, ["Kestrels"], ["Kestrels"]),
        ("Ben O", Pupil.objects.get(display_name="Ben O"), ["Owls"], ["Owls"]),
        ("Zoe L", Pupil.objects.get(display_name="Zoe L"), ["Owls"], ["Owls"]),
    ]
    assert {c.kind for c in plan.classes} == {"link"}  # the OneRoster classes, handed over
    assert plan.recognised == [
        ("Isla M", "Isla M", "Same UPN"),
        ("Jack T", "Jack T", "Same MIS id and name"),
    ]

    preview_apply(school=school, sync_id=sync.pk, confirmed={"S003", "S004", "S005"})

    assert Pupil.objects.filter(school=school).count() == 5  # no duplicates
    assert TeachingGroup.objects.filter(school=school).count() == 2
    assert set(MisLink.objects.filter(school=school).values_list("source", flat=True)) == {"wonde"}
    assert MisLink.objects.get(pupil=isla).sourced_id == "S001"
    assert MisLink.objects.get(pupil=isla).identifier == ""  # the UPN is not kept past matching
    assert MisLink.objects.get(pupil=amir).sourced_id == "S003"
    assert LessonProgress.objects.get(pupil=isla).status == "completed"  # progress kept
    assert Concern.objects.filter(pk=concern.pk, pupil=jack).exists()  # and the record

    # From now on the nightly sync knows them all by their Wonde ids
    later = sync_request(school=school, user=admin)
    sync_run(sync_id=later.pk)
    later.refresh_from_db()
    assert later.status == Status.APPLIED
    assert later.summary["unchanged"] == 5 and later.summary["new"] == 0


def test_unconfirmed_matches_are_left_out_not_added_and_not_merged(school, admin, wonde_server):
    the_same_children(school, admin)
    wonde_server.school.student("S002", "Jack", "Turner", 4, mis_id="2002")
    sync = connect(school, admin, wonde_server)
    assert len(preview_plan(sync=sync).to_confirm) == 4  # Isla has no UPN in Wonde here

    preview_apply(school=school, sync_id=sync.pk, confirmed={"S004"})

    assert Pupil.objects.filter(school=school).count() == 5
    links = dict(
        MisLink.objects.filter(pupil__isnull=False).values_list("pupil__display_name", "source")
    )
    assert links == {
        "Isla M": "oneroster", "Jack T": "wonde", "Amir K": "oneroster", "Zoe L": "wonde",
        "Ben O": "oneroster",
    }  # fmt: skip
    # Jack matched by his MIS id; an automatic sync lists the others as problems, never adds
    later = sync_request(school=school, user=admin)
    sync_run(sync_id=later.pk)
    later.refresh_from_db()
    assert later.status == Status.APPLIED
    assert later.summary["problems"] == 3 and later.summary["new"] == 0
    assert Pupil.objects.filter(school=school).count() == 5


def test_two_children_who_could_be_the_same_pupil_are_never_merged(school, admin, wonde_server):
    """One Amir K came from OneRoster; Wonde has Amir Khan and Amir Kapoor in his class."""
    oneroster_import(
        school,
        admin,
        [student("sds-3", "Amir", "Khan", grade=Y4, identifier="1234")],
        [("c-k", "sds-3", "student")],
    )
    amir = Pupil.objects.get(school=school)
    wonde = wonde_server.school
    wonde.student("S007", "Amir", "Kapoor", 4)
    wonde.classes["C001"]["students"].append("S007")

    sync = connect(school, admin, wonde_server)
    plan = preview_plan(sync=sync)

    assert plan.to_confirm == []
    assert not [p for p in plan.pupils if p.pupil == amir]
    problems = {p.what: p.message for p in plan.problems}
    assert set(problems) == {"Amir Khan", "Amir Kapoor"}
    assert all("More than one pupil could be this one" in m for m in problems.values())

    preview_apply(school=school, sync_id=sync.pk)
    amir.refresh_from_db()
    assert amir.display_name == "Amir K" and amir.mis_link.source == "oneroster"
    assert not Pupil.objects.filter(display_name__startswith="Amir Ka").exists()
    assert Pupil.objects.filter(school=school).count() == 5  # Amir K + Isla, Jack, Zoe, Ben


def test_two_pupils_here_who_could_be_one_wonde_student_are_never_merged(
    school, admin, wonde_server
):
    """Amir K and Amir Khan are both here (an earlier import); Wonde has one Amir Khan."""
    oneroster_import(
        school,
        admin,
        [student("sds-3", "Amir", "Khan", grade=Y4), student("sds-8", "Amir", "Kent", grade=Y4)],
        [("c-k", "sds-3", "student"), ("c-k", "sds-8", "student")],
    )
    Pupil.objects.filter(display_name="Amir Kent").update(display_name="Amir K")
    sync = connect(school, admin, wonde_server)
    plan = preview_plan(sync=sync)
    problems = {p.what: p.message for p in plan.problems}
    assert "More than one pupil could be this one" in problems["Amir K"]
    assert plan.to_confirm == []


def test_a_name_in_another_class_is_a_problem_not_a_match(school, admin, wonde_server):
    oneroster_import(
        school, admin, [student("sds-4", "Zoe", "Lee", grade=Y4)], [("c-k", "sds-4", "student")]
    )  # Zoe is in Kestrels (Year 4) here, in Owls (Year 5) in Wonde
    sync = connect(school, admin, wonde_server)
    plan = preview_plan(sync=sync)
    (problem,) = plan.problems
    assert problem.what == "Zoe L" and "another class or year group" in problem.message
    preview_apply(school=school, sync_id=sync.pk)
    assert Pupil.objects.filter(display_name__startswith="Zoe").count() == 1


def test_the_same_mis_id_with_another_name_is_a_problem(school, admin, wonde_server):
    oneroster_import(
        school, admin, [student("2002", "Jacob", "Turner", grade=Y4)], [("c-k", "2002", "student")]
    )
    wonde_server.school.student("S002", "Jack", "Turner", 4, mis_id="2002")
    sync = connect(school, admin, wonde_server)
    plan = preview_plan(sync=sync)
    (problem,) = plan.problems
    assert problem.what == "Jack T" and "same MIS id" in problem.message
    assert [p.display_name for p in plan.not_in_wonde] == []  # Jacob is accounted for


def test_a_bad_upn_is_not_a_key(school, admin, wonde_server):
    """A mistyped UPN (wrong check letter) that happens to agree proves nothing."""
    bad = ("B" if AMIR_UPN[0] != "B" else "C") + AMIR_UPN[1:]
    oneroster_import(
        school,
        admin,
        [student("sds-3", "Amir", "Khan", grade=Y4, identifier=bad)],
        [("c-o", "sds-3", "student")],
    )  # in Owls here, so a name-and-class match is out too
    wonde_server.school.student("S003", "Amir", "Khan", 4, upn=bad)
    sync = connect(school, admin, wonde_server)
    plan = preview_plan(sync=sync)
    assert not [p for p in plan.pupils if p.link]
    assert [p.what for p in plan.problems] == ["Amir K"]


def test_a_reimport_keeps_the_oneroster_identifier_up_to_date(school, admin):
    """Pupils imported before their MIS sent a UPN get it on the next OneRoster sync."""
    enrollments = [("c-k", "sds-1", "student")]
    oneroster_import(school, admin, [student("sds-1", "Isla", "Morgan", grade=Y4)], enrollments)
    isla = Pupil.objects.get(school=school)
    assert isla.mis_link.identifier == ""
    oneroster_import(
        school,
        admin,
        [student("sds-1", "Isla", "Morgan", grade=Y4, identifier=ISLA_UPN)],
        enrollments,
    )
    assert MisLink.objects.get(pupil=isla).identifier == ISLA_UPN
    assert Pupil.objects.filter(school=school).count() == 1
