"""The lesson pages: the library (the course site's home), a module per age band, lessons.

The page tree is plain Wagtail content, edited in the admin or built from the curriculum files
by `load_curriculum`. A lesson page is its own player; its routes hand over to `lessons.views`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache, cached_property
from http import HTTPMethod

from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    validate_comma_separated_integer_list,
)
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail import blocks as wagtail_blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager, PageViewRestriction
from wagtail.query import PageQuerySet
from wagtail.search import index

from schools.models import AgeBand, Pupil

from .blocks import ActivityBlock, LessonBodyBlock
from .body_cache import parsed_steps
from .choices import ABUSE_TOPICS, KeyStage
from .completion import ActivityAnswered, CompletionRequirement, QuizPassed, StepReached
from .plans import PLAN_BLOCK_TYPES, lesson_edit_handler
from .routing import ModuleLink, RoutedUrlMixin, route_child, route_lesson

AGE_BAND_ORDER = [band.value for band in AgeBand]


def _outcomes_field(**kwargs):
    return StreamField(
        [("outcome", wagtail_blocks.CharBlock(label=_("Outcome"), max_length=200))],
        blank=True,
        verbose_name=_("learning outcomes"),
        help_text=_("Short sentences that start “I can…” or “I know…”."),
        **kwargs,
    )


@cache
def _no_restrictions():
    """An empty, already evaluated QuerySet: iterating it (Wagtail's view-restriction check on
    every lesson step) builds and compiles nothing. Any method called on it returns a copy."""
    restrictions = PageViewRestriction.objects.none()
    list(restrictions)
    return restrictions


def body_steps(page) -> list[Step]:
    """The steps of a lesson (or staff course) body, parsed from its StreamField."""
    steps = []
    for number, child in enumerate(page.body, start=1):
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

    # A site may remember this page between requests as its root (streamwise.site_cache):
    # routing below it needs only its place in the tree, and `route` re-reads it to serve it.
    remember_specific_as_site_root = True

    def route(self, request, path_components):
        """A lesson URL in one query rather than Wagtail's two per level (lessons.routing)."""
        if (lesson := route_lesson(self, request, path_components)) is not None:
            return lesson.route(request, path_components[2:])
        if not path_components and getattr(self, "remembered_site_root", False):
            # A copy remembered from an earlier request: serve the page as it is saved now.
            return type(self).objects.get(pk=self.pk).route(request, path_components)
        if path_components:  # a module, or another page below the library
            child = route_child(self, path_components[0])
            if child is None:
                raise Http404
            return child.route(request, path_components[1:])
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
        # Routed by the library, the body's saved text is known: each process parses a text
        # once (lessons.body_cache).
        text = getattr(self, "routed_body_text", None)
        return parsed_steps(self._state.db or "default", text, lambda: body_steps(self))

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
            return _no_restrictions()
        return super().get_view_restrictions()

    def step_url(self, number: int, *, request=None) -> str:
        return self.get_url(request) + self.reverse_subpage("lesson_step", args=[number])
