"""Quizzes, their questions and options, and what pupils answer.

A quiz is a Wagtail snippet, not a page. A quiz has no place of its own in the site tree: pupils
meet it at the end of a lesson (or module), and the same quiz can be attached to a lesson or a
module by a chooser (a ForeignKey on the page). As a snippet it gets Wagtail's listing, search,
chooser, usage report ("which lessons use this quiz") and preview, without pretending to be a
page with a URL, a slug and a parent. Pupils take it through the quizzes app's own views.

Questions are an orderable inline (ClusterableModel + ParentalKey), and each question's options
an inline inside it, rather than a StreamField of question blocks: answers, item analysis and
the knowledge map need to refer to a question and its options by a database key and to group
and count answers in SQL, which rows allow and JSON blocks would not.

Attempts and answers are only ever written through `quizzes.services`.
"""

from __future__ import annotations

import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable, PreviewableMixin
from wagtail.search import index

from schools.models import AgeBand, Pupil


class Strand(models.TextChoices):
    """The eight strands of UKCIS "Education for a Connected World"."""

    SELF_IMAGE_IDENTITY = "self_image_identity", _("Self-image and identity")
    ONLINE_RELATIONSHIPS = "online_relationships", _("Online relationships")
    ONLINE_REPUTATION = "online_reputation", _("Online reputation")
    ONLINE_BULLYING = "online_bullying", _("Online bullying")
    MANAGING_INFORMATION = "managing_information", _("Managing online information")
    HEALTH_WELLBEING = "health_wellbeing", _("Health, well-being and lifestyle")
    PRIVACY_SECURITY = "privacy_security", _("Privacy and security")
    COPYRIGHT_OWNERSHIP = "copyright_ownership", _("Copyright and ownership")


class Shows(models.TextChoices):
    """What an answer tells a teacher about a pupil's understanding."""

    SECURE = "secure", _("Secure")
    DEVELOPING = "developing", _("Developing")
    MISCONCEPTION = "misconception", _("Misconception")

    @classmethod
    def weakest(cls, values) -> Shows | None:
        """The most concerning of several, so that one misconception is never averaged away."""
        order = [cls.SECURE, cls.DEVELOPING, cls.MISCONCEPTION]
        found = [cls(v) for v in values if v]
        return max(found, key=order.index) if found else None


class QuestionType(models.TextChoices):
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_SELECT = "multiple_select", _("Multiple select")
    TRUE_FALSE = "true_false", _("True or false")
    ORDERING = "ordering", _("Put in order")
    MATCHING = "matching", _("Match the pairs")
    SCENARIO = "scenario", _("Scenario (a short story, then a choice)")
    FREE_TEXT = "free_text", _("Free-text reflection (not scored)")


CHOICE_TYPES = (QuestionType.SINGLE_CHOICE, QuestionType.SCENARIO, QuestionType.MULTIPLE_SELECT)
SCORED_TYPES = tuple(t for t in QuestionType if t != QuestionType.FREE_TEXT)


class OrderingAccept(models.TextChoices):
    """Which answers to an ordering question are right."""

    EXACT = "exact", _("Only the order given")
    STARTS_WITH_FIRST = "starts_with_first", _("Any order that starts with the first item")


class CountedAttempt(models.TextChoices):
    BEST = "best", _("The best attempt")
    LATEST = "latest", _("The latest attempt")


class FeedbackTiming(models.TextChoices):
    PER_QUESTION = "per_question", _("After each question")
    AT_END = "at_end", _("At the end of the quiz")


class QuizPurpose(models.TextChoices):
    """What a quiz is for: the end of a lesson, or the same short check before and after a
    module (learning gains, `quizzes.gains`)."""

    LESSON = "lesson", _("Lesson quiz")
    MODULE_CHECK = "module_check", _("Module check (before and after)")


class CheckPhase(models.TextChoices):
    """When a pupil took a module check."""

    BEFORE = "before", _("Before the module")
    AFTER = "after", _("After the module")


class QuizQuerySet(models.QuerySet):
    def for_age_band(self, age_band: str):
        return self.filter(age_band=age_band)

    def module_checks(self):
        return self.filter(purpose=QuizPurpose.MODULE_CHECK)


