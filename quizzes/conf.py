"""Streamwise settings for the quizzes app, read at call time so tests can override them."""

from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_ACCESS_POLICY = "quizzes.permissions.same_age_band"


def access_policy_path() -> str:
    return getattr(settings, "STREAMWISE_QUIZ_ACCESS_POLICY", DEFAULT_ACCESS_POLICY)


def access_policy() -> Callable:
    """The function `(pupil, quiz) -> bool` that decides whether a pupil may take a quiz.

    Set STREAMWISE_QUIZ_ACCESS_POLICY to a dotted path to replace the default (same age band),
    for example with one that checks the teacher portal's assignments.
    """
    return import_string(access_policy_path())


def free_text_max_length() -> int:
    return getattr(settings, "STREAMWISE_QUIZ_FREE_TEXT_MAX_LENGTH", 2000)
