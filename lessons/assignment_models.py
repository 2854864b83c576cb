"""Work set for a class, or some of its pupils: a module or a lesson, between two dates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schools.models import Pupil, School, TeachingGroup

from .page_models import LessonPage, ModulePage


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
