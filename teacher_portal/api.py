"""The JSON API for school IT, at /api/v1/ (OpenAPI document at /api/v1/openapi.json).

Every request carries a school's API token (`Authorization: Bearer sw_…`) and every query is
scoped to that token's school: another school's records do not exist as far as a token can tell
(404, never 403). Pupil data is the minimum: a display name and a year group.

Progress comes from the same service as the portal's grid (`teacher_portal.progress`), so the
API, the grid and its downloads always agree.
"""

from __future__ import annotations

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Schema
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer

from lessons.models import Assignment
from schools.models import TeachingGroup

from .progress import progress_grid
from .services import api_token_authenticate

PAGE_SIZE = 50


class SchoolToken(HttpBearer):
    """A school's API token; `request.auth` becomes the ApiToken (and so its school)."""

    openapi_description = "A school's API token, made by a school admin in the teacher portal."

    def authenticate(self, request, token):
        return api_token_authenticate(raw=token)


api = NinjaAPI(
    title="Streamwise API",
    version="1",
    description=(
        "Read-only access to one school's classes, the work set for them and pupils' "
        "progress, for the school's own IT systems. "
        "Authenticate with a token made by a school admin in the teacher portal: "
        "`Authorization: Bearer <token>`."
    ),
    auth=SchoolToken(),
    urls_namespace="streamwise_api",
    # The interactive docs page loads its code from a CDN; Streamwise serves nothing from one.
    docs_url=None,
)


class ClassOut(Schema):
    id: int
    name: str
    year_group: int


class PupilOut(Schema):
    display_name: str
    year_group: int


def _school_classes(request):
    return TeachingGroup.objects.active().filter(school=request.auth.school)


@api.get("/classes", response=list[ClassOut], tags=["classes"])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_classes(request):
    """The school's classes (not archived ones), by year group and name."""
    return _school_classes(request).order_by("year_group", "name", "pk")


@api.get("/classes/{class_id}/pupils", response=list[PupilOut], tags=["classes"])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_class_pupils(request, class_id: int):
    """The pupils of one of the school's classes, by name."""
    group = get_object_or_404(_school_classes(request), pk=class_id)
    return group.pupils.active().order_by("display_name", "pk")


class AssignmentOut(Schema):
    id: int
    class_id: int
    kind: str  # "module" or "lesson"
    page_id: int
    title: str
    opens_on: date
    due_on: date
    whole_class: bool
    pupils: list[str]  # the chosen pupils' display names; empty when set for the whole class

    @staticmethod
    def resolve_class_id(obj) -> int:
        return obj.teaching_group_id

    @staticmethod
    def resolve_kind(obj) -> str:
        return "module" if obj.is_module else "lesson"

    @staticmethod
    def resolve_page_id(obj) -> int:
        return obj.module_id or obj.lesson_id

    @staticmethod
    def resolve_whole_class(obj) -> bool:
        return not obj.pupils.all()

    @staticmethod
    def resolve_pupils(obj) -> list[str]:
        return sorted(pupil.display_name for pupil in obj.pupils.all())


class ProgressOut(Schema):
    pupil: str
    lesson_number: int
    lesson_id: int
    lesson: str
    # not_started, in_progress, completed, in_class (done together in class), passed, failed,
    # overdue
    status: str
    status_label: str
    step: int
    steps: int
    score: int | None  # %, the quiz's counted score once there is one, else the activities'
    quiz_attempts: int | None
    started_at: datetime | None
    completed_at: datetime | None
    completed_in_class: bool  # completed by being taught to the class (teach mode)
    taught_in_class_at: datetime | None  # when the lesson was taught with the pupil there


def _school_assignments(request):
    return Assignment.objects.filter(
        school=request.auth.school, teaching_group__school=request.auth.school
    )


@api.get("/classes/{class_id}/assignments", response=list[AssignmentOut], tags=["assignments"])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_class_assignments(request, class_id: int):
    """The work set for one of the school's classes (not withdrawn work), soonest due first."""
    group = get_object_or_404(_school_classes(request), pk=class_id)
    return (
        _school_assignments(request)
        .filter(teaching_group=group)
        .active()
        .select_related("module", "lesson")
        .prefetch_related("pupils")
        .order_by("due_on", "pk")
    )


@api.get("/assignments/{assignment_id}/progress", response=list[ProgressOut], tags=["assignments"])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def assignment_progress(request, assignment_id: int):
    """Each assigned pupil's progress in each lesson of the work: a row per pupil and lesson,
    by pupil name and then lesson order, as the teacher portal's progress grid shows it."""
    assignment = get_object_or_404(
        _school_assignments(request).select_related("teaching_group", "module", "lesson"),
        pk=assignment_id,
    )
    grid = progress_grid(group=assignment.teaching_group, assignment=assignment)
    return [
        {
            "pupil": row.pupil.display_name,
            "lesson_number": cell.column.number,
            "lesson_id": cell.column.lesson_id,
            "lesson": cell.column.title,
            "status": cell.status.slug,
            "status_label": cell.label,
            "step": cell.step,
            "steps": cell.column.last_step,
            "score": cell.score,
            "quiz_attempts": cell.quiz.attempts if cell.quiz else None,
            "started_at": cell.started_at,
            "completed_at": cell.completed_at,
            "completed_in_class": cell.completed_in_class,
            "taught_in_class_at": cell.taught_at,
        }
        for row in grid.rows
        for cell in row.cells
    ]
