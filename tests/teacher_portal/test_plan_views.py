"""Lesson plans in the portal: who may see them, what they hold, printing and PDF."""

import shutil

import pytest
from django.urls import reverse

from lessons.loader import curriculum_load
from lessons.models import LessonPage, ModulePage
from schools.models import StaffRole
from tests import factories
from tests.lessons.conftest import FIXTURE_CURRICULUM
from tests.lessons.test_plan_loader import PLANS_FIXTURE


@pytest.fixture
def curriculum(db, tmp_path):
    """The test curriculum with plans for every lesson."""
    target = tmp_path / "curriculum"
    shutil.copytree(FIXTURE_CURRICULUM, target)
    shutil.copytree(PLANS_FIXTURE, target / "plans")
    return curriculum_load(directory=target)


def plan_url(lesson):
    return reverse("teacher_portal:lesson_plan", args=[lesson.pk])


def module_url(module):
    return reverse("teacher_portal:module_plans", args=[module.pk])


@pytest.mark.parametrize("role", [StaffRole.TEACHER, StaffRole.SCHOOL_ADMIN, StaffRole.DSL])
def test_school_staff_see_a_plan(client, school, lesson, role):
    client.force_login(factories.staff(school, role))
    response = client.get(plan_url(lesson))
    assert response.status_code == 200
    assert b"Pupils can say what Jas could do." in response.content


def test_a_staff_member_of_another_school_sees_plans_too(client, other_school, lesson):
    """Plans are teaching material shared by every school, not a school's records."""
    client.force_login(factories.staff(other_school, StaffRole.TEACHER))
    assert client.get(plan_url(lesson)).status_code == 200


def test_pupils_never_see_plans(client, young_pupil, lesson, module):
    client.force_login(young_pupil.pupil.user)
    for url in (
        plan_url(lesson),
        module_url(module),
        reverse("teacher_portal:lesson_plan_pdf", args=[lesson.pk]),
        reverse("teacher_portal:plans"),
    ):
        assert client.get(url).status_code == 403, url


def test_visitors_are_sent_to_log_in(client, lesson):
    response = client.get(plan_url(lesson))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_unpublished_lesson_has_no_plan_page(teacher_client, lesson):
    lesson.unpublish()
    assert teacher_client.get(plan_url(lesson)).status_code == 404


def test_the_plan_shows_every_part_and_the_disclosure_steps(teacher_client, lesson):
    response = teacher_client.get(plan_url(lesson))
    html = response.content.decode()
    for text in (
        "Lesson plan: Every activity",
        "Lesson 1: Every activity",
        "Learning objectives",
        "Online relationships:",
        "I can explain who to tell when something online worries me.",
        "Ground rules and starter",
        "Total",
        "Ask the class what a trusted adult is.",
        "Who could Jas tell?",
        "The messages, never images",
        "Each pupil names one trusted adult.",
        "Work in pairs with picture cards.",
        "Write a short note to a friend",
        "Give the story in short chunks.",
        "Pre-teach the words trusted adult",
        "If a child discloses during the lesson",
        "promise",
        "own words",
    ):
        assert text in html, text
    concern = reverse("safeguarding:raise")
    assert f'href="http://testserver{concern}"' in html
    assert "20 minutes" in html


def test_a_lesson_without_a_plan_says_so(teacher_client, lesson):
    lesson.plan = []
    lesson.save_revision().publish()
    html = teacher_client.get(plan_url(lesson)).content.decode()
    assert "This lesson has no plan yet." in html
    assert "If a child discloses during the lesson" in html


def test_all_plans_of_a_module_on_one_page(teacher_client, module):
    html = teacher_client.get(module_url(module)).content.decode()
    assert "Lesson 1: Every activity" in html
    assert "Lesson 2: Two activities" in html
    assert html.count("If a child discloses during the lesson") == 2
    assert reverse("teacher_portal:module_plans_pdf", args=[module.pk]) in html


def test_the_module_page_makes_a_fixed_number_of_queries(
    teacher_client, module, django_assert_max_num_queries
):
    teacher_client.get(module_url(module))  # warm the caches (site, session)
    with django_assert_max_num_queries(12):
        response = teacher_client.get(module_url(module))
    assert response.status_code == 200


