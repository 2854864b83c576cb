"""Lesson pages (library → module → lesson) and what pupils do with them.

The page tree is plain Wagtail content, edited in the admin or built from the curriculum files
by `load_curriculum`. Progress and answers are ordinary models keyed by pupil and lesson page;
they are only ever written through `lessons.services`.

The models live in modules by concern, all imported here so that Django finds them and
`from lessons.models import …` keeps working: `lessons.choices` (key stages, topics, progress
states), `lessons.page_models` (the pages), `lessons.progress_models` (progress and answers),
`lessons.assignment_models` (work set for classes) and `lessons.parents` (parent packs).
"""

from .assignment_models import Assignment, AssignmentQuerySet
from .choices import ABUSE_TOPICS, CompletionKind, KeyStage, ProgressStatus, Topic
from .page_models import (
    AGE_BAND_ORDER,
    Activity,
    LessonLibraryPage,
    LessonPage,
    LessonPageQuerySet,
    ModulePage,
    ModulePageQuerySet,
    Step,
)
from .parents import ParentPack
from .progress_models import (
    ActivityResponse,
    ActivityResponseQuerySet,
    LessonProgress,
    LessonProgressQuerySet,
    shuffle_seed_for,
)

__all__ = [
    "ABUSE_TOPICS",
    "AGE_BAND_ORDER",
    "Activity",
    "ActivityResponse",
    "ActivityResponseQuerySet",
    "Assignment",
    "AssignmentQuerySet",
    "CompletionKind",
    "KeyStage",
    "LessonLibraryPage",
    "LessonPage",
    "LessonPageQuerySet",
    "LessonProgress",
    "LessonProgressQuerySet",
    "ModulePage",
    "ModulePageQuerySet",
    "ParentPack",
    "ProgressStatus",
    "Step",
    "Topic",
    "shuffle_seed_for",
]
