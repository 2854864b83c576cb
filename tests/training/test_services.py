from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from schools.models import StaffRole
from tests import factories
from training import services
from training.models import Audience, CourseAssignment, CourseCompletion, ReminderSent
from training.reminders import reminders_due, reminders_send

from .conftest import right_answers, wrong_answers


def test_add_months_keeps_the_day_or_uses_the_months_last():
    assert services.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert services.add_months(date(2026, 3, 15), 12) == date(2027, 3, 15)
    assert services.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_the_shipped_courses_have_scenarios_and_a_quiz_with_a_pass_mark(courses):
    assert [c.title for c in courses] == [
        "Live-streaming and online grooming: what staff need to know",
        "When a child tells you: receiving and recording a disclosure",
        "Filtering, monitoring and your part in it",
    ]
    for course in courses:
        kinds = {a.block_type for a in course.activities.values()}
        assert "what_would_you_do" in kinds and len(kinds) >= 3
        assert len(course.questions) >= 5
        assert 50 <= course.pass_mark <= 100


def test_passing_records_a_completion_that_expires_after_the_schools_period(
    courses, school, teacher
):
    services.settings_update(
        school=school, renewal_months=24, part_one_version="", part_one_due_on=None
    )
    course = courses[0]
    failed = services.quiz_submit(
        user=teacher, school=school, course=course, data=wrong_answers(course)
    )
    assert not failed.passed and failed.completion is None and failed.score == 0
    passed = services.quiz_submit(
        user=teacher, school=school, course=course, data=right_answers(course)
    )
    assert passed.passed and passed.score == 100
    today = timezone.localdate()
    assert passed.completion.passed_on == today
    assert passed.completion.expires_on == services.add_months(today, 24)


def test_an_unanswered_question_is_never_a_pass(courses, school, teacher):
    course = courses[0]
    data = right_answers(course)
    data.pop("question-1")
    data["question-2"] = "99"  # not an option: counts as unanswered
    result = services.quiz_submit(user=teacher, school=school, course=course, data=data)
    assert not result.passed and result.unanswered == 2
    assert not CourseCompletion.objects.exists()


def test_compliance_summary_counts_done_due_soon_and_overdue(courses, school, other_school):
    today = timezone.localdate()
    done, soon, expired, _fourth, _fifth = (
        factories.staff(school, StaffRole.TEACHER) for _ in range(5)
    )
    admin = factories.staff(school, StaffRole.SCHOOL_ADMIN)
    factories.staff(other_school, StaffRole.TEACHER)  # another school's staff never count
    course, second = courses[0], courses[1]

    def completion(user, expires_on):
        CourseCompletion.objects.create(
            user=user,
            school=school,
            course=course,
            passed_on=today - timedelta(days=300),
            expires_on=expires_on,
            score=100,
        )

    completion(done, today + timedelta(days=200))
    completion(soon, today + timedelta(days=10))
    completion(expired, today - timedelta(days=1))
    services.assignment_create(
        school=school, course=second, audience=Audience.TEACHERS, due_on=today, by=admin
    )
    # A due date in the past: made directly, as the service only accepts today onwards.
    CourseAssignment.objects.create(
        school=school,
        course=courses[2],
        audience=Audience.ALL_STAFF,
        due_on=today - timedelta(days=3),
    )
    services.settings_update(
        school=school,
        renewal_months=12,
        part_one_version="September 2025",
        part_one_due_on=today + timedelta(days=14),
    )
    services.part_one_sign(user=done, school=school)

    summary = services.compliance_summary(school)

    assert summary["staff_total"] == 6
    by_slug = {row["slug"]: row for row in summary["courses"]}
    assert by_slug[course.slug] == {
        "slug": course.slug,
        "title": course.title,
        "staff": 3,
        "done": 1,
        "due_soon": 1,
        "overdue": 1,
    }
    assert by_slug[second.slug] == {
        "slug": second.slug,
        "title": second.title,
        "staff": 5,
        "done": 0,
        "due_soon": 5,
        "overdue": 0,
    }
    assert by_slug[courses[2].slug]["overdue"] == 6
    assert summary["part_one"] == {
        "version": "September 2025",
        "staff": 6,
        "done": 1,
        "due_soon": 5,
        "overdue": 0,
    }


