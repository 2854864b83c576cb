"""`load_curriculum`: builds the library from YAML, idempotently, keeping pupils' progress."""

import shutil

import pytest
import yaml
from django.core.management import CommandError, call_command
from wagtail.models import Page, Revision, Site

from lessons import services
from lessons.loader import (
    CurriculumError,
    banned_words_in,
    block_id,
    curriculum_load,
    rich_text,
)
from lessons.models import ActivityResponse, LessonLibraryPage, LessonPage, ModulePage
from tests.lessons.conftest import FIXTURE_CURRICULUM


@pytest.fixture
def curriculum_dir(tmp_path):
    target = tmp_path / "curriculum"
    shutil.copytree(FIXTURE_CURRICULUM, target)
    return target


def edit(directory, name, change):
    path = directory / name
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def test_loading_builds_the_library_as_the_site_home_page(db, curriculum_dir):
    welcome = Site.objects.get(is_default_site=True).root_page
    report = curriculum_load(directory=curriculum_dir)
    library = LessonLibraryPage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == library.pk
    assert not Page.objects.filter(pk=welcome.pk).exists()  # Wagtail's welcome page is gone
    assert list(ModulePage.objects.child_of(library).values_list("slug", flat=True)) == [
        "test-8-10",
        "test-11-13",
    ]
    module = ModulePage.objects.get(slug="test-8-10")
    assert list(module.lessons().values_list("slug", flat=True)) == [
        "every-activity",
        "two-activities",
    ]
    assert module.age_band == "8-10" and module.key_stage == "KS2"
    assert (
        module.teacher_notes == "<p>First paragraph with <b>bold</b>.</p><p>Second paragraph.</p>"
    )
    assert all(page.live and not page.has_unpublished_changes for page in LessonPage.objects.all())
    assert len(report.created) == 1 + 2 + 3


def test_loading_twice_changes_nothing(db, curriculum_dir):
    curriculum_load(directory=curriculum_dir)
    pages, revisions = Page.objects.count(), Revision.objects.count()
    bodies = {p.pk: list(p.body.raw_data) for p in LessonPage.objects.all()}
    report = curriculum_load(directory=curriculum_dir)
    assert report.created == [] and report.updated == []
    assert Page.objects.count() == pages and Revision.objects.count() == revisions
    assert {p.pk: list(p.body.raw_data) for p in LessonPage.objects.all()} == bodies


def test_activity_ids_are_derived_from_the_slugs(db, curriculum_dir):
    curriculum_load(directory=curriculum_dir)
    lesson = LessonPage.objects.get(slug="every-activity")
    expected = block_id("test-8-10", "every-activity", "activity", "chat-signs")
    assert lesson.activities[expected].block_type == "spot_the_signs"


def test_editing_a_file_updates_the_page_in_place_and_keeps_progress(
    db, curriculum_dir, young_pupil
):
    curriculum_load(directory=curriculum_dir)
    pupil = young_pupil.pupil
    lesson = LessonPage.objects.get(slug="every-activity")
    chat = block_id("test-8-10", "every-activity", "activity", "chat-signs")
    services.activity_submit(pupil=pupil, lesson=lesson, activity_id=chat, data={"flag": ["1"]})
    services.progress_step_reach(pupil=pupil, lesson=lesson, step=4)

    def change(data):
        lesson_data = data["lessons"][0]
        lesson_data["title"] = "Every activity, improved"
        # A new step before the chat: the chat's id must not change.
        lesson_data["steps"].insert(
            1, {"title": "New", "blocks": [{"type": "text", "text": "New."}]}
        )
        lesson_data["steps"][4]["blocks"][0]["messages"][0]["text"] = "love it!!"

    edit(curriculum_dir, "ages-8-10.yaml", change)
    report = curriculum_load(directory=curriculum_dir)
    assert report.updated == ["test-8-10/every-activity"]
    updated = LessonPage.objects.get(slug="every-activity")
    assert updated.pk == lesson.pk and updated.title == "Every activity, improved"
    assert updated.activities[chat].step == 5
    assert updated.activities[chat].value["messages"][0]["text"] == "love it!!"
    response = ActivityResponse.objects.get(pupil=pupil)
    assert response.activity_id == chat and response.lesson_id == lesson.pk
    assert LessonPage.objects.filter(slug="every-activity").count() == 1


def test_new_lessons_take_their_place_in_the_order(db, curriculum_dir):
    curriculum_load(directory=curriculum_dir)

    def change(data):
        new = dict(data["lessons"][1], slug="in-between", title="In between")
        data["lessons"].insert(1, new)

    edit(curriculum_dir, "ages-8-10.yaml", change)
    curriculum_load(directory=curriculum_dir)
    module = ModulePage.objects.get(slug="test-8-10")
    assert list(module.lessons().values_list("slug", flat=True)) == [
        "every-activity",
        "in-between",
        "two-activities",
    ]


