"""Lesson pictures: Streamwise's own illustrations on every 4–7 and 8–10 step, imported once into
Wagtail's image library, and big picture cards for 4–7 activities."""

import shutil

import pytest
import yaml
from django.test import Client
from wagtail.images import get_image_model

from lessons.loader import (
    CURRICULUM_DIR,
    ILLUSTRATIONS_DIR,
    CurriculumError,
    curriculum_load,
    read_curriculum_file,
)
from lessons.models import LessonPage
from tests import factories
from tests.lessons.conftest import FIXTURE_CURRICULUM

Image = get_image_model()
YOUNG = ["ages-4-7.yaml", "ages-8-10.yaml"]


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


def _first_step(data):
    return data["lessons"][0]["steps"][0]


def _with_pictures(data):
    _first_step(data)["picture"] = {"file": "ask-first-1.svg", "alt": "Milo holds a tablet."}
    data["lessons"][0]["steps"][1]["picture"] = {
        "file": "ask-first-2.svg",
        "alt": "Milo is not sure.",
    }


# --- The shipped curriculum ------------------------------------------------------------------


@pytest.mark.parametrize("name", YOUNG)
def test_every_4_to_7_and_8_to_10_step_has_a_picture_with_alt_text(name):
    data, _text = read_curriculum_file(CURRICULUM_DIR / name)
    for lesson in data["lessons"]:
        for number, step in enumerate(lesson["steps"], start=1):
            where = f"{name} › {lesson['slug']} › step {number}"
            picture = step.get("picture")
            assert isinstance(picture, dict), f"{where} has no picture"
            assert (ILLUSTRATIONS_DIR / picture["file"]).is_file(), where
            alt = picture.get("alt", "").strip()
            assert alt and len(alt) <= 120, f"{where}: alt text must be short and present"
            assert not alt.lower().startswith(("image of", "picture of")), where


def test_every_4_to_7_choice_and_sort_card_has_a_picture():
    data, _text = read_curriculum_file(CURRICULUM_DIR / "ages-4-7.yaml")
    seen = 0
    for lesson in data["lessons"]:
        for step in lesson["steps"]:
            for block in step["blocks"]:
                items = []
                if block["type"] == "what_would_you_do":
                    items = [c for scene in block["scenes"] for c in scene["choices"]]
                elif block["type"] == "sort_it":
                    items = block["cards"]
                for item in items:
                    seen += 1
                    assert (ILLUSTRATIONS_DIR / item["picture"]).is_file(), item["text"]
    assert seen > 20


def test_illustrations_are_our_own_svg_drawings():
    """Built by scripts/build_illustrations.py from shapes: no embedded or linked images."""
    files = list(ILLUSTRATIONS_DIR.glob("*.svg"))
    assert len(files) >= 46
    for path in files:
        text = path.read_text()
        assert text.startswith("<svg") and "<image" not in text and "href" not in text, path
        assert "<script" not in text and "on" + "load" not in text, path


# --- Loading -----------------------------------------------------------------------------------


def test_pictures_are_imported_once_and_a_reload_changes_nothing(db, curriculum_dir):
    edit(curriculum_dir, "ages-8-10.yaml", _with_pictures)
    report = curriculum_load(directory=curriculum_dir)
    assert sorted(report.pictures_imported) == ["ask-first-1.svg", "ask-first-2.svg"]
    assert Image.objects.count() == 2
    image = Image.objects.get(title="Streamwise illustration: ask-first-1")
    assert image.width == 640 and image.height == 400 and image.file_hash

    lesson = LessonPage.objects.get(slug="every-activity")
    step = lesson.steps[0]
    assert step.picture.pk == image.pk and step.picture_alt == "Milo holds a tablet."

    again = curriculum_load(directory=curriculum_dir)
    assert again.pictures_imported == [] and Image.objects.count() == 2
    assert again.created == [] and again.updated == []


def test_an_image_an_editor_retitled_is_still_reused(db, curriculum_dir):
    edit(curriculum_dir, "ages-8-10.yaml", _with_pictures)
    curriculum_load(directory=curriculum_dir)
    Image.objects.filter(title__endswith="ask-first-1").update(title="Milo and his tablet")
    assert curriculum_load(directory=curriculum_dir).pictures_imported == []
    assert Image.objects.count() == 2


