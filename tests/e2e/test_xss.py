"""Hostile text in every free-text field, then every page that shows it, in Chromium.

A school full of XSS payloads (tests/e2e/xss_corpus.py) is built once per role: pupil and class
names, school, category and API token names, concerns, "Talk to someone", case notes and
referrals, screening flags, quiz questions and free-text answers, assignments, a whole lesson and
module written by an editor, and an H5P package's metadata. Then each role opens each page that
shows that text, twice:

- with the Content Security Policy bypassed and the `__xss` sentinel defined, so an escaping bug
  fails even though CSP would have blocked the script: no payload runs, and none of them became
  live markup (an event handler, a `javascript:` link, a script);
- with CSP on, as the `page` fixture runs pages: the page reports no CSP violation (the Wagtail
  admin is exempt from the site's CSP, see streamwise/middleware.py, so it is not checked there);

and in the first it checks that the payload the page should show is there as literal text, so
the test fails if a field is not rendered at all.
"""

from __future__ import annotations

import contextlib
import csv
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest
import yaml
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from h5p import services as h5p_services
from h5p.demo import install_builtin_libraries
from lessons.loader import curriculum_load
from lessons.models import Assignment, LessonPage
from quizzes import services as quiz_services
from quizzes.models import Attempt
from safeguarding.models import Concern, ConcernCategory, ConcernSource, Flag
from schools.models import Pupil, StaffRole, TeachingGroup
from tests import factories
from tests.h5p.builders import h5p_json, package
from tests.lessons.conftest import FIXTURE_CURRICULUM
from tests.quizzes.helpers import spec as quiz_spec
from tests.quizzes.helpers import wrong
from tests.safeguarding.helpers import mfa_session

from .xss_corpus import (
    INJECTED_MARKUP_JS,
    NAMES,
    PAYLOADS,
    SENTINEL_JS,
    SHOWN_TEXT_JS,
    all_in_one,
    payloads,
)

LESSON_SLUG = "every-activity"
H5P_SLUG = "hostile-chat"
SHOWN_TIMEOUT_MS = 5_000

# Keys in curriculum and quiz data that hold text people read; the others are identifiers.
TEXT_KEYS = {
    "title",
    "summary",
    "intro",
    "teacher_notes",
    "text",
    "character",
    "question",
    "feedback",
    "prompt",
    "label",
    "streamer",
    "author",
    "explanation",
    "front",
    "back",
    "scenario",
    "left",
    "right",
}
TEXT_LISTS = {"learning_outcomes", "ground_rules", "items"}
# Text fields shorter than the corpus's 60 characters: they get the payloads that fit.
SHORT_KEYS = {"author": 40, "streamer": 40}


class Hostile:
    """Hands out the corpus in order, so neighbouring fields get different techniques."""

    def __init__(self):
        self.used = 0

    def next(self, max_length: int = 60) -> str:
        while True:
            payload = payloads(1, start=self.used)[0]
            self.used += 1
            if len(payload.text) <= max_length:
                return payload.text

    def fill(self, data):
        """A copy of curriculum or quiz data with every human-readable string replaced."""
        if isinstance(data, dict):
            return {key: self._value(key, value) for key, value in data.items()}
        if isinstance(data, list):
            return [self.fill(item) for item in data]
        return data

    def _value(self, key, value):
        if key in TEXT_KEYS and isinstance(value, str):
            return self.next(SHORT_KEYS.get(key, 60))
        if key in TEXT_LISTS and isinstance(value, list):
            return [self.next() if isinstance(item, str) else self.fill(item) for item in value]
        return self.fill(value)


# --- Building the hostile school ----------------------------------------------------------------


def form_errors(response) -> list:
    context = response.context[-1] if response.context else {}
    return [
        value.errors
        for value in context.flatten().values()
        if getattr(value, "errors", None) and hasattr(value, "is_valid")
    ]


