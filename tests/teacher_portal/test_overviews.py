"""Overdue work across a teacher's classes, and the school overview for school admins."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lessons.models import LessonPage, LessonProgress, ProgressStatus
from lessons.services import assignment_create
from schools.models import StaffRole
from teacher_portal.overview import overdue_overview, school_overview
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


def late_work(group, teacher, page, **kwargs):
    kind = "module" if page.specific_class.__name__ == "ModulePage" else "lesson"
    return assignment_create(
        group=group,
        opens_on=days(-10),
        due_on=days(-2),
        created_by=teacher,
        **{kind: page},
        **kwargs,
    )


def test_overdue_lists_who_has_not_finished(group, teacher, module, lesson, short_lesson):
    isla = factories.pupil(group, "Isla").pupil
    jack = factories.pupil(group, "Jack").pupil
    keira = factories.pupil(group, "Keira").pupil
    complete(jack, lesson, short_lesson)
    complete(keira, short_lesson)
    late = late_work(group, teacher, module)
    assignment_create(  # not due yet
        group=group, module=module, opens_on=days(0), due_on=days(5), created_by=teacher
    )
    items = overdue_overview(user=teacher)
    assert [item.assignment for item in items] == [late]
    assert [p.display_name for p in items[0].pupils] == ["Isla", "Keira"]
    assert (items[0].assigned, items[0].lessons, items[0].days_late) == (3, 2, 2)
    assert isla in items[0].pupils


def test_work_everyone_finished_is_not_overdue(group, teacher, short_lesson):
    jack = factories.pupil(group, "Jack").pupil
    complete(jack, short_lesson)
    late_work(group, teacher, short_lesson)
    assert overdue_overview(user=teacher) == []


def test_chosen_pupils_only(group, teacher, module):
    factories.pupil(group, "Isla")
    jack = factories.pupil(group, "Jack").pupil
    late_work(group, teacher, module, pupils=[jack])
    (item,) = overdue_overview(user=teacher)
    assert [p.display_name for p in item.pupils] == ["Jack"] and item.assigned == 1


def test_overdue_is_scoped_to_the_teachers_classes(client, group, teacher, school, module):
    factories.pupil(group, "Isla")
    late_work(group, teacher, module)
    other = factories.staff(school, StaffRole.TEACHER)
    assert overdue_overview(user=other) == []
    client.force_login(other)
    html = client.get(reverse("teacher_portal:overdue")).content.decode()
    assert "Nothing is overdue" in html
    client.force_login(teacher)
    html = client.get(reverse("teacher_portal:overdue")).content.decode()
    assert "Test module 8-10" in html and "Isla" in html and "2 days ago" in html


def test_overdue_costs_the_same_for_more_classes(group, teacher, school, module, short_lesson):
    factories.pupil(group, "Isla")
    late_work(group, teacher, module)
    overdue_overview(user=teacher)  # the user's roles are looked up once per request
    with CaptureQueriesContext(connection) as one:
        overdue_overview(user=teacher)
    for n in range(3):
        more = factories.TeachingGroupFactory(
            school=school, name=f"More {n}", year_group=4, teachers=[teacher]
        )
        factories.pupil(more, f"More pupil {n}")
        late_work(more, teacher, short_lesson)
    with CaptureQueriesContext(connection) as four:
        assert len(overdue_overview(user=teacher)) == 4
    assert len(four.captured_queries) == len(one.captured_queries)


def test_school_overview_by_class_and_year_group(school, teacher, module, short_lesson, curriculum):
    kestrels = factories.TeachingGroupFactory(school=school, name="Kestrels", year_group=4)
    owls = factories.TeachingGroupFactory(school=school, name="Owls", year_group=4)
    robins = factories.TeachingGroupFactory(school=school, name="Robins", year_group=5)
    a = factories.pupil(kestrels, "A").pupil
    b = factories.pupil(kestrels, "B").pupil
    c = factories.pupil(owls, "C").pupil
    factories.pupil(robins, "D")
    lesson = LessonPage.objects.get(slug="every-activity")
    complete(a, lesson, short_lesson)
    complete(b, short_lesson)
    complete(c, short_lesson)
    for group in (kestrels, owls):
        assignment_create(
            group=group, module=module, opens_on=days(-1), due_on=days(5), created_by=teacher
        )
    assignment_create(
        group=owls,
        lesson=short_lesson,
        opens_on=days(-1),
        due_on=days(5),
        created_by=teacher,
        pupils=[c],
    )
    assignment_create(  # not open yet: not counted
        group=robins, module=module, opens_on=days(2), due_on=days(5), created_by=teacher
    )
    overview = school_overview(school=school)
    by_class = {
        row.label: (row.pupils, row.assignments, row.done, row.possible) for row in overview.classes
    }
    assert by_class == {
        "Kestrels": (2, 1, 3, 4),
        "Owls": (1, 2, 2, 3),
        "Robins": (1, 0, 0, 0),
    }
    by_year = {row.label: (row.done, row.possible, row.percent) for row in overview.year_groups}
    assert by_year == {"Year 4": (5, 7, 71), "Year 5": (0, 0, None)}
    assert overview.whole_school.percent == 71


def test_school_overview_page_is_for_school_admins_of_that_school(
    client, school, school_admin, teacher, other_school
):
    url = reverse("teacher_portal:school_overview")
    client.force_login(teacher)
    assert client.get(url).status_code == 403
    client.force_login(school_admin)
    html = client.get(url).content.decode()
    assert "How Oakfield is getting on" in html and "By year group" in html
    far = factories.staff(other_school, StaffRole.SCHOOL_ADMIN)
    factories.TeachingGroupFactory(school=school, name="Secret class", year_group=3)
    client.force_login(far)
    assert "Secret class" not in client.get(url).content.decode()
