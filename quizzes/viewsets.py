"""The quiz editor in the Wagtail admin: a snippet viewset with preview and a chooser."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.snippets.views.snippets import SnippetViewSet

from .forms import QuizAdminForm
from .models import Quiz


class QuizViewSet(SnippetViewSet):
    """Quizzes under "Quizzes" in the admin menu.

    Registering the snippet also gives Wagtail's snippet chooser, so a page can attach a quiz
    with `quiz = models.ForeignKey("quizzes.Quiz", null=True, blank=True,
    on_delete=models.SET_NULL, related_name="+")` and `FieldPanel("quiz")`.
    """

    model = Quiz
    icon = "tasks"
    menu_label = _("Quizzes")
    menu_name = "quizzes"
    add_to_admin_menu = True
    menu_order = 250
    list_display = ["title", "age_band", "pass_mark", "attempts_allowed", "updated_at"]
    list_filter = ["age_band", "feedback_timing"]
    search_fields = ["title", "heading", "key"]
    search_backend_name = None
    ordering = ["age_band", "title"]
    copy_view_enabled = True
    inspect_view_enabled = False

    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("title"),
                    FieldPanel("heading"),
                    FieldPanel("age_band"),
                    FieldPanel("intro"),
                    FieldPanel("remember"),
                ],
                heading=_("Quiz"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("attempts_allowed")]),
                    FieldRowPanel([FieldPanel("counted_attempt"), FieldPanel("feedback_timing")]),
                    FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_options")]),
                    FieldPanel("key", read_only=True),
                ],
                heading=_("Settings"),
            ),
            InlinePanel("questions", heading=_("Questions"), label=_("Question"), min_num=1),
        ],
        base_form_class=QuizAdminForm,
    )
