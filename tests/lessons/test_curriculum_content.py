"""The real curriculum in lessons/curriculum/: safe, complete, and loadable.

Fails if any lesson lacks ground rules or help and signposting at the end, if the 4–7 module
uses a word from its never-list, or if the shape the issue asks for is missing.
"""

import pytest

from h5p.demo import load_h5p_demo
from lessons.loader import (
    ACTIVITY_TYPES,
    CURRICULUM_DIR,
    H5P_TYPE,
    banned_words_in,
    coverage_problems,
    curriculum_files,
    curriculum_load,
    read_curriculum_file,
    safety_problems,
)
from lessons.models import LessonPage, ModulePage

FILES = curriculum_files(CURRICULUM_DIR)
pytestmark = pytest.mark.skipif(not FILES, reason="lessons/curriculum/ has no YAML files yet")


def _modules():
    return [(path.name, *read_curriculum_file(path)) for path in FILES]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_lesson_has_ground_rules_and_ends_with_help(path):
    data, text = read_curriculum_file(path)
    assert safety_problems(data, text, name=path.name) == []


def test_the_4_to_7_module_never_uses_the_banned_words():
    bands = {data["module"]["age_band"]: (name, text) for name, data, text in _modules()}
    assert "4-7" in bands, "there is no module for ages 4–7"
    name, text = bands["4-7"]
    assert banned_words_in(text, "4-7") == [], f"{name} uses words that must never appear"


def test_four_modules_one_per_age_band():
    bands = sorted(data["module"]["age_band"] for _name, data, _text in _modules())
    assert bands == sorted(["4-7", "8-10", "11-13", "14-16"])


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_each_module_has_four_lessons_with_two_kinds_of_activity(path):
    data, _text = read_curriculum_file(path)
    assert coverage_problems(data, name=path.name) == []


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_a_module_takes_as_long_as_its_lessons(path):
    """Teachers plan their timetable with the module's minutes, so they must add up."""
    data, _text = read_curriculum_file(path)
    lesson_minutes = sum(lesson["estimated_minutes"] for lesson in data["lessons"])
    assert data["module"]["estimated_minutes"] == lesson_minutes


def test_every_activity_type_and_topic_is_used():
    used_types, topics = set(), set()
    for _name, data, _text in _modules():
        for lesson in data["lessons"]:
            topics.update(lesson.get("topics") or [])
            for step in lesson["steps"]:
                used_types.update(b["type"] for b in step["blocks"] if b["type"] in ACTIVITY_TYPES)
    assert used_types == ACTIVITY_TYPES
    assert topics >= set(range(1, 9))


def test_h5p_activities_are_played_in_lessons_of_two_age_bands():
    placed = {}
    for _name, data, _text in _modules():
        for lesson in data["lessons"]:
            for step in lesson["steps"]:
                for block in step["blocks"]:
                    if block["type"] == H5P_TYPE:
                        placed[block["activity"]] = data["module"]["age_band"]
    assert set(placed) == {"mayas-live-stream", "spot-the-signs-in-the-chat"}
    assert len(set(placed.values())) == 2


def test_the_whole_curriculum_loads_and_every_lesson_renders(db, client, settings):
    settings.STREAMWISE_H5P_ORIGIN = "http://h5p.testserver"
    load_h5p_demo()  # lessons embed the demo H5P activities
    curriculum_load(directory=CURRICULUM_DIR)
    assert ModulePage.objects.count() == len(FILES)
    from tests import factories

    school = factories.SchoolFactory()
    teacher = factories.staff(school)
    client.force_login(teacher)
    for lesson in LessonPage.objects.all():
        for number in range(lesson.last_step + 1):
            response = client.get(lesson.url + f"step/{number}/")
            assert response.status_code == 200, (lesson.url, number)
