"""Build the lesson library from the curriculum files in `lessons/curriculum/`.

The file format is described in `lessons/curriculum/README.md`. Loading is idempotent: modules
and lessons are matched by slug, StreamField block ids are derived from the slugs and activity
ids (uuid5), so re-running updates pages in place, publishes a revision only when something
changed, and keeps every pupil's progress and answers attached to the same activities.

Safety rules are checked before anything is written (`safety_problems`): every lesson has
ground rules and ends with help and signposting, and each module uses none of the words and
phrases its age band must never use (`BANNED_WORDS`). A file that breaks them is refused.

A lesson's `quiz:` section is handed to the quizzes app (`quiz_upsert_from_spec`, keyed
"<module slug>/<lesson slug>", so a reload updates the same quiz and keeps pupils' attempts)
and the quiz is attached to the lesson. Every quiz is checked (`quiz_spec_problems`) together
with the safety rules, before anything is written. A lesson without `quiz:` has no quiz.

An `h5p` block names an installed H5P activity by its slug (`manage.py load_h5p_demo` installs
Streamwise's examples); a file naming one that is not installed is refused the same way.

This module runs the load and looks after the library page; the parts live beside it:
reading files and their rules in `lessons.curriculum_rules`, pictures in
`lessons.curriculum_pictures`, lesson steps as StreamField data in `lessons.curriculum_streams`,
and "create or update, publish only if changed" in `lessons.publishing`. The names other code
imports from `lessons.loader` still come from here (`__all__`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from wagtail.models import Page, Site

from quizzes.services import QuizSpecError, quiz_upsert_from_spec
from schools.models import AgeBand

from .curriculum_pictures import ILLUSTRATIONS_DIR, PictureLibrary, picture_problems
from .curriculum_rules import (
    ACTIVITY_TYPES,
    BANNED_WORDS,
    H5P_TYPE,
    SLUG_RE,
    CurriculumError,
    CurriculumReader,
    banned_words_in,
    coverage_problems,
    h5p_problems,
    quiz_key,
    quiz_problems,
    read_curriculum_file,
    safety_problems,
)
from .curriculum_streams import block_id, lesson_body, rich_text, strings_stream
from .fairness import module_warnings
from .models import KeyStage, LessonLibraryPage, LessonPage, ModulePage
from .plan_loader import plans_read
from .publishing import page_tree_root, page_upsert

# The names other modules and apps import from here, wherever they are defined now.
__all__ = [
    "ACTIVITY_TYPES",
    "BANNED_WORDS",
    "CURRICULUM_DIR",
    "H5P_TYPE",
    "ILLUSTRATIONS_DIR",
    "SLUG_RE",
    "CurriculumError",
    "LoadReport",
    "banned_words_in",
    "block_id",
    "coverage_problems",
    "curriculum_files",
    "curriculum_load",
    "lesson_body",
    "read_curriculum_file",
    "rich_text",
    "safety_problems",
]

CURRICULUM_DIR = Path(__file__).resolve().parent / "curriculum"

LIBRARY_SLUG = "lessons"
LIBRARY_TITLE = "Streamwise: staying safe on live streams"
LIBRARY_INTRO = (
    "<p>Short, interactive lessons about live-streaming for ages 4 to 16, with a module for "
    "each age group. Pupils log in with their class code; teachers can preview every lesson.</p>"
)


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pictures_imported: list[str] = field(default_factory=list)


# --- The files and the library page ----------------------------------------------------------


def curriculum_files(directory: Path | None = None) -> list[Path]:
    directory = Path(directory or CURRICULUM_DIR)
    return sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])


def _ensure_library(report: LoadReport, *, make_site_root: bool) -> LessonLibraryPage:
    library = LessonLibraryPage.objects.first()
    if library is None:
        root = page_tree_root()
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site and not make_site_root and not _is_stock_welcome_page(site.root_page):
            # As a plugin: the library goes under the host site's own home page, so its pages
            # have addresses on that site (/lessons/…) and the home page stays as it is.
            root = site.root_page
        slug = LIBRARY_SLUG
        if Page.objects.child_of(root).filter(slug=slug).exists():
            slug = f"{LIBRARY_SLUG}-library"
        library = LessonLibraryPage(title=LIBRARY_TITLE, slug=slug, intro=LIBRARY_INTRO)
        root.add_child(instance=library)
        library.save_revision(log_action=False).publish(log_action=False)
        report.created.append("library")
    _site_root_update(library, report, force=make_site_root)
    return library


def _is_stock_welcome_page(page: Page) -> bool:
    """Wagtail's "Welcome to your new Wagtail site!" page: a plain Page at the top level."""
    return page.specific_class is Page and page.depth == 2


