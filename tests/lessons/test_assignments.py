"""Work set for a class: who it is for, who can see it, the rules for setting it, and what
pupils see on "My lessons"."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lessons import services
from lessons.models import Assignment, LessonPage, ModulePage
from lessons.services import assignment_create, assignment_update, assignment_withdraw
from schools.models import StaffRole
from tests import factories

TODAY = timezone.localdate


def days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


@pytest.fixture
def module(curriculum):
    return ModulePage.objects.get(slug="test-8-10")


@pytest.fixture
def set_work(group, teacher, module):
    def make(**kwargs):
        kwargs.setdefault("group", group)
        kwargs.setdefault("opens_on", days(-1))
        kwargs.setdefault("due_on", days(6))
        kwargs.setdefault("created_by", teacher)
        if "lesson" not in kwargs:
            kwargs.setdefault("module", module)
        return assignment_create(**kwargs)

    return make


# --- Setting work -------------------------------------------------------------------------------


def test_a_module_set_for_a_class_covers_its_lessons_in_order(set_work, group, school, module):
    work = set_work()
    assert work.school == school and work.teaching_group == group
    assert work.page == module and work.is_module and work.title == "Test module 8-10"
    assert [lesson.slug for lesson in work.lessons()] == ["every-activity", "two-activities"]
    assert str(work) == "Test module 8-10 — Kestrels"


def test_a_single_lesson_can_be_set(set_work, short_lesson):
    work = set_work(lesson=short_lesson)
    assert work.page == short_lesson and not work.is_module
    assert list(work.lessons()) == [short_lesson]


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("due before it opens", "due_on"),
        ("a lesson for another age band", "page"),
        ("a module and a lesson at once", "page"),
        ("nothing", "page"),
    ],
)
def test_work_that_cannot_be_done_is_refused(
    set_work, module, older_lesson, short_lesson, case, field
):
    change = {
        "due before it opens": {"due_on": days(-3)},
        "a lesson for another age band": {"lesson": older_lesson, "module": None},
        "a module and a lesson at once": {"lesson": short_lesson, "module": module},
        "nothing": {"module": None},
    }[case]
    with pytest.raises(ValidationError) as raised:
        set_work(**change)
    assert field in raised.value.message_dict
    assert not Assignment.objects.exists()


def test_only_pupils_of_the_class_can_be_chosen(set_work, senior_group):
    stranger = factories.pupil(senior_group, "Quinn").pupil
    with pytest.raises(ValidationError) as raised:
        set_work(pupils=[stranger])
    assert "pupils" in raised.value.message_dict


def test_an_archived_class_gets_no_new_work(set_work, group):
    group.archived_at = timezone.now()
    group.save()
    with pytest.raises(ValidationError):
        set_work()


def test_the_database_refuses_an_assignment_of_nothing(group, school):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            school=school, teaching_group=group, opens_on=days(0), due_on=days(1)
        )


def test_changing_dates_and_pupils(set_work, group, pupil):
    other = factories.pupil(group, "Jack").pupil
    work = set_work()
    assignment_update(assignment=work, opens_on=days(0), due_on=days(3), pupils=[other])
    work.refresh_from_db()
    assert (work.opens_on, work.due_on) == (days(0), days(3))
    assert list(work.pupils.all()) == [other]
    assert work.is_module  # what is set stays unless a new page is given
    with pytest.raises(ValidationError):
        assignment_update(assignment=work, opens_on=days(5), due_on=days(3))


def test_withdrawing_keeps_the_record_and_happens_once(set_work, pupil):
    work = set_work()
    assignment_withdraw(assignment=work)
    first = work.withdrawn_at
    assert first is not None
    assignment_withdraw(assignment=work)
    assert work.withdrawn_at == first
    assert not Assignment.objects.for_pupil(pupil).exists()
    with pytest.raises(ValidationError):
        assignment_update(assignment=work, opens_on=days(0), due_on=days(3))


# --- Who has it, who sees it --------------------------------------------------------------------


def test_whole_class_work_reaches_every_pupil_including_later_joiners(set_work, group, pupil):
    work = set_work()
    later = factories.pupil(group, "Jack").pupil
    assert list(Assignment.objects.for_pupil(pupil)) == [work]
    assert list(Assignment.objects.for_pupil(later)) == [work]


def test_work_for_chosen_pupils_reaches_only_them(set_work, group, pupil):
    jack = factories.pupil(group, "Jack").pupil
    work = set_work(pupils=[jack])
    assert list(Assignment.objects.for_pupil(jack)) == [work]
    assert not Assignment.objects.for_pupil(pupil).exists()


def test_pupils_of_other_classes_and_archived_classes_do_not_get_it(
    set_work, group, pupil, older_pupil
):
    work = set_work()
    assert not Assignment.objects.for_pupil(older_pupil.pupil).exists()
    group.archived_at = timezone.now()
    group.save()
    assert work not in Assignment.objects.for_pupil(pupil)


def test_open_and_overdue(set_work):
    current = set_work(opens_on=days(-1), due_on=days(3))
    late = set_work(opens_on=days(-9), due_on=days(-2))
    future = set_work(opens_on=days(2), due_on=days(9))
    assert set(Assignment.objects.open()) == {current, late}
    assert list(Assignment.objects.overdue()) == [late]
    assert late.is_past_due() and not current.is_past_due() and not future.is_open()


def test_visible_to_follows_the_classes_a_user_sees(
    set_work, school, teacher, school_admin, other_school, pupil, older_pupil
):
    work = set_work()
    other_teacher = factories.staff(school, StaffRole.TEACHER)
    far_admin = factories.staff(other_school, StaffRole.SCHOOL_ADMIN)
    assert list(Assignment.objects.visible_to(teacher)) == [work]
    assert list(Assignment.objects.visible_to(school_admin)) == [work]
    assert not Assignment.objects.visible_to(other_teacher).exists()
    assert not Assignment.objects.visible_to(far_admin).exists()
    assert list(Assignment.objects.visible_to(pupil.user)) == [work]
    assert not Assignment.objects.visible_to(older_pupil.pupil.user).exists()


# --- "My lessons" -------------------------------------------------------------------------------


def answer_and_finish(pupil, lesson):
    for activity in lesson.activities.values():
        data = {"statement-0": "true"} if activity.block_type == "true_or_false" else {"card": "0"}
        services.activity_submit(pupil=pupil, lesson=lesson, activity_id=activity.id, data=data)
    services.progress_step_reach(pupil=pupil, lesson=lesson, step=lesson.last_step)


def test_pupils_see_their_work_with_its_dates(pupil_client, set_work):
    set_work(opens_on=days(-1), due_on=days(6))
    html = pupil_client.get(reverse("learn_home")).content.decode()
    assert "Work from your teacher" in html
    assert "Test module 8-10" in html
    assert f"Due on {days(6):%A} {days(6).day} {days(6):%B}" in html
    assert f"Set on {days(-1):%A} {days(-1).day} {days(-1):%B}" in html
    assert "0 of 2 lessons done" in html


def test_overdue_work_is_marked_kindly_and_finished_work_praised(
    pupil_client, pupil, set_work, short_lesson
):
    set_work(lesson=short_lesson, opens_on=days(-9), due_on=days(-2))
    html = pupil_client.get(reverse("learn_home")).content.decode()
    assert "It's not too late: you can still do it." in html
    assert f"This was due on {days(-2):%A} {days(-2).day} {days(-2):%B}" in html
    answer_and_finish(pupil, short_lesson)
    html = pupil_client.get(reverse("learn_home")).content.decode()
    assert "All done. Well done!" in html
    assert "not too late" not in html


def test_work_not_open_yet_or_withdrawn_is_not_shown(pupil_client, set_work):
    set_work(opens_on=days(1), due_on=days(6))
    withdrawn = set_work()
    assignment_withdraw(assignment=withdrawn)
    assert "Work from your teacher" not in pupil_client.get(reverse("learn_home")).content.decode()


def test_the_link_goes_to_the_next_lesson_to_do(pupil_client, pupil, set_work, lesson):
    set_work()
    answer_and_finish(pupil, LessonPage.objects.get(slug="two-activities"))
    html = pupil_client.get(reverse("learn_home")).content.decode()
    assert f'href="{lesson.url}">Start<span class="visually-hidden">: Every activity' in html
    assert "1 of 2 lessons done" in html


def test_my_lessons_costs_the_same_however_much_work_is_set(pupil_client, set_work, short_lesson):
    set_work()
    pupil_client.get(reverse("learn_home"))
    with CaptureQueriesContext(connection) as one:
        pupil_client.get(reverse("learn_home"))
    set_work(lesson=short_lesson)
    set_work(due_on=days(1))
    with CaptureQueriesContext(connection) as three:
        response = pupil_client.get(reverse("learn_home"))
    assert response.content.decode().count("lesson-card card resume") == 3
    assert len(three.captured_queries) == len(one.captured_queries)
