"""School admin pages for a OneRoster sync: upload, preview, apply."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schools.models import Pupil, RosterUpload, StaffRole, TeachingGroup
from tests import factories
from tests.schools.oneroster_files import autumn, spring

UPLOAD = reverse("teacher_portal:oneroster_upload")
PREVIEW = reverse("teacher_portal:oneroster_preview")
APPLY = reverse("teacher_portal:oneroster_apply")


def upload(client, data, name="roster.zip"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data, "application/zip")})


def key_of(response):
    return re.search(r'name="key" value="([^"]+)"', response.text).group(1)


@pytest.fixture
def staff_sam(school):
    return factories.staff(school, StaffRole.TEACHER, email="sam.reed@oakfield.example")


def test_upload_preview_apply_and_a_double_submit(admin_client, school, staff_sam):
    response = upload(admin_client, autumn())
    assert response.status_code == 302 and response.url == PREVIEW
    assert not Pupil.objects.filter(school=school).exists()  # nothing saved but the file
    preview = admin_client.get(PREVIEW)
    assert "3 new pupils" in preview.text
    assert "Isla M" in preview.text and "Kestrels" in preview.text
    assert "Will teach these classes" in preview.text
    key = key_of(preview)
    done = admin_client.post(APPLY, {"key": key})
    assert done.status_code == 200 and "3 added" in done.text
    assert Pupil.objects.filter(school=school).count() == 3
    again = admin_client.post(APPLY, {"key": key}, follow=True)
    assert "already been applied" in again.text
    assert Pupil.objects.filter(school=school).count() == 3


def test_next_terms_file_shows_movers_and_leavers(admin_client, school):
    upload(admin_client, autumn())
    admin_client.post(APPLY, {"key": key_of(admin_client.get(PREVIEW))})
    upload(admin_client, spring())
    preview = admin_client.get(PREVIEW)
    assert "1 pupil moving class or year" in preview.text
    assert "1 pupil leaving (will be archived)" in preview.text
    assert "Leaving: will be archived" in preview.text


def test_the_same_file_again_has_nothing_to_apply(admin_client, school):
    upload(admin_client, autumn())
    admin_client.post(APPLY, {"key": key_of(admin_client.get(PREVIEW))})
    upload(admin_client, autumn())
    preview = admin_client.get(PREVIEW)
    assert "nothing to change" in preview.text
    assert 'name="key"' not in preview.text


def test_an_unreadable_file_is_refused_on_the_form(admin_client):
    response = upload(admin_client, b"not a zip")
    assert response.status_code == 200
    assert "isn&#x27;t a zip file" in response.text or "isn't a zip file" in response.text
    assert not RosterUpload.objects.exists()


def test_a_file_over_the_limit_is_refused_kindly(admin_client, settings):
    settings.STREAMWISE_ONEROSTER_MAX_BYTES = 1000
    response = upload(admin_client, autumn() + b"x" * 2000)
    assert "too big" in response.text
    assert not RosterUpload.objects.exists()


def test_the_preview_without_an_upload_goes_back_to_the_form(admin_client):
    assert admin_client.get(PREVIEW).url == UPLOAD


def test_another_admins_key_does_nothing(admin_client, client, school):
    upload(admin_client, autumn())
    key = key_of(admin_client.get(PREVIEW))
    other = factories.staff(school, StaffRole.SCHOOL_ADMIN)
    client.force_login(other)
    response = client.post(APPLY, {"key": key}, follow=True)
    assert "expired" in response.text
    assert not Pupil.objects.filter(school=school).exists()


@pytest.mark.parametrize("role", [StaffRole.TEACHER, StaffRole.DSL])
def test_only_school_admins(client, school, role):
    client.force_login(factories.staff(school, role))
    assert client.get(UPLOAD).status_code == 403
    assert client.post(APPLY, {"key": "x"}).status_code == 403


def test_a_clash_found_only_when_applying_changes_nothing(admin_client, school, monkeypatch):
    from django.db import IntegrityError

    from schools.oneroster import apply as apply_module

    upload(admin_client, autumn())
    key = key_of(admin_client.get(PREVIEW))

    def clash(**kwargs):
        raise IntegrityError("unique_pupil_name_per_school")

    monkeypatch.setattr(apply_module, "pupils_bulk_create", clash)
    response = admin_client.post(APPLY, {"key": key}, follow=True)
    assert "nothing was changed" in response.text
    assert not Pupil.objects.filter(school=school).exists()
    assert not TeachingGroup.objects.filter(school=school).exists()


def test_a_made_up_upload_key_is_gone_not_an_error(school, school_admin):
    """A key that was never issued (even one with a NUL byte, which PostgreSQL refuses in a
    text field) is treated as an upload that has gone, never a server error."""
    from schools.oneroster.apply import UploadGone, upload_get

    for key in ("", "short", "x" * 43 + "\x00", "../../etc/passwd" + "a" * 30):
        with pytest.raises(UploadGone):
            upload_get(school=school, user=school_admin, key=key)
