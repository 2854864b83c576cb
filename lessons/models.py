"""Lesson pages (library → module → lesson) and what pupils do with them.

The page tree is plain Wagtail content, edited in the admin or built from the curriculum files
by `load_curriculum`. Progress and answers are ordinary models keyed by pupil and lesson page;
they are only ever written through `lessons.services`.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from http import HTTPMethod

from django.conf import settings
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    validate_comma_separated_integer_list,
)
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks as wagtail_blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager, PageViewRestriction
from wagtail.query import PageQuerySet
from wagtail.search import index

from schools.models import AgeBand, Pupil, School, TeachingGroup

from .blocks import ActivityBlock, LessonBodyBlock
from .completion import ActivityAnswered, CompletionRequirement, QuizPassed, StepReached
from .plans import PLAN_BLOCK_TYPES, lesson_edit_handler
from .routing import ModuleLink, RoutedUrlMixin, route_lesson

AGE_BAND_ORDER = [band.value for band in AgeBand]


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


def _outcomes_field(**kwargs):
    return StreamField(
        [("outcome", wagtail_blocks.CharBlock(label=_("Outcome"), max_length=200))],
        blank=True,
        verbose_name=_("learning outcomes"),
        help_text=_("Short sentences that start “I can…” or “I know…”."),
        **kwargs,
    )


# --- Pages -------------------------------------------------------------------------------


class LessonLibraryPage(Page):
    """The course site's home page: every module, grouped by age band. Public."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["lessons.ModulePage"]
    max_count = 1
    allowed_http_methods = [HTTPMethod.GET, HTTPMethod.HEAD, HTTPMethod.OPTIONS]
    template = "lessons/lesson_library_page.html"

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("lesson library")

    def route(self, request, path_components):
        """A lesson URL in one query rather than Wagtail's two per level (lessons.routing)."""
        if (lesson := route_lesson(self, request, path_components)) is not None:
            return lesson.route(request, path_components[2:])
        return super().route(request, path_components)

    def modules_by_band(self) -> list[tuple[str, list[ModulePage]]]:
        modules = ModulePage.objects.child_of(self).live().order_by("path")
        grouped: dict[str, list[ModulePage]] = {}
        for module in modules:
            grouped.setdefault(module.age_band, []).append(module)
        return [(band, grouped[band]) for band in AGE_BAND_ORDER if band in grouped]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["bands"] = [
            (AgeBand(band).label, modules) for band, modules in self.modules_by_band()
        ]
        return context


class ModulePageQuerySet(PageQuerySet):
    def for_age_band(self, age_band: str):
        return self.filter(age_band=age_band)

    def for_pupil(self, pupil: Pupil):
        """Modules a pupil is taught: those for their age band."""
        return self.live().for_age_band(pupil.age_band.value)


class ModulePage(Page):
    """One module per age band: a sequence of lessons and notes for the teacher."""

    age_band = models.CharField(_("age band"), max_length=5, choices=AgeBand.choices)
    key_stage = models.CharField(_("key stage"), max_length=10, choices=KeyStage.choices)
    summary = models.TextField(_("summary"), help_text=_("One or two sentences."))
    learning_outcomes = _outcomes_field()
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), default=80, validators=[MinValueValidator(5)]
    )
    teacher_notes = RichTextField(
        _("teacher notes"),
        blank=True,
        features=["bold", "italic", "ol", "ul", "link", "h3"],
        help_text=_("How to run the module, safeguarding notes, what to do after a disclosure."),
    )

    objects = PageManager.from_queryset(ModulePageQuerySet)()

    parent_page_types = ["lessons.LessonLibraryPage"]
    subpage_types = ["lessons.LessonPage"]
    allowed_http_methods = [HTTPMethod.GET, HTTPMethod.HEAD, HTTPMethod.OPTIONS]
    template = "lessons/module_page.html"

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("age_band"), FieldPanel("key_stage"), FieldPanel("estimated_minutes")],
            heading=_("Who it is for"),
        ),
        FieldPanel("summary"),
        FieldPanel("learning_outcomes"),
        FieldPanel("teacher_notes"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.FilterField("age_band"),
    ]

    class Meta:
        verbose_name = _("module")

    def lessons(self):
        return LessonPage.objects.child_of(self).live().order_by("path")

    def get_context(self, request, *args, **kwargs):
        from . import permissions
        from .player import lesson_cards

        context = super().get_context(request, *args, **kwargs)
        pupil = permissions.get_pupil(request.user)
        context["age_band"] = self.age_band
        context["lesson_cards"] = lesson_cards(self.lessons(), pupil=pupil, request=request)
        context["show_teacher_notes"] = permissions.can_preview_lessons(request.user)
        from .module_checks import check_offer

        context["module_check"] = check_offer(module=self, pupil=pupil)
        return context