def test_a_home_page_someone_built_is_only_replaced_when_asked(db, curriculum_dir):
    # Streamwise as a plugin: the site already has its own home page (any non-stock page).
    root = Page.get_first_root_node()
    own_home = root.add_child(
        instance=ModulePage(
            title="Our school", slug="our-school", age_band="8-10", key_stage="KS2", summary="s"
        )
    )
    site = Site.objects.get(is_default_site=True)
    site.root_page = own_home
    site.save()

    report = curriculum_load(directory=curriculum_dir)
    assert Site.objects.get(is_default_site=True).root_page_id == own_home.pk
    assert "--site-root" in report.warnings[0]
    # …and the library is served below it, so its lessons have addresses on that site.
    library = LessonLibraryPage.objects.get()
    assert library.get_parent().pk == own_home.pk and library.get_url()

    curriculum_load(directory=curriculum_dir, make_site_root=True)
    assert Site.objects.get(is_default_site=True).root_page_id == LessonLibraryPage.objects.get().pk
    assert Page.objects.filter(pk=own_home.pk).exists()  # replaced, never deleted


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["lessons"][0].pop("ground_rules"), "has no ground rules"),
        (lambda d: d["lessons"][0]["steps"].pop(), "no help and signposting block"),
        (lambda d: d["module"].update(age_band="4-7", summary="Pocket Money"), "“money”"),
    ],
)
def test_a_file_breaking_a_safety_rule_is_refused(db, curriculum_dir, change, message):
    edit(curriculum_dir, "ages-8-10.yaml", change)
    with pytest.raises(CurriculumError, match=message):
        curriculum_load(directory=curriculum_dir)
    assert not LessonPage.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["lessons"][0]["steps"][1]["blocks"][0].pop("id"), "missing `id`"),
        (
            lambda d: (
                d["lessons"][0]["steps"][2]["blocks"][0].update(id="ok-or-not", type="sort_it")
                or d["lessons"][0]["steps"][3]["blocks"][0].update(id="ok-or-not")
            ),
            "used twice",
        ),
        (
            lambda d: d["lessons"][0]["steps"][0]["blocks"].append({"type": "video"}),
            "unknown block type",
        ),
        (lambda d: d["module"].update(age_band="9-99"), "age_band must be one of"),
        (
            lambda d: d["lessons"][0]["steps"][2]["blocks"][0]["cards"][0].update(group="nowhere"),
            "not valid",
        ),
    ],
)
def test_a_malformed_file_says_where_the_problem_is(db, curriculum_dir, change, message):
    edit(curriculum_dir, "ages-8-10.yaml", change)
    with pytest.raises(CurriculumError, match=message):
        curriculum_load(directory=curriculum_dir)


def test_the_quiz_section_is_left_for_the_quizzes_app(db, curriculum_dir):
    curriculum_load(directory=curriculum_dir)  # the fixture has a `quiz:`; loading succeeds
    assert LessonPage.objects.filter(slug="every-activity").exists()


def test_the_command_reports_and_fails_cleanly(db, curriculum_dir, capsys):
    call_command("load_curriculum", "--directory", str(curriculum_dir))
    assert "6 created" in capsys.readouterr().out
    call_command("load_curriculum", "--directory", str(curriculum_dir))
    assert "0 created, 0 updated" in capsys.readouterr().out
    edit(curriculum_dir, "ages-8-10.yaml", lambda d: d["lessons"][0].pop("ground_rules"))
    with pytest.raises(CommandError, match="has no ground rules"):
        call_command("load_curriculum", "--directory", str(curriculum_dir))


def test_seed_demo_loads_the_curriculum(db, monkeypatch, capsys):
    monkeypatch.setattr("lessons.loader.CURRICULUM_DIR", FIXTURE_CURRICULUM)
    call_command("seed_demo")
    assert LessonPage.objects.filter(slug="every-activity").exists()


def test_rich_text_keeps_bold_and_escapes_everything_else():
    assert rich_text("a **b** <i>c</i>\n\nd\ne") == (
        "<p>a <b>b</b> &lt;i&gt;c&lt;/i&gt;</p><p>d<br/>e</p>"
    )


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Nobody and somebody are fine.", []),
        ("Your BODY belongs to you.", ["body"]),
        ("No tip-offs; tips are banned.", ["tips"]),
        ("A birthday present", []),
        ("A stranger's gift", ["gift"]),  # gifts for money are on the 4–7 never-list
    ],
)
def test_banned_words_are_whole_words_in_any_case(text, found):
    assert banned_words_in(text, "4-7") == found
    assert banned_words_in(text, "14-16") == []


def test_loading_into_an_empty_page_tree_creates_what_it_needs(db, curriculum_dir):
    from wagtail.models import Locale

    Site.objects.all().delete()
    Page.get_first_root_node().delete()
    Locale.objects.all().delete()
    curriculum_load(directory=curriculum_dir)
    library = LessonLibraryPage.objects.get()
    assert library.get_parent().is_root()
    assert Site.objects.get(is_default_site=True).root_page_id == library.pk
