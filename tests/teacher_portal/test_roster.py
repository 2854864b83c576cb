"""Roster import: upload a CSV, see every row's problems, confirm, pupils created at once."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schools.models import Pupil, YearGroup
from teacher_portal.roster import parse_year_group
from tests import factories

UPLOAD = reverse("teacher_portal:roster_upload")
CONFIRM = reverse("teacher_portal:roster_confirm")


def upload(client, content, name="pupils.csv"):
    if isinstance(content, str):
        content = content.encode()
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content, "text/csv")})


def token_of(response):
    return re.search(r'name="token" value="([^"]+)"', response.text).group(1)


def rows_of(response):
    """{row number: text of the "What will happen" cell} from the preview table."""
    cells = re.findall(
        r'<tr class="roster-row roster-row--(\w+)">\s*<th scope="row">(\d+)</th>(.*?)</tr>',
        response.text,
        re.S,
    )
    return {int(line): (status, re.sub(r"<[^>]+>|\s+", " ", body)) for status, line, body in cells}


@pytest.fixture
def classes(school):
    return {
        "Kestrels": factories.TeachingGroupFactory(school=school, name="Kestrels", year_group=4),
        "Hawks": factories.TeachingGroupFactory(school=school, name="Hawks", year_group=7),
    }


GOOD_FILE = (
    "Name,Year group,Class\r\nIsla M,Year 4,Kestrels\r\nJack T,Y4,kestrels\r\nQuinn,7,Hawks\r\n"
)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("Year 4", 4),
        ("year4", 4),
        ("4", 4),
        ("Y4", 4),
        ("y 4", 4),
        ("Yr 4", 4),
        ("Year 11", 11),
        ("Reception", 0),
        ("R", 0),
        ("rec", 0),
        ("YR", 0),
        ("Year 12", None),
        ("0", None),
        ("Year Four", None),
        ("", None),
    ],
)
def test_year_group_spellings(text, year):
    assert parse_year_group(text) == year


def test_import_with_preview_and_confirm(admin_client, school, classes):
    preview = upload(admin_client, GOOD_FILE)
    assert preview.status_code == 200
    assert "3 pupils will be added" in preview.text
    assert not Pupil.objects.exists()  # nothing saved by the preview

    done = admin_client.post(CONFIRM, {"token": token_of(preview)})
    assert done.status_code == 200
    assert "3 pupils added" in done.text
    assert reverse("teacher_portal:login_cards", args=[classes["Kestrels"].pk]) in done.text
    pupils = {p.display_name: p for p in Pupil.objects.filter(school=school)}
    assert set(pupils) == {"Isla M", "Jack T", "Quinn"}
    assert pupils["Jack T"].year_group == 4
    assert list(pupils["Jack T"].teaching_groups.all()) == [classes["Kestrels"]]
    assert list(pupils["Quinn"].teaching_groups.all()) == [classes["Hawks"]]
    # 4–10s can log in straight away with their picture password; 11+ get theirs on the cards.
    assert len(pupils["Isla M"].picture_password.split("-")) == 3
    assert not pupils["Quinn"].password_hash and not pupils["Quinn"].user.has_usable_password()


def test_reimporting_the_same_file_adds_nobody_twice(admin_client, school, classes):
    admin_client.post(CONFIRM, {"token": token_of(upload(admin_client, GOOD_FILE))})
    again = upload(admin_client, GOOD_FILE)
    assert "3 pupils are already here and will be skipped" in again.text
    assert 'name="token"' not in again.text  # nothing to confirm
    assert {status for status, _ in rows_of(again).values()} == {"skip"}
    assert Pupil.objects.filter(school=school).count() == 3


def test_confirming_a_stale_preview_twice_adds_nobody_twice(admin_client, school, classes):
    token = token_of(upload(admin_client, GOOD_FILE))
    admin_client.post(CONFIRM, {"token": token})
    second = admin_client.post(CONFIRM, {"token": token})
    assert "0 pupils added" in second.text
    assert Pupil.objects.filter(school=school).count() == 3


def test_every_row_problem_is_listed(admin_client, school, classes):
    factories.pupil(classes["Kestrels"], "Existing Ed")
    archived = factories.TeachingGroupFactory(school=school, name="Old Owls", year_group=4)
    archived.archived_at = archived.created_at
    archived.save()
    content = (
        "NAME;  year_group ;CLASS\n"  # semicolons, odd header spelling
        "Ava B;Year 4;Kestrels\n"  # 2: fine
        ";Year 4;Kestrels\n"  # 3: empty name
        "Ben C;Year 4;Narnia\n"  # 4: unknown class
        "Cal D;Year 14;Kestrels\n"  # 5: bad year group
        "ava  b;4;Kestrels\n"  # 6: duplicate of row 2
        "existing ed;4;Kestrels\n"  # 7: already here
        "Dee E;4;Old Owls\n"  # 8: archived class
        "Eve F;;\n"  # 9: empty year group and class
        "Fin G\n" + "X" * 61 + ";4;Kestrels\n"  # 10: short row  # 11: too long
    )
    response = upload(admin_client, content)
    rows = rows_of(response)
    assert rows[2][0] == "add"
    assert rows[3] == ("problem", rows[3][1]) and "The name is empty" in rows[3][1]
    assert "no class called “Narnia”" in rows[4][1]
    assert "“Year 14” is not a year group" in rows[5][1]
    assert "Same name as row 2" in rows[6][1]
    assert rows[7][0] == "skip" and "will be skipped" in rows[7][1]
    assert "“Old Owls” is archived" in rows[8][1]
    assert "year group is empty" in rows[9][1] and "class is empty" in rows[9][1]
    assert "year group is empty" in rows[10][1] and "class is empty" in rows[10][1]
    assert "longer than 60 characters" in rows[11][1]
    assert "1 pupil will be added" in response.text
    assert "8 rows have problems" in response.text

    admin_client.post(CONFIRM, {"token": token_of(response)})
    assert set(Pupil.objects.values_list("display_name", flat=True)) == {"Existing Ed", "Ava B"}


def test_missing_column_is_explained_and_blocks_the_import(admin_client, classes):
    response = upload(admin_client, "Name,Class\nIsla,Kestrels\n")
    assert response.status_code == 200
    assert "Some columns are missing" in response.text
    assert "We couldn't find: Year group" in response.text.replace("&#x27;", "'")
    assert 'name="token"' not in response.text
    assert "Isla" in response.text  # the rows are still shown


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00rest-of-an-xlsx", "looks like an Excel workbook"),
        (b"%PDF-1.7\x00\x00binary", "doesn&#x27;t look like a CSV file"),
        ("Name,Year group,Class\nZoë,4,Kestrels\n".encode("latin-1"), "isn&#x27;t saved as UTF-8"),
        (b"", "The submitted file is empty"),
        (b"\r\n \r\n", "The file is empty"),
        (b"Name,Year group,Class\r\n", "header row but no pupils"),
    ],
)
def test_unreadable_files_get_a_kind_message(admin_client, classes, content, message):
    response = upload(admin_client, content)
    assert response.status_code == 200
    assert message in response.text
    assert 'aria-describedby="id_file_helptext id_file_error"' in response.text
    assert not Pupil.objects.exists()


def test_too_big_file(admin_client, classes, settings):
    settings.STREAMWISE_ROSTER_MAX_BYTES = 100
    response = upload(admin_client, GOOD_FILE + "Zed,4,Kestrels\n" * 10)
    assert "The file is too big" in response.text
    assert not Pupil.objects.exists()


def test_too_many_rows(admin_client, classes, settings):
    settings.STREAMWISE_ROSTER_MAX_ROWS = 2
    response = upload(admin_client, GOOD_FILE)
    assert "lists 3 pupils; the most we can take at once is 2" in response.text
    assert not Pupil.objects.exists()


def test_utf8_with_byte_order_mark_and_utf16_are_read(admin_client, school, classes):
    text = "Name,Year group,Class\r\nZoë,Reception,Kestrels\r\n"
    for content in (b"\xef\xbb\xbf" + text.encode(), text.encode("utf-16")):
        response = upload(admin_client, content)
        rows = rows_of(response)
        assert rows[2][0] == "add", rows
        assert "Zoë" in response.text and str(YearGroup.RECEPTION.label) in response.text


def test_tampered_expired_or_borrowed_previews_are_refused(
    admin_client, client, school, classes, settings
):
    from django.core import signing

    from schools.models import StaffRole

    token = token_of(upload(admin_client, GOOD_FILE))
    tampered = admin_client.post(CONFIRM, {"token": token[:-2] + "xx"}, follow=True)
    assert "That preview has expired" in tampered.text
    assert not Pupil.objects.exists()

    # Another admin of the same school cannot replay someone else's preview.
    colleague = factories.staff(school, StaffRole.SCHOOL_ADMIN)
    client.force_login(colleague)
    client.post(CONFIRM, {"token": token})
    assert not Pupil.objects.exists()

    # An hour later the preview has expired.
    settings.STREAMWISE_ROSTER_PREVIEW_MINUTES = 60
    with pytest.MonkeyPatch.context() as patch:
        real_loads = signing.loads
        patch.setattr(
            signing,
            "loads",
            lambda *a, **k: real_loads(*a, **{**k, "max_age": timedelta(seconds=-1)}),
        )
        expired = admin_client.post(CONFIRM, {"token": token}, follow=True)
    assert "That preview has expired" in expired.text
    assert not Pupil.objects.exists()


def test_rows_are_checked_again_on_confirm(admin_client, school, classes):
    token = token_of(upload(admin_client, GOOD_FILE))
    factories.pupil(classes["Kestrels"], "Isla M")  # added by someone else meanwhile
    classes["Hawks"].archived_at = classes["Hawks"].created_at
    classes["Hawks"].save()
    done = admin_client.post(CONFIRM, {"token": token})
    assert "1 pupil added" in done.text and "2 rows were not added" in done.text
    assert Pupil.objects.filter(school=school).count() == 2


def test_import_is_all_or_nothing(admin_client, school, classes, monkeypatch):
    from django.db import IntegrityError

    from schools import services

    token = token_of(upload(admin_client, GOOD_FILE))
    real = services.Pupil.objects.bulk_create

    def fail_after_users(*args, **kwargs):
        raise IntegrityError("simulated clash")

    monkeypatch.setattr(services.Pupil.objects, "bulk_create", fail_after_users)
    response = admin_client.post(CONFIRM, {"token": token}, follow=True)
    assert "nothing was added" in response.text
    monkeypatch.setattr(services.Pupil.objects, "bulk_create", real)
    assert not Pupil.objects.exists()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username__startswith="pupil-").exists()


def test_another_schools_classes_are_unknown(admin_client, classes, far_group):
    response = upload(admin_client, "Name,Year group,Class\nIsla,4,Elm 4\n")
    assert "no class called “Elm 4”" in response.text


def test_example_file_is_a_valid_roster(admin_client, school):
    factories.TeachingGroupFactory(school=school, name="Kestrels", year_group=4)
    example = admin_client.get(reverse("teacher_portal:roster_template"))
    assert example["Content-Type"].startswith("text/csv")
    response = upload(admin_client, example.content)
    assert "2 pupils will be added" in response.text


def test_teachers_cannot_import(client, teacher, classes):
    client.force_login(teacher)
    assert upload(client, GOOD_FILE).status_code == 403
    assert client.post(CONFIRM, {"token": "x"}).status_code == 403