def test_a_renewal_replaces_the_expired_certificate(courses, school, teacher):
    course = courses[0]
    today = timezone.localdate()
    CourseCompletion.objects.create(
        user=teacher,
        school=school,
        course=course,
        passed_on=today - timedelta(days=400),
        expires_on=today - timedelta(days=35),
        score=100,
    )
    assert services.compliance_summary(school)["courses"][0]["overdue"] == 1
    services.quiz_submit(user=teacher, school=school, course=course, data=right_answers(course))
    assert services.compliance_summary(school)["courses"][0]["done"] == 1


def test_a_new_part_one_version_asks_everyone_again(school, teacher):
    with pytest.raises(ValidationError):
        services.part_one_sign(user=teacher, school=school)
    services.settings_update(
        school=school, renewal_months=12, part_one_version="2025", part_one_due_on=None
    )
    assert services.part_one_prompt(teacher) == "2025"
    services.part_one_sign(user=teacher, school=school)
    services.part_one_sign(user=teacher, school=school)  # a double click is one sign-off
    assert services.part_one_prompt(teacher) == ""
    services.settings_update(
        school=school, renewal_months=12, part_one_version="2026", part_one_due_on=None
    )
    assert services.part_one_prompt(teacher) == "2026"


def test_an_assignment_due_in_the_past_is_refused(courses, school, school_admin):
    with pytest.raises(ValidationError):
        services.assignment_create(
            school=school,
            course=courses[0],
            audience=Audience.ALL_STAFF,
            due_on=timezone.localdate() - timedelta(days=1),
            by=school_admin,
        )


def test_reminders_go_once_before_expiry_and_once_on_it(courses, school, teacher, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    today = timezone.localdate()
    completion = CourseCompletion.objects.create(
        user=teacher,
        school=school,
        course=courses[0],
        passed_on=today - timedelta(days=340),
        expires_on=today + timedelta(days=25),
        score=100,
    )
    assert reminders_send(today - timedelta(days=10)) == 0  # 35 days before: too early
    assert reminders_send(today) == 1
    assert reminders_send(today) == 0
    assert reminders_send(completion.expires_on) == 1
    assert reminders_due(completion.expires_on + timedelta(days=5)) == []
    assert set(ReminderSent.objects.values_list("kind", flat=True)) == {"soon", "expired"}
    [soon, expired] = mail.outbox
    assert soon.to == [teacher.email]
    assert "due for renewal" in soon.subject and courses[0].title in soon.body
    assert "has expired" in expired.subject


def test_nobody_is_reminded_after_leaving_the_school(courses, school, teacher, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    today = timezone.localdate()
    CourseCompletion.objects.create(
        user=teacher,
        school=school,
        course=courses[0],
        passed_on=today - timedelta(days=360),
        expires_on=today + timedelta(days=5),
        score=100,
    )
    teacher.staff_memberships.all().delete()
    assert reminders_send(today) == 0
    assert mail.outbox == []


def test_the_demo_school_shows_every_status_and_loads_twice_the_same(courses, school):
    from training.demo import demo_training_load

    factories.staff(school, StaffRole.DSL)
    factories.staff(school, StaffRole.DEPUTY_DSL)
    factories.staff(school, StaffRole.TEACHER)
    demo_training_load(school)
    demo_training_load(school)
    summary = services.compliance_summary(school)
    first, last = summary["courses"][0], summary["courses"][-1]
    assert (first["staff"], first["done"], first["due_soon"]) == (3, 0, 3)
    assert (last["done"], last["overdue"]) == (1, 1)
    assert summary["part_one"]["done"] == 1 and summary["part_one"]["staff"] == 3
    assert CourseCompletion.objects.count() == 4


def test_the_settings_are_checked(settings):
    from training.checks import check_streamwise_training_settings

    assert check_streamwise_training_settings(None) == []
    settings.STREAMWISE_TRAINING_REMINDER_DAYS = 0
    settings.STREAMWISE_TRAINING_SWEEP_HOURS = "soon"
    ids = [error.id for error in check_streamwise_training_settings(None)]
    assert ids == ["streamwise.E901", "streamwise.E902"]