@dataclass(frozen=True)
class Step:
    """One screen of the lesson player. Step 0 is the introduction; body steps are 1…n."""

    number: int
    id: str
    title: str
    children: list
    narration: object = None  # an editor's recorded audio (a Wagtail document), if any
    picture: object = None  # a Wagtail image, or None
    picture_alt: str = ""


@dataclass(frozen=True)
class Activity:
    id: str
    step: int
    block: ActivityBlock
    value: object
    title: str
    child: object  # the stream child, for `{% include_block %}`

    @property
    def block_type(self) -> str:
        return self.block.activity_type

    @property
    def is_required(self) -> bool:
        return self.block.is_required(self.value)


class LessonPageQuerySet(PageQuerySet):
    def in_modules(self, modules):
        """The live lessons of several modules, in module and lesson order (one query)."""
        modules = list(modules)
        if not modules:
            return self.none()
        condition = models.Q(pk__in=[])
        for module in modules:
            condition |= models.Q(path__startswith=module.path, depth=module.depth + 1)
        return self.live().filter(condition).order_by("path")


class LessonPage(RoutedUrlMixin, RoutablePageMixin, Page):
    """A lesson: an introduction with ground rules, then steps of content and activities.

    The page is its own player. Its URLs are the lesson (which opens where the pupil left
    off), `step/<n>/`, and two POST endpoints, `progress/` and `activity/<id>/`; see
    `lessons.views` for what each does.
    """

    intro = models.TextField(_("introduction"), help_text=_("One or two sentences."))
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"),
        default=20,
        validators=[MinValueValidator(5), MaxValueValidator(60)],
    )
    topics = models.CharField(
        _("topics"),
        max_length=40,
        blank=True,
        validators=[validate_comma_separated_integer_list],
        help_text=_("Numbers from the curriculum topic list, separated by commas, e.g. 2,7."),
    )
    learning_outcomes = _outcomes_field()
    ground_rules = StreamField(
        [("rule", wagtail_blocks.CharBlock(label=_("Ground rule"), max_length=250))],
        verbose_name=_("ground rules"),
        help_text=_(
            "Shown before the lesson starts: we talk about made-up characters, you can pass, "
            "you can talk to a trusted adult."
        ),
    )
    body = StreamField(LessonBodyBlock(), verbose_name=_("steps"))
    quiz = models.ForeignKey(
        "quizzes.Quiz",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("quiz"),
        help_text=_(
            "Pupils take it at the end of the lesson. The lesson is complete only when the "
            "attempt that counts reaches the quiz's pass mark."
        ),
    )
    plan = StreamField(
        PLAN_BLOCK_TYPES,
        blank=True,
        max_num=1,
        verbose_name=_("lesson plan"),
        help_text=_(
            "What a teacher needs to teach this lesson without preparing. Teachers read and "
            "print it in the portal, with the standard steps for a disclosure."
        ),
    )

    objects = PageManager.from_queryset(LessonPageQuerySet)()

    parent_page_types = ["lessons.ModulePage"]
    subpage_types: list[str] = []
    allowed_http_methods = [HTTPMethod.GET, HTTPMethod.HEAD, HTTPMethod.POST]
    template = "lessons/lesson_page.html"
    preview_modes = [("", _("Whole lesson"))]

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("estimated_minutes"), FieldPanel("topics")], heading=_("Planning")
        ),
        FieldPanel("learning_outcomes"),
        FieldPanel("ground_rules"),
        FieldPanel("body"),
        FieldPanel("quiz"),
    ]
    edit_handler = lesson_edit_handler(content_panels, Page.promote_panels, Page.settings_panels)
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        verbose_name = _("lesson")

    # --- Structure ------------------------------------------------------------------------

    @property
    def module(self) -> ModulePage | None:
        """The module this lesson belongs to (free when the page was reached by routing)."""
        parent = self.get_parent()
        if parent is None or isinstance(parent, ModulePage):
            return parent
        return parent.specific if parent.specific_class is ModulePage else None

    @property
    def age_band(self) -> str | None:
        if (routed := getattr(self, "routed_module_age_band", None)) is not None:
            return routed
        module = self.module
        return module.age_band if module else None

    def module_link(self, request) -> ModuleLink | None:
        """The module's title and URL, for the way back (no query when routed by the library)."""
        if (title := getattr(self, "routed_module_title", None)) is not None:
            url = self.get_url(request).rstrip("/").rsplit("/", 1)[0] + "/"
            return ModuleLink(title=title, url=url)
        module = self.module
        return ModuleLink(title=module.title, url=module.get_url(request)) if module else None

    @property
    def deals_with_abuse(self) -> bool:
        """Grooming and sextortion lessons: shown with the quick exit ("Hide this page")."""
        return bool(set(self.topic_numbers) & ABUSE_TOPICS)

    @cached_property
    def steps(self) -> list[Step]:
        steps = []
        for number, child in enumerate(self.body, start=1):
            children = list(child.value["content"])
            for block in [child, *children]:
                # Blocks added in an unsaved admin preview have no id yet.
                block.id = block.id or str(uuid.uuid4())
            steps.append(
                Step(
                    number=number,
                    id=child.id,
                    title=child.value["title"],
                    children=children,
                    narration=child.value.get("narration"),
                    picture=child.value.get("picture"),
                    picture_alt=child.value.get("picture_alt") or "",
                )
            )
        return steps

    @property
    def last_step(self) -> int:
        return len(self.steps)

    @cached_property
    def activities(self) -> dict[str, Activity]:
        """Every activity in the lesson, by block id, in lesson order."""
        found = {}
        for step in self.steps:
            for child in step.children:
                if isinstance(child.block, ActivityBlock):
                    found[child.id] = Activity(
                        id=child.id,
                        step=step.number,
                        block=child.block,
                        value=child.value,
                        title=step.title,
                        child=child,
                    )
        return found

    @property
    def topic_numbers(self) -> list[int]:
        return [int(n) for n in self.topics.split(",") if n.strip()]

    def completion_requirements(self) -> list[CompletionRequirement]:
        """What a pupil must do to complete this lesson.

        By default: answer every required activity (H5P activities included: a finished H5P
        play is their answer), reach the last step and, when the lesson has a quiz, pass it
        (under the quiz's own "which attempt counts" rule). A subclass may add requirements:
        return this list plus objects following `lessons.completion.CompletionRequirement`.
        """
        requirements: list[CompletionRequirement] = [
            ActivityAnswered(activity_id=a.id, step=a.step, label=a.title)
            for a in self.activities.values()
            if a.is_required
        ]
        requirements.append(StepReached(step=self.last_step))
        if self.quiz_id is not None:
            requirements.append(QuizPassed(quiz=self.quiz))
        return requirements

    # --- Routes (the player); the work happens in lessons.views ---------------------------

    @path("")
    def lesson_open(self, request):
        from . import views

        return views.lesson_open(request, self)

    @path("step/<int:number>/")
    def lesson_step(self, request, number):
        from . import views

        return views.lesson_step(request, self, number)

    @path("progress/")
    def lesson_progress(self, request):
        from . import views

        return views.lesson_progress(request, self)

    @path("activity/<str:activity_id>/")
    def lesson_activity(self, request, activity_id):
        from . import views

        return views.lesson_activity(request, self, activity_id)

    def serve_preview(self, request, mode_name):
        from . import views

        return views.lesson_preview(request, self)

    def get_view_restrictions(self):
        # Routed by the library, the lesson's query already said whether any apply.
        if getattr(self, "view_restricted", None) is False:
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def step_url(self, number: int, *, request=None) -> str:
        return self.get_url(request) + self.reverse_subpage("lesson_step", args=[number])


