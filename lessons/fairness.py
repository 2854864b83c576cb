"""An authoring check: can a pupil score well on a quiz or activity without reading it?

Pure functions over curriculum data (the shapes of `lessons/curriculum/README.md`), returning
warnings in words for an author. The loader prints them (`load_curriculum --strict` refuses a
file that has any), and the quiz editor shows them as a warning when a quiz is saved.

The rules (thresholds are exact; options are also shuffled per attempt at run time, but the
authored order must pass too):

- For each lesson quiz, over its single_choice and scenario questions (when there are >= 3):
  (a) no single option position holds the correct answer in more than half of the questions;
  (b) the correct option is the (strictly or jointly) longest option in at most half of them.
- Over each module's true/false statements (quiz `true_false` questions and `true_or_false`
  activity statements together, when there are >= 4): the share answered "true" is between
  30 % and 70 %.
- Over each module's `what_would_you_do` scenes (those with a `safe: true` choice): the first
  safe choice is listed first in at most half of the scenes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

CHOICE_TYPES = ("single_choice", "scenario")
MIN_CHOICE_QUESTIONS = 3
MIN_TRUE_FALSE = 4
TRUE_SHARE_MIN = 0.30
TRUE_SHARE_MAX = 0.70


def _ordinal(position: int) -> str:
    """1 -> "1st", 2 -> "2nd"…, for "the 1st option"."""
    if 10 <= position % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(position % 10, "th")
    return f"{position}{suffix}"


def _options(question: dict) -> list[dict]:
    options = question.get("options")
    return [o for o in options if isinstance(o, dict)] if isinstance(options, list) else []


def _text(item: dict) -> str:
    return str(item.get("text") or "").strip()


def choice_questions(questions: Iterable[dict]) -> list[dict]:
    """The single-choice and scenario questions with exactly one correct option."""
    found = []
    for question in questions:
        if not isinstance(question, dict) or question.get("type") not in CHOICE_TYPES:
            continue
        if sum(1 for o in _options(question) if o.get("correct")) == 1:
            found.append(question)
    return found


def position_warnings(questions: Iterable[dict], *, where: str) -> list[str]:
    """Rule (a): no option position holds the correct answer in more than half the questions."""
    chosen = choice_questions(questions)
    if len(chosen) < MIN_CHOICE_QUESTIONS:
        return []
    positions = Counter(
        next(i for i, o in enumerate(_options(q), start=1) if o.get("correct")) for q in chosen
    )
    warnings = []
    for position, count in sorted(positions.items()):
        if 2 * count > len(chosen):
            warnings.append(
                f"{where}: the right answer is the {_ordinal(position)} option in {count} of "
                f"{len(chosen)} choice questions (more than half). Move some right answers to "
                "other places."
            )
    return warnings


def is_longest(question: dict) -> bool:
    """Whether the correct option is the longest one, or joint longest (in characters)."""
    options = _options(question)
    lengths = [len(_text(o)) for o in options]
    correct = [len(_text(o)) for o in options if o.get("correct")]
    return bool(correct) and correct[0] == max(lengths)


def length_warnings(questions: Iterable[dict], *, where: str) -> list[str]:
    """Rule (b): the correct option is the (joint) longest in at most half the questions."""
    chosen = choice_questions(questions)
    if len(chosen) < MIN_CHOICE_QUESTIONS:
        return []
    longest = sum(1 for q in chosen if is_longest(q))
    if 2 * longest <= len(chosen):
        return []
    return [
        f"{where}: the right answer is the longest option (or joint longest) in {longest} of "
        f"{len(chosen)} choice questions (more than half). Make some wrong answers as long and "
        "as careful as the right one, or the right one shorter."
    ]


def quiz_warnings(questions: Iterable[dict], *, where: str) -> list[str]:
    """Rules (a) and (b) for one quiz's questions."""
    questions = list(questions)
    return position_warnings(questions, where=where) + length_warnings(questions, where=where)


