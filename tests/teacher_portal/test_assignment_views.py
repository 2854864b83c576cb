"""Setting, changing and withdrawing work from the portal, and seeing it on the class page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lessons.models import Assignment, ModulePage
from schools.models import StaffRole
from tests import factories


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def add_url(group):
    return reverse("teacher_portal:assignment_add", args=[group.pk])


def form_data(page, *, opens_on=None, due_on=None, pupils=()):
    return {
        "page": str(page.pk),
        "opens_on": (opens_on or days(0)).isoformat(),
        "due_on": (due_on or days(7)).isoformat(),
        "pupils": [str(p.pk) for p in pupils],
    }


def test_the_form_offers_the_modules_and_lessons_of_the_class_age_band(
    teacher_client, group, module, curriculum
):
    html = teacher_client.get(add_url(group)).content.decode()
    assert "Test module 8-10 (whole module, 2 lessons)" in html
    assert '<optgroup label="Lessons in Test module 8-10">' in html
    assert "1. Every activity" in html and "2. Two activities" in html
    assert "Older lesson" not in html and "Test module 11-13" not in html
    assert f'value="{days(0).isoformat()}"' in html and f'value="{days(7).isoformat()}"' in html


def test_a_teacher_sets_a_module_for_the_class(teacher_client, group, module, teacher, young_pupil):
    response = teacher_client.post(add_url(group), form_data(module))
    work = Assignment.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("teacher_portal:progress", args=[group.pk, work.pk])
    assert (work.module, work.teaching_group, work.created_by) == (module, group, teacher)
    assert not work.pupils.exists()
    page = teacher_client.get(response.url).content.decode()
    assert "“Test module 8-10” is set for Kestrels" in page
    assert "Set for the whole class" in page


def test_a_teacher_sets_a_lesson_for_some_pupils(teacher_client, group, short_lesson, young_pupil):
    jack = factories.pupil(group, "Jack").pupil
    teacher_client.post(add_url(group), form_data(short_lesson, pupils=[jack]))
    work = Assignment.objects.get()
    assert work.lesson == short_lesson and list(work.pupils.all()) == [jack]


def test_mistakes_are_explained_and_nothing_is_set(teacher_client, group, module, older_lesson):
    response = teacher_client.post(add_url(group), form_data(module, due_on=days(-1)))
    assert "The due date can&#x27;t be before the open date." in response.content.decode()
    response = teacher_client.post(add_url(group), form_data(older_lesson))
    assert response.status_code == 200  # an 11–13 lesson is not a choice for Year 4
    assert "Select a valid choice" in response.content.decode() or "Choose a module" in (
        response.content.decode()
    )
    assert not Assignment.objects.exists()


def test_only_classes_the_teacher_sees_can_be_given_work(
    client, group, module, school, other_school
):
    for user in (
        factories.staff(school, StaffRole.TEACHER),
        factories.staff(other_school, StaffRole.SCHOOL_ADMIN),
    ):
        client.force_login(user)
        assert client.get(add_url(group)).status_code == 404
        assert client.post(add_url(group), form_data(module)).status_code == 404
    assert not Assignment.objects.exists()
    client.force_login(factories.staff(school, StaffRole.SCHOOL_ADMIN))
    assert client.post(add_url(group), form_data(module)).status_code == 302


def test_changing_the_dates(teacher_client, work, group):
    url = reverse("teacher_portal:assignment_edit", args=[group.pk, work.pk])
    html = teacher_client.get(url).content.decode()
    assert f'value="{work.due_on.isoformat()}"' in html
    response = teacher_client.post(url, form_data(work.module, due_on=days(10)))
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.due_on == days(10)


def test_withdrawing_asks_first_then_keeps_the_record(teacher_client, work, group, young_pupil):
    url = reverse("teacher_portal:assignment_withdraw", args=[group.pk, work.pk])
    assert "Withdraw “Test module 8-10”?" in teacher_client.get(url).content.decode()
    assert teacher_client.post(url).status_code == 302
    work.refresh_from_db()
    assert work.is_withdrawn
    edit = reverse("teacher_portal:assignment_edit", args=[group.pk, work.pk])
    assert teacher_client.get(edit).status_code == 404
    grid = teacher_client.get(reverse("teacher_portal:progress", args=[group.pk, work.pk]))
    assert "This work was withdrawn" in grid.content.decode()


def test_the_class_page_lists_the_work_set(teacher_client, work, group):
    html = teacher_client.get(group.get_absolute_url()).content.decode()
    assert reverse("teacher_portal:progress", args=[group.pk, work.pk]) in html
    assert "Test module 8-10" in html and "Set work" in html


@pytest.mark.parametrize("archived", [True])
def test_archived_classes_get_no_new_work(teacher_client, group, module, archived):
    group.archived_at = timezone.now()
    group.save()
    assert teacher_client.get(add_url(group)).status_code == 404
    assert ModulePage.objects.exists()


def test_the_pupil_page_links_to_their_work(teacher_client, work, group, young_pupil):
    isla = young_pupil.pupil
    html = teacher_client.get(isla.get_absolute_url()).content.decode()
    drill_down = reverse("teacher_portal:pupil_progress", args=[group.pk, work.pk, isla.pk])
    assert f'href="{drill_down}"' in html and "Test module 8-10" in html
