"""The lesson app's fixed vocabularies: key stages, curriculum topics and progress states."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class KeyStage(models.TextChoices):
    EYFS_KS1 = "EYFS/KS1", _("EYFS and Key Stage 1")
    KS2 = "KS2", _("Key Stage 2")
    KS3 = "KS3", _("Key Stage 3")
    KS4 = "KS4", _("Key Stage 4")


class Topic(models.IntegerChoices):
    """The topic list the curriculum covers (see the curriculum brief)."""

    GOING_LIVE = 1, _("Going live")
    PEOPLE_WHO_PRETEND = 2, _("People who pretend")
    GIFTS_TIPS_POINTS = 3, _("Gifts, tips and points")
    REQUESTS_THAT_GROW = 4, _("Requests that grow")
    RECORDING_AND_BLACKMAIL = 5, _("Recording and blackmail")
    AGE_RULES_AND_SETTINGS = 6, _("Age rules and settings")
    BLOCK_REPORT_TELL = 7, _("Block, report, tell")
    LOOKING_OUT_FOR_FRIENDS = 8, _("Looking out for friends")


# People who pretend, requests that grow, recording and blackmail (grooming and sextortion).
ABUSE_TOPICS = frozenset(
    {Topic.PEOPLE_WHO_PRETEND, Topic.REQUESTS_THAT_GROW, Topic.RECORDING_AND_BLACKMAIL}
)


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class CompletionKind(models.TextChoices):
    """How a completed lesson was done: by the pupil on their own, or taught to the class."""

    ALONE = "alone", _("On their own")
    IN_CLASS = "in_class", _("Done together in class")
