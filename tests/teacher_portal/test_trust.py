"""The trust overview: figures per school, counts only, and a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lessons.models import Assignment, LessonProgress, ProgressStatus
from lessons.services import assignment_create
from safeguarding.models import Concern, ConcernCategory
from safeguarding.services import concern_raise
from schools.models import StaffRole, Trust, TrustMembership
from schools.services import staff_role_grant
from teacher_portal.models import TrustAssignment
from teacher_portal.trust_overview import trust_overview
from tests import factories


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def complete(pupil, *lessons):
    for lesson in lessons:
        LessonProgress.objects.update_or_create(
            pupil=pupil,
            lesson=lesson,
            defaults={"status": ProgressStatus.COMPLETED, "completed_at": timezone.now()},
        )


@pytest.fixture
def trust(school, other_school):
    trust = Trust.objects.create(name="Riverside Learning Trust", slug="riverside")
    for member in (school, other_school):
        member.trust = trust
        member.save()
    return trust


@pytest.fixture
def trust_admin(trust):
    person = factories.UserFactory(first_name="Tam")
    TrustMembership.objects.create(user=person, trust=trust)
    return person


def _school_with_work(school, module, *, name, pupils=3, finished=1, lessons=()):
    """A Year 4 class with the module set (due yesterday), `finished` pupils done with
    `lessons`, and one concern raised about the first pupil."""
    teacher = factories.staff(school, StaffRole.TEACHER)
    group = factories.TeachingGroupFactory(
        school=school, name=name, year_group=4, teachers=[teacher]
    )
    made = [factories.pupil(group, f"{name} pupil {n}").pupil for n in range(pupils)]
    for pupil in made[:finished]:
        complete(pupil, *lessons)
    assignment_create(
        group=group, module=module, opens_on=days(-7), due_on=days(-1), created_by=teacher
    )
    category = ConcernCategory.objects.create(school=school, name="Online contact")
    concern_raise(
        raised_by=teacher,
        pupil=made[0],
        what_happened=f"SECRET-TEXT about {made[0].display_name}",
        categories=[category],
    )
    return group, made


def test_figures_per_school(trust, trust_admin, school, other_school, module, lesson, short_lesson):
    _school_with_work(
        school, module, name="Kestrels", pupils=4, finished=2, lessons=[lesson, short_lesson]
    )
    _school_with_work(
        other_school, module, name="Elms", pupils=2, finished=1, lessons=[short_lesson]
    )
    concern = Concern.objects.get(school=school)
    Concern.objects.filter(pk=concern.pk).update(
        acknowledged_at=concern.created_at + datetime.timedelta(hours=2)
    )
    overview = trust_overview(trust=trust, user=trust_admin)
    by_name = {figures.school.name: figures for figures in overview.schools}
    oak, elm = by_name["Oakfield"], by_name["Elmwood"]
    assert (oak.pupils, oak.overdue, elm.pupils, elm.overdue) == (4, 1, 2, 1)
    (oak_row,) = oak.years[0].modules
    assert (oak.years[0].year_group, oak_row.pupils, oak_row.done, oak_row.possible) == (4, 4, 4, 8)
    assert oak_row.percent == 50
    (elm_row,) = elm.years[0].modules
    assert (elm_row.pupils, elm_row.done, elm_row.possible) == (2, 1, 4)
    month = timezone.localdate().replace(day=1)
    assert oak.concerns.by_category == {"Online contact": {month: 1}}
    assert oak.concerns.median_to_acknowledge == datetime.timedelta(hours=2)
    assert (elm.concerns.median_to_acknowledge, elm.concerns.not_acknowledged) == (None, 1)
    assert not oak.is_safeguarding_lead


def test_only_chosen_pupils_count_for_work_set_for_some(
    trust, trust_admin, school, module, lesson, short_lesson, teacher
):
    group = factories.TeachingGroupFactory(school=school, name="Kestrels", year_group=4)
    isla, jack, _keira = (factories.pupil(group, n).pupil for n in ("Isla", "Jack", "Keira"))
    complete(jack, lesson)
    assignment_create(
        group=group,
        module=module,
        opens_on=days(-1),
        due_on=days(5),
        created_by=teacher,
        pupils=[isla, jack],
    )
    figures = next(
        f for f in trust_overview(trust=trust, user=trust_admin).schools if f.school == school
    )
    (row,) = figures.years[0].modules
    assert (row.pupils, row.done, row.possible) == (2, 1, 4)
    assert figures.overdue == 0


def test_each_pupil_and_lesson_counts_once_in_their_own_year_group(
    trust, trust_admin, school, other_school, module, lesson, short_lesson, older_lesson, teacher
):
    """A hand-made school whose figures are counted here by hand: a pupil in two classes
    that both have the module (one of them twice), a Year 5 pupil in a Year 4 class, and
    pupils whose work does not count (archived pupil, archived class, withdrawn work, work
    not open yet, lessons in progress or of another module)."""
    older_module = older_lesson.get_parent().specific
    kestrels, owls, hawks, wrens, robins = (
        factories.TeachingGroupFactory(school=school, name=name, year_group=4)
        for name in ("Kestrels", "Owls", "Hawks", "Wrens", "Robins")
    )
    falcons = factories.TeachingGroupFactory(school=school, name="Falcons", year_group=7)
    ava, ben = (factories.pupil(kestrels, name).pupil for name in ("Ava", "Ben"))
    cat = factories.pupil(kestrels, "Cat", year_group=5).pupil
    gone = factories.pupil(kestrels, "Gone").pupil
    owls.pupils.add(ava)
    outside = [factories.pupil(g, f"In {g.name}").pupil for g in (hawks, wrens, robins)]
    fay = factories.pupil(falcons, "Fay").pupil

    def set_module(group, module=module, opens_in=-3):
        return assignment_create(
            group=group, module=module, opens_on=days(opens_in), due_on=days(5), created_by=teacher
        )

    for group in (kestrels, kestrels, owls, hawks):
        set_module(group)
    withdrawn = set_module(wrens)
    set_module(robins, opens_in=2)
    set_module(falcons, module=older_module)
    Assignment.objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now())
    hawks.archived_at = timezone.now()
    hawks.save()

    complete(ava, lesson, short_lesson, older_lesson)
    complete(ben, lesson)
    LessonProgress.objects.create(pupil=ben, lesson=short_lesson, status=ProgressStatus.IN_PROGRESS)
    complete(cat, short_lesson)
    complete(gone, lesson, short_lesson)
    gone.archived_at = timezone.now()
    gone.save()
    for pupil in outside:
        complete(pupil, lesson)
    complete(fay, older_lesson, lesson)

    figures = next(
        f for f in trust_overview(trust=trust, user=trust_admin).schools if f.school == school
    )
    rows = {
        (year.year_group, row.module.pk): (year.pupils, row.pupils, row.done, row.possible)
        for year in figures.years
        for row in year.modules
    }
    older_lessons = older_module.get_children().live().count()
    assert rows == {
        (4, module.pk): (5, 2, 3, 4),  # Ava 2 + Ben 1, of 2 pupils × 2 lessons
        (5, module.pk): (1, 1, 1, 2),
        (7, older_module.pk): (1, 1, 1, older_lessons),
    }
    other = next(f for f in trust_overview(trust=trust, user=trust_admin).schools if f != figures)
    assert other.years == []


def test_the_page_names_no_pupil_class_or_concern(
    client, trust, trust_admin, school, other_school, module, lesson
):
    _school_with_work(school, module, name="Kestrels", lessons=[lesson])
    _school_with_work(other_school, module, name="Elms", lessons=[lesson])
    client.force_login(trust_admin)
    response = client.get(reverse("teacher_portal:trust_overview", args=[trust.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Oakfield" in page and "Elmwood" in page and "Online contact" in page
    for secret in ("SECRET-TEXT", "pupil 0", "Kestrels", "Elms<", "safeguarding/"):
        assert secret not in page
    assert client.get(reverse("home_for_user")).url == reverse("teacher_portal:trust_home")


def test_a_trust_admin_who_is_dsl_of_a_school_gets_its_safeguarding_link(
    client, trust, trust_admin, school, other_school, module
):
    staff_role_grant(user=trust_admin, school=other_school, role=StaffRole.DSL)
    client.force_login(trust_admin)
    page = client.get(reverse("teacher_portal:trust_overview", args=[trust.pk])).content.decode()
    assert page.count('name="next" value="/safeguarding/"') == 1
    assert f'name="school" value="{other_school.pk}"' in page


def test_trust_pages_are_for_their_trust_admins(client, trust, teacher, school_admin, db):
    other = Trust.objects.create(name="Hillside", slug="hillside")
    for person in (teacher, school_admin):
        client.force_login(person)
        assert (
            client.get(reverse("teacher_portal:trust_overview", args=[trust.pk])).status_code == 403
        )
    admin = factories.UserFactory()
    TrustMembership.objects.create(user=admin, trust=trust)
    client.force_login(admin)
    assert client.get(reverse("teacher_portal:trust_overview", args=[other.pk])).status_code == 404
    home = client.get(reverse("teacher_portal:trust_home"))
    assert home.url == reverse("teacher_portal:trust_overview", args=[trust.pk])


def _queries(client, trust):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("teacher_portal:trust_overview", args=[trust.pk]))
    assert response.status_code == 200
    return len(queries)


def test_the_overview_costs_the_same_queries_for_two_schools_or_six(
    client, trust, trust_admin, school, other_school, module, lesson, short_lesson
):
    _school_with_work(school, module, name="Kestrels", lessons=[lesson])
    _school_with_work(other_school, module, name="Elms", lessons=[short_lesson])
    client.force_login(trust_admin)
    two = _queries(client, trust)
    for n in range(4):
        extra = factories.SchoolFactory(name=f"Extra {n}", slug=f"extra-{n}", trust=trust)
        _school_with_work(extra, module, name=f"Class {n}", pupils=5, lessons=[lesson])
    assert _queries(client, trust) == two


# --- Work set across the trust ------------------------------------------------------------


def test_a_trust_sets_a_module_for_a_year_group_in_every_school(
    client, trust, trust_admin, school, other_school, module
):
    kestrels = factories.TeachingGroupFactory(school=school, name="Kestrels", year_group=4)
    owls = factories.TeachingGroupFactory(school=school, name="Owls", year_group=4)
    elms = factories.TeachingGroupFactory(school=other_school, name="Elms", year_group=4)
    factories.TeachingGroupFactory(school=school, name="Hawks", year_group=5)
    outsider = factories.TeachingGroupFactory(
        school=factories.SchoolFactory(name="Ashgrove", slug="ashgrove"), year_group=4
    )
    client.force_login(trust_admin)
    response = client.post(
        reverse("teacher_portal:trust_assign", args=[trust.pk]),
        {"module": module.pk, "year_group": 4, "opens_on": days(0), "due_on": days(14)},
        follow=True,
    )
    assert "is set for Year 4: 3 classes in 2 schools." in response.content.decode()
    work = Assignment.objects.filter(module=module)
    assert {a.teaching_group for a in work} == {kestrels, owls, elms}
    assert not outsider.assignments.exists()
    assert {(a.school_id, a.due_on) for a in work} == {
        (school.pk, days(14)),
        (other_school.pk, days(14)),
    }

    # Elmwood's admin moves its own due date; Oakfield's stays
    elm_admin = factories.staff(other_school, StaffRole.SCHOOL_ADMIN)
    client.force_login(elm_admin)
    mine = work.get(teaching_group=elms)
    edit = client.post(
        reverse("teacher_portal:assignment_edit", args=[elms.pk, mine.pk]),
        {"page": module.pk, "opens_on": days(0), "due_on": days(21)},
    )
    assert edit.status_code == 302
    assert work.get(teaching_group=elms).due_on == days(21)
    assert work.get(teaching_group=kestrels).due_on == days(14)
    client.force_login(trust_admin)
    page = client.get(reverse("teacher_portal:trust_overview", args=[trust.pk])).content.decode()
    assert "3 classes in 2 schools (1 with dates their school changed)" in page


def test_trust_work_is_all_or_nothing(client, trust, trust_admin, school, module):
    factories.TeachingGroupFactory(school=school, name="Hawks", year_group=7)
    client.force_login(trust_admin)
    url = reverse("teacher_portal:trust_assign", args=[trust.pk])
    wrong_band = client.post(
        url, {"module": module.pk, "year_group": 7, "opens_on": days(0), "due_on": days(7)}
    )
    assert "That module is for another age band" in wrong_band.content.decode()
    no_class = client.post(
        url, {"module": module.pk, "year_group": 3, "opens_on": days(0), "due_on": days(7)}
    )
    assert "No school in the trust has a class in that year group yet." in no_class.content.decode()
    backwards = client.post(
        url, {"module": module.pk, "year_group": 4, "opens_on": days(7), "due_on": days(0)}
    )
    assert "The due date must be on or after the open date." in backwards.content.decode()
    assert not Assignment.objects.exists()
    assert not TrustAssignment.objects.exists()