def posted(response):
    """A form post that worked redirects; anything else means the data never went in."""
    assert response.status_code in (302, 303), (
        f"{response.request['PATH_INFO']} answered {response.status_code}, not a redirect: "
        f"{form_errors(response)}"
    )
    return response


def write_hostile_curriculum(directory, hostile: Hostile):
    """The test curriculum's 8–10 module, every text in it hostile, with a quiz and H5P step.

    This is how editors write lessons (a curriculum file, loaded by `curriculum_load`); the
    Wagtail editor pages are opened later with the same content.
    """
    shutil.copytree(FIXTURE_CURRICULUM, directory)
    path = directory / "ages-8-10.yaml"
    data = yaml.safe_load(path.read_text())
    data = hostile.fill(data)
    lesson = next(item for item in data["lessons"] if item["slug"] == LESSON_SLUG)
    lesson["quiz"] = hostile.fill(quiz_spec(attempts_allowed=2))
    lesson["steps"].insert(
        -1,
        {
            "title": hostile.next(),
            "blocks": [{"type": "h5p", "activity": H5P_SLUG, "title": hostile.next()}],
        },
    )
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def install_hostile_h5p(hostile: Hostile):
    """An H5P package whose h5p.json metadata and content are hostile (service, as the admin's
    upload form calls it)."""
    install_builtin_libraries()
    metadata = h5p_json(
        title=hostile.next(),
        authors=[{"name": hostile.next(), "role": "Author"}],
        source=hostile.next(),
        license="U",
    )
    content = {
        "intro": hostile.next(),
        "chatName": hostile.next(),
        "messages": [
            {"from": "them", "text": hostile.next(), "warning": False},
            {"from": "them", "text": hostile.next(), "warning": True},
        ],
    }
    data = package(h5p=metadata, content=content)
    return h5p_services.content_create(file=io.BytesIO(data), slug=H5P_SLUG)


