"""Teach mode pages: the board (no pupil names, no safeguarding controls, every activity as a
class activity), "Who was here?" (records the lesson as done together in class), and the new
status in the grid, the drill-down, the downloads and the API."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lessons.models import CompletionKind, LessonProgress, ProgressStatus
from schools.models import StaffRole
from teacher_portal.progress import CellStatus, cell_status, progress_grid
from teacher_portal.services import api_token_create
from tests import factories


def board_url(group, lesson, work=None):
    url = reverse("teacher_portal:teach", args=[group.pk, lesson.pk])
    return f"{url}?work={work.pk}" if work else url


def attendance_url(group, lesson, work=None):
    url = reverse("teacher_portal:teach_attendance", args=[group.pk, lesson.pk])
    return f"{url}?work={work.pk}" if work else url


@pytest.fixture
def jack(group):
    return factories.pupil(group, "Jack").pupil


def test_the_board_shows_every_step_and_class_activities_without_pupils(
    teacher_client, group, lesson, young_pupil, jack
):
    response = teacher_client.get(board_url(group, lesson))

    assert response.status_code == 200
    html = response.content.decode()
    for step in lesson.steps:
        assert step.title in html
    # Every kind of activity becomes a class activity (votes with counters, or cards).
    assert html.count("data-vote-step=") >= 4
    assert "Show the choices" in html and "Show the feedback" in html and "Turn over" in html
    # No pupil data and no safeguarding controls on the board.
    assert "Isla" not in html and "Jack" not in html
    assert reverse("safeguarding:talk") not in html
    assert "Raise a concern" not in html
    # The last step reminds the class who to talk to; notes start hidden.
    assert "Talk to someone." in html and "0800 1111" in html
    assert (
        'id="teach-notes" class="teach-notes" aria-labelledby="teach-notes-heading" hidden' in html
    )


def test_a_lesson_of_another_age_band_is_not_found(teacher_client, group, older_lesson):
    assert teacher_client.get(board_url(group, older_lesson)).status_code == 404
    assert teacher_client.get(attendance_url(group, older_lesson)).status_code == 404


def test_the_lesson_page_offers_teach_mode_to_teachers_only(client, teacher, dsl, lesson):
    client.force_login(teacher)
    choose = reverse("teacher_portal:teach_choose", args=[lesson.pk])
    assert choose in client.get(lesson.url).content.decode()
    client.force_login(dsl)
    assert choose not in client.get(lesson.url).content.decode()


def test_choose_lists_the_teachers_classes_of_the_lessons_band(
    teacher_client, group, senior_group, lesson
):
    html = teacher_client.get(reverse("teacher_portal:teach_choose", args=[lesson.pk])).content
    html = html.decode()
    assert board_url(group, lesson) in html
    assert board_url(senior_group, lesson) not in html


def test_who_was_here_records_present_pupils_and_goes_back_to_the_grid(
    teacher_client, teacher, group, work, short_lesson, young_pupil, jack
):
    isla = young_pupil.pupil
    page = teacher_client.get(attendance_url(group, short_lesson, work))
    assert page.status_code == 200
    assert "Who was here?" in page.content.decode() and "Jack" in page.content.decode()

    response = teacher_client.post(
        attendance_url(group, short_lesson, work), {"present": [isla.pk]}
    )
    assert response.status_code == 302
    assert response.url == reverse("teacher_portal:progress", args=[group.pk, work.pk])
    again = teacher_client.post(attendance_url(group, short_lesson, work), {"present": [isla.pk]})
    assert again.status_code == 302  # a double submit is harmless

    progress = LessonProgress.objects.get(pupil=isla, lesson=short_lesson)
    assert progress.completion_kind == CompletionKind.IN_CLASS
    assert progress.taught_by == teacher
    assert not LessonProgress.objects.filter(pupil=jack).exists()

    grid_page = teacher_client.get(response.url).content.decode()
    assert "Done together in class" in grid_page
    assert 'cell cell--in_class"><span class="cell__icon" aria-hidden="true">◆</span>' in grid_page


def test_who_was_here_needs_someone_and_refuses_another_schools_pupil(
    teacher_client, group, short_lesson, far_group
):
    far = factories.pupil(far_group, "Keira").pupil
    empty = teacher_client.post(attendance_url(group, short_lesson), {})
    assert empty.status_code == 200
    assert "Tick at least one pupil who was here." in empty.content.decode()
    foreign = teacher_client.post(attendance_url(group, short_lesson), {"present": [far.pk]})
    assert foreign.status_code == 200
    assert not LessonProgress.objects.exists()


def test_other_teachers_and_pupils_are_kept_out(client, school, group, short_lesson, young_pupil):
    other_teacher = factories.staff(school, StaffRole.TEACHER)
    client.force_login(other_teacher)
    assert client.get(board_url(group, short_lesson)).status_code == 404
    assert (
        client.post(attendance_url(group, short_lesson), {"present": [young_pupil.pupil.pk]})
    ).status_code == 404
    client.force_login(young_pupil.pupil.user)
    assert client.get(board_url(group, short_lesson)).status_code == 403
    assert not LessonProgress.objects.exists()


def test_a_school_admin_may_teach_any_class_of_the_school(
    admin_client, group, short_lesson, young_pupil
):
    assert admin_client.get(board_url(group, short_lesson)).status_code == 200
    response = admin_client.post(
        attendance_url(group, short_lesson), {"present": [young_pupil.pupil.pk]}
    )
    assert response.status_code == 302


# --- The status everywhere the grid goes --------------------------------------------------------


@pytest.fixture
def taught(teacher, group, work, short_lesson, young_pupil):
    from lessons.teach import lesson_taught_in_class

    lesson_taught_in_class(
        group=group, lesson=short_lesson, present=[young_pupil.pupil], taught_by=teacher
    )
    return work


def test_the_grid_says_done_together_in_class(taught, group, short_lesson):
    grid = progress_grid(group=group, assignment=taught)
    cell = grid.rows[0].cells[1]
    assert cell.column.lesson_id == short_lesson.pk
    assert cell.status is CellStatus.IN_CLASS and cell.is_completed and cell.completed_in_class
    assert cell.label == "Done together in class"
    assert grid.rows[0].completed == 1
    assert grid.status_counts()[CellStatus.IN_CLASS] == 1


def test_cell_status_in_class():
    done = ProgressStatus.COMPLETED
    assert cell_status(progress=done, quiz_passed=None, past_due=True, in_class=True) is (
        CellStatus.IN_CLASS
    )
    assert cell_status(progress=done, quiz_passed=True, past_due=False, in_class=True) is (
        CellStatus.PASSED
    )
    assert cell_status(progress=done, quiz_passed=None, past_due=False) is CellStatus.COMPLETED


def test_drill_down_downloads_and_api_say_it_too(
    taught, teacher_client, group, young_pupil, school, school_admin, client
):
    isla = young_pupil.pupil
    drill = teacher_client.get(
        reverse("teacher_portal:pupil_progress", args=[group.pk, taught.pk, isla.pk])
    ).content.decode()
    assert "Done together in class" in drill
    assert "done together in class" in drill  # the timeline

    csv_body = teacher_client.get(
        reverse("teacher_portal:progress_export", args=[group.pk, taught.pk, "grid", "csv"])
    )
    body = b"".join(csv_body.streaming_content) if csv_body.streaming else csv_body.content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert "Done together in class" in rows[1]

    xlsx = teacher_client.get(
        reverse("teacher_portal:progress_export", args=[group.pk, taught.pk, "grid", "xlsx"])
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert "Done together in class" in [cell.value for cell in sheet[2]]

    token = api_token_create(school=school, name="MIS", created_by=school_admin)[1]
    api = client.get(
        f"/api/v1/assignments/{taught.pk}/progress", headers={"Authorization": f"Bearer {token}"}
    ).json()
    in_class = [item for item in api["items"] if item["completed_in_class"]]
    assert len(in_class) == 1
    assert in_class[0]["status"] == "in_class"
    assert in_class[0]["status_label"] == "Done together in class"
    assert in_class[0]["taught_in_class_at"] is not None


def test_a_lesson_finished_alone_then_taught_stays_completed(
    teacher, teacher_client, group, work, short_lesson, young_pupil
):
    from lessons.teach import lesson_taught_in_class
    from tests.teacher_portal.test_progress import finish_short_lesson

    isla = young_pupil.pupil
    finish_short_lesson(isla, short_lesson)
    lesson_taught_in_class(group=group, lesson=short_lesson, present=[isla], taught_by=teacher)
    cell = progress_grid(group=group, assignment=work).rows[0].cells[1]
    assert cell.status is CellStatus.COMPLETED and cell.taught_at is not None
    drill = teacher_client.get(
        reverse("teacher_portal:pupil_progress", args=[group.pk, work.pk, isla.pk])
    ).content.decode()
    assert "Also taught in class on" in drill
