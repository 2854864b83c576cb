"""The progress grid: what each cell says, filtering and sorting, the pupil drill-down, the charts,
who may see them, and a fixed number of queries whatever the size of the class and module."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lessons import services
from lessons.loader import block_id
from lessons.models import ActivityResponse, LessonPage, LessonProgress, ModulePage, ProgressStatus
from lessons.services import assignment_create
from schools.models import StaffRole
from schools.services import NewPupil, pupils_bulk_create
from teacher_portal.progress import CellStatus, Sort, cell_status, progress_grid
from tests import factories
from tests.lessons import builders
from tests.quizzes.helpers import make_quiz, take


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def grid_url(work, name="progress", **kwargs):
    return reverse(
        f"teacher_portal:{name}", args=[work.teaching_group_id, work.pk, *kwargs.values()]
    )


def finish_short_lesson(pupil, lesson, *, right=True):
    """Answer both activities of "Two activities" and reach its last step."""
    services.activity_submit(
        pupil=pupil,
        lesson=lesson,
        activity_id=block_id("test-8-10", lesson.slug, "activity", "check-one"),
        data={"statement-0": "true" if right else "false"},
    )
    services.activity_submit(
        pupil=pupil,
        lesson=lesson,
        activity_id=block_id("test-8-10", lesson.slug, "activity", "cards-one"),
        data={"card": "0"},
    )
    return services.progress_step_reach(pupil=pupil, lesson=lesson, step=lesson.last_step)


@pytest.fixture
def isla(young_pupil):
    return young_pupil.pupil


@pytest.fixture
def class_of_three(group, isla):
    """Isla (nothing done), Jack (part-way through lesson 1), Keira (lesson 2 done, one wrong)."""
    jack = factories.pupil(group, "Jack").pupil
    keira = factories.pupil(group, "Keira").pupil
    return isla, jack, keira


def statuses(grid):
    return {row.pupil.display_name: [cell.status for cell in row.cells] for row in grid.rows}


# --- The cells ----------------------------------------------------------------------------------


def test_each_cell_says_how_far_the_pupil_got(work, group, class_of_three, lesson, short_lesson):
    isla, jack, keira = class_of_three
    services.progress_step_reach(pupil=jack, lesson=lesson, step=2)
    finish_short_lesson(keira, short_lesson, right=False)

    grid = progress_grid(group=group, assignment=work)
    assert [c.heading for c in grid.columns] == ["1. Every activity", "2. Two activities"]
    assert statuses(grid) == {
        "Isla": [CellStatus.NOT_STARTED, CellStatus.NOT_STARTED],
        "Jack": [CellStatus.IN_PROGRESS, CellStatus.NOT_STARTED],
        "Keira": [CellStatus.NOT_STARTED, CellStatus.COMPLETED],
    }
    jack_cell = grid.row_for(jack.pk).cells[0]
    assert jack_cell.detail == f"Step 2 of {lesson.last_step}"
    keira_row = grid.row_for(keira.pk)
    # The true-or-false was wrong (0), the reveal cards have no score: the mean is 0%.
    assert keira_row.cells[1].score == 0 and keira_row.cells[1].score_text == "0%"
    assert keira_row.completed == 1 and keira_row.completed_text == "1 of 2"


def test_unfinished_work_is_overdue_after_the_due_date(group, module, teacher, class_of_three):
    isla, jack, keira = class_of_three
    short = LessonPage.objects.get(slug="two-activities")
    finish_short_lesson(keira, short)
    late = assignment_create(
        group=group, module=module, opens_on=days(-9), due_on=days(-1), created_by=teacher
    )
    grid = progress_grid(group=group, assignment=late)
    assert statuses(grid)["Keira"] == [CellStatus.OVERDUE, CellStatus.COMPLETED]
    assert statuses(grid)["Isla"] == [CellStatus.OVERDUE, CellStatus.OVERDUE]
    assert grid.row_for(isla.pk).is_overdue


@pytest.mark.parametrize(
    ("progress", "quiz_passed", "past_due", "expected"),
    [
        (ProgressStatus.NOT_STARTED, None, False, CellStatus.NOT_STARTED),
        (ProgressStatus.IN_PROGRESS, None, False, CellStatus.IN_PROGRESS),
        (ProgressStatus.IN_PROGRESS, None, True, CellStatus.OVERDUE),
        (ProgressStatus.COMPLETED, None, True, CellStatus.COMPLETED),
        (ProgressStatus.COMPLETED, True, False, CellStatus.PASSED),
        (ProgressStatus.IN_PROGRESS, False, True, CellStatus.FAILED),
        (ProgressStatus.IN_PROGRESS, True, True, CellStatus.OVERDUE),
    ],
)
def test_cell_status_rules(progress, quiz_passed, past_due, expected):
    assert cell_status(progress=progress, quiz_passed=quiz_passed, past_due=past_due) is expected


def test_quiz_results_show_passed_or_not_with_the_counted_score(
    django_capture_on_commit_callbacks, work, group, class_of_three, short_lesson
):
    isla, jack, keira = class_of_three
    quiz = make_quiz(key="test-8-10/two-activities", title="Two activities quiz")
    short_lesson.quiz = quiz
    short_lesson.save_revision().publish()
    short_lesson = LessonPage.objects.get(pk=short_lesson.pk)

    finish_short_lesson(jack, short_lesson)
    finish_short_lesson(keira, short_lesson)
    with django_capture_on_commit_callbacks(execute=True):
        take(jack, quiz, wrong_keys=("q1", "q2", "q3", "q4"))  # 2 of 6: not passed
        take(keira, quiz, wrong_keys=("q1",))  # 5 of 6: 83%, passed
    grid = progress_grid(group=group, assignment=work)
    jack_cell = grid.row_for(jack.pk).cells[1]
    keira_cell = grid.row_for(keira.pk).cells[1]
    assert jack_cell.status is CellStatus.FAILED and jack_cell.score == 33
    assert jack_cell.quiz.attempts == 1
    assert keira_cell.status is CellStatus.PASSED and keira_cell.score == 83
    assert grid.has_quizzes


def test_only_the_chosen_pupils_are_in_the_grid(group, module, teacher, class_of_three):
    isla, jack, keira = class_of_three
    chosen = assignment_create(
        group=group,
        module=module,
        opens_on=days(0),
        due_on=days(3),
        created_by=teacher,
        pupils=[jack, keira],
    )
    grid = progress_grid(group=group, assignment=chosen)
    assert [row.pupil.display_name for row in grid.rows] == ["Jack", "Keira"]


def test_filter_and_sort(work, group, class_of_three, lesson, short_lesson):
    isla, jack, keira = class_of_three
    services.progress_step_reach(pupil=jack, lesson=lesson, step=2)
    finish_short_lesson(keira, short_lesson)
    grid = progress_grid(group=group, assignment=work)
    names = lambda g: [row.pupil.display_name for row in g.rows]  # noqa: E731
    assert names(grid.filtered(CellStatus.IN_PROGRESS)) == ["Jack"]
    assert names(grid.filtered(CellStatus.COMPLETED)) == ["Keira"]
    assert names(grid.filtered(None)) == ["Isla", "Jack", "Keira"]
    assert names(grid.sorted(Sort.NAME_DESC)) == ["Keira", "Jack", "Isla"]
    assert names(grid.sorted(Sort.PROGRESS)) == ["Isla", "Jack", "Keira"]
    assert names(grid.sorted(Sort.PROGRESS_DESC)) == ["Keira", "Jack", "Isla"]


# --- The page -----------------------------------------------------------------------------------


def test_the_grid_page_shows_words_and_shapes_not_only_colour(
    teacher_client, work, class_of_three, lesson
):
    isla, jack, keira = class_of_three
    services.progress_step_reach(pupil=jack, lesson=lesson, step=2)
    response = teacher_client.get(grid_url(work))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<caption id="grid-caption">Progress in Test module 8-10, Kestrels</caption>' in html
    assert '<th scope="col" class="grid-table__lesson">1. Every activity</th>' in html
    cell = re.search(r'<td class="cell cell--in_progress">(.*?)</td>', html, re.S).group(1)
    assert '<span class="cell__icon" aria-hidden="true">◐</span> In progress' in cell
    assert "Step 2 of" in cell
    assert "htmx" in html and "<script" in html
    assert 'nonce="' in html and "style=" not in html


def test_filter_sort_and_refresh_come_back_as_just_the_grid_for_htmx(
    teacher_client, work, class_of_three, lesson
):
    isla, jack, keira = class_of_three
    services.progress_step_reach(pupil=jack, lesson=lesson, step=2)
    response = teacher_client.get(
        grid_url(work), {"status": "in_progress", "sort": "-name"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html and html.lstrip().startswith('<div id="progress-grid"')
    assert "Jack" in html and "Isla" not in html and "Keira" not in html
    assert "HX-Request" in response["Vary"]


def test_automatic_refresh_is_only_on_when_asked_for(teacher_client, work, group):
    assert 'hx-trigger="every 30s"' not in teacher_client.get(grid_url(work)).content.decode()
    html = teacher_client.get(grid_url(work), {"auto": "1"}).content.decode()
    assert 'hx-trigger="every 30s"' in html and "Stop refreshing by itself" in html


def test_the_grid_links_to_raise_a_concern_about_a_pupil(teacher_client, work, isla):
    html = teacher_client.get(grid_url(work)).content.decode()
    try:
        raise_url = reverse("safeguarding:raise")
    except Exception:  # the safeguarding app is not installed: no link, nothing breaks
        assert "Raise a concern" not in html
    else:
        assert f'href="{raise_url}?pupil={isla.pk}"' in html


# --- Drill-down ---------------------------------------------------------------------------------


def test_drill_down_shows_answers_correctness_and_a_timeline(
    teacher_client, work, class_of_three, lesson, short_lesson
):
    isla, jack, keira = class_of_three
    services.progress_step_reach(pupil=keira, lesson=lesson, step=1)
    finish_short_lesson(keira, short_lesson, right=False)
    url = grid_url(work, "pupil_progress", pupil=keira.pk)
    response = teacher_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Keira: Test module 8-10" in html
    assert "“Streams can be recorded.”: false (not right)" in html
    assert "Turned over 1 of 1 cards" in html
    assert "Some not right" in html
    assert "Started lesson 1. Every activity" in html
    assert "Reached step 1 of" in html
    assert "Completed lesson 2. Two activities" in html
    assert html.index("Started lesson 1. Every activity") < html.index("Completed lesson 2.")


def test_drill_down_includes_quiz_attempts(
    django_capture_on_commit_callbacks, teacher_client, work, isla, short_lesson
):
    quiz = make_quiz(key="test-8-10/two-activities", title="Two activities quiz")
    short_lesson.quiz = quiz
    short_lesson.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        take(isla, quiz, wrong_keys=("q1", "q2", "q3", "q4"))
    html = teacher_client.get(grid_url(work, "pupil_progress", pupil=isla.pk)).content.decode()
    assert "Two activities quiz, attempt 1" in html
    assert "2 of 6 questions right" in html
    assert "Not passed" in html and "33%" in html
    # The quiz's result is also stored among the lesson's answers; it is not listed twice.
    assert ActivityResponse.objects.filter(pupil=isla, activity_type="quiz").exists()
    assert "no longer in the lesson" not in html


def test_drill_down_is_only_for_pupils_the_work_is_set_for(
    teacher_client, group, module, teacher, class_of_three, older_pupil
):
    isla, jack, keira = class_of_three
    chosen = assignment_create(
        group=group,
        module=module,
        opens_on=days(0),
        due_on=days(3),
        created_by=teacher,
        pupils=[jack],
    )
    assert teacher_client.get(grid_url(chosen, "pupil_progress", pupil=jack.pk)).status_code == 200
    assert teacher_client.get(grid_url(chosen, "pupil_progress", pupil=isla.pk)).status_code == 404
    other = older_pupil.pupil  # in another class the teacher also teaches
    assert teacher_client.get(grid_url(chosen, "pupil_progress", pupil=other.pk)).status_code == 404


# --- Charts -------------------------------------------------------------------------------------


def test_charts_have_the_same_numbers_as_their_tables(
    teacher_client, work, class_of_three, lesson, short_lesson
):
    isla, jack, keira = class_of_three
    services.progress_step_reach(pupil=jack, lesson=lesson, step=2)
    finish_short_lesson(keira, short_lesson)
    finish_short_lesson(jack, short_lesson)
    html = teacher_client.get(grid_url(work, "progress_charts")).content.decode()
    data = json.loads(
        re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html).group(1)
    )
    per_lesson = data["perLesson"]
    assert per_lesson["labels"] == ["1. Every activity", "2. Two activities"]
    assert [s["data"] for s in per_lesson["series"]] == [[0, 2], [1, 0], [2, 1]]
    over_time = data["overTime"]["series"][0]["data"]
    assert over_time[-1] == 2 and len(over_time) == 8  # opened 7 days ago, to today
    # The table says the same.
    assert re.search(
        r"<th scope=\"row\">2. Two activities</th>\s*<td>2</td>\s*<td>0</td>\s*<td>1</td>\s*"
        r"<td>67%</td>",
        html,
    )
    assert "vendor/chart.umd.min.js" in html and "teacher_portal/js/progress-charts.js" in html
    assert 'role="img"' in html


# --- Who may see it -----------------------------------------------------------------------------


PAGES = [
    ("progress", {}),
    ("progress_charts", {}),
    ("assignment_edit", {}),
    ("assignment_withdraw", {}),
]


@pytest.mark.parametrize(("name", "extra"), PAGES)
def test_teachers_of_other_classes_and_other_schools_get_not_found(
    client, work, school, other_school, name, extra
):
    url = grid_url(work, name)
    for user in (
        factories.staff(school, StaffRole.TEACHER),
        factories.staff(other_school, StaffRole.SCHOOL_ADMIN),
        factories.staff(other_school, StaffRole.TEACHER),
    ):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    client.force_login(factories.staff(school, StaffRole.SCHOOL_ADMIN))
    assert client.get(url).status_code == 200


def test_pupils_dsls_and_visitors_cannot_see_the_grid(client, work, isla, dsl):
    url = grid_url(work)
    assert client.get(url).status_code == 302  # to log in
    client.force_login(isla.user)
    assert client.get(url).status_code == 403
    client.force_login(dsl)
    assert client.get(url).status_code == 403


def test_work_cannot_be_reached_through_another_class(teacher_client, work, senior_group):
    url = reverse("teacher_portal:progress", args=[senior_group.pk, work.pk])
    assert teacher_client.get(url).status_code == 404


# --- A fixed number of queries ------------------------------------------------------------------


def bulk_class(school, name, year_group, pupils):
    group = factories.TeachingGroupFactory(school=school, name=name, year_group=year_group)
    pupils_bulk_create(
        school=school,
        pupils=[
            NewPupil(
                display_name=f"{name} pupil {n:02}", year_group=year_group, teaching_group=group
            )
            for n in range(pupils)
        ],
    )
    return group


def bulk_progress(group, lessons):
    """Every pupil part-way: lessons before their number done, the next in progress."""
    now = timezone.now()
    rows, answers = [], []
    for index, pupil in enumerate(group.pupils.order_by("pk")):
        done = index % (len(lessons) + 1)
        for number, lesson in enumerate(lessons):
            if number < done:
                status, step = ProgressStatus.COMPLETED, 3
            elif number == done:
                status, step = ProgressStatus.IN_PROGRESS, 1
            else:
                continue
            rows.append(
                LessonProgress(
                    pupil=pupil,
                    lesson=lesson,
                    status=status,
                    current_step=step,
                    started_at=now,
                    completed_at=now if status == ProgressStatus.COMPLETED else None,
                    last_active_at=now,
                )
            )
            answers.append(
                ActivityResponse(
                    pupil=pupil,
                    lesson=lesson,
                    activity_id="activity-x",
                    activity_type="true_or_false",
                    answer={"answers": {"0": True}},
                    is_complete=True,
                    correct=True,
                    score=1.0,
                )
            )
    LessonProgress.objects.bulk_create(rows)
    ActivityResponse.objects.bulk_create(answers)


def new_module(slug, lessons):
    from lessons.models import LessonLibraryPage

    library = LessonLibraryPage.objects.get()
    module = ModulePage(
        title=f"Module {slug}", slug=slug, age_band="8-10", key_stage="KS2", summary="Big."
    )
    library.add_child(instance=module)
    module.save_revision().publish()
    built = [
        builders.lesson_with_steps(slug=f"{slug}-{n}", steps=2, module_slug=slug)
        for n in range(lessons)
    ]
    return ModulePage.objects.get(pk=module.pk), built


def test_the_grid_costs_the_same_queries_for_5_x_3_and_60_x_40(client, school, teacher, curriculum):
    small_module, small_lessons = new_module("small", 3)
    big_module, big_lessons = new_module("big", 40)
    quiz = make_quiz(key="test/quiz", title="A quiz")
    for lesson in (small_lessons[0], big_lessons[0]):
        lesson.quiz = quiz
        lesson.save_revision().publish()
    small = bulk_class(school, "Small", 4, 5)
    big = bulk_class(school, "Big", 4, 60)
    bulk_progress(small, small_lessons)
    bulk_progress(big, big_lessons)
    take(small.pupils.first(), quiz)
    take(big.pupils.first(), quiz)
    for group in (small, big):
        group.teachers.add(teacher)
    small_work = assignment_create(
        group=small, module=small_module, opens_on=days(-3), due_on=days(3), created_by=teacher
    )
    big_work = assignment_create(
        group=big, module=big_module, opens_on=days(-3), due_on=days(3), created_by=teacher
    )
    client.force_login(teacher)

    def count(url, **params):
        client.get(url, params)  # warm caches (site root paths, content types)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
        assert response.status_code == 200
        return len(captured.captured_queries), response

    for name in ("progress", "progress_charts"):
        small_count, _ = count(grid_url(small_work, name))
        big_count, response = count(grid_url(big_work, name))
        assert small_count == big_count, name
        assert small_count <= 20, name
    big_count, response = count(grid_url(big_work), status="completed", sort="-progress")
    assert response.content.decode().count("cell--completed") > 100
    small_export, _ = count(grid_url(small_work, "progress_export", what="grid", fmt="xlsx"))
    big_export, _ = count(grid_url(big_work, "progress_export", what="grid", fmt="xlsx"))
    assert small_export == big_export
    # The service on its own: five queries (pupils, lessons, progress, scores, quiz attempts).
    with CaptureQueriesContext(connection) as captured:
        grid = progress_grid(group=big, assignment=big_work)
    assert len(captured.captured_queries) == 5
    assert len(grid.rows) == 60 and len(grid.columns) == 40
