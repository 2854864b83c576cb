"""Sharing a module's parent and carer pack: the link, the QR code, the message and the letter."""

import datetime

import pytest
import segno
from django.urls import reverse
from django.utils import timezone

from lessons.parents import parent_packs_load
from lessons.services import assignment_create
from schools.models import StaffRole
from teacher_portal.parents_views import qr_code_svg
from tests import factories
from tests.lessons.conftest import FIXTURE_CURRICULUM


@pytest.fixture
def pack(curriculum):
    parent_packs_load(directory=FIXTURE_CURRICULUM / "parents")
    from lessons.parents import ParentPack

    return ParentPack.objects.get()


def share_url(work):
    return reverse("teacher_portal:parents_share", args=[work.teaching_group.pk, work.pk])


def test_the_teacher_gets_the_public_link_a_qr_code_a_message_and_a_letter(
    teacher_client, work, pack, group
):
    response = teacher_client.get(share_url(work))
    assert response.status_code == 200
    html = response.content.decode()
    link = "http://testserver" + reverse("parents:pack", args=["test-8-10"])
    assert f'value="{link}"' in html
    assert f"It is the same for every family and has nothing about your child in it: {link}" in html
    assert 'data-copy="pack-message"' in html and "data-print" in html
    assert (
        f'<svg role="img" aria-label="QR code: scan it to open the parent and carer pack at {link}"'
        in html
    )
    assert group.school.name in html and "Kestrels is learning" in html
    assert "/login/pupil" not in html and group.code not in html  # nothing to log in with


def test_the_qr_code_encodes_the_link():
    url = "http://testserver/parents/test-8-10/"
    svg = qr_code_svg(url, label="QR code")
    expected = segno.make(url, error="m", micro=False).svg_inline(
        scale=5, light="#fff", dark="#000", omitsize=True
    )
    assert svg == expected.replace("<svg ", '<svg role="img" aria-label="QR code" ', 1)
    assert "<script" not in svg and "style=" not in svg


def test_the_work_page_offers_sharing_only_when_the_module_has_a_pack(
    teacher_client, work, curriculum
):
    progress = reverse("teacher_portal:progress", args=[work.teaching_group.pk, work.pk])
    assert "Share with parents and carers" not in teacher_client.get(progress).content.decode()
    assert teacher_client.get(share_url(work)).status_code == 404
    parent_packs_load(directory=FIXTURE_CURRICULUM / "parents")
    html = teacher_client.get(progress).content.decode()
    assert "Share with parents and carers" in html and share_url(work) in html


def test_a_single_lesson_shares_the_pack_of_its_module(
    teacher_client, group, lesson, pack, teacher
):
    today = timezone.localdate()
    work = assignment_create(
        group=group,
        lesson=lesson,
        opens_on=today,
        due_on=today + datetime.timedelta(days=3),
        created_by=teacher,
    )
    response = teacher_client.get(share_url(work))
    assert response.status_code == 200
    assert reverse("parents:pack", args=["test-8-10"]) in response.content.decode()


def test_only_the_classes_teachers_and_school_admins_can_share(client, work, pack, school):
    other_teacher = factories.staff(school, StaffRole.TEACHER)
    client.force_login(other_teacher)
    assert client.get(share_url(work)).status_code == 404
    client.force_login(factories.staff(school, StaffRole.SCHOOL_ADMIN))
    assert client.get(share_url(work)).status_code == 200
    client.logout()
    assert client.get(share_url(work)).status_code == 302
