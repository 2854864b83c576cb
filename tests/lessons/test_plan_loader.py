"""Lesson plans: loaded with the curriculum from `plans/`, checked before anything is written."""

import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from wagtail.models import Revision

from lessons.loader import (
    CURRICULUM_DIR,
    CurriculumError,
    curriculum_files,
    curriculum_load,
    read_curriculum_file,
)
from lessons.models import LessonPage
from lessons.plan_loader import plans_read
from lessons.plans import has_plan, lesson_plan
from quizzes.models import Strand
from tests.lessons.conftest import FIXTURE_CURRICULUM

PLANS_FIXTURE = Path(__file__).parent / "plans_fixture"


@pytest.fixture
def planned_dir(tmp_path):
    """The test curriculum with its plans folder."""
    target = tmp_path / "curriculum"
    shutil.copytree(FIXTURE_CURRICULUM, target)
    shutil.copytree(PLANS_FIXTURE, target / "plans")
    return target


def edit_plans(directory, name, change):
    path = directory / "plans" / name
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def test_plans_load_with_the_lessons(db, planned_dir):
    curriculum_load(directory=planned_dir)
    plan = lesson_plan(LessonPage.objects.get(slug="every-activity"))
    assert plan.objectives == ["Pupils can say what Jas could do."]
    assert [(s.strand, s.strand_label) for s in plan.statements] == [
        ("online_relationships", "Online relationships")
    ]
    assert [t.minutes for t in plan.timings] == [5, 12, 3]
    assert plan.total_minutes == 20
    assert plan.prompts[1].expected == ["The messages, never images"]
    assert plan.support.startswith("Work in pairs")
    assert plan.eal.startswith("Pre-teach")
    assert all(has_plan(lesson) for lesson in LessonPage.objects.all())


def test_loading_plans_twice_changes_nothing(db, planned_dir):
    curriculum_load(directory=planned_dir)
    revisions = Revision.objects.count()
    report = curriculum_load(directory=planned_dir)
    assert report.created == [] and report.updated == []
    assert Revision.objects.count() == revisions


def test_a_changed_plan_updates_only_its_lesson(db, planned_dir):
    curriculum_load(directory=planned_dir)
    edit_plans(
        planned_dir,
        "ages-8-10.yaml",
        lambda d: d["plans"]["two-activities"].update(plenary="A new plenary."),
    )
    report = curriculum_load(directory=planned_dir)
    assert report.updated == ["test-8-10/two-activities"]
    assert lesson_plan(LessonPage.objects.get(slug="two-activities")).plenary == "A new plenary."


def test_a_curriculum_without_a_plans_folder_loads_without_plans(db):
    curriculum_load(directory=FIXTURE_CURRICULUM)
    lesson = LessonPage.objects.get(slug="every-activity")
    assert lesson_plan(lesson) is None and not has_plan(lesson)


def _drop(key):
    return lambda d: d["plans"]["every-activity"].pop(key)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["plans"].pop("two-activities"), "two-activities: this lesson has no plan"),
        (
            lambda d: d["plans"].update({"no-such-lesson": d["plans"]["every-activity"]}),
            "no-such-lesson: no lesson with this slug",
        ),
        (_drop("objectives"), "`objectives` needs at least one learning objective"),
        (_drop("starter"), "missing `starter`"),
        (_drop("plenary"), "missing `plenary`"),
        (_drop("send"), "missing `send`"),
        (_drop("eal"), "missing `eal`"),
        (
            lambda d: d["plans"]["every-activity"]["differentiation"].pop("stretch"),
            "`differentiation` needs `stretch`",
        ),
        (_drop("statements"), "needs at least one Connected World statement"),
        (
            lambda d: d["plans"]["every-activity"]["statements"][0].update(strand="kindness"),
            "statement 1 has strand “kindness”; use one of self_image_identity",
        ),
        (
            lambda d: d["plans"]["every-activity"]["prompts"][0].pop("expected"),
            "prompt 1 needs `expected` answers",
        ),
        (
            lambda d: d["plans"]["every-activity"]["prompts"].pop(),
            "`prompts` needs at least two discussion prompts",
        ),
        (
            lambda d: d["plans"]["every-activity"]["timings"][0].update(minutes=45),
            "timing 1 needs `minutes` from 1 to 30",
        ),
        (
            lambda d: d["plans"]["every-activity"]["timings"].extend(
                [{"phase": "More", "minutes": 30, "do": "More."}] * 2
            ),
            "the timings add up to 80 minutes; a lesson plan runs 10 to 60",
        ),
        (
            lambda d: d["plans"]["every-activity"].update(homework="Read."),
            "unknown part `homework`",
        ),
        (lambda d: d.update(module="another-module"), "`module:` must be “test-8-10”"),
    ],
)
def test_a_bad_plan_is_refused_before_anything_is_written(db, planned_dir, change, message):
    edit_plans(planned_dir, "ages-8-10.yaml", change)
    with pytest.raises(CurriculumError) as refused:
        curriculum_load(directory=planned_dir)
    assert message in str(refused.value)
    assert "plans/ages-8-10.yaml" in str(refused.value)
    assert not LessonPage.objects.exists()


