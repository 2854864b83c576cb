"""A module check for the test curriculum's 8–10 module, and helpers to take it and to finish
the module's lessons through the completion service."""

from __future__ import annotations

from pathlib import Path

from lessons.models import ModulePage
from lessons.module_checks import module_checks_load
from lessons.services import progress_record_activity, progress_step_reach
from quizzes import services
from quizzes.module_checks import check_start
from tests.quizzes.helpers import right, take, wrong

CHECK_YAML = """
module: test-8-10
title: "What would you do?"
intro: "Pick the best answer."
questions:
  - type: scenario
    id: c1
    strand: online_relationships
    scenario: "A viewer asks Leo which school he goes to."
    text: "What should Leo do?"
    options:
      - text: "Tell them."
      - text: "Tell a trusted adult."
        correct: true
  - type: scenario
    id: c2
    strand: online_relationships
    scenario: "A viewer says: this is our secret."
    text: "What should Maya do?"
    options:
      - text: "Tell a trusted adult."
        correct: true
      - text: "Keep the secret."
  - type: single_choice
    id: c3
    strand: privacy_security
    text: "What should you do first if messages upset you?"
    options:
      - text: "Block and delete."
      - text: "Tell a trusted adult and keep the messages."
        correct: true
  - type: true_false
    id: c4
    strand: privacy_security
    text: "A profile photo always shows who someone is."
    answer: false
  - type: scenario
    id: c5
    strand: health_wellbeing
    scenario: "Ola is worried she will be in trouble."
    text: "Which is true?"
    options:
      - text: "It is not her fault."
        correct: true
      - text: "She should keep quiet."
"""


def write_check(directory: Path, text: str = CHECK_YAML, name: str = "test-8-10.yaml") -> Path:
    folder = directory / "checks"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load_check(directory: Path):
    write_check(directory)
    (quiz,) = module_checks_load(directory=directory)
    return quiz


def take_check(pupil, quiz, phase, *, wrong_keys=(), skip=()):
    attempt = check_start(pupil=pupil, quiz=quiz, phase=phase)
    for q in services.attempt_questions(attempt):
        if q.key in skip:
            continue
        raw = wrong(q) if q.key in wrong_keys else right(q)
        services.answer_save(attempt=attempt, question=q, raw=raw)
    return services.attempt_submit(attempt=attempt).attempt


def complete_module(pupil, module: ModulePage) -> None:
    """Do every lesson of the module as a pupil would: answer each required activity, pass
    the quiz and reach the last step (the completion service decides it is complete)."""
    for lesson in module.lessons().specific():
        for activity in lesson.activities.values():
            if activity.is_required:
                progress_record_activity(
                    pupil=pupil,
                    lesson=lesson,
                    activity_id=activity.id,
                    activity_type=activity.block_type,
                    answer={},
                    is_complete=True,
                    correct=True,
                    score=1,
                )
        if lesson.quiz_id:
            take(pupil, lesson.quiz)
        progress_step_reach(pupil=pupil, lesson=lesson, step=lesson.last_step)
