"""Attachments: kept privately, typed by their content, opened only through the access-logged
download; and a corpus of hostile files, every one refused with a kind message and nothing
stored."""

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from safeguarding import services
from safeguarding.models import (
    AccessAction,
    AccessLogEntry,
    AppendOnlyError,
    CaseAttachment,
    ChronologyEntry,
    EntryKind,
)
from safeguarding.storage import attachment_storage
from schools.models import StaffRole
from tests import factories

from .helpers import mfa_session


@pytest.fixture(autouse=True)
def files_dir(settings, tmp_path):
    folder = tmp_path / "sg-files"
    settings.STREAMWISE_SAFEGUARDING_FILES_DIR = str(folder)
    return folder


def stored_files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def picture(fmt: str, size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture: a decompression bomb."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024, 9))
        + chunk(b"IEND", b"")
    )


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.txt", b"\x00" * (20 * 1024 * 1024))
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TEN_MB = 10 * 1024 * 1024

GOOD = {
    "screenshot.png": ("image/png", picture("PNG")),
    "photo of note.jpg": ("image/jpeg", picture("JPEG")),
    "message.webp": ("image/webp", picture("WEBP")),
    "sticker.gif": ("image/gif", picture("GIF")),
    "letter.pdf": ("application/pdf", PDF),
    "what she said.txt": ("text/plain", "She said “he wants pics”. Ça va?\n".encode()),
    "old windows note.txt": ("text/plain", "Café at 5 — “don't tell”\r\n".encode("cp1252")),
}

# name → (content, a word the message must contain)
HOSTILE = {
    "renamed program.jpg": (b"MZ\x90\x00\x03" + b"\x00" * 200, "can't be attached"),
    "program.txt": (b"MZ\x90\x00\x03" + b"\x00" * 200, "can't be attached"),
    "linux tool.png": (b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "can't be attached"),
    "setup.exe": (b"just text, but named like a program", "Programs, scripts"),
    "notes.html": (b"<p>hello</p>", "Programs, scripts"),
    "page.txt": (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "web page"),
    "drawing.svg": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "Programs",
    ),
    "drawing.txt": (b'<svg onload="alert(1)"></svg>', "web page"),
    "picture.png.txt": (b"<?xml version='1.0'?><svg><script>x</script></svg>", "web page"),
    "script.txt": (b"#!/bin/sh\nrm -rf /\n", "script"),
    "bomb.zip": (zip_bomb(), "can't be attached"),
    "bomb.pdf": (zip_bomb(), "can't be attached"),
    "huge.png": (png_claiming(30000, 30000), "too large"),
    "big.png": (png_claiming(8000, 8000), "too large"),
    "damaged.png": (picture("PNG")[:60], "damaged"),
    "binary.txt": (bytes(range(256)) * 4, "can't be attached"),
    "fake.jpg": (picture("PNG"), "isn't one"),
    "webp.gif": (picture("WEBP"), "isn't one"),
    "pdf-ish.pdf": (b"%PDF" + b"\x00\xff" * 100, "can't be attached"),
    "empty.png": (b"", "empty"),
    "../../../etc/cron.d/evil.sh": (b"* * * * * root sh", "Programs, scripts"),
    "C:\\Windows\\System32\\evil.bat": (b"del C:\\", "Programs, scripts"),
    "too big.jpg": (b"\xff\xd8\xff\xe0" + b"\x00" * TEN_MB, "too big"),
}


def upload_url(concern):
    return reverse("safeguarding:case_attachment_add", args=[concern.pk])


