"""The module check (before and after) as the lessons app offers it, and its content files.

Content: `lessons/curriculum/checks/<module slug>.yaml`, one file per module:

    module: ages-4-7          # the module's slug (it must be loaded already)
    title: "What do you think?"
    intro: "…"
    remember: "…"             # optional, shown after the check
    questions: [...]          # 5–8 items: scenario, single_choice or true_false, with strands

Each file becomes a quiz with `purpose=module_check` and the key "<module slug>/module-check"
(`quizzes.module_checks`). `module_checks_load` checks every file before writing any and is
safe to run again (questions are matched by id, so pupils' answers survive).

Which phase a pupil is offered on the module page:
- "before" while they have completed none of the module's lessons and have not done it yet
  (it is never required: lessons open whether or not they take it);
- "after" once every live lesson of the module is complete and they have not done it yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction
from django.urls import reverse

from quizzes.models import Attempt, CheckPhase, Quiz
from quizzes.module_checks import check_spec_problems, check_upsert_from_spec, submitted_phases
from schools.models import Pupil

from . import loader
from .loader import CurriculumError, banned_words_in
from .models import LessonPage, LessonProgress, ModulePage

CHECKS_FOLDER = "checks"


def check_key(module_slug: str) -> str:
    return f"{module_slug}/module-check"


def module_check(module: ModulePage) -> Quiz | None:
    return Quiz.objects.module_checks().filter(key=check_key(module.slug)).first()


# --- Loading ---------------------------------------------------------------------------------


def check_files(directory: Path | None = None) -> list[Path]:
    folder = Path(directory or loader.CURRICULUM_DIR) / CHECKS_FOLDER
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def _read(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise CurriculumError(f"checks/{path.name}: not valid YAML ({error})") from error
    if not isinstance(data, dict):
        raise CurriculumError(f"checks/{path.name}: expected a mapping with `module:`")
    return data, text


@transaction.atomic
def module_checks_load(*, directory: Path | None = None) -> list[Quiz]:
    """Create or update every module check from its file; write nothing if any is wrong."""
    problems: list[str] = []
    parsed = []
    for path in check_files(directory):
        data, text = _read(path)
        name = f"checks/{path.name}"
        slug = str(data.get("module") or "")
        module = ModulePage.objects.filter(slug=slug).first()
        if module is None:
            problems.append(f"{name}: no module “{slug}” is loaded")
            continue
        problems += [
            f"{name}: uses “{word}”, which must never appear for ages {module.age_band}"
            for word in banned_words_in(text, module.age_band)
        ]
        problems += [
            f"{name}: {p}"
            for p in check_spec_problems(key=check_key(slug), spec=data, age_band=module.age_band)
        ]
        parsed.append((module, data))
    if problems:
        raise CurriculumError("Module checks refused:\n  " + "\n  ".join(problems))
    return [
        check_upsert_from_spec(
            key=check_key(module.slug),
            title=f"{module.title}: before and after check",
            spec=data,
            age_band=module.age_band,
        )
        for module, data in parsed
    ]


# --- What the module page offers -------------------------------------------------------------


@dataclass(frozen=True)
class CheckOffer:
    quiz: Quiz
    offer: str  # CheckPhase value, or "" when nothing is due now
    did_before: bool
    did_after: bool
    in_progress: bool  # an unfinished attempt at the phase offered
    result_url: str  # the latest finished check's kind result, or ""

    @property
    def start_url_args(self) -> tuple[int, str]:
        return self.quiz.pk, self.offer


def lessons_completed(*, module: ModulePage, pupil: Pupil) -> tuple[int, int]:
    lessons = LessonPage.objects.child_of(module).live()
    total = lessons.count()
    done = (
        LessonProgress.objects.completed()
        .filter(pupil=pupil, lesson__in=lessons.values("pk"))
        .count()
    )
    return done, total


def phase_due(*, module: ModulePage, pupil: Pupil, done: dict) -> str:
    completed, total = lessons_completed(module=module, pupil=pupil)
    if CheckPhase.AFTER not in done and total and completed >= total:
        return CheckPhase.AFTER
    if not done and completed == 0:
        return CheckPhase.BEFORE
    return ""


def check_offer(*, module: ModulePage, pupil: Pupil | None) -> CheckOffer | None:
    """What the module page says about the check for this pupil (None: no check, or staff)."""
    if pupil is None:
        return None
    quiz = module_check(module)
    if quiz is None:
        return None
    done = submitted_phases(pupil=pupil, quiz=quiz)
    offer = phase_due(module=module, pupil=pupil, done=done)
    in_progress = bool(
        offer and Attempt.objects.open().filter(pupil=pupil, quiz=quiz, phase=offer).exists()
    )
    latest = done.get(CheckPhase.AFTER) or done.get(CheckPhase.BEFORE)
    return CheckOffer(
        quiz=quiz,
        offer=offer,
        did_before=CheckPhase.BEFORE in done,
        did_after=CheckPhase.AFTER in done,
        in_progress=in_progress,
        result_url=reverse("quizzes:result", args=[latest.pk]) if latest else "",
    )