# --- Progress ------------------------------------------------------------------------------


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class CompletionKind(models.TextChoices):
    """How a completed lesson was done: by the pupil on their own, or taught to the class."""

    ALONE = "alone", _("On their own")
    IN_CLASS = "in_class", _("Done together in class")


class _PupilScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Records of the pupils this user may see (see `Pupil.objects.visible_to`)."""
        return self.filter(pupil__in=Pupil.objects.visible_to(user))

    def for_pupil(self, pupil: Pupil):
        return self.filter(pupil=pupil)


class LessonProgressQuerySet(_PupilScopedQuerySet):
    def completed(self):
        return self.filter(status=ProgressStatus.COMPLETED)


class LessonProgress(models.Model):
    """How far one pupil has got with one lesson.

    `current_step` is the furthest step reached (0 is the introduction); it never goes
    backwards, so a stale tab cannot undo progress. A lesson once completed stays completed.
    """

    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="lesson_progress", verbose_name=_("pupil")
    )
    # PROTECT: pupils' records outlive a careless delete (lessons/wagtail_hooks.py explains).
    lesson = models.ForeignKey(
        LessonPage, on_delete=models.PROTECT, related_name="progress", verbose_name=_("lesson")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProgressStatus.choices,
        default=ProgressStatus.NOT_STARTED,
    )
    current_step = models.PositiveSmallIntegerField(_("step reached"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    time_spent = models.DurationField(_("time spent"), default=timedelta)
    last_active_at = models.DateTimeField(null=True, blank=True)
    # How the lesson was completed (empty until it is); a lesson taught in class to a pupil
    # who had already finished it alone stays "alone", with `taught_at` and `taught_by` set.
    completion_kind = models.CharField(
        _("completed how"), max_length=10, choices=CompletionKind.choices, blank=True
    )
    taught_at = models.DateTimeField(_("taught in class"), null=True, blank=True)
    taught_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taught by"),
    )
    updated_at = models.DateTimeField(auto_now=True)
    # The order this pupil sees activity choices, cards, messages and statements in is derived
    # from it (lessons/player.py), so feedback and the teacher's view show the same order.
    # Empty for progress from before shuffling: those pupils keep the authored order.
    shuffle_seed = models.PositiveIntegerField(null=True, blank=True, editable=False)

    objects = LessonProgressQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pupil", "lesson"], name="unique_lesson_progress")
        ]
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")

    def __str__(self):
        return f"{self.pupil} — {self.lesson_id}: {self.get_status_display()}"

    def save(self, *args, **kwargs):
        if self._state.adding and self.shuffle_seed is None:
            self.shuffle_seed = shuffle_seed_for(self.pupil_id, self.lesson_id)
        super().save(*args, **kwargs)

    @property
    def is_completed(self) -> bool:
        return self.status == ProgressStatus.COMPLETED

    @property
    def is_completed_in_class(self) -> bool:
        return self.is_completed and self.completion_kind == CompletionKind.IN_CLASS


def shuffle_seed_for(pupil_id: int, lesson_id: int) -> int:
    """The seed a pupil's new progress row for a lesson gets (and that a pupil who has not
    started the lesson yet is shown with), so the order is the same before and after."""
    digest = hashlib.sha256(f"streamwise-shuffle:{pupil_id}:{lesson_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


class ActivityResponseQuerySet(_PupilScopedQuerySet):
    def answered(self):
        return self.filter(is_complete=True)


class ActivityResponse(models.Model):
    """A pupil's latest answer to one activity in one lesson, as checked by the server."""

    pupil = models.ForeignKey(
        Pupil, on_delete=models.CASCADE, related_name="activity_responses", verbose_name=_("pupil")
    )
    lesson = models.ForeignKey(
        LessonPage,
        on_delete=models.PROTECT,
        related_name="activity_responses",
        verbose_name=_("lesson"),
    )
    activity_id = models.CharField(_("activity"), max_length=64)
    activity_type = models.CharField(_("activity type"), max_length=40)
    answer = models.JSONField(_("answer"), default=dict)
    is_complete = models.BooleanField(_("answered"), default=False)
    correct = models.BooleanField(_("correct"), null=True, blank=True)
    score = models.FloatField(
        _("score"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("From 0 to 1."),
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityResponseQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "lesson", "activity_id"], name="unique_activity_response"
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=1),
                name="activity_score_between_0_and_1",
            ),
        ]
        verbose_name = _("activity response")
        verbose_name_plural = _("activity responses")

    def __str__(self):
        return f"{self.pupil} — {self.activity_type} {self.activity_id}"