class Quiz(PreviewableMixin, index.Indexed, ClusterableModel):
    """A short quiz that checks whether a lesson's (or module's) messages landed.

    See the module docstring for why this is a snippet with inline questions.
    """

    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("How editors and teachers find the quiz, e.g. the lesson's title."),
    )
    heading = models.CharField(
        _("heading for pupils"),
        max_length=200,
        blank=True,
        help_text=_(
            "What pupils see at the top, e.g. “Check what you learned”. Defaults to the title."
        ),
    )
    key = models.CharField(
        _("curriculum key"),
        max_length=200,
        blank=True,
        help_text=_(
            "Set by the curriculum loader (“module/lesson”) so re-loading updates this quiz. "
            "Leave empty for quizzes written here."
        ),
    )
    age_band = models.CharField(
        _("age band"),
        max_length=5,
        choices=AgeBand.choices,
        help_text=_("Pupils in this age band may take the quiz until it is assigned to classes."),
    )
    purpose = models.CharField(
        _("purpose"),
        max_length=20,
        choices=QuizPurpose.choices,
        default=QuizPurpose.LESSON,
        help_text=_("A module check is taken before and after a module; it shows no mark."),
    )
    intro = models.TextField(_("introduction"), blank=True)
    remember = models.TextField(
        _("what to remember"),
        blank=True,
        help_text=_("One or two kind sentences shown on the result screen."),
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=60,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        null=True,
        blank=True,
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for unlimited attempts."),
    )
    counted_attempt = models.CharField(
        _("which attempt counts"),
        max_length=10,
        choices=CountedAttempt.choices,
        default=CountedAttempt.BEST,
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_options = models.BooleanField(
        _("shuffle options"),
        default=True,
        help_text=_(
            "Each pupil sees the options in an order of their own, so the right answer is not "
            "always in the same place. Pinned options keep their place. Items to put in order "
            "and pairs to match are always shuffled."
        ),
    )
    feedback_timing = models.CharField(
        _("show feedback"),
        max_length=20,
        choices=FeedbackTiming.choices,
        default=FeedbackTiming.PER_QUESTION,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuizQuerySet.as_manager()

    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.SearchField("heading"),
        index.FilterField("age_band"),
    ]

    class Meta:
        ordering = ["age_band", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~Q(key=""), name="unique_quiz_curriculum_key"
            )
        ]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("quizzes:detail", args=[self.pk])

    @property
    def is_module_check(self) -> bool:
        return self.purpose == QuizPurpose.MODULE_CHECK

    @property
    def pupil_heading(self) -> str:
        return self.heading or self.title

    def get_preview_template(self, request, mode_name):
        return "quizzes/preview.html"

    def get_preview_context(self, request, mode_name):
        """Every question as pupils see it, plus the answer key, for the editor's preview.

        Works on unsaved edits, which modelcluster keeps in memory on the quiz.
        """
        context = super().get_preview_context(request, mode_name)
        questions = sorted(self.questions.all(), key=lambda q: q.sort_order or 0)
        context.update(
            quiz=self,
            age_band=self.age_band,
            questions=[
                {"question": q, "options": sorted(q.options.all(), key=lambda o: o.sort_order or 0)}
                for q in questions
            ],
        )
        return context


def new_question_key() -> str:
    return f"q-{secrets.token_hex(4)}"


class Question(ClusterableModel, Orderable):
    """One question of a quiz, with its options (for choice, ordering and matching questions).

    How each type uses the fields:
    - single choice, scenario: options, exactly one correct; a scenario also has `scenario`;
    - multiple select: options, one or more correct; the exact set must be chosen;
    - true or false: `answer`, `feedback`, `shows_if_wrong`;
    - ordering: options are the items, listed in the correct order; `feedback`; `accept` says
      whether only that order is right or any order that starts with the first item;
    - matching: each option is a pair, `text` on the left and `match` on the right; `feedback`;
    - free text: just the question; never scored, screened for safeguarding phrases.
    """

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    key = models.CharField(
        _("id"),
        max_length=50,
        default=new_question_key,
        help_text=_("Stable id within the quiz (the curriculum's question id)."),
    )
    kind = models.CharField(_("type"), max_length=20, choices=QuestionType.choices)
    strand = models.CharField(
        _("strand"),
        max_length=30,
        choices=Strand.choices,
        help_text=_("The Education for a Connected World strand this question checks."),
    )
    scenario = models.TextField(
        _("scenario"), blank=True, help_text=_("For scenario questions: the short story.")
    )
    text = models.TextField(_("question"))
    answer = models.BooleanField(
        _("answer"), null=True, blank=True, help_text=_("For true or false questions.")
    )
    feedback = models.TextField(
        _("feedback"),
        blank=True,
        help_text=_("For true or false, ordering and matching: shown after answering."),
    )
    shows_if_wrong = models.CharField(
        _("a wrong answer shows"),
        max_length=20,
        choices=Shows.choices,
        default=Shows.MISCONCEPTION,
        help_text=_("For true or false, ordering and matching questions."),
    )
    accept = models.CharField(
        _("orders that are right"),
        max_length=20,
        choices=OrderingAccept.choices,
        default=OrderingAccept.EXACT,
        help_text=_(
            "For ordering questions: only the order given, or any order that starts with the "
            "first item (e.g. “Tell a trusted adult” first, then the rest in any order)."
        ),
    )

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("strand")]),
        FieldPanel("scenario"),
        FieldPanel("text"),
        FieldRowPanel([FieldPanel("answer"), FieldPanel("shows_if_wrong")]),
        FieldPanel("accept"),
        FieldPanel("feedback"),
        InlinePanel("options", label=_("Option")),
    ]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["quiz", "key"], name="unique_question_key_per_quiz")
        ]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.text

    @property
    def is_scored(self) -> bool:
        return self.kind != QuestionType.FREE_TEXT