def test_queries_do_not_grow_with_the_lessons(teacher_client, module, lesson):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    teacher_client.get(module_url(module))
    with CaptureQueriesContext(connection) as two_lessons:
        teacher_client.get(module_url(module))
    lesson.copy(update_attrs={"slug": "copy-1", "title": "Copy one"})
    lesson.copy(update_attrs={"slug": "copy-2", "title": "Copy two"})
    assert LessonPage.objects.child_of(module).live().count() == 4
    with CaptureQueriesContext(connection) as four_lessons:
        html = teacher_client.get(module_url(module)).content.decode()
    assert "Copy two" in html
    assert len(four_lessons) == len(two_lessons)


def test_the_lesson_page_makes_a_fixed_number_of_queries(
    teacher_client, lesson, django_assert_max_num_queries
):
    teacher_client.get(plan_url(lesson))
    with django_assert_max_num_queries(12):
        teacher_client.get(plan_url(lesson))


def test_a_plan_downloads_as_a_pdf(teacher_client, lesson):
    response = teacher_client.get(reverse("teacher_portal:lesson_plan_pdf", args=[lesson.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="lesson-plan-every-activity.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")


def test_a_module_downloads_as_one_pdf(teacher_client, module):
    response = teacher_client.get(reverse("teacher_portal:module_plans_pdf", args=[module.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert "lesson-plans-test-module-8-10.pdf" in response["Content-Disposition"]


def test_the_index_lists_every_module_and_lesson(client, school, curriculum):
    client.force_login(factories.staff(school, StaffRole.DSL))
    html = client.get(reverse("teacher_portal:plans")).content.decode()
    for module in ModulePage.objects.all():
        assert module_url(module) in html
    for lesson in LessonPage.objects.all():
        assert plan_url(lesson) in html
    assert "(no plan yet)" not in html


def test_the_assignment_page_links_to_each_plan_and_to_printing_them_all(
    teacher_client, group, work, module
):
    html = teacher_client.get(
        reverse("teacher_portal:progress", args=[group.pk, work.pk])
    ).content.decode()
    for lesson in module.lessons():
        assert plan_url(lesson) in html
    assert "Lesson plan: 1. Every activity" in html
    assert module_url(module) in html
    assert "Print all plans for this module" in html
    assert 'href="#lesson-plans"' in html and 'id="lesson-plans"' in html


def test_a_single_lesson_assignment_links_to_its_plan_only(teacher_client, group, lesson, teacher):
    import datetime

    from django.utils import timezone

    from lessons.services import assignment_create

    today = timezone.localdate()
    work = assignment_create(
        group=group,
        lesson=lesson,
        opens_on=today,
        due_on=today + datetime.timedelta(days=3),
        created_by=teacher,
    )
    html = teacher_client.get(
        reverse("teacher_portal:progress", args=[group.pk, work.pk])
    ).content.decode()
    assert plan_url(lesson) in html
    assert "Print all plans for this module" not in html


def test_each_plan_starts_on_a_new_page_of_the_module_pdf(teacher_client, module, monkeypatch):
    import weasyprint

    pages = []

    class CountingHTML(weasyprint.HTML):
        def write_pdf(self, *args, **kwargs):
            document = self.render()
            pages.extend(
                " ".join(box.text for box in _text_boxes(page._page_box)) for page in document.pages
            )
            return document.write_pdf(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", CountingHTML)
    teacher_client.get(reverse("teacher_portal:module_plans_pdf", args=[module.pk]))
    starts = [n for n, text in enumerate(pages) if "Lesson 2: Two activities" in text]
    assert starts and starts[0] > 0
    assert pages[starts[0]].startswith("Lesson 2: Two activities"), pages[starts[0]][:80]


def _text_boxes(box):
    if hasattr(box, "text"):
        yield box
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child)


def test_teach_mode_keeps_the_plan_in_the_hidden_notes(teacher_client, group, lesson):
    """Teaching on the board, the teacher has the plan's starter, prompts and plenary to hand
    in the notes panel (hidden from the class) and can open the whole plan in a new window."""
    response = teacher_client.get(reverse("teacher_portal:teach", args=[group.pk, lesson.pk]))
    html = response.content.decode()
    notes = html[html.index('id="teach-notes"') : html.index("</aside>")]
    assert f'href="{plan_url(lesson)}" target="_blank"' in notes
    for text in (
        "Ask the class what a trusted adult is.",
        "Who could Jas tell?",
        "What should Jas keep?",
        "Each pupil names one trusted adult.",
    ):
        assert text in notes
