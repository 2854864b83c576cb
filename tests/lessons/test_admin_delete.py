"""A lesson pupils have started is unpublished, never deleted: the admin refuses, kindly."""

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Page

from lessons.models import LessonPage, LessonProgress
from lessons.services import progress_step_reach
from tests import factories


@pytest.fixture
def admin_client(db):
    client = Client()
    client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    return client


@pytest.fixture
def started(lesson, pupil):
    progress_step_reach(pupil=pupil, lesson=lesson, step=1)
    return lesson


def _delete(client, page):
    return client.post(
        reverse("wagtailadmin_pages:delete", args=[page.pk]),
        {"confirm_site_name": "", "next": ""},
        follow=True,
    )


def test_a_started_lesson_is_not_deleted(admin_client, started):
    response = _delete(admin_client, started)
    assert LessonPage.objects.filter(pk=started.pk).exists()
    assert LessonProgress.objects.filter(lesson=started).count() == 1
    assert "pupils have started it" in response.content.decode()
    assert "Unpublish it instead" in response.content.decode()


def test_a_module_holding_a_started_lesson_is_not_deleted(admin_client, started):
    module = started.get_parent()
    response = _delete(admin_client, module)
    assert Page.objects.filter(pk=module.pk).exists()
    assert "pupils have started it" in response.content.decode()


def test_a_lesson_nobody_started_is_deleted(admin_client, started, short_lesson):
    _delete(admin_client, short_lesson)
    assert not LessonPage.objects.filter(pk=short_lesson.pk).exists()
    assert LessonPage.objects.filter(pk=started.pk).exists()


def test_bulk_delete_refuses_started_lessons(admin_client, started, short_lesson):
    url = (
        reverse("wagtail_bulk_action", args=("wagtailcore", "page", "delete"))
        + f"?id={started.pk}&id={short_lesson.pk}"
    )
    response = admin_client.post(url, follow=True)
    assert "pupils have started it" in response.content.decode()
    assert LessonPage.objects.filter(pk__in=[started.pk, short_lesson.pk]).count() == 2


def test_the_database_refuses_too(started):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        started.delete()