def _site_root_update(library: LessonLibraryPage, report: LoadReport, *, force: bool) -> None:
    """Make the library the default site's home page, replacing Wagtail's welcome page.

    A site whose home page is something an editor built is left alone unless `force` is set
    (as a plugin, Streamwise does not take over someone else's home page uninvited).
    """
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=library, is_default_site=True)
        return
    if site.root_page_id == library.pk:
        return
    old_root = site.root_page
    if not (force or _is_stock_welcome_page(old_root)):
        report.warnings.append(
            f"The default site's home page is “{old_root.title}”, so the lesson library was not "
            "made the home page (use --site-root to do that); it is served below that page."
        )
        return
    site.root_page = library
    site.save()
    if (
        _is_stock_welcome_page(old_root)
        and old_root.is_leaf()
        and not Site.objects.filter(root_page=old_root).exists()
    ):
        old_root.delete()


def _module_values(module: dict, r: CurriculumReader) -> dict:
    band = r.get(module, "age_band")
    if band not in AgeBand.values:
        r.fail(f"age_band must be one of {', '.join(AgeBand.values)}")
    key_stage = r.get(module, "key_stage")
    if key_stage not in KeyStage.values:
        r.fail(f"key_stage must be one of {', '.join(KeyStage.values)}")
    slug = module["slug"]
    return {
        "title": r.get(module, "title"),
        "age_band": band,
        "key_stage": key_stage,
        "summary": r.get(module, "summary"),
        "learning_outcomes": strings_stream(
            module.get("learning_outcomes"), "outcome", block_id(slug, "outcomes"), r
        ),
        "estimated_minutes": int(r.get(module, "estimated_minutes", int)),
        "teacher_notes": rich_text(r.get(module, "teacher_notes", required=False) or ""),
    }


def _lesson_quiz_id(module: dict, lesson: dict, title: str, r: CurriculumReader) -> int | None:
    """Create or update the lesson's quiz from its `quiz:` section; None if it has none."""
    if "quiz" not in lesson:
        return None
    try:
        quiz = quiz_upsert_from_spec(
            key=quiz_key(module["slug"], lesson["slug"]),
            title=title,
            spec=lesson["quiz"],
            age_band=module["age_band"],
        )
    except QuizSpecError as error:  # checked before writing; kept as a safety net
        r.fail(str(error))
    return quiz.pk


def _lesson_values(
    module: dict, lesson: dict, r: CurriculumReader, pictures: PictureLibrary
) -> dict:
    module_slug, slug = module["slug"], lesson["slug"]
    topics = lesson.get("topics") or []
    if not isinstance(topics, list) or not all(isinstance(t, int) and 1 <= t <= 8 for t in topics):
        r.fail("topics must be a list of numbers from 1 to 8")
    title = r.get(lesson, "title")
    return {
        "title": title,
        "intro": r.get(lesson, "intro"),
        "estimated_minutes": int(r.get(lesson, "estimated_minutes", int)),
        "topics": ",".join(str(t) for t in topics),
        "learning_outcomes": strings_stream(
            lesson.get("learning_outcomes"), "outcome", block_id(module_slug, slug, "outcomes"), r
        ),
        "ground_rules": strings_stream(
            r.items(lesson, "ground_rules"), "rule", block_id(module_slug, slug, "rules"), r
        ),
        "body": lesson_body(module_slug, lesson, where=r.where, pictures=pictures),
        "quiz_id": _lesson_quiz_id(module, lesson, title, r),
    }


