"""Build lesson pages for tests from curriculum-shaped data (the loader's own conversion)."""

from lessons.loader import lesson_body
from lessons.models import LessonPage, ModulePage

ACTIVITY_CYCLE = [
    {
        "type": "true_or_false",
        "statements": [{"text": "Streams can be recorded.", "answer": True, "feedback": "Yes."}],
    },
    {
        "type": "sort_it",
        "prompt": "Sort.",
        "groups": [{"key": "ok", "label": "OK"}, {"key": "no", "label": "Not OK"}],
        "cards": [
            {"text": "A kind comment", "group": "ok", "feedback": "Kind."},
            {"text": "A request to keep a secret", "group": "no", "feedback": "Tell someone."},
        ],
    },
    {
        "type": "reveal_cards",
        "prompt": "Turn over.",
        "cards": [{"front": "Block", "back": "Stops contact."}],
    },
]


def lesson_data(slug: str, steps: int) -> dict:
    body = []
    for index in range(steps):
        activity = dict(ACTIVITY_CYCLE[index % len(ACTIVITY_CYCLE)], id=f"activity-{index}")
        body.append({"title": f"Step {index + 1}", "blocks": [activity]})
    body.append({"title": "Getting help", "blocks": [{"type": "help"}]})
    return {
        "slug": slug,
        "title": f"Lesson {slug}",
        "intro": "Built for a test.",
        "estimated_minutes": 20,
        "ground_rules": ["You can pass."],
        "steps": body,
    }


def lesson_with_steps(*, slug: str, steps: int, module_slug: str = "test-8-10") -> LessonPage:
    module = ModulePage.objects.get(slug=module_slug)
    data = lesson_data(slug, steps)
    page = LessonPage(
        title=data["title"],
        slug=slug,
        intro=data["intro"],
        ground_rules=[{"type": "rule", "value": "You can pass.", "id": f"{slug}-rule"}],
        body=lesson_body(module_slug, data, where=slug),
    )
    module.add_child(instance=page)
    page.save_revision().publish()
    return LessonPage.objects.get(pk=page.pk)
