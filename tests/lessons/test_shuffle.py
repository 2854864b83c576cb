"""Activities shuffled per pupil, reproducibly: the same order when answering, in the feedback
and in the teacher's drill-down; pinned choices stay put; staff previews keep the authored order."""

import pytest

from lessons.loader import block_id
from lessons.models import LessonProgress, shuffle_seed_for
from lessons.player import display_order
from teacher_portal.answers import describe_answer

# (As they appear in the page: "don't" is escaped there.)
MESSAGES = ["love it", "private chat for coins?", "nice colours", "tell your mum", "well done"]
CARDS = ["A friend says great video", "A stranger asks for a photo", "A new app wants your camera"]


def aid(lesson, yaml_id):
    return block_id("test-8-10", lesson.slug, "activity", yaml_id)


def step_url(lesson, yaml_id):
    activity = lesson.activities[aid(lesson, yaml_id)]
    return lesson.step_url(activity.step), activity


def activity_url(lesson, yaml_id):
    return lesson.url + lesson.reverse_subpage("lesson_activity", args=[aid(lesson, yaml_id)])


def positions(body: str, texts: list[str]) -> list[str]:
    """The texts in the order they appear on the page."""
    return sorted(texts, key=body.index)


def shuffling_seed(activity_id: str, part: str, count: int) -> int:
    """A seed that gives a non-authored order for this part (so the tests can fail)."""
    return next(
        s for s in range(1, 100) if display_order(s, activity_id, part, count) != list(range(count))
    )


def test_the_order_is_reproducible_a_permutation_and_keeps_pinned_items():
    order = display_order(42, "activity", "scene:start", 5, [False, False, False, False, True])
    assert order == display_order(42, "activity", "scene:start", 5, [False] * 4 + [True])
    assert sorted(order) == [0, 1, 2, 3, 4]
    assert order[4] == 4
    many = {tuple(display_order(s, "activity", "cards", 5)) for s in range(30)}
    assert len(many) > 5
    assert display_order(None, "activity", "cards", 5) == [0, 1, 2, 3, 4]
    # Another activity or part of the same pupil's lesson gets an order of its own.
    assert any(
        display_order(s, "a", "cards", 5) != display_order(s, "b", "cards", 5) for s in range(5)
    )


def test_a_pupil_sees_the_same_order_before_answering_in_feedback_and_in_the_teachers_view(
    pupil_client, pupil, lesson
):
    url, activity = step_url(lesson, "chat-signs")
    seed = shuffle_seed_for(pupil.pk, lesson.pk)
    expected = [MESSAGES[i] for i in display_order(seed, activity.id, "messages", 5)]
    # Not started yet (no progress row): the order comes from the seed the row will get.
    assert positions(pupil_client.get(url).content.decode(), MESSAGES) == expected
    pupil_client.post(activity_url(lesson, "chat-signs"), {"flag": ["1", "3"]})
    progress = LessonProgress.objects.get(pupil=pupil, lesson=lesson)
    assert progress.shuffle_seed == seed
    page = pupil_client.get(url).content.decode()
    assert "You found 2 of 2 warning signs." in page
    assert positions(page, MESSAGES) == expected


def test_a_stored_seed_decides_the_order_and_the_drill_down_follows_it(pupil_client, pupil, lesson):
    url, activity = step_url(lesson, "ok-or-not")
    seed = shuffling_seed(activity.id, "cards", 3)
    LessonProgress.objects.create(pupil=pupil, lesson=lesson, shuffle_seed=seed)
    expected = [CARDS[i] for i in display_order(seed, activity.id, "cards", 3)]
    assert expected != CARDS
    assert positions(pupil_client.get(url).content.decode(), CARDS) == expected
    answer = {"card-0": "ok", "card-1": "not-ok", "card-2": "ask"}
    response = pupil_client.post(activity_url(lesson, "ok-or-not"), answer, HTTP_HX_REQUEST="true")
    assert positions(response.content.decode(), CARDS) == expected  # the feedback fragment
    lines = describe_answer(
        activity, {"placements": {"0": "ok", "1": "not-ok", "2": "ask"}}, seed=seed
    )
    assert [line.split("”")[0].lstrip("“") for line in lines] == expected


def test_pupils_who_started_before_shuffling_keep_the_authored_order(pupil_client, pupil, lesson):
    url, _activity = step_url(lesson, "chat-signs")
    LessonProgress.objects.create(pupil=pupil, lesson=lesson)
    LessonProgress.objects.filter(pupil=pupil).update(shuffle_seed=None)
    assert positions(pupil_client.get(url).content.decode(), MESSAGES) == MESSAGES


def test_staff_previews_show_the_authored_order(teacher_client, lesson):
    url, _activity = step_url(lesson, "chat-signs")
    assert positions(teacher_client.get(url).content.decode(), MESSAGES) == MESSAGES


class _State:
    """What an activity template's `state` offers blocks (see lessons.player.ActivityState)."""

    def __init__(self, activity_id: str):
        self.id = activity_id

    def display_order(self, part, count, pinned=()):
        return display_order(7, self.id, part, count, pinned)


@pytest.mark.parametrize("pinned", [True, False])
def test_a_pinned_choice_keeps_its_place(pinned):
    from lessons.blocks import WhatWouldYouDoBlock

    texts = ["A", "B", "C", "None of these"]
    scene = {
        "key": "start",
        "choices": [{"text": t, "pinned": pinned and t == "None of these"} for t in texts],
    }
    lasts = set()
    for n in range(12):
        rows = WhatWouldYouDoBlock.choices_in_order({"state": _State(f"activity-{n}")}, scene)
        assert sorted(row["index"] for row in rows) == [0, 1, 2, 3]
        lasts.add(rows[-1]["choice"]["text"])
    assert (lasts == {"None of these"}) is pinned