def _band_position(data: dict) -> int:
    band = str((data.get("module") or {}).get("age_band", ""))
    return AgeBand.values.index(band) if band in AgeBand.values else len(AgeBand.values)


def _order_children(parent: Page, slugs: list[str]) -> None:
    """Put the lessons in the order the file lists them (moving pages only when needed)."""
    current = list(parent.get_children().values_list("slug", flat=True))
    listed = [s for s in current if s in slugs]
    if listed == slugs:
        return
    for slug in slugs:
        page = parent.get_children().get(slug=slug)
        page.move(parent, pos="last-child")


@transaction.atomic
def curriculum_load(
    *,
    directory: Path | None = None,
    make_site_root: bool = False,
    strict: bool = False,
    illustrations: Path | None = None,
) -> LoadReport:
    """Create or update the library, modules and lessons from the curriculum files.

    Raises CurriculumError (and writes nothing) if any file is malformed, breaks a safety rule,
    names a picture that is missing, or has a quiz the quizzes app would refuse. Each lesson's
    `quiz:` becomes its quiz; pictures are imported into the image library once
    (`PictureLibrary`), from `illustrations` (default `lessons/illustrations/`).
    Fairness warnings (`lessons.fairness`) are reported; with `strict` they refuse the files.
    """
    report = LoadReport()
    files = curriculum_files(directory)
    parsed = []
    problems = []
    fairness = []
    for path in files:
        data, text = read_curriculum_file(path)
        problems += safety_problems(data, text, name=path.name)
        problems += quiz_problems(data, name=path.name)
        problems += h5p_problems(data, name=path.name)
        fairness += module_warnings(data, name=path.name)
        problems += picture_problems(data, name=path.name, directory=illustrations)
        parsed.append((path, data))
    plans = plans_read(parsed, directory=Path(directory or CURRICULUM_DIR))  # lessons/plans.py
    problems += plans.problems
    if strict:
        problems += fairness
    if problems:
        raise CurriculumError("Curriculum refused:\n  " + "\n  ".join(problems))
    parsed.sort(key=lambda item: _band_position(item[1]))

    library = _ensure_library(report, make_site_root=make_site_root)
    pictures = PictureLibrary(illustrations)
    seen_modules: list[str] = []
    for path, data in parsed:
        module = data["module"]
        r = CurriculumReader(path.name)
        slug = r.get(module, "slug")
        if not SLUG_RE.match(slug) or slug in seen_modules:
            r.fail(f"module slug “{slug}” must be unique and lowercase-with-dashes")
        seen_modules.append(slug)
        module_page = page_upsert(
            parent=library,
            page_class=ModulePage,
            slug=slug,
            values=_module_values(module, r),
            where=slug,
            report=report,
        )
        lesson_slugs = []
        lessons = data.get("lessons")
        if not isinstance(lessons, list) or not lessons:
            r.fail("`lessons:` is empty")
        for lesson in lessons:
            name = lesson.get("slug", "?") if isinstance(lesson, dict) else "?"
            lr = CurriculumReader(f"{path.name} › {name}")
            lesson_slug = lr.get(lesson, "slug")
            if not SLUG_RE.match(lesson_slug) or lesson_slug in lesson_slugs:
                lr.fail(f"lesson slug “{lesson_slug}” must be unique and lowercase-with-dashes")
            lesson_slugs.append(lesson_slug)
            page_upsert(
                parent=module_page,
                page_class=LessonPage,
                slug=lesson_slug,
                values={
                    **_lesson_values(module, lesson, lr, pictures),
                    **plans.values(slug, lesson_slug),
                },
                where=f"{slug}/{lesson_slug}",
                report=report,
            )
        _order_children(module_page, lesson_slugs)
        extra = (
            LessonPage.objects.child_of(module_page)
            .exclude(slug__in=lesson_slugs)
            .values_list("slug", flat=True)
        )
        report.warnings += [
            f"{slug}/{extra_slug}: not in {path.name}; left as it is" for extra_slug in extra
        ]
    _order_children(library, seen_modules)
    report.warnings += fairness
    report.pictures_imported = pictures.imported
    return report