def test_an_image_whose_file_an_editor_replaced_keeps_the_editors_file(db, curriculum_dir):
    edit(curriculum_dir, "ages-8-10.yaml", _with_pictures)
    curriculum_load(directory=curriculum_dir)
    image = Image.objects.get(title="Streamwise illustration: ask-first-1")
    image.file_hash = "0" * 40  # as if an editor uploaded a different file for it
    image.save()
    report = curriculum_load(directory=curriculum_dir)
    assert report.pictures_imported == [] and Image.objects.count() == 2
    assert LessonPage.objects.get(slug="every-activity").steps[0].picture.pk == image.pk


def test_a_missing_picture_is_refused_clearly_before_anything_is_written(db, curriculum_dir):
    def missing(data):
        _first_step(data)["picture"] = {"file": "not-drawn-yet.svg", "alt": "Something."}

    edit(curriculum_dir, "ages-8-10.yaml", missing)
    with pytest.raises(CurriculumError) as error:
        curriculum_load(directory=curriculum_dir)
    assert "not-drawn-yet.svg" in str(error.value)
    assert "lessons/illustrations/" in str(error.value)
    assert "every-activity › step 1" in str(error.value)
    assert not LessonPage.objects.exists() and not Image.objects.exists()


@pytest.mark.parametrize(
    ("picture", "message"),
    [
        ({"file": "ask-first-1.svg"}, "needs `alt:`"),
        ({"file": "ask-first-1.svg", "alt": "  "}, "needs `alt:`"),
        ({"file": "../curriculum/ages-4-7.yaml", "alt": "x"}, "no folder"),
        ({"alt": "x"}, "needs a file name"),
    ],
)
def test_a_step_picture_needs_a_file_and_alt_text(db, curriculum_dir, picture, message):
    edit(curriculum_dir, "ages-8-10.yaml", lambda data: _first_step(data).update(picture=picture))
    with pytest.raises(CurriculumError, match=message):
        curriculum_load(directory=curriculum_dir)


# --- Showing them -------------------------------------------------------------------------------


@pytest.fixture
def infant_pupil(school, teacher):
    group = factories.TeachingGroupFactory(
        school=school, name="Robins", year_group=1, teachers=[teacher]
    )
    return factories.pupil(group, "Ava")


@pytest.fixture
def infant_lessons(db, tmp_path):
    target = tmp_path / "curriculum"
    target.mkdir()
    shutil.copy(CURRICULUM_DIR / "ages-4-7.yaml", target)
    curriculum_load(directory=target)
    return LessonPage.objects.get(slug="ask-first")


def _step_page(pupil, lesson, number):
    client = Client()
    client.force_login(pupil.pupil.user)
    response = client.get(lesson.step_url(number))
    assert response.status_code == 200
    return response.content.decode()


def test_a_step_shows_its_picture_with_alt_text_and_size(infant_pupil, infant_lessons):
    html = _step_page(infant_pupil, infant_lessons, 1)
    assert '<figure class="step-picture">' in html
    assert 'alt="Milo holds a tablet and his toy dinosaur. Grandad is in the kitchen."' in html
    img = html[html.index('<figure class="step-picture">') :].split(">", 2)[1]
    assert 'width="' in img and 'height="' in img and ".svg" in img


def test_4_to_7_choices_and_sort_cards_are_picture_cards_with_words(infant_pupil, infant_lessons):
    html = _step_page(infant_pupil, infant_lessons, 2)
    assert html.count('class="option option--picture"') == 3
    assert 'class="card-picture"' in html and 'alt=""' in html  # the words say it
    assert '<span class="option__words">Go to the kitchen and ask Grandad first.</span>' in html
    assert 'name="choice"' in html  # the same form as before
    assert "band-4-7" in html

    html = _step_page(infant_pupil, infant_lessons, 3)
    assert html.count('class="card-picture"') == 7
    assert '<span class="sort-card__words">Reading a book with Grandad.</span>' in html


def test_editors_choose_a_step_picture_and_its_alt_text_in_wagtail(infant_lessons):
    client = Client()
    client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    response = client.get(f"/admin/pages/{infant_lessons.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Picture description (alt text)" in html and "Picture (optional)" in html