# --- Assignments ---------------------------------------------------------------------------


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        """Assignments that have not been withdrawn."""
        return self.filter(withdrawn_at__isnull=True)

    def open(self, *, today=None):
        """Active assignments whose open date has come (pupils see these)."""
        today = today or timezone.localdate()
        return self.active().filter(opens_on__lte=today)

    def overdue(self, *, today=None):
        """Open assignments whose due date has passed.

        This is about the assignment's dates only; whether a pupil is overdue also depends on
        whether they finished (see `teacher_portal.progress`).
        """
        today = today or timezone.localdate()
        return self.open(today=today).filter(due_on__lt=today)

    def for_pupil(self, pupil: Pupil):
        """Active assignments set for a pupil.

        Set to one of their classes (not an archived one), either for the whole class (no
        pupils selected) or with them among the selected pupils.
        """
        selected = Assignment.pupils.through.objects.filter(assignment=OuterRef("pk"))
        return (
            self.active()
            .filter(teaching_group__in=TeachingGroup.objects.active().filter(pupils=pupil))
            .filter(~Exists(selected) | Exists(selected.filter(pupil=pupil)))
        )

    def visible_to(self, user):
        """Assignments a user may see: a pupil their own; staff those of the classes they see."""
        from schools.permissions import get_pupil

        pupil = get_pupil(user)
        if pupil is not None:
            return self.for_pupil(pupil)
        return self.filter(teaching_group__in=TeachingGroup.objects.visible_to(user))


