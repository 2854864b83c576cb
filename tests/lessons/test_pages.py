"""The page tree rules, and building a lesson in the Wagtail admin."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from lessons.loader import curriculum_load
from lessons.models import LessonLibraryPage, LessonPage, ModulePage
from tests.lessons.conftest import FIXTURE_CURRICULUM


def _list(items):
    """ListBlock form data: each item with its deleted/order/id bookkeeping."""
    data = {
        str(i): {"value": item, "deleted": "", "order": str(i), "id": ""}
        for i, item in enumerate(items)
    }
    data["count"] = str(len(items))
    return data


def _stream(items):
    data = streamfield(items)
    for index in range(len(items)):
        data[str(index)]["id"] = ""
    return data


def lesson_form_data(slug="made-in-the-admin"):
    data = nested_form_data(
        {
            "title": "Made in the admin",
            "slug": slug,
            "intro": "An intro.",
            "estimated_minutes": "20",
            "topics": "2,7",
            "learning_outcomes": _stream([("outcome", "I can build a lesson.")]),
            "ground_rules": _stream([("rule", "You can pass.")]),
            "plan": _stream([]),  # the "Lesson plan" tab (lessons/plans.py), left empty
            "body": _stream(
                [
                    (
                        "step",
                        {
                            "title": "Story",
                            "content": _stream(
                                [
                                    (
                                        "story",
                                        {
                                            "character": "Jas",
                                            "text": rich_text("<p>Jas streams.</p>"),
                                        },
                                    ),
                                    (
                                        "true_or_false",
                                        {
                                            "required": "on",
                                            "statements": _list(
                                                [
                                                    {
                                                        "text": "Streams can be recorded.",
                                                        "answer": "on",
                                                        "feedback": "Yes.",
                                                    }
                                                ]
                                            ),
                                        },
                                    ),
                                ]
                            ),
                        },
                    ),
                    (
                        "step",
                        {
                            "title": "Getting help",
                            "content": _stream([("help", {"text": ""})]),
                        },
                    ),
                ]
            ),
        }
    )
    return data


class PageTreeTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        curriculum_load(directory=FIXTURE_CURRICULUM)
        cls.library = LessonLibraryPage.objects.get()
        cls.module = ModulePage.objects.get(slug="test-8-10")
        cls.lesson = LessonPage.objects.get(slug="every-activity")

    def setUp(self):
        self.user = self.login()

    def test_the_tree_is_library_then_module_then_lesson(self):
        self.assertAllowedSubpageTypes(LessonLibraryPage, {ModulePage})
        self.assertAllowedSubpageTypes(ModulePage, {LessonPage})
        self.assertAllowedSubpageTypes(LessonPage, set())
        self.assertAllowedParentPageTypes(ModulePage, {LessonLibraryPage})
        self.assertAllowedParentPageTypes(LessonPage, {ModulePage})

    def test_where_each_page_can_be_created(self):
        self.assertCanCreateAt(LessonLibraryPage, ModulePage)
        self.assertCanCreateAt(ModulePage, LessonPage)
        self.assertCanNotCreateAt(Page, ModulePage)
        self.assertCanNotCreateAt(Page, LessonPage)
        self.assertCanNotCreateAt(LessonLibraryPage, LessonPage)
        self.assertCanNotCreateAt(ModulePage, ModulePage)
        # There is one library (it is the site's home page).
        self.assertFalse(LessonLibraryPage.can_create_at(Page.get_first_root_node()))

    def test_the_library_is_the_site_home_page(self):
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["page"].specific, self.library)

    def test_pages_render_and_preview(self):
        self.assertPageIsRenderable(self.library)
        self.assertPageIsRenderable(self.module)
        self.assertPageIsRenderable(self.lesson)  # as a superuser: a staff preview
        self.assertPageIsPreviewable(self.lesson, post_data=lesson_form_data(self.lesson.slug))
        self.assertPageIsEditable(self.lesson, post_data=lesson_form_data(self.lesson.slug))

    def test_an_editor_builds_a_lesson_in_the_admin(self):
        self.assertCanCreate(self.module, LessonPage, lesson_form_data())
        created = LessonPage.objects.get(slug="made-in-the-admin")
        self.assertEqual(created.last_step, 2)
        [activity] = created.activities.values()
        self.assertEqual(activity.block_type, "true_or_false")
        self.assertTrue(activity.value["statements"][0]["answer"])

    def test_the_admin_refuses_a_lesson_without_help_at_the_end(self):
        data = nested_form_data(
            {
                "title": "No help",
                "slug": "no-help",
                "intro": "An intro.",
                "estimated_minutes": "20",
                "topics": "",
                "learning_outcomes": _stream([]),
                "ground_rules": _stream([("rule", "You can pass.")]),
                "plan": _stream([]),
                "body": _stream(
                    [
                        (
                            "step",
                            {
                                "title": "Only",
                                "content": _stream([("key_message", {"text": "Hi"})]),
                            },
                        )
                    ]
                ),
                "action-publish": "publish",
            }
        )
        url = f"/admin/pages/add/lessons/lessonpage/{self.module.pk}/"
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The last step must include a Help and signposting block.")
        self.assertFalse(LessonPage.objects.filter(slug="no-help").exists())