def test_a_module_without_its_plans_file_is_refused(db, planned_dir):
    (planned_dir / "plans" / "ages-11-13.yaml").unlink()
    with pytest.raises(CurriculumError, match="plans/ages-11-13.yaml: missing"):
        curriculum_load(directory=planned_dir)
    assert not LessonPage.objects.exists()


def test_the_editor_limits_are_checked_before_writing(db, planned_dir):
    edit_plans(
        planned_dir,
        "ages-8-10.yaml",
        lambda d: d["plans"]["every-activity"]["objectives"].append("x" * 300),
    )
    with pytest.raises(CurriculumError, match="every-activity: the plan is not valid"):
        curriculum_load(directory=planned_dir)
    assert not LessonPage.objects.exists()


def test_the_command_reports_a_bad_plan_kindly(db, planned_dir):
    edit_plans(planned_dir, "ages-8-10.yaml", _drop("plenary"))
    with pytest.raises(CommandError, match="every-activity: missing `plenary`"):
        call_command("load_curriculum", "--directory", str(planned_dir))


def test_a_4_to_7_plan_may_not_use_the_never_words(db, planned_dir):
    """Teachers read plans aloud: the 4–7 never-list holds for the plans file too."""
    for name in ("ages-8-10.yaml",):
        path = planned_dir / name
        data = yaml.safe_load(path.read_text())
        data["module"]["age_band"] = "4-7"
        data["module"]["key_stage"] = "EYFS/KS1"
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    edit_plans(
        planned_dir,
        "ages-8-10.yaml",
        lambda d: d["plans"]["every-activity"].update(starter="Talk about money."),
    )
    with pytest.raises(CurriculumError, match="plans/ages-8-10.yaml: uses “money”"):
        curriculum_load(directory=planned_dir)


# --- The shipped curriculum -------------------------------------------------------------------


def _shipped():
    return [(path, read_curriculum_file(path)[0]) for path in curriculum_files()]


def test_every_shipped_lesson_has_a_complete_plan():
    parsed = _shipped()
    plans = plans_read(parsed, directory=CURRICULUM_DIR)
    assert plans.loaded
    assert plans.problems == []
    lessons = [(d["module"]["slug"], lesson["slug"]) for _, d in parsed for lesson in d["lessons"]]
    assert len(lessons) >= 16
    assert sorted(plans.raw) == sorted(lessons)


def test_shipped_plans_follow_the_curriculum_advice():
    """Telling comes first, messages never images, under-13s don't go live in public, and
    the responsibility is the adult's: the plans say so where each applies."""
    texts = {}
    for path, data in _shipped():
        raw = (CURRICULUM_DIR / "plans" / path.name).read_text()
        texts[data["module"]["age_band"]] = raw.lower()
        for plan in yaml.safe_load(raw)["plans"].values():
            for item in plan["statements"]:
                assert item["strand"] in Strand.values
    for band, text in texts.items():
        assert "trusted adult" in text or "grown-up" in text, band
        # Responsibility is the adult's; for 4–7 in its own words: you won't be in trouble.
        assert ("won't be in trouble" if band == "4-7" else "fault") in text, band
    for band in ("8-10", "11-13", "14-16"):
        assert "never images" in texts[band] or "not images" in texts[band], band
        assert "tell a trusted adult first" in texts[band], band
    # Under-13s don't go live to the public (for 4–7: shows are only for family, with an adult).
    assert "only make shows for their family, with a grown-up close by" in texts["4-7"]
    for band in ("8-10", "11-13"):
        assert "don't go live to the public" in texts[band], band
    # Never "block first": any order that starts with telling.
    for band, text in texts.items():
        assert "block first" not in text.replace("blocking first can lose", ""), band


def test_the_editor_refuses_timings_that_do_not_add_up(db, planned_dir):
    """The page editor checks the same total as the loader."""
    from django.core.exceptions import ValidationError

    curriculum_load(directory=planned_dir)
    lesson = LessonPage.objects.get(slug="every-activity")
    raw = lesson.plan.raw_data[0]
    raw["value"]["timings"][0]["value"]["minutes"] = 30
    raw["value"]["timings"][1]["value"]["minutes"] = 30
    stream_block = LessonPage._meta.get_field("plan").stream_block
    with pytest.raises(ValidationError) as refused:
        stream_block.clean(stream_block.to_python([raw]))
    assert "add up to 63 minutes" in str(refused.value.as_json_data())


def test_every_shipped_plan_opens_with_the_ground_rules():
    """Made-up characters, the right to pass, and "someone", never real names."""
    for path, _data in _shipped():
        plans = yaml.safe_load((CURRICULUM_DIR / "plans" / path.name).read_text())["plans"]
        for slug, plan in plans.items():
            first = plan["timings"][0]
            assert first["phase"] == "Ground rules", slug
            assert "'someone', never real names" in first["do"], slug
