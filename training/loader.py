"""Build the staff courses from the files in `training/courses/` (one YAML file per course).

A file has `course:` (slug, title, summary, estimated_minutes, pass_mark), `steps:` written
exactly like a lesson's steps in the curriculum files (the same block types and activity
fields, see lessons/curriculum/README.md, less the pupil-only ones: help, h5p, pictures) and
`quiz:`, a list of questions, each with `text` and `options` (`text`, `correct`, `feedback`),
exactly one correct.

Loading goes through the lesson loader's own readers, so block ids are stable and a reload
updates the same pages in place; nothing is written if any file is wrong.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from lessons.loader import SLUG_RE, CurriculumError, LoadReport, block_id, lesson_body
from lessons.publishing import page_tree_root, page_upsert

from .models import StaffCourseIndexPage, StaffCoursePage

COURSES_DIR = Path(__file__).resolve().parent / "courses"
INDEX_SLUG = "staff-training"
INDEX_TITLE = "Staff training"


def course_files(directory: Path | None = None) -> list[Path]:
    return sorted(Path(directory or COURSES_DIR).glob("*.yaml"))


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise CurriculumError(f"{path.name}: not valid YAML ({error})") from error
    if not isinstance(data, dict) or not isinstance(data.get("course"), dict):
        raise CurriculumError(f"{path.name}: expected `course:`, `steps:` and `quiz:`")
    return data


def _quiz_value(slug: str, questions, name: str) -> list[dict]:
    if not isinstance(questions, list) or not questions:
        raise CurriculumError(f"{name}: `quiz:` needs a list of questions")
    stream = []
    for number, question in enumerate(questions, start=1):
        options = question.get("options") if isinstance(question, dict) else None
        if not isinstance(options, list) or len(options) < 2:
            raise CurriculumError(f"{name} › question {number}: needs two or more options")
        qid = block_id("staff", slug, "quiz", number)
        stream.append(
            {
                "type": "question",
                "id": qid,
                "value": {
                    "text": str(question.get("text") or "").strip(),
                    "options": [
                        {
                            "type": "item",
                            "id": block_id(qid, "option", index),
                            "value": {
                                "text": str(option.get("text") or "").strip(),
                                "correct": bool(option.get("correct")),
                                "feedback": str(option.get("feedback") or "").strip(),
                            },
                        }
                        for index, option in enumerate(options)
                    ],
                },
            }
        )
    return stream


def _course_values(data: dict, name: str) -> tuple[str, dict]:
    course = data["course"]
    slug = str(course.get("slug") or "")
    if not SLUG_RE.match(slug):
        raise CurriculumError(f"{name}: `slug` must be lowercase-with-dashes")
    body = lesson_body(f"staff/{slug}", {"slug": slug, "steps": data.get("steps")}, where=name)
    for step in body:  # staff steps have no pictures
        step["value"].pop("picture", None)
        step["value"].pop("picture_alt", None)
    try:
        values = {
            "title": str(course["title"]).strip(),
            "summary": str(course["summary"]).strip(),
            "estimated_minutes": int(course.get("estimated_minutes", 20)),
            "pass_mark": int(course.get("pass_mark", 80)),
            "body": body,
            "questions": _quiz_value(slug, data.get("quiz"), name),
        }
    except (KeyError, TypeError, ValueError) as error:
        raise CurriculumError(f"{name}: `course:` needs title, summary and numbers") from error
    return slug, values


def _check(page_class, values: dict, name: str) -> None:
    """Every StreamField as the page editor would check it, before anything is written."""
    for field_name in ("body", "questions"):
        stream_block = page_class._meta.get_field(field_name).stream_block
        try:
            stream_block.clean(stream_block.to_python(values[field_name]))
        except ValidationError as error:
            raise CurriculumError(f"{name}: {field_name} is not valid: {error}") from error


def _index() -> StaffCourseIndexPage:
    index = StaffCourseIndexPage.objects.first()
    if index is None:
        root = page_tree_root()
        index = StaffCourseIndexPage(title=INDEX_TITLE, slug=INDEX_SLUG)
        root.add_child(instance=index)
        index.save_revision(log_action=False).publish(log_action=False)
    return index


@transaction.atomic
def courses_load(*, directory: Path | None = None) -> LoadReport:
    """Create or update the staff courses; raises CurriculumError (writing nothing) on a
    malformed file."""
    report = LoadReport()
    parsed = []
    for path in course_files(directory):
        slug, values = _course_values(_read(path), path.name)
        _check(StaffCoursePage, values, path.name)
        parsed.append((slug, values))
    index = _index()
    for slug, values in parsed:
        page_upsert(
            parent=index,
            page_class=StaffCoursePage,
            slug=slug,
            values=values,
            where=f"staff/{slug}",
            report=report,
        )
    return report