class Assignment(models.Model):
    """What a class, or some of its pupils, must do: a module or a lesson, between two dates.

    What is assigned is held in two typed ForeignKeys, `module` and `lesson`, exactly one of
    them set (a check constraint makes sure), rather than in one key to `wagtailcore.Page`: the
    database itself then refuses any other page type, `select_related` brings the specific page
    in the same query, and another kind of work can be added the same way later. Assigning a
    module covers every live lesson in it, and the quizzes attached to those lessons.

    `pupils` is empty when the work is for the whole class, as the class is at any moment (a
    pupil who joins later gets it too); otherwise only the pupils chosen have it.

    Written only through `lessons.services` (`assignment_create`, `assignment_update`,
    `assignment_withdraw`); a withdrawn assignment is kept, with `withdrawn_at` set.
    """

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("school")
    )
    teaching_group = models.ForeignKey(
        TeachingGroup,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("class"),
    )
    pupils = models.ManyToManyField(
        Pupil,
        blank=True,
        related_name="assignments",
        verbose_name=_("selected pupils"),
        help_text=_("Leave empty to set the work for the whole class."),
    )
    module = models.ForeignKey(
        ModulePage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("module"),
    )
    lesson = models.ForeignKey(
        LessonPage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("lesson"),
    )
    opens_on = models.DateField(_("open date"))
    due_on = models.DateField(_("due date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )
    created_at = models.DateTimeField(_("set"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(module__isnull=False, lesson__isnull=True)
                    | models.Q(module__isnull=True, lesson__isnull=False)
                ),
                name="assignment_module_or_lesson",
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("opens_on")),
                name="assignment_due_on_or_after_open",
            ),
        ]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self):
        return f"{self.title} — {self.teaching_group}"

    @property
    def page(self) -> ModulePage | LessonPage:
        """The module or lesson assigned."""
        return self.module if self.module_id else self.lesson

    @property
    def title(self) -> str:
        return self.page.title

    @property
    def is_module(self) -> bool:
        return self.module_id is not None

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def is_open(self, today=None) -> bool:
        return self.opens_on <= (today or timezone.localdate())

    def is_past_due(self, today=None) -> bool:
        """The due date has passed (whether or not the work is done)."""
        return self.due_on < (today or timezone.localdate())

    def lessons(self):
        """The live lessons this assignment covers, in lesson order."""
        if self.module_id:
            return LessonPage.objects.in_modules([self.module])
        return LessonPage.objects.live().filter(pk=self.lesson_id)


# The parent and carer pack of a module lives in its own module (see lessons/parents.py).
from .parents import ParentPack  # noqa: E402, F401
