"""Staff courses (Wagtail pages), the school's training settings, and who has done what.

Courses live in the page tree under a "Staff training" index that is not part of any site, so
Wagtail never serves them: staff open them through `training.views`, which check that the
viewer works in a school. Passing a course's quiz is a `CourseCompletion`, which carries its own
expiry date (the school's renewal period at the time of passing), so a certificate never
changes after it is printed.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from http import HTTPMethod

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from lessons.models import LessonPage
from lessons.page_models import body_steps
from schools.models import School, StaffRole

from .blocks import QuizQuestionBlock, StaffCourseBodyBlock


class StaffCourseIndexPage(Page):
    """Holds the staff courses. Kept out of every site, so it has no public address."""

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["training.StaffCoursePage"]
    max_count = 1
    allowed_http_methods = [HTTPMethod.GET, HTTPMethod.HEAD]

    class Meta:
        verbose_name = _("staff training index")

    def serve(self, request, *args, **kwargs):
        from django.shortcuts import redirect

        return redirect("training:home")


class StaffCoursePage(Page):
    """A course for school staff: steps of content and scenario activities, then a quiz."""

    summary = models.TextField(_("summary"), help_text=_("One or two sentences."))
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), default=20, validators=[MinValueValidator(5)]
    )
    body = StreamField(StaffCourseBodyBlock(), verbose_name=_("steps"))
    questions = StreamField(
        [("question", QuizQuestionBlock())],
        verbose_name=_("quiz"),
        help_text=_("Single-answer questions, taken after the steps."),
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    parent_page_types = ["training.StaffCourseIndexPage"]
    subpage_types: list[str] = []
    allowed_http_methods = [HTTPMethod.GET, HTTPMethod.HEAD]

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
        FieldPanel("questions"),
        FieldPanel("pass_mark"),
    ]

    class Meta:
        verbose_name = _("staff course")

    def serve(self, request, *args, **kwargs):
        from django.shortcuts import redirect

        return redirect(self.get_training_url())

    def serve_preview(self, request, mode_name):
        """The editor's preview: the draft's steps as staff will see them, nothing to post."""
        from .views import course_preview

        return course_preview(request, self)

    def get_training_url(self) -> str:
        return reverse("training:course", args=[self.slug])

    # The lesson player's helpers read steps and activities the same way for both page types.
    # A course is never routed by the lesson library, so its body is parsed on each request.
    steps = cached_property(body_steps)
    activities = cached_property(LessonPage.activities.func)

    def reverse_subpage(self, name: str, args=None, kwargs=None) -> str:
        """The lesson player asks for "lesson_activity"; a course answers at activity/<id>/."""
        if name != "lesson_activity":
            raise ValueError(name)
        return f"activity/{args[0]}/"


def staff_courses():
    """The live staff courses, in the order the editors arranged them."""
    return StaffCoursePage.objects.live().order_by("path")


class SchoolTrainingSettings(models.Model):
    """A school's choices for staff training."""

    school = models.OneToOneField(
        School, on_delete=models.CASCADE, related_name="training_settings"
    )
    renewal_months = models.PositiveSmallIntegerField(
        _("renew training every (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("A certificate expires this many months after the course was passed."),
    )
    part_one_version = models.CharField(
        _("Keeping Children Safe in Education version"),
        max_length=60,
        blank=True,
        help_text=_(
            "The version staff must read, e.g. “September 2025”. Changing it asks every member "
            "of staff to sign again."
        ),
    )
    part_one_due_on = models.DateField(_("staff should sign by"), null=True, blank=True)

    class Meta:
        verbose_name = _("school training settings")
        verbose_name_plural = _("school training settings")

    def __str__(self):
        return f"Training settings for {self.school}"


class Audience(models.TextChoices):
    ALL_STAFF = "all", _("All staff")
    TEACHERS = StaffRole.TEACHER.value, _("Teachers")
    LEADS = "leads", _("DSL and deputy DSLs")
    SCHOOL_ADMINS = StaffRole.SCHOOL_ADMIN.value, _("School admins")

    def roles(self) -> set[str]:
        return {
            Audience.ALL_STAFF: set(StaffRole.values),
            Audience.TEACHERS: {StaffRole.TEACHER},
            Audience.LEADS: {StaffRole.DSL, StaffRole.DEPUTY_DSL},
            Audience.SCHOOL_ADMINS: {StaffRole.SCHOOL_ADMIN},
        }[self]


class CourseAssignment(models.Model):
    """A course set for a group of a school's staff, to be done by a date."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="course_assignments")
    course = models.ForeignKey(StaffCoursePage, on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(_("who"), max_length=20, choices=Audience.choices)
    due_on = models.DateField(_("due by"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on"]

    def __str__(self):
        return f"{self.course} for {self.get_audience_display()} by {self.due_on}"


class CourseCompletion(models.Model):
    """A staff member passed a course's quiz: the certificate's facts, fixed when passed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_completions"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(StaffCoursePage, on_delete=models.CASCADE, related_name="+")
    passed_on = models.DateField(_("passed on"))
    expires_on = models.DateField(_("expires on"))
    score = models.PositiveSmallIntegerField(_("score (%)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-passed_on", "-pk"]

    def __str__(self):
        return f"{self.user} passed {self.course} on {self.passed_on}"

    def get_absolute_url(self):
        return reverse("training:certificate", args=[self.pk])

    def is_expired(self, today: date) -> bool:
        return today >= self.expires_on


class ReminderKind(models.TextChoices):
    SOON = "soon", _("expires soon")
    EXPIRED = "expired", _("expired")


class ReminderSent(models.Model):
    """One renewal reminder emailed for one completion; never sent twice."""

    completion = models.ForeignKey(
        CourseCompletion, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["completion", "kind"], name="one_reminder_per_kind")
        ]

    def __str__(self):
        return f"Reminder ({self.kind}) for completion {self.completion_id}"


class PartOneSignoff(models.Model):
    """A staff member confirmed they have read KCSIE Part one, in one version."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="part_one_signoffs"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    version = models.CharField(max_length=60)
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "school", "version"], name="one_signoff_per_version"
            )
        ]

    def __str__(self):
        return f"{self.user} read Part one ({self.version})"
