"""What the server makes of an xAPI statement an activity sent. Pure: no database.

Anything in a statement is a claim by the browser. The verb must be one the site records; only a
statement about the whole activity (not a sub-question) carries a score that counts; the score is
clamped to ``0 ≤ raw ≤ max ≤ the activity's known maximum`` and ``scaled`` is recomputed; a
statement whose score had to be cut down never completes or passes anything; and when the
activity's maximum is known, only full marks pass.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

ADL_VERB_PREFIX = "http://adlnet.gov/expapi/verbs/"
SUB_CONTENT_EXTENSION = "http://h5p.org/x-api/h5p-subContentId"
FINISHING_VERBS = frozenset({"completed", "passed", "failed"})
# Floating-point noise (2.0000000001 of 2) is not a forgery.
EPSILON = 1e-9


class StatementError(ValueError):
    """A statement the site does not accept; ``message`` is safe to show."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class StatementOutcome:
    verb: str
    top_level: bool
    raw: float | None
    max: float | None
    scaled: float | None
    completed: bool
    passed: bool
    clamped: bool
    activity_id: str


def _number(value: Any, what: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise StatementError(_("The score's %(what)s must be a number.") % {"what": what})
    return float(value)


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(key) or _contains_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_contains_nul(item) for item in value)
    return False


def statement_verb(statement: dict) -> str:
    verb_id = _dict(statement.get("verb")).get("id")
    if not isinstance(verb_id, str) or not verb_id.startswith(ADL_VERB_PREFIX):
        return ""
    return verb_id.removeprefix(ADL_VERB_PREFIX)


def is_top_level(statement: dict) -> bool:
    """Whether a statement is about the whole activity rather than one of its parts.

    H5P marks a part's statements with a parent in ``context.contextActivities`` and a
    sub-content id in the object's extensions (and in the object id).
    """
    context_activities = _dict(_dict(statement.get("context")).get("contextActivities"))
    if context_activities.get("parent"):
        return False
    statement_object = _dict(statement.get("object"))
    extensions = _dict(_dict(statement_object.get("definition")).get("extensions"))
    if extensions.get(SUB_CONTENT_EXTENSION):
        return False
    object_id = statement_object.get("id")
    return not (isinstance(object_id, str) and "subContentId=" in object_id)


def statement_outcome(
    statement: Any, *, known_max: float | None, allowed_verbs: tuple[str, ...]
) -> StatementOutcome:
    """Check a statement and work out the score, completion and success the server accepts."""
    if not isinstance(statement, dict):
        raise StatementError(_("The statement must be a JSON object."))
    if _contains_nul(statement):
        # The statement is stored as JSON, and PostgreSQL refuses NUL characters in it.
        raise StatementError(_("The statement must not contain NUL characters."))
    verb = statement_verb(statement)
    if verb not in allowed_verbs:
        raise StatementError(_("Statements with this verb are not recorded."), status=422)
    result = statement.get("result", {})
    if not isinstance(result, dict):
        raise StatementError(_("The statement's result must be a JSON object."))
    score = result.get("score", {})
    if not isinstance(score, dict):
        raise StatementError(_("The statement's score must be a JSON object."))
    raw = _number(score.get("raw"), "raw")
    claimed_max = _number(score.get("max"), "max")
    object_id = _dict(statement.get("object")).get("id")
    activity_id = object_id[:500] if isinstance(object_id, str) else ""
    top_level = is_top_level(statement)
    if not top_level:
        # A part's score says nothing about the activity's; it is kept, never counted.
        return StatementOutcome(verb, False, None, None, None, False, False, False, activity_id)

    claims_completion = verb in FINISHING_VERBS or result.get("completion") is True
    claims_success = verb != "failed" and (verb == "passed" or result.get("success") is True)
    if raw is None:
        # Without a score a claimed pass can only stand when the server has nothing to check.
        passed = claims_success and known_max is None
        return StatementOutcome(
            verb, True, None, None, None, claims_completion, passed, False, activity_id
        )

    clamped = False
    if known_max is not None:
        # The activity's own maximum wins: "1 of 1" cannot stand in for "1 of 2".
        if claimed_max is not None and claimed_max > known_max + EPSILON:
            clamped = True
        maximum = float(known_max)
    elif claimed_max is not None:
        maximum = claimed_max
        if maximum < 0:
            clamped, maximum = True, 0.0
    else:
        maximum = None
    if raw < -EPSILON:
        clamped = True
    raw = max(raw, 0.0)
    if maximum is not None:
        if raw > maximum + EPSILON:
            clamped = True
        raw = min(raw, maximum)
    scaled = round(raw / maximum, 4) if maximum else None
    if known_max is not None:
        # The server knows what full marks are, so it decides: "success" with 1 of 2 is not.
        claims_success = claims_success and raw >= maximum - EPSILON
    return StatementOutcome(
        verb=verb,
        top_level=True,
        raw=raw,
        max=maximum,
        scaled=scaled,
        completed=claims_completion and not clamped,
        passed=claims_success and not clamped,
        clamped=clamped,
        activity_id=activity_id,
    )
