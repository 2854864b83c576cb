"""Parent and carer packs: loading, the advice check, the public page and its PDF."""

import io
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from lessons.loader import CURRICULUM_DIR, CurriculumError, curriculum_files, curriculum_load
from lessons.models import ModulePage
from lessons.parents import LIST_NAMES, PARENTS_DIR, ParentPack, pack_problems, parent_packs_load
from lessons.services import assignment_create
from tests.lessons.conftest import FIXTURE_CURRICULUM

FIXTURE_PACKS = FIXTURE_CURRICULUM / "parents"


@pytest.fixture
def packs_dir(tmp_path):
    target = tmp_path / "parents"
    shutil.copytree(FIXTURE_PACKS, target)
    return target


@pytest.fixture
def pack(curriculum) -> ParentPack:
    parent_packs_load(directory=FIXTURE_PACKS)
    return ParentPack.objects.get(module__slug="test-8-10")


def fixture_values() -> dict:
    return yaml.safe_load((FIXTURE_PACKS / "test-8-10.yaml").read_text())


def edit(path: Path, change):
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


# --- Loading -------------------------------------------------------------------------------------


def test_loading_makes_the_pack_of_the_module_and_again_changes_nothing(curriculum, packs_dir):
    report = parent_packs_load(directory=packs_dir)
    assert report.created == ["test-8-10"]
    pack = ModulePage.objects.get(slug="test-8-10").parent_pack
    assert pack.title == "Test pack: talking about it at home"
    assert pack.points("conversation_starters")[1] == "Who could you tell if something felt wrong?"
    stored = list(pack.if_something_happened.raw_data)
    again = parent_packs_load(directory=packs_dir)
    assert again.created == [] and again.updated == [] and again.unchanged == ["test-8-10"]
    pack.refresh_from_db()
    assert list(pack.if_something_happened.raw_data) == stored  # same block ids


def test_editing_the_file_updates_the_pack_in_place(curriculum, packs_dir):
    parent_packs_load(directory=packs_dir)
    pk = ParentPack.objects.get().pk
    edit(packs_dir / "test-8-10.yaml", lambda d: d["signs"].append("Sleeping badly."))
    report = parent_packs_load(directory=packs_dir)
    assert report.updated == ["test-8-10"]
    pack = ParentPack.objects.get()
    assert pack.pk == pk and pack.points("signs")[-1] == "Sleeping badly."


def test_a_pack_missing_advice_is_refused_and_nothing_is_written(curriculum, packs_dir):
    shutil.copy(packs_dir / "test-8-10.yaml", packs_dir / "test-11-13.yaml")
    edit(packs_dir / "test-11-13.yaml", lambda d: d.update(module="test-11-13"))
    edit(
        packs_dir / "test-8-10.yaml",
        lambda d: d.update(if_something_happened=d["if_something_happened"][:3]),
    )
    with pytest.raises(CurriculumError) as error:
        parent_packs_load(directory=packs_dir)
    assert "parents/test-8-10.yaml: `if_something_happened` must say CEOP" in str(error.value)
    assert "Childline on 0800 1111" in str(error.value)
    assert not ParentPack.objects.exists()  # not even the good one


def test_a_pack_for_a_module_that_does_not_exist_is_refused(curriculum, packs_dir):
    edit(packs_dir / "test-8-10.yaml", lambda d: d.update(module="no-such-module"))
    with pytest.raises(CurriculumError, match="there is no module “no-such-module”"):
        parent_packs_load(directory=packs_dir)


def test_load_curriculum_loads_the_packs_beside_the_curriculum(db, tmp_path):
    directory = tmp_path / "curriculum"
    shutil.copytree(FIXTURE_CURRICULUM, directory)
    out = io.StringIO()
    call_command("load_curriculum", directory=directory, stdout=out)
    assert "Parent and carer packs: 1 created, 0 updated, 0 unchanged." in out.getvalue()
    assert ParentPack.objects.get().module.slug == "test-8-10"
    edit(directory / "parents" / "test-8-10.yaml", lambda d: d.update(conversation_starters=["?"]))
    with pytest.raises(Exception, match="exactly 3 conversation starters"):
        call_command("load_curriculum", directory=directory, stdout=io.StringIO())


# --- The advice check -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, text, problem",
    [
        (
            "if_something_happened",
            "Screenshot the image and send it to the police.",
            "seems to say to copy or keep an image",
        ),
        ("if_something_happened", "Stay calm.", "never to screenshot, save or forward"),
        ("app_settings", "Keep the app up to date.", "that under-13s should not go live"),
        ("learned", " ".join(["word"] * 31) + ".", "over 30 words"),
    ],
)
def test_the_check_refuses_wrong_or_missing_advice(field, text, problem):
    values = fixture_values()
    values[field] = [text]
    assert any(problem in p for p in pack_problems(values, age_band="8-10", name="x"))


def test_conversation_starters_follow_the_bands_never_list():
    values = fixture_values()
    values["conversation_starters"][0] = "How does your body feel when you are worried?"
    assert pack_problems(values, age_band="8-10", name="x") == []
    problems = pack_problems(values, age_band="4-7", name="x")
    assert problems == ["x: a conversation starter uses “body” (never for ages 4-7)"]