class Option(Orderable):
    """A choice, an item to put in order, or a pair to match (see Question)."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("text"), max_length=300)
    match = models.CharField(
        _("matches"),
        max_length=300,
        blank=True,
        help_text=_("For matching questions: what goes with this item."),
    )
    correct = models.BooleanField(_("correct"), default=False)
    pinned = models.BooleanField(
        _("pinned"),
        default=False,
        help_text=_(
            "Keep this option where it is when options are shuffled (e.g. “None of these” last)."
        ),
    )
    shows = models.CharField(
        _("choosing it shows"), max_length=20, choices=Shows.choices, default=Shows.DEVELOPING
    )
    feedback = models.TextField(
        _("feedback"),
        blank=True,
        help_text=_("Written for the pupil who chooses this, kindly: “Good thinking — …”."),
    )

    panels = [
        FieldPanel("text"),
        FieldPanel("match"),
        FieldRowPanel([FieldPanel("correct"), FieldPanel("pinned"), FieldPanel("shows")]),
        FieldPanel("feedback"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self):
        return self.text


class AttemptQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(submitted_at__isnull=False)

    def open(self):
        return self.filter(submitted_at__isnull=True)

    def for_pupil(self, pupil: Pupil):
        return self.filter(pupil=pupil)

    def visible_to(self, user):
        """Attempts by pupils the user may see (schools' scoping decides who that is)."""
        return self.filter(pupil__in=Pupil.objects.visible_to(user))

    def counted_for(self, *, pupil: Pupil, quiz: Quiz) -> Attempt | None:
        """The attempt that counts for a pupil under the quiz's rule (best or latest), or None."""
        return counted_attempt(
            self.submitted().filter(pupil=pupil, quiz=quiz), rule=quiz.counted_attempt
        )


def counted_attempt(attempts, *, rule: str) -> Attempt | None:
    """Pick the attempt that counts from one pupil's submitted attempts at one quiz.

    Best: the highest score, the later attempt on a tie. Latest: the highest attempt number.
    """
    attempts = list(attempts)
    if not attempts:
        return None
    if rule == CountedAttempt.LATEST:
        return max(attempts, key=lambda a: a.number)
    return max(attempts, key=lambda a: (a.score or 0, a.number))


class Attempt(models.Model):
    """One go at a quiz by one pupil. Open until submitted; the score is set on submission."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="quiz_attempts")
    number = models.PositiveSmallIntegerField(_("attempt number"))
    # The order this attempt shows questions (and each question's options) in, fixed when it
    # starts so that a pupil who comes back sees the same screen.
    question_order = models.JSONField(default=list, blank=True)
    option_orders = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score (%)"), null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField(null=True, blank=True)
    scored_count = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    # For a module check: taken before or after the module (empty for other quizzes).
    phase = models.CharField(
        _("check phase"), max_length=10, choices=CheckPhase.choices, blank=True, default=""
    )

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["quiz", "pupil", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "quiz", "number"], name="unique_attempt_number"
            ),
            models.UniqueConstraint(
                fields=["pupil", "quiz"],
                condition=Q(submitted_at__isnull=True),
                name="one_open_attempt_per_quiz",
            ),
        ]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")

    def __str__(self):
        return f"{self.quiz} — {self.pupil} #{self.number}"

    def get_absolute_url(self):
        if self.is_submitted:
            return reverse("quizzes:result", args=[self.pk])
        return reverse("quizzes:question", args=[self.pk, 1])

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Answer(models.Model):
    """A pupil's answer to one question in one attempt, saved as they go.

    `response` holds the answer in a canonical form (option ids, true/false, an order, pairs);
    `response_key` is the same as a string, so that identical answers can be grouped and
    counted in SQL for item analysis. `is_correct` and `shows` are set by the server when the
    attempt is submitted. Free-text answers are kept in `text` and screened for possible
    disclosures; `screened_at` stays empty until screening succeeded, so none is ever skipped.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    response = models.JSONField(null=True, blank=True)
    response_key = models.CharField(max_length=1000, blank=True)
    text = models.TextField(blank=True)
    is_correct = models.BooleanField(null=True, blank=True)
    shows = models.CharField(max_length=20, choices=Shows.choices, blank=True)
    answered_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    screened_at = models.DateTimeField(null=True, blank=True)
    # Issue 11 (detect): screening flagged this answer for the DSL, so the pupil is told, calmly,
    # that a trusted adult at school will read it.
    flagged = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question")
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self):
        return f"{self.attempt} — {self.question.key}"


class ReflectionPicture(models.Model):
    """A 4–7 pupil's "say or draw" answer to a reflection: a drawing (PNG) or a chosen picture.

    Kept in the database, never as a public file: only the pupil and the staff who may see the
    pupil get it, through `quizzes:reflection_drawing` (see `quizzes/say_or_draw.py`).
    """

    answer = models.OneToOneField(
        Answer, on_delete=models.CASCADE, related_name="reflection_picture"
    )
    drawing = models.BinaryField(_("drawing (PNG)"), blank=True, default=b"")
    chosen = models.CharField(_("chosen picture"), max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("say or draw picture")
        verbose_name_plural = _("say or draw pictures")

    def __str__(self):
        return f"{self.answer} (picture)"
