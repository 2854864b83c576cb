"""Read the lesson plans in `lessons/curriculum/plans/` for `load_curriculum`.

Each module file (`ages-8-10.yaml`) has a plans file of the same name in the `plans/` folder,
keyed by lesson slug (the format is in `lessons/curriculum/README.md`). `plans_read` checks every
plan before anything is written and gives the loader the raw `plan` field for each lesson, with
block ids derived from the slugs, so reloading changes nothing.

A curriculum folder with no `plans/` folder loads without plans (a site's own curriculum may not
have them yet). Once the folder is there, every lesson of every module needs a complete plan.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError

from quizzes.models import Strand

from .plans import LIST_PARTS, MAX_TOTAL_MINUTES, MIN_TOTAL_MINUTES, TEXT_PARTS

PLANS_FOLDER = "plans"
PLAN_KEYS = {*LIST_PARTS, *TEXT_PARTS} - {"support", "stretch"} | {"differentiation"}


@dataclass
class PlanSet:
    """Every plan read, as raw `plan` field data by (module slug, lesson slug)."""

    problems: list[str] = field(default_factory=list)
    raw: dict[tuple[str, str], list[dict]] = field(default_factory=dict)
    loaded: bool = False

    def values(self, module_slug: str, lesson_slug: str) -> dict:
        """Page values for one lesson: its plan, or nothing when plans are not loaded."""
        if not self.loaded:
            return {}
        return {"plan": self.raw.get((module_slug, lesson_slug), [])}


def _text(value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _strings(value: Any) -> list[str] | None:
    if not isinstance(value, list) or not value:
        return None
    texts = [_text(item) for item in value]
    return texts if all(texts) else None


def _items(values: list, parent: str, name: str) -> list[dict]:
    from .loader import block_id

    return [
        {"type": "item", "value": value, "id": block_id(parent, name, index)}
        for index, value in enumerate(values)
    ]


def plan_problems(plan: Any, *, where: str) -> list[str]:
    """Everything missing or wrong in one lesson's plan (as written in YAML)."""
    if not isinstance(plan, dict):
        return [f"{where}: the plan must be a mapping of its parts"]
    problems = []
    for key in sorted(set(plan) - PLAN_KEYS):
        problems.append(f"{where}: unknown part `{key}` (parts: {', '.join(sorted(PLAN_KEYS))})")
    if _strings(plan.get("objectives")) is None:
        problems.append(f"{where}: `objectives` needs at least one learning objective")
    for key in ("starter", "plenary", "send", "eal"):
        if _text(plan.get(key)) is None:
            problems.append(f"{where}: missing `{key}`")
    differentiation = plan.get("differentiation")
    for key in ("support", "stretch"):
        if not isinstance(differentiation, dict) or _text(differentiation.get(key)) is None:
            problems.append(f"{where}: `differentiation` needs `{key}`")
    statements = plan.get("statements")
    if not isinstance(statements, list) or not statements:
        problems.append(f"{where}: `statements` needs at least one Connected World statement")
    for number, item in enumerate(statements if isinstance(statements, list) else [], start=1):
        strand = item.get("strand") if isinstance(item, dict) else None
        if strand not in Strand.values:
            problems.append(
                f"{where}: statement {number} has strand “{strand}”; use one of "
                + ", ".join(Strand.values)
            )
        if not isinstance(item, dict) or _text(item.get("statement")) is None:
            problems.append(f"{where}: statement {number} needs `statement` text")
    timings = plan.get("timings")
    if not isinstance(timings, list) or len(timings) < 2:
        problems.append(f"{where}: `timings` needs at least two phases")
        timings = []
    total = 0
    for number, item in enumerate(timings, start=1):
        minutes = item.get("minutes") if isinstance(item, dict) else None
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 30:
            problems.append(f"{where}: timing {number} needs `minutes` from 1 to 30")
        else:
            total += minutes
        if not isinstance(item, dict) or not (_text(item.get("phase")) and _text(item.get("do"))):
            problems.append(f"{where}: timing {number} needs `phase` and `do`")
    if timings and not MIN_TOTAL_MINUTES <= total <= MAX_TOTAL_MINUTES:
        problems.append(
            f"{where}: the timings add up to {total} minutes; a lesson plan runs "
            f"{MIN_TOTAL_MINUTES} to {MAX_TOTAL_MINUTES}"
        )
    prompts = plan.get("prompts")
    if not isinstance(prompts, list) or len(prompts) < 2:
        problems.append(f"{where}: `prompts` needs at least two discussion prompts")
        prompts = []
    for number, item in enumerate(prompts, start=1):
        if not isinstance(item, dict) or _text(item.get("prompt")) is None:
            problems.append(f"{where}: prompt {number} needs `prompt` text")
        elif _strings(item.get("expected")) is None:
            problems.append(f"{where}: prompt {number} needs `expected` answers")
    return problems