def true_false_warnings(answers: Iterable[bool], *, where: str) -> list[str]:
    """The share of true/false statements answered "true" is between 30 % and 70 %."""
    answers = [bool(a) for a in answers]
    if len(answers) < MIN_TRUE_FALSE:
        return []
    true = sum(answers)
    share = true / len(answers)
    if TRUE_SHARE_MIN <= share <= TRUE_SHARE_MAX:
        return []
    most = "true" if share > TRUE_SHARE_MAX else "false"
    return [
        f"{where}: {true} of {len(answers)} true-or-false statements are true "
        f"({round(100 * share)} %); keep it between 30 % and 70 %, so that always answering "
        f"“{most}” does not score well. Rewrite some statements the other way round."
    ]


def safe_first_warnings(scenes: Iterable[dict], *, where: str) -> list[str]:
    """The first safe choice is listed first in at most half of the what-would-you-do scenes."""
    with_safe = []
    for scene in scenes:
        choices = scene.get("choices") if isinstance(scene, dict) else None
        choices = [c for c in choices if isinstance(c, dict)] if isinstance(choices, list) else []
        if any(c.get("safe") for c in choices):
            with_safe.append(bool(choices[0].get("safe")))
    first = sum(with_safe)
    if 2 * first <= len(with_safe):
        return []
    return [
        f"{where}: the safe choice is listed first in {first} of {len(with_safe)} "
        "“What would you do?” scenes (more than half). Move it to another place in some scenes."
    ]


# --- A whole curriculum file ---------------------------------------------------------------


def _blocks(lesson: dict) -> list[dict]:
    found = []
    steps = lesson.get("steps")
    for step in steps if isinstance(steps, list) else []:
        blocks = step.get("blocks") if isinstance(step, dict) else None
        found += [b for b in blocks if isinstance(b, dict)] if isinstance(blocks, list) else []
    return found


def _quiz_questions(lesson: dict) -> list[dict]:
    quiz = lesson.get("quiz")
    questions = quiz.get("questions") if isinstance(quiz, dict) else None
    return [q for q in questions if isinstance(q, dict)] if isinstance(questions, list) else []


def module_warnings(data: dict, *, name: str) -> list[str]:
    """Every fairness warning for one curriculum file (one module)."""
    lessons = data.get("lessons") if isinstance(data, dict) else None
    lessons = [lesson for lesson in lessons if isinstance(lesson, dict)] if lessons else []
    warnings: list[str] = []
    true_false: list[bool] = []
    scenes: list[dict] = []
    for lesson in lessons:
        questions = _quiz_questions(lesson)
        where = f"{name} › {lesson.get('slug', '?')} quiz"
        warnings += quiz_warnings(questions, where=where)
        true_false += [
            q["answer"]
            for q in questions
            if q.get("type") == "true_false" and isinstance(q.get("answer"), bool)
        ]
        for block in _blocks(lesson):
            if block.get("type") == "true_or_false":
                statements = block.get("statements")
                true_false += [
                    s["answer"]
                    for s in (statements if isinstance(statements, list) else [])
                    if isinstance(s, dict) and isinstance(s.get("answer"), bool)
                ]
            elif block.get("type") == "what_would_you_do":
                found = block.get("scenes")
                if isinstance(found, list):
                    scenes += [s for s in found if isinstance(s, dict)]
    warnings += true_false_warnings(true_false, where=f"{name} (the whole module)")
    warnings += safe_first_warnings(scenes, where=f"{name} (the whole module)")
    return warnings


# --- A quiz as the editor saved it ---------------------------------------------------------


def quiz_model_warnings(quiz) -> list[str]:
    """The quiz-level rules for a saved `quizzes.Quiz`: (a), (b) and its own true/false share.

    (Across a module, activities count too; the loader checks that for curriculum files.)
    """
    questions = sorted(quiz.questions.all(), key=lambda q: (q.sort_order or 0, q.pk or 0))
    data = [
        {
            "type": q.kind,
            "answer": q.answer,
            "options": [
                {"text": o.text, "correct": o.correct}
                for o in sorted(q.options.all(), key=lambda o: (o.sort_order or 0, o.pk or 0))
            ],
        }
        for q in questions
    ]
    where = f"“{quiz.title}”"
    return quiz_warnings(data, where=where) + true_false_warnings(
        [q["answer"] for q in data if q["type"] == "true_false" and q["answer"] is not None],
        where=where,
    )