def roster_csv(group_name: str) -> bytes:
    """A roster whose every cell is hostile: names, year groups and class names."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Name", "Year group", "Class"])
    writer.writerow([PAYLOADS[0].text, "Year 4", group_name])
    for index, payload in enumerate(PAYLOADS[1:], start=1):
        cells = [payload.text, "Year 4", group_name]
        cells[index % 3] = payload.text  # a hostile year group or class in some rows
        writer.writerow(cells)
    return buffer.getvalue().encode()


def client_for(user, *, mfa=False) -> Client:
    client = Client()
    if mfa:
        mfa_session(client, user)
    else:
        client.force_login(user)
    return client


@pytest.fixture
def school_of_payloads(transactional_db, h5p_origin, tmp_path):
    """Everything a pupil, teacher, school admin, DSL or editor can type, made hostile.

    Data goes in through the real forms (Django test Client posts) where a form exists, and
    through the services those forms call otherwise (say so below).
    """
    hostile = Hostile()
    # No Streamwise form edits a school's name or a staff member's own name: the ORM.
    school = factories.SchoolFactory(name=hostile.next(), slug="hostile")
    admin = factories.staff(school, StaffRole.SCHOOL_ADMIN)
    teacher = factories.staff(school, StaffRole.TEACHER, first_name=hostile.next())
    dsl = factories.staff(school, StaffRole.DSL, last_name=hostile.next())
    editor = factories.UserFactory(is_staff=True, is_superuser=True)
    admin_client = client_for(admin)
    teacher_client = client_for(teacher)
    dsl_client = client_for(dsl, mfa=True)

    # The school admin's forms: a class, a pupil, an API token.
    group_name = hostile.next()
    posted(
        admin_client.post(
            "/portal/school/classes/add/",
            {"name": group_name, "year_group": 4, "teachers": [teacher.pk]},
        )
    )
    group = TeachingGroup.objects.get(school=school, name=group_name)
    pupil_name = hostile.next()
    # This form answers with the new pupil's login card rather than a redirect.
    admin_client.post(
        "/portal/school/pupils/add/",
        {"display_name": pupil_name, "year_group": 4, "teaching_groups": [group.pk]},
    )
    token_name = hostile.next()
    admin_client.post("/portal/school/api-tokens/", {"name": token_name})
    # Every payload as a pupil name in the class, through `pupil_create` (the service the form
    # above and the roster import call); the browser uploads a CSV itself for the preview.
    for payload in PAYLOADS:
        if payload.text != pupil_name:
            factories.pupil(group, payload.text)
    pupil = Pupil.objects.get(school=school, display_name=pupil_name)

    # An editor's lessons: module, lesson, every activity, a quiz, and an H5P package.
    content = install_hostile_h5p(hostile)
    write_hostile_curriculum(tmp_path / "curriculum", hostile)
    curriculum_load(directory=tmp_path / "curriculum", make_site_root=True)
    lesson = LessonPage.objects.get(slug=LESSON_SLUG)
    module = lesson.get_parent().specific

    # The teacher sets the module (its form) and raises a concern (its form).
    today = timezone.localdate()
    posted(
        teacher_client.post(
            f"/portal/classes/{group.pk}/work/add/",
            {
                "page": module.pk,
                "opens_on": (today - timedelta(days=7)).isoformat(),
                "due_on": (today - timedelta(days=1)).isoformat(),
            },
        )
    )
    assignment = Assignment.objects.get(teaching_group=group)

    # The DSL names the school's categories (settings form) before concerns use them.
    categories = [payload.text for payload in payloads(5, start=hostile.used)]
    hostile.used += 5
    posted(
        dsl_client.post(
            "/safeguarding/settings/",
            {"form": "categories", "categories-categories": "\n".join(categories)},
        )
    )
    location = hostile.next()
    posted(
        teacher_client.post(
            "/safeguarding/raise/",
            {
                "pupil": pupil.pk,
                "what_happened": all_in_one(),
                "location": location,
                "categories": list(
                    ConcernCategory.objects.filter(school=school, name__in=categories).values_list(
                        "pk", flat=True
                    )
                ),
                "immediate_danger": "no",
                "told_dsl_in_person": "no",
            },
        )
    )
    staff_concern = Concern.objects.get(source=ConcernSource.STAFF)

    # The pupil's "Talk to someone" (its form) and quiz answers (the quiz service the question
    # page calls). The free text also names a screening phrase, so it raises a flag.
    pupil_client = client_for(pupil.user)
    posted(
        pupil_client.post("/safeguarding/talk/", {"feeling": "worried", "details": all_in_one()})
    )
    pupil_concern = Concern.objects.get(source=ConcernSource.PUPIL)
    quiz = lesson.quiz
    free_text = "don't tell your mum\n" + all_in_one()
    finished = answer_quiz(pupil, quiz, free_text=free_text)
    open_attempt = quiz_services.attempt_start(pupil=pupil, quiz=quiz)
    flag = Flag.objects.get(pupil=pupil)

    # The DSL's case work (its forms): a note, a referral to a named agency, a linked pupil.
    case = f"/safeguarding/cases/{staff_concern.pk}/"
    posted(
        dsl_client.post(
            f"{case}entries/",
            {"form": "entry", "entry-kind": "note", "entry-text": all_in_one()},
        )
    )
    agency_name, reference = hostile.next(), hostile.next()
    posted(
        dsl_client.post(
            f"{case}entries/",
            {
                "form": "referral",
                "referral-agency": "other",
                "referral-agency_name": agency_name,
                "referral-event_date": today.isoformat(),
                "referral-reference": reference,
                "referral-text": all_in_one(),
            },
        )
    )
    other_pupil = Pupil.objects.exclude(pk=pupil.pk).filter(school=school).first()
    link_note = hostile.next()
    posted(dsl_client.post(f"{case}link/", {"link-pupil": other_pupil.pk, "link-note": link_note}))

    return SimpleNamespace(
        school=school,
        admin=admin,
        teacher=teacher,
        dsl=dsl,
        editor=editor,
        group=group,
        pupil=pupil,
        other_pupil=other_pupil,
        token_name=token_name,
        categories=categories,
        location=location,
        agency_name=agency_name,
        reference=reference,
        link_note=link_note,
        lesson=lesson,
        module=module,
        quiz=quiz,
        content=content,
        assignment=assignment,
        finished=finished,
        open_attempt=open_attempt,
        staff_concern=staff_concern,
        pupil_concern=pupil_concern,
        flag=flag,
        sessions={
            "pupil": pupil_client,
            "teacher": teacher_client,
            "school_admin": admin_client,
            "dsl": dsl_client,
            "editor": client_for(editor),
        },
    )


def answer_quiz(pupil, quiz, *, free_text: str) -> Attempt:
    """A finished attempt: a wrong answer to every choice question, hostile free text."""
    attempt = quiz_services.attempt_start(pupil=pupil, quiz=quiz)
    for question in quiz_services.attempt_questions(attempt):
        raw = wrong(question)
        if "text" in raw:
            raw = {"text": free_text}
        quiz_services.answer_save(attempt=attempt, question=question, raw=raw)
    return quiz_services.attempt_submit(attempt=attempt).attempt


# --- Pages, by role -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    """One page to open: a URL, or steps that end on the page (a form's response)."""

    id: str
    target: str | Callable
    shows: tuple[str, ...]
    site_csp: bool = True  # False for the Wagtail admin, which has its own CSP exemption

    def open(self, page):
        if callable(self.target):
            self.target(page)
        else:
            response = page.goto(self.target)
            assert response is not None and response.status == 200, (
                f"{self.target} answered {response.status if response else 'nothing'}"
            )
        page.wait_for_load_state("load")


def roster_preview(csv_bytes: bytes):
    def open_preview(page):
        page.goto("/portal/school/import/")
        page.get_by_label("CSV file").set_input_files(
            files=[{"name": "pupils.csv", "mimeType": "text/csv", "buffer": csv_bytes}]
        )
        page.get_by_role("button", name="Check the file").click()
        page.get_by_role("heading", name="Check the import").wait_for()

    return open_preview


def pupil_name_picker(code: str):
    def open_picker(page):
        page.goto("/login/pupil/")
        page.get_by_label("Your class code").fill(code)
        page.get_by_role("button", name="Next").click()
        page.wait_for_url("**/login/pupil/name/**")

    return open_picker


def search_for(text: str):
    """The search form posts (names never go in a URL), so search as the DSL would."""

    def search(page):
        page.goto("/safeguarding/search/")
        page.get_by_label("Pupil name or concern number").fill(text)
        page.get_by_role("button", name="Search", exact=True).click()

    return search


def visits_for(role: str, s) -> list[Visit]:
    lesson_url = s.lesson.url
    pupil_name = s.pupil.display_name
    lesson_title = s.lesson.title
    module_title = s.module.title
    group_name = s.group.name
    quiz_heading = s.quiz.heading or s.quiz.title
    first_payload = PAYLOADS[0].text
    pages = {
        "anonymous": lambda: [
            Visit("course site", "/", (module_title,)),
            Visit("module page", s.module.url, (module_title, lesson_title)),
            Visit("pupil login names", pupil_name_picker(s.group.code), (pupil_name,)),
        ],
        "pupil": lambda: [
            Visit("my lessons", "/learn/", (lesson_title, module_title)),
            Visit("lesson introduction", lesson_url, (lesson_title,)),
            *[
                Visit(
                    f"lesson step {number}", f"{lesson_url}step/{number}/", (step.value["title"],)
                )
                for number, step in enumerate(s.lesson.body, start=1)
            ],
            Visit("quiz start", f"/quizzes/{s.quiz.pk}/", (quiz_heading,)),
            *[
                Visit(
                    f"quiz question {number}",
                    f"/quizzes/attempts/{s.open_attempt.pk}/questions/{number}/",
                    (question.text,),
                )
                for number, question in enumerate(
                    quiz_services.attempt_questions(s.open_attempt), start=1
                )
            ],
            Visit("quiz result", f"/quizzes/attempts/{s.finished.pk}/result/", (quiz_heading,)),
        ],
        "teacher": lambda: [
            Visit("portal home", "/portal/", (group_name,)),
            Visit("class page", f"/portal/classes/{s.group.pk}/", (pupil_name,)),
            Visit("pupil page", f"/portal/pupils/{s.pupil.pk}/", (pupil_name,)),
            Visit(
                "progress grid",
                f"/portal/classes/{s.group.pk}/work/{s.assignment.pk}/",
                (pupil_name, lesson_title),
            ),
            Visit(
                "pupil drill-down",
                f"/portal/classes/{s.group.pk}/work/{s.assignment.pk}/pupils/{s.pupil.pk}/",
                (pupil_name, lesson_title),
            ),
            Visit(
                "progress charts",
                f"/portal/classes/{s.group.pk}/work/{s.assignment.pk}/charts/",
                (module_title,),
            ),
            Visit("overdue work", "/portal/overdue/", (group_name,)),
            Visit("login cards", f"/portal/classes/{s.group.pk}/login-cards/", (pupil_name,)),
            Visit("class quizzes", f"/quizzes/classes/{s.group.pk}/", (lesson_title,)),
            Visit(
                "item analysis",
                f"/quizzes/{s.quiz.pk}/classes/{s.group.pk}/analysis/",
                (first_payload,),
            ),
            Visit("knowledge map", f"/quizzes/classes/{s.group.pk}/knowledge-map/", (group_name,)),
            Visit("raise a concern", "/safeguarding/raise/", (pupil_name, s.categories[0])),
            Visit("concerns I raised", "/safeguarding/raised/", (pupil_name,)),
            Visit(
                "concern I raised",
                f"/safeguarding/raised/{s.staff_concern.pk}/",
                (pupil_name,),
            ),
        ],
        "school_admin": lambda: [
            Visit("school classes", "/portal/school/classes/", (group_name,)),
            Visit("edit class", f"/portal/school/classes/{s.group.pk}/edit/", (group_name,)),
            Visit("school pupils", "/portal/school/pupils/", (pupil_name,)),
            Visit("edit pupil", f"/portal/school/pupils/{s.pupil.pk}/edit/", (pupil_name,)),
            Visit("move pupil", f"/portal/school/pupils/{s.pupil.pk}/move/", (pupil_name,)),
            Visit("staff", "/portal/school/staff/", (s.teacher.first_name,)),
            Visit("API tokens", "/portal/school/api-tokens/", (s.token_name,)),
            Visit("school overview", "/portal/school/overview/", (group_name,)),
            Visit(
                "roster import preview",
                roster_preview(roster_csv(group_name)),
                (PAYLOADS[1].text, PAYLOADS[2].text),
            ),
        ],
        "dsl": lambda: [
            Visit("safeguarding inbox", "/safeguarding/", (pupil_name,)),
            Visit(
                "case page",
                f"/safeguarding/cases/{s.staff_concern.pk}/",
                (first_payload, s.location, s.agency_name, s.reference, s.link_note),
            ),
            Visit(
                "pupil's own concern",
                f"/safeguarding/cases/{s.pupil_concern.pk}/",
                (first_payload, pupil_name),
            ),
            Visit(
                "case export",
                f"/safeguarding/cases/{s.staff_concern.pk}/export/",
                (first_payload, s.reference),
            ),
            Visit("pupil record", f"/safeguarding/pupils/{s.pupil.pk}/", (pupil_name,)),
            Visit(
                "pupil record export",
                f"/safeguarding/pupils/{s.pupil.pk}/export/",
                (pupil_name, first_payload),
            ),
            Visit("screening flag", f"/safeguarding/flags/{s.flag.pk}/", (first_payload,)),
            Visit("search for a payload", search_for(first_payload), (first_payload,)),
            Visit("search by name", search_for(pupil_name), (pupil_name,)),
            Visit("search by number", search_for(str(s.staff_concern.pk)), (pupil_name,)),
            Visit("access log", "/safeguarding/access-log/", (pupil_name, first_payload)),
            Visit("categories and screening", "/safeguarding/settings/", (s.categories[0],)),
            # Triage (issue 11): category names in the governor counts' tables and charts
            Visit("governor counts", "/safeguarding/reports/", (s.categories[0],)),
        ],
        "editor": lambda: [
            Visit("admin: module listing", f"/admin/pages/{s.module.pk}/", (lesson_title,), False),
            Visit(
                "admin: edit lesson", f"/admin/pages/{s.lesson.pk}/edit/", (lesson_title,), False
            ),
            Visit(
                "admin: edit module", f"/admin/pages/{s.module.pk}/edit/", (module_title,), False
            ),
            Visit(
                "admin: H5P activities",
                "/admin/snippets/h5p/h5pcontent/",
                (s.content.title,),
                False,
            ),
            Visit(
                "admin: edit H5P activity",
                f"/admin/snippets/h5p/h5pcontent/edit/{s.content.pk}/",
                (s.content.title,),
                False,
            ),
        ],
    }
    return pages[role]()


# --- Checking a page ----------------------------------------------------------------------------


def fired_sentinels(page) -> list[str]:
    fired = []
    for frame in page.frames:
        with contextlib.suppress(PlaywrightError):  # a frame navigating away has nothing
            fired += frame.evaluate("window.__xssFired || []")
    return [f"payload {number} ({NAMES.get(int(number), '?')}) ran" for number in fired]


def missing_text(page, shows: tuple[str, ...]) -> list[str]:
    missing = []
    for text in shows:
        try:
            page.wait_for_function(
                f"(text) => ({SHOWN_TEXT_JS})().includes(text)", arg=text, timeout=SHOWN_TIMEOUT_MS
            )
        except Exception:
            missing.append(f"{text!r} is not shown as text")
    return missing


def check_with_sentinel(page, visit: Visit) -> list[str]:
    visit.open(page)
    problems = fired_sentinels(page)
    problems += [f"live markup from a payload: {m}" for m in page.evaluate(INJECTED_MARKUP_JS)]
    problems += missing_text(page, visit.shows)
    return problems


def check_with_csp(page, visit: Visit) -> list[str]:
    visit.open(page)
    if not visit.site_csp:
        return []
    violations = page.evaluate("window.__cspViolations || []")
    return [f"CSP violation: {v}" for v in violations]


def log_in(context, client: Client | None, base_url: str):
    if client is None:
        return
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


ROLES = ["anonymous", "pupil", "teacher", "school_admin", "dsl", "editor"]


@pytest.mark.parametrize("role", ROLES)
def test_no_payload_runs_on_any_page(role, browser, page, live_server, school_of_payloads):
    client = school_of_payloads.sessions.get(role)
    sentinel_context = browser.new_context(
        base_url=live_server.url, locale="en-GB", bypass_csp=True
    )
    sentinel_context.add_init_script(SENTINEL_JS)
    sentinel_page = sentinel_context.new_page()
    sentinel_page.set_default_timeout(10_000)
    log_in(sentinel_context, client, live_server.url)
    log_in(page.context, client, live_server.url)

    failures = {}
    try:
        for visit in visits_for(role, school_of_payloads):
            problems = check_with_sentinel(sentinel_page, visit)
            problems += check_with_csp(page, visit)
            if problems:
                failures[visit.id] = problems
    finally:
        sentinel_context.close()
    report = "\n".join(
        f"{role} › {where}:\n  " + "\n  ".join(problems) for where, problems in failures.items()
    )
    assert not failures, f"Hostile text escaped on {len(failures)} page(s):\n{report}"