def test_every_shipped_module_has_a_pack_that_passes_the_check():
    modules = {}
    for path in curriculum_files(CURRICULUM_DIR):
        module = yaml.safe_load(path.read_text())["module"]
        modules[module["slug"]] = module["age_band"]
    packs = {p.stem: yaml.safe_load(p.read_text()) for p in PARENTS_DIR.glob("*.yaml")}
    assert set(packs) == set(modules)
    for slug, values in packs.items():
        assert values["module"] == slug
        assert pack_problems(values, age_band=modules[slug], name=slug) == []


def test_an_editor_cannot_save_a_pack_without_the_help_advice(pack):
    pack.if_something_happened = [("point", "Stay calm and talk to your child.")]
    with pytest.raises(ValidationError) as error:
        pack.full_clean()
    assert "“If something has happened” must say Report Remove" in " ".join(error.value.messages)


def test_editors_can_open_the_pack_in_the_admin(pack, client):
    from django.contrib.auth.models import Group

    from tests import factories

    editor = factories.UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    response = client.get(reverse("wagtailsnippets_lessons_parentpack:edit", args=[pack.pk]))
    assert response.status_code == 200
    assert "Conversation starters" in response.content.decode()


# --- The public page and the PDF -------------------------------------------------------------


def test_anyone_can_read_the_pack_and_it_holds_no_school_or_pupil(
    pack, client, group, young_pupil, teacher
):
    assignment_create(
        group=group,
        module=pack.module,
        opens_on=date(2026, 1, 5),
        due_on=date(2026, 1, 30),
        created_by=teacher,
    )
    response = client.get(reverse("parents:pack", args=["test-8-10"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Test pack: talking about it at home" in html
    for heading in ("What the class learned", "Conversation starters", "Settings that matter"):
        assert heading in html
    assert "Childline is free on 0800 1111." in html
    assert reverse("parents:pack_pdf", args=["test-8-10"]) in html
    for private in (group.school.name, group.name, group.code, young_pupil.pupil.display_name):
        assert private not in html
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert not response.cookies


def test_no_pack_or_an_unpublished_module_is_not_found(pack, client):
    assert client.get(reverse("parents:pack", args=["test-11-13"])).status_code == 404
    pack.module.unpublish()
    assert client.get(reverse("parents:pack", args=["test-8-10"])).status_code == 404
    assert client.get(reverse("parents:pack_pdf", args=["test-8-10"])).status_code == 404


def test_the_pdf_is_one_a4_page_with_the_pack_in_it(pack, client):
    response = client.get(reverse("parents:pack_pdf", args=["test-8-10"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Test pack: talking about it at home" in text
    assert "Report Remove" in text and "0800 1111" in text


def test_each_shipped_pack_prints_on_one_page(db):
    from h5p.demo import load_h5p_demo
    from lessons.parent_views import pack_pdf_bytes

    load_h5p_demo()  # lessons embed the demo H5P activities
    curriculum_load()
    parent_packs_load()
    packs = ParentPack.objects.select_related("module")
    assert {pack.module.slug for pack in packs} == {
        "ages-4-7",
        "ages-8-10",
        "ages-11-13",
        "ages-14-16",
    }
    for pack in packs:
        reader = PdfReader(io.BytesIO(pack_pdf_bytes(pack)))
        assert len(reader.pages) == 1, pack.module.slug
        text = " ".join(reader.pages[0].extract_text().split())
        assert pack.intro[:40] in text and "0800 1111" in text


def test_the_module_page_links_to_its_pack(pack, client):
    html = client.get(pack.module.url).content.decode()
    assert f'href="{reverse("parents:pack", args=["test-8-10"])}"' in html
    older = ModulePage.objects.get(slug="test-11-13")
    assert "For parents and carers" not in client.get(older.url).content.decode()


def _admin_form(pack, **changes) -> dict:
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    values = {"title": pack.title, "intro": pack.intro}
    values.update({name: pack.points(name) for name in LIST_NAMES})
    values.update(changes)
    return nested_form_data(
        {
            "module": pack.module.pk,
            "title": values["title"],
            "intro": values["intro"],
            **{name: streamfield([("point", p) for p in values[name]]) for name in LIST_NAMES},
        }
    )


def test_an_editor_saves_a_pack_in_the_admin_and_is_told_what_advice_is_missing(pack, client):
    from django.contrib.auth.models import Group

    from tests import factories

    editor = factories.UserFactory()
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    url = reverse("wagtailsnippets_lessons_parentpack:edit", args=[pack.pk])
    without_ceop = [p for p in pack.points("if_something_happened") if "CEOP" not in p]
    response = client.post(url, _admin_form(pack, if_something_happened=without_ceop))
    assert response.status_code == 200
    assert "“If something has happened” must say CEOP" in response.content.decode()
    pack.refresh_from_db()
    assert any("CEOP" in p for p in pack.points("if_something_happened"))

    response = client.post(url, _admin_form(pack, title="A better title"))
    assert response.status_code == 302
    pack.refresh_from_db()
    assert pack.title == "A better title"


def test_two_files_for_one_module_are_refused(curriculum, packs_dir):
    shutil.copy(packs_dir / "test-8-10.yaml", packs_dir / "copy.yaml")
    with pytest.raises(CurriculumError, match="another file is already the pack of “test-8-10”"):
        parent_packs_load(directory=packs_dir)
    assert not ParentPack.objects.exists()
