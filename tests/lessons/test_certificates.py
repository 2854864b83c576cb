"""Certificates: a pupil who completed a module gets one (their name, the module, the date, the
school, nothing else); a teacher gets one PDF for the class. Read back from the PDF text."""

import io
from datetime import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from lessons.models import (
    CompletionKind,
    LessonPage,
    LessonProgress,
    ModulePage,
    ProgressStatus,
)
from schools.models import StaffRole
from tests import factories


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def module(curriculum):
    return ModulePage.objects.get(slug="test-8-10")


def complete(pupil, module, when=datetime(2026, 11, 20, 10, 0), kind=CompletionKind.ALONE):
    for lesson in LessonPage.objects.child_of(module).live():
        LessonProgress.objects.update_or_create(
            pupil=pupil,
            lesson=lesson,
            defaults={
                "status": ProgressStatus.COMPLETED,
                "completed_at": timezone.make_aware(when),
                "current_step": lesson.specific.last_step,
                "completion_kind": kind,
            },
        )


def test_a_pupil_gets_a_certificate_once_the_module_is_complete(pupil, pupil_client, module):
    url = reverse("pupil_certificate", args=[module.pk])
    assert pupil_client.get(url).status_code == 404
    assert "Your certificate" not in pupil_client.get(reverse("learn_home")).content.decode()

    lessons = list(LessonPage.objects.child_of(module).live())
    complete(pupil, module)
    LessonProgress.objects.filter(pupil=pupil, lesson=lessons[-1]).update(
        status=ProgressStatus.IN_PROGRESS
    )
    assert pupil_client.get(url).status_code == 404  # one lesson still to do

    complete(pupil, module)
    home = pupil_client.get(reverse("learn_home")).content.decode()
    assert url in home
    text = pdf_text(pupil_client.get(url))
    assert "Isla" in text
    assert module.title in text
    assert "Oakfield" in text
    assert "20 November 2026" in text
    # Nothing else about the pupil: not their year, login or class.
    assert "Kestrels" not in text
    assert pupil.user.username not in text


def test_a_teacher_gets_one_pdf_for_the_class(
    pupil, group, teacher_client, module, school, other_school
):
    finished = factories.pupil(group, "Zara").pupil
    factories.pupil(group, "Noor")  # not finished
    complete(pupil, module)
    complete(finished, module, kind=CompletionKind.IN_CLASS)  # done together in class
    url = reverse("teacher_portal:class_certificates", args=[group.pk, module.pk])
    detail = teacher_client.get(reverse("teacher_portal:class_detail", args=[group.pk]))
    assert url in detail.content.decode()

    response = teacher_client.get(url)
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 2
    text = pdf_text(response)
    assert "Isla" in text and "Zara" in text
    assert "Noor" not in text

    # Another class's teacher, or another school's admin, learns nothing.
    other_teacher = Client()
    other_teacher.force_login(factories.staff(school, StaffRole.TEACHER))
    assert other_teacher.get(url).status_code == 404
    other_admin = Client()
    other_admin.force_login(factories.staff(other_school, StaffRole.SCHOOL_ADMIN))
    assert other_admin.get(url).status_code == 404
    # The school's admin may print them.
    admin = Client()
    admin.force_login(factories.staff(school, StaffRole.SCHOOL_ADMIN))
    assert "Zara" in pdf_text(admin.get(url))


def test_a_class_with_no_finished_pupil_gets_a_note(group, teacher_client, module):
    url = reverse("teacher_portal:class_certificates", args=[group.pk, module.pk])
    text = pdf_text(teacher_client.get(url))
    assert "No pupil in Kestrels has completed" in text
