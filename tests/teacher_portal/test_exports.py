"""Downloads say exactly what the grid and the drill-down say, and are safe to open in a
spreadsheet."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lessons import services
from lessons.loader import block_id
from schools.models import StaffRole
from teacher_portal.answers import answer_rows
from teacher_portal.exports import spreadsheet_safe
from teacher_portal.progress import CellStatus, Sort, progress_grid
from tests import factories


def export_url(work, what, fmt):
    return reverse(
        "teacher_portal:progress_export", args=[work.teaching_group_id, work.pk, what, fmt]
    )


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_xlsx(response) -> list[list]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def as_text(rows):
    return [["" if value is None else str(value) for value in row] for row in rows]


@pytest.fixture
def pupils(group, young_pupil, lesson, short_lesson):
    isla = young_pupil.pupil
    jack = factories.pupil(group, "Jack").pupil
    services.progress_step_reach(pupil=jack, lesson=lesson, step=3)
    for pupil, answer in ((isla, "true"), (jack, "false")):
        services.activity_submit(
            pupil=pupil,
            lesson=short_lesson,
            activity_id=block_id("test-8-10", "two-activities", "activity", "check-one"),
            data={"statement-0": answer},
        )
    services.activity_submit(
        pupil=isla,
        lesson=short_lesson,
        activity_id=block_id("test-8-10", "two-activities", "activity", "cards-one"),
        data={"card": "0"},
    )
    services.progress_step_reach(pupil=isla, lesson=short_lesson, step=short_lesson.last_step)
    return isla, jack


def expected_grid(grid):
    """The grid service's output, as the rows a download must hold."""
    header = ["Pupil", "Lessons completed"]
    for column in grid.columns:
        header += [column.heading, f"{column.heading}: score (%)"]
    rows = [header]
    for row in grid.rows:
        values = [row.pupil.display_name, f"{row.completed} of {row.total}"]
        for cell in row.cells:
            label = str(cell.status.label)
            values += [f"{label} ({cell.detail})" if cell.detail else label, cell.score]
        rows.append(values)
    return rows


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_grid_download_matches_the_grid(teacher_client, work, group, pupils, fmt):
    response = teacher_client.get(export_url(work, "grid", fmt))
    assert response.status_code == 200
    assert (
        'attachment; filename="kestrels-test-module-8-10-progress-'
        in (response["Content-Disposition"])
    )
    rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
    expected = expected_grid(progress_grid(group=group, assignment=work))
    assert as_text(rows) == as_text(expected)
    assert rows[1][:4] == ["Isla", "1 of 2", "Not started", None if fmt == "xlsx" else ""]
    assert rows[2][2] == "In progress (Step 3 of 8)"
    if fmt == "xlsx":
        assert rows[1][5] == 100  # scores are numbers in a workbook


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_grid_download_keeps_the_filter_and_sort(teacher_client, work, group, pupils, fmt):
    response = teacher_client.get(
        export_url(work, "grid", fmt), {"status": "in_progress", "sort": "-name"}
    )
    rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
    grid = progress_grid(group=group, assignment=work).filtered(CellStatus.IN_PROGRESS)
    expected = expected_grid(grid.sorted(Sort.NAME_DESC))
    assert as_text(rows) == as_text(expected)
    assert [row[0] for row in rows[1:]] == ["Jack"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_answers_download_matches_the_drill_down(teacher_client, work, group, pupils, fmt):
    response = teacher_client.get(export_url(work, "answers", fmt))
    rows = as_text(read_csv(response) if fmt == "csv" else read_xlsx(response))
    answers = answer_rows(progress_grid(group=group, assignment=work))
    assert rows[0] == [
        "Pupil",
        "Lesson",
        "Step",
        "Activity or quiz",
        "Type",
        "Finished",
        "Result",
        "Score (%)",
        "Tries",
        "Answer",
        "When",
        "Drawings",
    ]
    assert len(rows) == len(answers) + 1 == 4
    for row, answer in zip(rows[1:], answers, strict=True):
        assert (
            row[:10]
            == as_text(
                [
                    [
                        answer.pupil.display_name,
                        answer.column.heading,
                        answer.step,
                        answer.title,
                        answer.kind,
                        answer.finished_text,
                        answer.correct_text,
                        answer.score,
                        answer.tries,
                        answer.answer_text,
                    ]
                ]
            )[0]
        )
    assert rows[1][:8] == [
        "Isla",
        "2. Two activities",
        "1",
        "Check",
        "True or false",
        "Answered",
        "All right",
        "100",
    ]
    assert rows[1][9] == "“Streams can be recorded.”: true (right)"
    jack = [row for row in rows if row[0] == "Jack"]
    assert jack[0][6] == "Some not right" and jack[0][7] == "0"


def test_one_pupils_answers(teacher_client, work, pupils):
    isla, jack = pupils
    response = teacher_client.get(export_url(work, "answers", "csv"), {"pupil": jack.pk})
    rows = read_csv(response)
    assert [row[0] for row in rows[1:]] == ["Jack"]
    assert "jack-answers" in response["Content-Disposition"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formulas_cannot_be_smuggled_into_a_spreadsheet(
    teacher_client, work, group, young_pupil, fmt
):
    for name in ('=HYPERLINK("http://evil.example","x")', "+1+1", "-2", "@SUM(A1)"):
        factories.pupil(group, name)
    response = teacher_client.get(export_url(work, "grid", fmt))
    rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
    names = sorted(row[0] for row in rows[1:])
    assert names == sorted(
        [
            "'+1+1",
            "'-2",
            '\'=HYPERLINK("http://evil.example","x")',
            "'@SUM(A1)",
            "Isla",
        ]
    )
    if fmt == "xlsx":
        workbook = load_workbook(io.BytesIO(response.content))
        assert all(cell.data_type != "f" for row in workbook.active.iter_rows() for cell in row)


def test_spreadsheet_safe_leaves_numbers_and_plain_text_alone():
    assert spreadsheet_safe(-3) == -3
    assert spreadsheet_safe("Isla") == "Isla"
    assert spreadsheet_safe("\t=1") == "'\t=1"
    assert spreadsheet_safe(None) is None


def test_downloads_are_for_those_who_see_the_class(client, work, school, other_school):
    for user in (
        factories.staff(school, StaffRole.TEACHER),
        factories.staff(other_school, StaffRole.SCHOOL_ADMIN),
    ):
        client.force_login(user)
        for what in ("grid", "answers"):
            assert client.get(export_url(work, what, "csv")).status_code == 404


def test_unknown_formats_are_not_found(teacher_client, work):
    assert teacher_client.get(export_url(work, "grid", "pdf")).status_code == 404
    assert teacher_client.get(export_url(work, "secrets", "csv")).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_drawing_handed_in_is_in_the_answers_with_a_link_only_its_viewers_can_open(
    client, teacher_client, work, group, short_lesson, young_pupil, school, other_school, fmt
):
    from lessons.models import LessonPage
    from quizzes import say_or_draw
    from quizzes import services as quiz_services
    from tests.quizzes.helpers import make_quiz, question
    from tests.quizzes.test_say_or_draw import png_data_url

    quiz = make_quiz(key="test-8-10/two-activities", title="Two activities quiz")
    short_lesson.quiz = quiz
    short_lesson.save_revision().publish()
    isla = young_pupil.pupil
    jack = factories.pupil(group, "Jack").pupil
    reflection = question(quiz, "q7")
    png = say_or_draw.drawing_from_data_url(png_data_url())
    handed_in = {}
    for pupil, picture in (
        (isla, say_or_draw.PictureAnswer(drawing=png)),
        (jack, say_or_draw.PictureAnswer(chosen=say_or_draw.PICTURE_CHOICES[0].key)),
    ):
        attempt = quiz_services.attempt_start(pupil=pupil, quiz=quiz)
        answer = quiz_services.answer_save(
            attempt=attempt, question=reflection, raw={"text": "Tell my teacher"}
        )
        handed_in[pupil.display_name] = say_or_draw.picture_save(answer=answer, picture=picture)
    assert LessonPage.objects.get(pk=short_lesson.pk).quiz_id == quiz.pk

    response = teacher_client.get(export_url(work, "answers", fmt))
    rows = as_text(read_csv(response) if fmt == "csv" else read_xlsx(response))
    assert rows[0][-1] == "Drawings"
    drawing_url = "http://testserver" + reverse(
        "quizzes:reflection_drawing", args=[handed_in["Isla"].pk]
    )
    quiz_rows = {row[0]: row for row in rows[1:] if row[4] == "Quiz"}
    assert quiz_rows["Isla"][-1] == f"Drawing handed in: {drawing_url}"
    assert quiz_rows["Jack"][-1] == ""  # chose a picture: no drawing handed in
    assert all(row[-1] == "" for row in rows[1:] if row[4] != "Quiz")

    # The link opens the drawing for the class's teacher, and for nobody else.
    opened = teacher_client.get(drawing_url)
    assert opened.status_code == 200 and opened["Content-Type"] == "image/png"
    assert bytes(opened.content) == png
    for stranger in (
        factories.staff(school, StaffRole.TEACHER),  # same school, not their class
        factories.staff(other_school, StaffRole.SCHOOL_ADMIN),
        jack.user,
    ):
        client.force_login(stranger)
        assert client.get(drawing_url).status_code == 404