class TestKeeping:
    @pytest.mark.parametrize("name", GOOD)
    def test_allowed_files_are_kept_privately_under_a_random_name(
        self, name, raise_concern, dsl, files_dir
    ):
        content_type, data = GOOD[name]
        concern = raise_concern()
        attachment = services.case_attachment_add(
            concern=concern,
            user=dsl,
            upload=SimpleUploadedFile(name, data, content_type="application/octet-stream"),
            description="From her planner",
        )
        assert attachment.content_type == content_type  # from the content, not the browser
        assert attachment.original_name == name and attachment.size == len(data)
        [path] = stored_files(files_dir)
        assert path.name == attachment.stored_name and name not in path.name
        assert path.read_bytes() == data
        entry = concern.entries.order_by("number").last()
        assert entry.kind == EntryKind.ATTACHMENT and name in entry.text

    def test_folders_in_a_name_are_dropped(self, raise_concern, dsl, files_dir):
        attachment = services.case_attachment_add(
            concern=raise_concern(),
            user=dsl,
            upload=SimpleUploadedFile("x.png", picture("PNG")),
        )
        assert attachment.original_name == "x.png"
        from safeguarding.filecheck import clean_name

        assert clean_name("..\\..\\Users\\me\\shot.png") == "shot.png"
        assert clean_name("../../etc/passwd") == "passwd"
        with pytest.raises(ValidationError):
            clean_name("shot\x00.png.exe")

    def test_the_storage_has_no_public_address(self, settings, files_dir):
        storage = attachment_storage()
        assert Path(storage.location) == files_dir
        assert not str(files_dir).startswith(str(settings.MEDIA_ROOT))
        with pytest.raises(ValueError):
            storage.url("anything.png")

    def test_an_attachment_is_never_changed(self, raise_concern, dsl):
        attachment = services.case_attachment_add(
            concern=raise_concern(), user=dsl, upload=SimpleUploadedFile("a.png", picture("PNG"))
        )
        attachment.original_name = "b.png"
        with pytest.raises(AppendOnlyError):
            attachment.save()


class TestHostileFiles:
    @pytest.mark.parametrize("name", HOSTILE)
    def test_refused_kindly_and_nothing_stored(self, name, dsl_client, raise_concern, files_dir):
        data, words = HOSTILE[name]
        concern = raise_concern()
        entries = ChronologyEntry.objects.count()
        response = dsl_client.post(
            upload_url(concern),
            {"attachment-file": SimpleUploadedFile(name, data), "attachment-description": "x"},
        )
        assert response.status_code == 400
        assert words in response.text.replace("&#x27;", "'")
        assert 'role="alert"' in response.text or "errorlist" in response.text
        assert not CaseAttachment.objects.exists()
        assert stored_files(files_dir) == []
        assert ChronologyEntry.objects.count() == entries

    def test_a_name_with_a_nul_is_refused(self, raise_concern, dsl, files_dir):
        with pytest.raises(ValidationError) as error:
            services.case_attachment_add(
                concern=raise_concern(),
                user=dsl,
                upload=SimpleUploadedFile("shot\x00.exe.png", picture("PNG")),
            )
        assert "Rename it" in str(error.value)
        assert stored_files(files_dir) == [] and not CaseAttachment.objects.exists()

    def test_the_size_limit_is_a_setting(self, settings, raise_concern, dsl, files_dir):
        settings.STREAMWISE_SAFEGUARDING_ATTACHMENT_MAX_BYTES = 100
        with pytest.raises(ValidationError, match="too big"):
            services.case_attachment_add(
                concern=raise_concern(),
                user=dsl,
                upload=SimpleUploadedFile("a.png", picture("PNG")),
            )
        assert stored_files(files_dir) == []

    def test_if_the_record_fails_the_file_is_removed(
        self, raise_concern, dsl, files_dir, monkeypatch
    ):
        from safeguarding.services import casework

        def broken(**kwargs):
            raise RuntimeError("database gone")

        monkeypatch.setattr(casework, "_entry_add", broken)
        with pytest.raises(RuntimeError):
            services.case_attachment_add(
                concern=raise_concern(),
                user=dsl,
                upload=SimpleUploadedFile("a.png", picture("PNG")),
            )
        assert stored_files(files_dir) == [] and not CaseAttachment.objects.exists()