def plan_raw(plan: dict, *, module_slug: str, lesson_slug: str) -> list[dict]:
    """The `plan` field's raw StreamField data, with ids derived from the slugs."""
    from .loader import block_id

    bid = block_id(module_slug, lesson_slug, "plan")
    value = {
        "objectives": _items(_strings(plan["objectives"]), bid, "objectives"),
        "statements": _items(
            [
                {"strand": item["strand"], "statement": _text(item["statement"])}
                for item in plan["statements"]
            ],
            bid,
            "statements",
        ),
        "timings": _items(
            [
                {
                    "phase": _text(item["phase"]),
                    "minutes": item["minutes"],
                    "activity": _text(item["do"]),
                }
                for item in plan["timings"]
            ],
            bid,
            "timings",
        ),
        "starter": _text(plan["starter"]),
        "prompts": _items(
            [
                {
                    "prompt": _text(item["prompt"]),
                    "expected": _items(
                        _strings(item["expected"]), bid, f"prompt-{number}-expected"
                    ),
                }
                for number, item in enumerate(plan["prompts"])
            ],
            bid,
            "prompts",
        ),
        "plenary": _text(plan["plenary"]),
        "support": _text(plan["differentiation"]["support"]),
        "stretch": _text(plan["differentiation"]["stretch"]),
        "send": _text(plan["send"]),
        "eal": _text(plan["eal"]),
    }
    return [{"type": "plan", "value": value, "id": bid}]


def _block_problems(raw: list[dict], *, where: str) -> list[str]:
    """What the page editor would refuse (lengths, numbers), checked the same way."""
    from .models import LessonPage

    stream_block = LessonPage._meta.get_field("plan").stream_block
    try:
        stream_block.clean(stream_block.to_python(json.loads(json.dumps(raw))))
    except ValidationError as error:
        detail = error.as_json_data() if hasattr(error, "as_json_data") else error.messages
        return [f"{where}: the plan is not valid: {json.dumps(detail, default=str)}"]
    return []


def _read(path: Path) -> tuple[dict | None, str, list[str]]:
    if not path.exists():
        return None, "", [f"{PLANS_FOLDER}/{path.name}: missing (every module needs its plans)"]
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        return None, text, [f"{PLANS_FOLDER}/{path.name}: not valid YAML ({error})"]
    if not isinstance(data, dict) or not isinstance(data.get("plans"), dict):
        return None, text, [f"{PLANS_FOLDER}/{path.name}: expected `module:` and `plans:`"]
    return data, text, []


def plans_read(parsed: list[tuple[Path, dict]], *, directory: Path) -> PlanSet:
    """Read and check the plans for the module files `parsed` ((path, data) pairs)."""
    from .loader import banned_words_in

    folder = Path(directory) / PLANS_FOLDER
    plans = PlanSet(loaded=folder.is_dir())
    if not plans.loaded:
        return plans
    for path, data in parsed:
        module = data.get("module") or {}
        module_slug = str(module.get("slug", "?"))
        name = f"{PLANS_FOLDER}/{path.name}"
        plan_data, text, problems = _read(folder / path.name)
        plans.problems += problems
        if plan_data is None:
            continue
        if plan_data.get("module") != module_slug:
            plans.problems.append(f"{name}: `module:` must be “{module_slug}”")
        for word in banned_words_in(text, str(module.get("age_band", ""))):
            plans.problems.append(f"{name}: uses “{word}”, which must never appear for this band")
        lessons = data.get("lessons") if isinstance(data.get("lessons"), list) else []
        slugs = [str(lesson.get("slug")) for lesson in lessons if isinstance(lesson, dict)]
        written = plan_data["plans"]
        for slug in written:
            if slug not in slugs:
                plans.problems.append(f"{name} › {slug}: no lesson with this slug in {path.name}")
        for slug in slugs:
            where = f"{name} › {slug}"
            if slug not in written:
                plans.problems.append(f"{where}: this lesson has no plan")
                continue
            found = plan_problems(written[slug], where=where)
            if not found:
                raw = plan_raw(written[slug], module_slug=module_slug, lesson_slug=slug)
                found = _block_problems(raw, where=where)
                plans.raw[(module_slug, slug)] = raw
            plans.problems += found
    return plans