class TestOpening:
    def test_a_lead_downloads_it_and_the_access_log_says_so(
        self, dsl_client, raise_concern, dsl, files_dir
    ):
        concern = raise_concern()
        data = picture("PNG")
        response = dsl_client.post(
            upload_url(concern),
            {"attachment-file": SimpleUploadedFile("screen shot.png", data)},
        )
        assert response.status_code == 303
        attachment = CaseAttachment.objects.get()
        page = dsl_client.get(reverse("safeguarding:case", args=[concern.pk])).text
        assert "screen shot.png" in page
        url = attachment.get_absolute_url()
        assert url == f"/safeguarding/cases/{concern.pk}/attachments/{attachment.pk}/"
        response = dsl_client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == data
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "screen shot.png" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert "default-src 'none'" in response["Content-Security-Policy"]
        assert "no-store" in response["Cache-Control"]
        entry = AccessLogEntry.objects.filter(action=AccessAction.VIEW_ATTACHMENT).get()
        assert (entry.user, entry.concern, entry.detail) == (
            dsl,
            concern,
            f"attachment {attachment.pk}",
        )
        log = dsl_client.get(reverse("safeguarding:access_log")).text
        assert "Opened an attachment" in log

    def test_nobody_else_can_open_it(self, client, raise_concern, dsl, teacher, other_school):
        concern = raise_concern()
        attachment = services.case_attachment_add(
            concern=concern, user=dsl, upload=SimpleUploadedFile("a.png", picture("PNG"))
        )
        url = attachment.get_absolute_url()
        client.force_login(teacher)
        assert client.get(url).status_code == 404
        far_dsl = factories.staff(other_school, StaffRole.DSL)
        assert mfa_session(client, far_dsl).get(url).status_code == 404
        assert AccessLogEntry.objects.filter(action=AccessAction.DENIED).count() == 2
        assert not AccessLogEntry.objects.filter(action=AccessAction.VIEW_ATTACHMENT).exists()
        # An attachment of another case, under this case's URL, is not found either.
        other = raise_concern()
        mfa_session(client, dsl)
        wrong = reverse("safeguarding:attachment", args=[other.pk, attachment.pk])
        assert client.get(wrong).status_code == 404

    def test_not_served_on_the_h5p_origin(self, settings, dsl_client, raise_concern, dsl):
        settings.STREAMWISE_H5P_ORIGIN = "http://h5p.example"
        middleware = list(settings.MIDDLEWARE)
        middleware.insert(
            middleware.index("django.contrib.sessions.middleware.SessionMiddleware"),
            "h5p.middleware.H5POriginMiddleware",
        )
        settings.MIDDLEWARE = middleware
        attachment = services.case_attachment_add(
            concern=raise_concern(), user=dsl, upload=SimpleUploadedFile("a.png", picture("PNG"))
        )
        response = dsl_client.get(attachment.get_absolute_url(), HTTP_HOST="h5p.example")
        assert response.status_code == 404


def test_a_folder_under_the_public_media_is_refused_by_the_checks(settings, tmp_path):
    from safeguarding.checks import check_streamwise_attachment_settings

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STREAMWISE_SAFEGUARDING_FILES_DIR = str(tmp_path / "media" / "sg")
    assert [e.id for e in check_streamwise_attachment_settings(None)] == ["streamwise.E211"]
    settings.STREAMWISE_SAFEGUARDING_FILES_DIR = str(tmp_path / "private")
    settings.STREAMWISE_SAFEGUARDING_ATTACHMENT_MAX_BYTES = 0
    assert [e.id for e in check_streamwise_attachment_settings(None)] == ["streamwise.E210"]


def test_an_upload_over_the_limit_is_stopped_while_it_streams(
    settings, dsl_client, raise_concern, files_dir, monkeypatch
):
    from safeguarding import uploads

    settings.STREAMWISE_SAFEGUARDING_ATTACHMENT_MAX_BYTES = 1000
    stopped = []
    original = uploads.AttachmentLimitHandler.receive_data_chunk

    def watch(self, raw_data, start):
        try:
            return original(self, raw_data, start)
        except uploads.StopUpload:
            stopped.append(self.received)
            raise

    monkeypatch.setattr(uploads.AttachmentLimitHandler, "receive_data_chunk", watch)
    concern = raise_concern()
    response = dsl_client.post(
        upload_url(concern),
        {"attachment-file": SimpleUploadedFile("big.png", picture("PNG", size=(600, 600)))},
    )
    assert response.status_code == 400
    assert "too big to attach: the most is 1,000 bytes" in response.text
    assert stopped and stopped[0] <= 64 * 1024 + 1000  # stopped at the first chunk over
    assert not CaseAttachment.objects.exists() and stored_files(files_dir) == []
