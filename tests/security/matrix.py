"""The permission matrix: every URL of Streamwise × every role → the answer to a GET.

One row per route (by URL name), per Wagtail page type, per API operation, plus a few groups of
third-party URLs (Wagtail admin, allauth, Wagtail's own front-end helpers) checked on a sample.
A row holds one or more cases: a concrete URL built from the world (`tests.security.world`) and
the expected outcome for each role. Where a URL takes an id there is a case for an object of
class 1, of class 2 and of school B, so "another class" and "another school" are always tried.

The policy, from ARCHITECTURE.md (not from what the code happens to do):

- pupils see their own lessons, quizzes and progress, and "Talk to someone";
- teachers see their own classes (another class of the school is 404, as if it did not exist);
- school admins see every class and pupil of their school, and run it; never concern contents;
- DSLs and deputies see every concern, flag and pupil record of their school, after MFA; the
  portal is for teaching, so a lead with no teaching role gets 403 there;
- content editors work in the Wagtail admin: lesson content and quizzes, no pupil data;
- lesson plans are teaching material: any school's staff (leads too) read them, pupils never;
- a school's inspection evidence (counts and percentages, no pupil, no concern) is for its
  leaders: school admin, DSL and deputy, each for their own school; only a DSL or deputy
  records the yearly online-safety review kept with it;
- staff training: any school's staff take the courses; a certificate is its holder's alone;
  a school's training table is for its admins and leads, its training settings for its admins;
- nobody sees anything of another school (404), and guessing a safeguarding URL without a lead's
  role reveals nothing (404);
- the API answers only to a school's token (401 to a browser session), scoped to its school;
- a person in two schools sees the school chosen in the header and nothing of the other:
  working in school A they answer exactly as a teacher of class 1, switched to school B exactly
  as school B's teacher (`TWINS`), except for what only the other teacher did;
- a trust admin sees the trust overview of their own trust (figures and counts, no pupil, class
  or case) and nothing of any school's pages;
- H5P files and the player exist only on the H5P origin (404 on the site), for anyone.

A POST-only URL answers a GET with 405 once the access check has passed (so an intruder still
gets 302/403/404 from it).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from enum import Enum
from operator import attrgetter

from django.urls import reverse

from .world import API_TOKENS, H5P_HOST, PEOPLE, SITE_HOST, Role, SchoolRecords, World

# --- Outcomes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status: int
    label: str
    login_url_name: str | None = None  # for 302s: the login page the redirect must go to

    def __str__(self):
        return self.label


OK = Outcome(200, "200")
LOGIN = Outcome(302, "302 → staff login", "account_login")
PUPIL_LOGIN = Outcome(302, "302 → pupil login", "pupil_login")
REDIRECT = Outcome(302, "302 (not to a login page)")
UNAUTHORIZED = Outcome(401, "401")
FORBIDDEN = Outcome(403, "403")
NOT_FOUND = Outcome(404, "404")
NOT_ALLOWED = Outcome(405, "405 (POST only)")

# --- Roles, by what they are ----------------------------------------------------------------

R = Role
ANONYMOUS = frozenset({R.ANONYMOUS})
PUPILS = frozenset({R.PUPIL, R.PUPIL_OTHER_CLASS, R.PUPIL_OTHER_SCHOOL})
TEACHERS = frozenset({R.TEACHER, R.TEACHER_OTHER_CLASS, R.TEACHER_OTHER_SCHOOL})
LEADS = frozenset({R.DSL, R.DEPUTY_DSL, R.DSL_OTHER_SCHOOL})
LEADS_OF_A = frozenset({R.DSL, R.DEPUTY_DSL})
PORTAL_USERS = TEACHERS | {R.SCHOOL_ADMIN}  # the portal is for teaching and running a school
STAFF = TEACHERS | LEADS | {R.SCHOOL_ADMIN}  # anyone with a role in a school
TWO_SCHOOLS = frozenset({R.TWO_SCHOOLS_AT_A, R.TWO_SCHOOLS_AT_B})
# A switch position answers as the teacher of the same classes in the school in use.
TWINS = {R.TWO_SCHOOLS_AT_A: R.TEACHER, R.TWO_SCHOOLS_AT_B: R.TEACHER_OTHER_SCHOOL}
LOGGED_IN = frozenset(PEOPLE) - ANONYMOUS
EVERYONE = frozenset(PEOPLE)

Cells = Mapping[Role, Outcome]


def grid(otherwise: Outcome, *rules: tuple[Role | Collection[Role], Outcome]) -> Cells:
    """Expected outcomes for the fifteen people: each rule names some roles, the rest get
    `otherwise`, except that a switch position not named gets its twin's outcome (`TWINS`).
    A role may appear in one rule only, so a row reads without surprises."""
    cells: dict[Role, Outcome] = {}
    for roles, outcome in rules:
        for role in {roles} if isinstance(roles, Role) else roles:
            assert role not in cells, f"{role} is given two outcomes"
            cells[role] = outcome
    for twin, like in TWINS.items():
        cells.setdefault(twin, cells.get(like, otherwise))
    return {role: cells.get(role, otherwise) for role in PEOPLE}


def everyone(outcome: Outcome) -> Cells:
    return grid(outcome)


# --- Who owns an object ---------------------------------------------------------------------


class Owner(Enum):
    """Whose object a URL points at: class 1 (the `teacher`'s), class 2, or school B."""

    CLASS_ONE = "class 1"
    OTHER_CLASS = "class 2"
    OTHER_SCHOOL = "school B"

    def records(self, world: World) -> SchoolRecords:
        return {
            Owner.CLASS_ONE: world.class_one,
            Owner.OTHER_CLASS: world.other_class,
            Owner.OTHER_SCHOOL: world.other_school,
        }[self]

    @property
    def in_school_a(self) -> bool:
        return self is not Owner.OTHER_SCHOOL


TEACHER_OF = {
    Owner.CLASS_ONE: R.TEACHER,
    Owner.OTHER_CLASS: R.TEACHER_OTHER_CLASS,
    Owner.OTHER_SCHOOL: R.TEACHER_OTHER_SCHOOL,
}
PUPIL_OF = {
    Owner.CLASS_ONE: R.PUPIL,
    Owner.OTHER_CLASS: R.PUPIL_OTHER_CLASS,
    Owner.OTHER_SCHOOL: R.PUPIL_OTHER_SCHOOL,
}

# --- The policies, once each ------------------------------------------------------------------

PUBLIC = everyone(OK)
PUPIL_PAGE = grid(FORBIDDEN, (ANONYMOUS, PUPIL_LOGIN), (PUPILS, OK))
PORTAL_PAGE = grid(FORBIDDEN, (ANONYMOUS, LOGIN), (PORTAL_USERS, OK))
PORTAL_POST = grid(FORBIDDEN, (ANONYMOUS, LOGIN), (PORTAL_USERS, NOT_ALLOWED))
ADMIN_ONLY = grid(FORBIDDEN, (ANONYMOUS, LOGIN), (R.CONTENT_EDITOR, OK))  # the Wagtail admin
SCHOOL_ADMIN_PAGE = grid(FORBIDDEN, (ANONYMOUS, LOGIN), (R.SCHOOL_ADMIN, OK))
SCHOOL_ADMIN_POST = grid(FORBIDDEN, (ANONYMOUS, LOGIN), (R.SCHOOL_ADMIN, NOT_ALLOWED))
STAFF_PAGE = grid(FORBIDDEN, (ANONYMOUS, LOGIN), (STAFF, OK))
LEADS_PAGE = grid(FORBIDDEN, (ANONYMOUS, LOGIN), (LEADS, OK))
EVIDENCE_PAGE = grid(FORBIDDEN, (ANONYMOUS, LOGIN), (LEADS | {R.SCHOOL_ADMIN}, OK))
TRUST_PAGE = grid(FORBIDDEN, (ANONYMOUS, LOGIN), (R.TRUST_ADMIN, OK))
TRUST_PAGE_REDIRECT = grid(FORBIDDEN, (ANONYMOUS, LOGIN), (R.TRUST_ADMIN, REDIRECT))
# A case action: non-leads learn nothing (404); leads, even of another school, are refused the
# method before any record is looked up. (So POST-only rows try one object: it stands for all.)
LEADS_POST = grid(NOT_FOUND, (ANONYMOUS, LOGIN), (LEADS, NOT_ALLOWED))
STAFF_POST = grid(FORBIDDEN, (ANONYMOUS, LOGIN), (STAFF, NOT_ALLOWED))
# Staff training: school admins and leads see their own school's table (leads of school B, B's).
TRAINING_LEADS_PAGE = grid(FORBIDDEN, (ANONYMOUS, LOGIN), (LEADS | {R.SCHOOL_ADMIN}, OK))


def class_page(owner: Owner) -> Cells:
    """A class's page: its teacher and its school's admin; other portal users get 404."""
    sees = {TEACHER_OF[owner]} | ({R.SCHOOL_ADMIN} if owner.in_school_a else set())
    return grid(FORBIDDEN, (ANONYMOUS, LOGIN), (sees, OK), (PORTAL_USERS - sees, NOT_FOUND))


def school_record(owner: Owner) -> Cells:
    """A school admin's page about one of the school's classes, pupils, staff or tokens."""
    if owner.in_school_a:
        return SCHOOL_ADMIN_PAGE
    return grid(FORBIDDEN, (ANONYMOUS, LOGIN), (R.SCHOOL_ADMIN, NOT_FOUND))


def own_attempt(owner: Owner) -> Cells:
    """A quiz attempt: its pupil only; other pupils get 404, staff 403."""
    pupil = PUPIL_OF[owner]
    return grid(FORBIDDEN, (ANONYMOUS, PUPIL_LOGIN), (pupil, OK), (PUPILS - {pupil}, NOT_FOUND))


def pupil_drawing(owner: Owner) -> Cells:
    """A pupil's say-or-draw drawing: the pupil, their teacher and their school's admins and
    leads; anyone else 404 (it is not there for them); a visitor must log in."""
    sees = {PUPIL_OF[owner], TEACHER_OF[owner]}
    sees |= {R.SCHOOL_ADMIN, *LEADS_OF_A} if owner.in_school_a else {R.DSL_OTHER_SCHOOL}
    return grid(NOT_FOUND, (ANONYMOUS, LOGIN), (sees, OK))


def raised_concern(owner: Owner) -> Cells:
    """The status of a concern: the member of staff who raised it (its teacher) only."""
    raiser = TEACHER_OF[owner]
    return grid(
        FORBIDDEN,
        (ANONYMOUS, LOGIN),
        (raiser, OK),
        (STAFF - {raiser}, NOT_FOUND),
        (TWO_SCHOOLS, NOT_FOUND),  # they teach the class but did not raise it
    )


def case_record(owner: Owner) -> Cells:
    """A case, flag or pupil record: the leads of its school; everyone else 404."""
    leads = LEADS_OF_A if owner.in_school_a else {R.DSL_OTHER_SCHOOL}
    return grid(NOT_FOUND, (ANONYMOUS, LOGIN), (leads, OK))


def own_certificate(owner: Owner) -> Cells:
    """A staff training certificate: the member of staff who passed (the owner's teacher);
    any other member of staff 404, as if it did not exist."""
    holder = TEACHER_OF[owner]
    return grid(
        FORBIDDEN,
        (ANONYMOUS, LOGIN),
        (holder, OK),
        (STAFF - {holder}, NOT_FOUND),
        (TWO_SCHOOLS, NOT_FOUND),  # they teach the same classes but did not pass the course
    )


def api_scoped(owner: Owner) -> Cells:
    """An API record: the token of its school; the other school's token gets 404."""
    mine = R.API_TOKEN if owner.in_school_a else R.API_TOKEN_OTHER_SCHOOL
    return {
        **everyone(UNAUTHORIZED),
        **{token: OK if token == mine else NOT_FOUND for token in API_TOKENS},
    }


API_LIST = {**everyone(UNAUTHORIZED), **dict.fromkeys(API_TOKENS, OK)}


# --- Rows ------------------------------------------------------------------------------------

UrlBuilder = Callable[[World], str]


@dataclass(frozen=True)
class Case:
    label: str
    url: UrlBuilder
    expect: Cells
    host: str = SITE_HOST


@dataclass(frozen=True)
class Row:
    """One route (`name`), page type (`page_type`), API operation (`operation`) or third-party
    URL group (`prefix`), and its cases."""

    key: str
    cases: tuple[Case, ...]
    name: str | None = None
    page_type: str | None = None
    operation: str | None = None
    prefix: str | None = None
    not_served: str = ""  # why a declared page type has no URL to try


def route(name: str, expect: Cells, *args: Callable[[World], object]) -> Row:
    """A route with no object, or with arguments that need no own/other variants."""

    def url(world: World) -> str:
        return reverse(name, args=[arg(world) for arg in args])

    return Row(key=name, name=name, cases=(Case(name, url, expect),))


def per_owner(
    name: str,
    policy: Callable[[Owner], Cells],
    *args: Callable[[SchoolRecords], object],
) -> Row:
    """A route about one object: a case for the object of class 1, class 2 and school B."""

    def case(owner: Owner) -> Case:
        def url(world: World) -> str:
            records = owner.records(world)
            return reverse(name, args=[arg(records) for arg in args])

        return Case(f"{name} ({owner.value})", url, policy(owner))

    return Row(key=name, name=name, cases=tuple(case(owner) for owner in Owner))


def h5p_route(name: str, *args: Callable[[World], object]) -> Row:
    """An H5P file or the player: anyone on the H5P origin (no cookie reaches it), nobody on the
    site origin."""

    def url(world: World) -> str:
        return reverse(name, args=[arg(world) for arg in args])

    return Row(
        key=name,
        name=name,
        cases=(
            Case(f"{name} on the H5P origin", url, everyone(OK), host=H5P_HOST),
            Case(f"{name} on the site", url, everyone(NOT_FOUND)),
        ),
    )


def api_operation(
    operation: str,
    name: str,
    policy: Cells | Callable[[Owner], Cells],
    *args: Callable[[SchoolRecords], object],
) -> Row:
    """An operation of the ninja API, as ninja declares it ("GET /classes"), by URL name."""
    url_name = f"streamwise_api:{name}"
    row = per_owner(url_name, policy, *args) if callable(policy) else route(url_name, policy)
    return replace(row, key=f"API {operation}", operation=operation)


def page_type(model: str, *cases: Case, not_served: str = "") -> Row:
    return Row(key=f"page {model}", page_type=model, cases=cases, not_served=not_served)


def sample(prefix: str, *cases: Case) -> Row:
    return Row(key=f"group {prefix}", prefix=prefix, cases=cases)


def fixed(path: str, expect: Cells, host: str = SITE_HOST) -> Case:
    return Case(path, lambda world: path, expect, host=host)


# URL arguments taken from an owner's records.
group = attrgetter("group.pk")
pupil = attrgetter("pupil.pk")
assignment = attrgetter("assignment.pk")
concern = attrgetter("concern.pk")
entry = attrgetter("entry.pk")
flag = attrgetter("flag.pk")
attempt = attrgetter("open_attempt.pk")
submitted = attrgetter("submitted_attempt.pk")
drawing = attrgetter("drawing.pk")
quiz = attrgetter("open_attempt.quiz_id")
teacher = attrgetter("teacher.pk")


def _transfer(world: World, owner: Owner):
    """A file sent by the DSL of the owner's school, and its link's token (a new one each time:
    the token is never stored, so it cannot be looked up afterwards)."""
    from safeguarding.services import transfer_send

    records = owner.records(world)
    sender = world.users[R.DSL if owner.in_school_a else R.DSL_OTHER_SCHOOL]
    sent = transfer_send(pupil=records.pupil, user=sender, destination_school="A new school")
    return sent.transfer, sent.token


def _attachment_url(owner: Owner) -> UrlBuilder:
    """Casework: a text file attached to the owner's case by a lead of its school; it holds the
    case's own words, so the leak check sees who may read it."""

    def url(world: World) -> str:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from safeguarding.services import case_attachment_add

        records = owner.records(world)
        lead = world.users[R.DSL if owner.in_school_a else R.DSL_OTHER_SCHOOL]
        attachment = case_attachment_add(
            concern=records.concern,
            user=lead,
            upload=SimpleUploadedFile("note.txt", records.concern.what_happened.encode()),
        )
        return reverse(SAFE + "attachment", args=[records.concern.pk, attachment.pk])

    return url


def _wonde_preview(records: SchoolRecords) -> int:
    """A first Wonde sync of the records' school, waiting for its admin to check it."""
    from tests.wonde_server.records import wonde_preview_sync

    return wonde_preview_sync(records.group.school).pk


def _with_parent_pack(world: World) -> str:
    """The world's 8–10 module, with its parent and carer pack loaded (the fixture file)."""
    from lessons.parents import parent_packs_load
    from tests.lessons.conftest import FIXTURE_CURRICULUM

    parent_packs_load(directory=FIXTURE_CURRICULUM / "parents")
    return world.module.slug


def _shared_work(records: SchoolRecords) -> int:
    """Work of the owner's class whose module has a parent and carer pack."""
    from lessons.parents import parent_packs_load
    from tests.lessons.conftest import FIXTURE_CURRICULUM

    parent_packs_load(directory=FIXTURE_CURRICULUM / "parents")
    return records.assignment.pk


def _staff_course(world: World) -> str:
    """A shipped staff course (the courses are loaded the first time one is asked for)."""
    from training.loader import courses_load
    from training.models import StaffCoursePage

    if not StaffCoursePage.objects.exists():
        courses_load()
    return StaffCoursePage.objects.get(slug="receiving-a-disclosure").slug


def _staff_activity(world: World) -> str:
    from training.models import StaffCoursePage

    course = StaffCoursePage.objects.get(slug=_staff_course(world))
    return next(iter(course.activities))


def _certificate(records: SchoolRecords) -> int:
    """A certificate of the owner's teacher, for a course they passed today."""
    from datetime import timedelta

    from django.utils import timezone

    from training.models import CourseCompletion, StaffCoursePage

    course = StaffCoursePage.objects.get(slug=_staff_course(None))
    today = timezone.localdate()
    completion, _ = CourseCompletion.objects.get_or_create(
        user=records.teacher,
        school=records.group.school,
        course=course,
        defaults={"passed_on": today, "expires_on": today + timedelta(days=365), "score": 100},
    )
    return completion.pk


# --- The table -------------------------------------------------------------------------------

PORTAL = "teacher_portal:"
SAFE = "safeguarding:"

ROWS: tuple[Row, ...] = (
    # Pupil login and "home"
    route("pupil_login", grid(OK, (PUPILS, REDIRECT))),
    route("pupil_login_name", everyone(PUPIL_LOGIN)),  # no class code given yet
    route("pupil_login_secret", everyone(PUPIL_LOGIN)),
    route("pupil_login_card", grid(OK, (PUPILS, REDIRECT))),
    route("pupil_logout", everyone(NOT_ALLOWED)),
    route("home_for_user", everyone(REDIRECT)),
    # Lessons: the pupil's home (the player is the LessonPage type, below)
    route("learn_home", PUPIL_PAGE),
    route(
        "learn_module_check",
        grid(FORBIDDEN, (ANONYMOUS, PUPIL_LOGIN), (PUPILS, NOT_ALLOWED)),
        lambda w: w.module.pk,
        lambda w: "before",
    ),
    # A pupil's own certificate (no pupil in the URL); none of the world's pupils has finished
    # the module, so each gets 404 (tests/lessons/test_certificates.py has the finished case).
    route(
        "pupil_certificate",
        grid(FORBIDDEN, (ANONYMOUS, PUPIL_LOGIN), (PUPILS, NOT_FOUND)),
        lambda w: w.module.pk,
    ),
    # Quizzes, pupils
    route("quizzes:detail", PUPIL_PAGE, lambda w: w.quiz.pk),
    route("quizzes:start", everyone(NOT_ALLOWED), lambda w: w.quiz.pk),
    per_owner("quizzes:question", own_attempt, attempt, lambda r: 1),
    per_owner("quizzes:finish", own_attempt, attempt),
    per_owner("quizzes:result", own_attempt, submitted),
    per_owner("quizzes:reflection_drawing", pupil_drawing, drawing),
    # Quizzes, teachers
    per_owner("quizzes:class_quizzes", class_page, group),
    per_owner("quizzes:knowledge_map", class_page, group),
    per_owner("quizzes:analysis", class_page, quiz, group),
    # Teacher portal: classes and pupils
    route(PORTAL + "home", PORTAL_PAGE),
    per_owner(PORTAL + "class_detail", class_page, group),
    per_owner(PORTAL + "login_cards", class_page, group),
    per_owner(PORTAL + "class_certificates", class_page, group, lambda r: r.assignment.module_id),
    route(PORTAL + "login_cards_new_passwords", PORTAL_POST, lambda w: w.class_one.group.pk),
    per_owner(PORTAL + "pupil_detail", class_page, pupil),
    route(PORTAL + "pupil_reset_login", PORTAL_POST, lambda w: w.class_one.pupil.pk),
    route(PORTAL + "login_cards_qr", PORTAL_POST, lambda w: w.class_one.group.pk),
    route(PORTAL + "pupil_unlock", PORTAL_POST, lambda w: w.class_one.pupil.pk),
    # Teacher portal: work set and progress
    per_owner(PORTAL + "assignment_add", class_page, group),
    per_owner(PORTAL + "progress", class_page, group, assignment),
    per_owner(PORTAL + "assignment_edit", class_page, group, assignment),
    per_owner(PORTAL + "assignment_withdraw", class_page, group, assignment),
    per_owner(PORTAL + "pupil_progress", class_page, group, assignment, pupil),
    per_owner(PORTAL + "progress_charts", class_page, group, assignment),
    per_owner(
        PORTAL + "progress_export", class_page, group, assignment, lambda r: "grid", lambda r: "csv"
    ),
    per_owner(PORTAL + "parents_share", class_page, group, _shared_work),
    # Teacher portal: teach mode (the lesson on the board, then "Who was here?")
    route(PORTAL + "teach_choose", PORTAL_PAGE, lambda w: w.lesson.pk),
    per_owner(PORTAL + "teach", class_page, group, lambda r: r.assignment.lessons().first().pk),
    per_owner(
        PORTAL + "teach_attendance",
        class_page,
        group,
        lambda r: r.assignment.lessons().first().pk,
    ),
    route(PORTAL + "overdue", PORTAL_PAGE),
    per_owner(PORTAL + "class_gains", class_page, group),
    per_owner(PORTAL + "class_gains_export", class_page, group),
    # Teacher portal: lesson plans are teaching material, for any school's staff (leads too)
    route(PORTAL + "plans", STAFF_PAGE),
    route(PORTAL + "lesson_plan", STAFF_PAGE, lambda w: w.lesson.pk),
    route(PORTAL + "lesson_plan_pdf", STAFF_PAGE, lambda w: w.lesson.pk),
    route(PORTAL + "module_plans", STAFF_PAGE, lambda w: w.module.pk),
    route(PORTAL + "module_plans_pdf", STAFF_PAGE, lambda w: w.module.pk),
    # Teacher portal: the school's inspection evidence, for its leaders (each their own school)
    route(PORTAL + "evidence", EVIDENCE_PAGE),
    route(PORTAL + "evidence_pdf", EVIDENCE_PAGE),
    route(PORTAL + "evidence_review_add", LEADS_PAGE),
    # Teacher portal: the school admin's pages
    route(PORTAL + "school_overview", SCHOOL_ADMIN_PAGE),
    route(PORTAL + "school_gains", SCHOOL_ADMIN_PAGE),
    route(PORTAL + "school_gains_export", SCHOOL_ADMIN_PAGE),
    route(PORTAL + "school_classes", SCHOOL_ADMIN_PAGE),
    route(PORTAL + "class_add", SCHOOL_ADMIN_PAGE),
    per_owner(PORTAL + "class_edit", school_record, group),
    per_owner(PORTAL + "class_archive", school_record, group),
    route(PORTAL + "class_restore", SCHOOL_ADMIN_POST, lambda w: w.class_one.group.pk),
    route(PORTAL + "school_pupils", SCHOOL_ADMIN_PAGE),
    route(PORTAL + "pupil_add", SCHOOL_ADMIN_PAGE),
    per_owner(PORTAL + "pupil_edit", school_record, pupil),
    per_owner(PORTAL + "pupil_move", school_record, pupil),
    per_owner(PORTAL + "pupil_archive", school_record, pupil),
    route(PORTAL + "roster_upload", SCHOOL_ADMIN_PAGE),
    route(PORTAL + "roster_confirm", SCHOOL_ADMIN_POST),
    route(PORTAL + "roster_template", SCHOOL_ADMIN_PAGE),
    route(PORTAL + "oneroster_upload", SCHOOL_ADMIN_PAGE),
    # With no upload of theirs in the session, the preview sends an admin back to the form.
    route(
        PORTAL + "oneroster_preview",
        grid(FORBIDDEN, (ANONYMOUS, LOGIN), (R.SCHOOL_ADMIN, REDIRECT)),
    ),
    route(PORTAL + "oneroster_apply", SCHOOL_ADMIN_POST),
    route(PORTAL + "wonde_home", SCHOOL_ADMIN_PAGE),
    route(PORTAL + "wonde_status", SCHOOL_ADMIN_PAGE),
    route(PORTAL + "wonde_sync_now", SCHOOL_ADMIN_POST),
    route(PORTAL + "wonde_groups", SCHOOL_ADMIN_POST),
    per_owner(PORTAL + "wonde_preview", school_record, _wonde_preview),
    route(PORTAL + "wonde_apply", SCHOOL_ADMIN_POST),
    route(PORTAL + "wonde_disconnect", SCHOOL_ADMIN_POST),
    route(PORTAL + "staff_list", SCHOOL_ADMIN_PAGE),
    route(PORTAL + "staff_add", SCHOOL_ADMIN_PAGE),
    per_owner(PORTAL + "staff_edit", school_record, teacher),
    per_owner(PORTAL + "staff_remove", school_record, teacher),
    route(PORTAL + "api_tokens", SCHOOL_ADMIN_PAGE),
    route(PORTAL + "sso_links", SCHOOL_ADMIN_PAGE),
    route(PORTAL + "sign_in_settings", SCHOOL_ADMIN_PAGE),
    Row(
        key=PORTAL + "api_token_revoke",
        name=PORTAL + "api_token_revoke",
        cases=(
            Case(
                "api_token_revoke (school A)",
                lambda w: reverse(PORTAL + "api_token_revoke", args=[w.api_token.pk]),
                school_record(Owner.CLASS_ONE),
            ),
            Case(
                "api_token_revoke (school B)",
                lambda w: reverse(PORTAL + "api_token_revoke", args=[w.api_token_other_school.pk]),
                school_record(Owner.OTHER_SCHOOL),
            ),
        ),
    ),
    # Safeguarding: pupils, staff, the hidden exit
    route(SAFE + "talk", PUPIL_PAGE),
    route(SAFE + "talk_sent", PUPIL_PAGE),
    route(SAFE + "quick_exit", PUBLIC),
    route("times_tables", PUBLIC),
    route(SAFE + "raise", STAFF_PAGE),
    route(SAFE + "raised_list", STAFF_PAGE),
    per_owner(SAFE + "raised_detail", raised_concern, concern),
    # Safeguarding: the DSL area
    route(SAFE + "home", LEADS_PAGE),
    per_owner(SAFE + "case", case_record, concern),
    per_owner(SAFE + "case_entry_correct", case_record, concern, entry),
    per_owner(SAFE + "case_export", case_record, concern),
    route(SAFE + "case_acknowledge", LEADS_POST, lambda w: w.class_one.concern.pk),
    route(SAFE + "case_entry_add", LEADS_POST, lambda w: w.class_one.concern.pk),
    route(SAFE + "case_close", LEADS_POST, lambda w: w.class_one.concern.pk),
    route(SAFE + "case_reopen", LEADS_POST, lambda w: w.class_one.concern.pk),
    route(SAFE + "case_link", LEADS_POST, lambda w: w.class_one.concern.pk),
    per_owner(SAFE + "pupil_record", case_record, pupil),
    per_owner(SAFE + "pupil_export", case_record, pupil),
    per_owner(SAFE + "flag", case_record, flag),
    route(SAFE + "flag_promote", LEADS_POST, lambda w: w.class_one.flag.pk),
    route(SAFE + "flag_dismiss", LEADS_POST, lambda w: w.class_one.flag.pk),
    route(SAFE + "search", LEADS_PAGE),
    route(SAFE + "access_log", LEADS_PAGE),
    route(SAFE + "settings", LEADS_PAGE),
    # Safeguarding: records that follow the child (transfer part of issue 11)
    per_owner(SAFE + "child_details", case_record, pupil),
    per_owner(SAFE + "transfer_new", case_record, pupil),
    route(SAFE + "legal_hold_place", LEADS_POST, lambda w: w.class_one.pupil.pk),
    route(SAFE + "legal_hold_lift", LEADS_POST, lambda w: w.class_one.pupil.pk),
    route(SAFE + "transfers", LEADS_PAGE),
    route(SAFE + "record_import", LEADS_PAGE),
    route(SAFE + "retention", LEADS_PAGE),
    Row(
        key=SAFE + "transfer",
        name=SAFE + "transfer",
        cases=(
            Case(
                "transfer (school A)",
                lambda w: reverse(SAFE + "transfer", args=[_transfer(w, Owner.CLASS_ONE)[0].pk]),
                case_record(Owner.CLASS_ONE),
            ),
            Case(
                "transfer (school B)",
                lambda w: reverse(SAFE + "transfer", args=[_transfer(w, Owner.OTHER_SCHOOL)[0].pk]),
                case_record(Owner.OTHER_SCHOOL),
            ),
        ),
    ),
    # The receiving school's one-time link: open to whoever holds it (the receiving DSL may
    # have no account here), but it says nothing about the child or either school until the
    # code is given; the files need the code first (a redirect back to the link), and an
    # unknown token is a plain 404.
    Row(
        key=SAFE + "receive",
        name=SAFE + "receive",
        cases=(
            Case(
                "receive (a live link, no code yet)",
                lambda w: reverse(SAFE + "receive", args=[_transfer(w, Owner.CLASS_ONE)[1]]),
                everyone(OK),
            ),
            Case(
                "receive (an unknown token)",
                lambda w: reverse(SAFE + "receive", args=["x" * 43]),
                everyone(NOT_FOUND),
            ),
        ),
    ),
    Row(
        key=SAFE + "receive_file",
        name=SAFE + "receive_file",
        cases=(
            Case(
                "receive_file (no code yet)",
                lambda w: reverse(
                    SAFE + "receive_file", args=[_transfer(w, Owner.CLASS_ONE)[1], "json"]
                ),
                everyone(REDIRECT),
            ),
            Case(
                "receive_file (an unknown token)",
                lambda w: reverse(SAFE + "receive_file", args=["x" * 43, "pdf"]),
                everyone(NOT_FOUND),
            ),
        ),
    ),
    route(SAFE + "receive_confirm", everyone(NOT_ALLOWED), lambda w: "x" * 43),
    # Safeguarding casework: actions, attachments, referral outcomes, related cases
    route(SAFE + "my_actions", LEADS_PAGE),
    route(SAFE + "case_action_add", LEADS_POST, lambda w: w.class_one.concern.pk),
    route(SAFE + "case_action_complete", LEADS_POST, lambda w: w.class_one.concern.pk, lambda w: 1),
    route(SAFE + "case_attachment_add", LEADS_POST, lambda w: w.class_one.concern.pk),
    Row(
        key=SAFE + "attachment",
        name=SAFE + "attachment",
        cases=tuple(
            Case(f"attachment ({owner.value})", _attachment_url(owner), case_record(owner))
            for owner in Owner
        ),
    ),
    route(
        SAFE + "case_referral_outcome",
        LEADS_POST,
        lambda w: w.class_one.concern.pk,
        lambda w: w.class_one.entry.pk,
    ),
    route(SAFE + "case_related_add", LEADS_POST, lambda w: w.class_one.concern.pk),
    # H5P: the player and files on their own origin; the xAPI intake on the site
    h5p_route("h5p:play", lambda w: w.h5p_content.key),
    h5p_route("h5p:h5p_json", lambda w: w.h5p_content.key),
    h5p_route("h5p:content_json", lambda w: w.h5p_content.key),
    h5p_route("h5p:content_file", lambda w: w.h5p_content.key, lambda w: w.h5p_content_file),
    h5p_route("h5p:library_json", lambda w: w.h5p_library.folder_name),
    h5p_route(
        "h5p:library_file", lambda w: w.h5p_library.folder_name, lambda w: w.h5p_library_file
    ),
    Row(
        key="h5p:xapi",
        name="h5p:xapi",
        cases=(
            Case("xapi on the site", lambda w: reverse("h5p:xapi"), everyone(NOT_ALLOWED)),
            Case(
                "xapi on the H5P origin",
                lambda w: reverse("h5p:xapi"),
                everyone(NOT_FOUND),
                host=H5P_HOST,
            ),
        ),
    ),
    # Staff training: courses are for any school's staff; certificates for their holder; the
    # school's table for its admins and leads; its settings for its admins
    route("training:home", STAFF_PAGE),
    route("training:course", STAFF_PAGE, _staff_course),
    route("training:course_activity", STAFF_POST, _staff_course, _staff_activity),
    route("training:quiz", STAFF_PAGE, _staff_course),
    per_owner("training:certificate", own_certificate, _certificate),
    route("training:part_one_sign", STAFF_POST),
    route("training:school", TRAINING_LEADS_PAGE),
    route("training:school_export", TRAINING_LEADS_PAGE, lambda w: "csv"),
    route("training:assign", TRAINING_LEADS_PAGE),
    route("training:settings", SCHOOL_ADMIN_PAGE),
    # The API: a school's token, never a browser session
    route("streamwise_api:openapi-json", PUBLIC),
    route("streamwise_api:api-root", everyone(NOT_FOUND)),
    api_operation("GET /classes", "list_classes", API_LIST),
    api_operation("GET /classes/{class_id}/pupils", "list_class_pupils", api_scoped, group),
    api_operation(
        "GET /classes/{class_id}/assignments", "list_class_assignments", api_scoped, group
    ),
    api_operation(
        "GET /assignments/{assignment_id}/progress", "assignment_progress", api_scoped, assignment
    ),
    # Wagtail pages: the course site is public; lessons are for pupils of their age band and
    # for staff and editors as a preview; a visitor signed out mid-lesson is most likely a pupil
    page_type("wagtailcore.Page", not_served="only the tree root and Wagtail's starter page"),
    page_type("lessons.LessonLibraryPage", Case("the library", lambda w: w.library.url, PUBLIC)),
    page_type(
        "training.StaffCourseIndexPage",
        not_served="kept outside every site; staff training is at training:home",
    ),
    page_type(
        "training.StaffCoursePage",
        not_served="kept outside every site; staff open a course at training:course",
    ),
    page_type("lessons.ModulePage", Case("a module", lambda w: w.module.url, PUBLIC)),
    page_type(
        "lessons.LessonPage",
        Case(
            "an 8–10 lesson",
            lambda w: w.lesson.url,
            grid(OK, (ANONYMOUS, PUPIL_LOGIN)),
        ),
        Case(
            "an 8–10 lesson's step",
            lambda w: w.lesson.url + "step/1/",
            grid(OK, (ANONYMOUS, PUPIL_LOGIN)),
        ),
        Case(
            "an 11–13 lesson",
            lambda w: w.older_lesson.url,
            grid(OK, (ANONYMOUS, PUPIL_LOGIN), (PUPILS, FORBIDDEN)),
        ),
        Case(
            "a lesson's progress (POST only)",
            lambda w: w.lesson.url + "progress/",
            grid(NOT_ALLOWED, (ANONYMOUS, PUPIL_LOGIN)),
        ),
    ),
    # Third-party URLs, on a sample: the Wagtail admin is for content editors only; anyone
    # else signed in gets "the editing area isn't for your account" (403), not a login loop
    sample(
        "admin/",
        fixed("/admin/", ADMIN_ONLY),
        fixed("/admin/pages/", ADMIN_ONLY),
        Case(
            "edit the library page",
            lambda w: reverse("wagtailadmin_pages:edit", args=[w.library.pk]),
            ADMIN_ONLY,
        ),
        fixed("/admin/snippets/quizzes/quiz/", ADMIN_ONLY),
        fixed("/admin/snippets/h5p/h5pcontent/", ADMIN_ONLY),
        # Editors do not manage people or install H5P libraries: back to the dashboard
        fixed("/admin/users/", grid(FORBIDDEN, (ANONYMOUS, LOGIN), (R.CONTENT_EDITOR, REDIRECT))),
        fixed(
            "/admin/h5p_libraries/",
            grid(FORBIDDEN, (ANONYMOUS, LOGIN), (R.CONTENT_EDITOR, REDIRECT)),
        ),
    ),
    # Staff accounts (allauth): a pupil has no email address or password of their own to manage
    sample(
        "accounts/",
        fixed("/accounts/login/", grid(REDIRECT, (ANONYMOUS, OK), (PUPILS, FORBIDDEN))),
        # "Sign-up is closed": staff accounts are made by a school admin
        fixed("/accounts/signup/", grid(REDIRECT, (ANONYMOUS, OK), (PUPILS, FORBIDDEN))),
        fixed("/accounts/password/reset/", grid(OK, (PUPILS, FORBIDDEN))),
        fixed("/accounts/email/", grid(OK, (ANONYMOUS, LOGIN), (PUPILS, FORBIDDEN))),
        fixed("/accounts/password/set/", grid(REDIRECT, (ANONYMOUS, LOGIN), (PUPILS, FORBIDDEN))),
        fixed("/accounts/2fa/", grid(OK, (ANONYMOUS, LOGIN), (PUPILS, FORBIDDEN))),
    ),
    sample("_util/", fixed("/_util/login/", PUBLIC)),
    sample("documents/", fixed("/documents/999999/missing.pdf", everyone(NOT_FOUND))),
    # Triage (issue 11): a case's categories and assignee; governor counts (no names)
    route(SAFE + "case_categories", LEADS_POST, lambda w: w.class_one.concern.pk),
    route(SAFE + "case_assign", LEADS_POST, lambda w: w.class_one.concern.pk),
    route(SAFE + "reports", LEADS_PAGE),
    route(SAFE + "reports_csv", LEADS_PAGE),
    # Parent and carer packs (issue 12): public, the same for everyone, nothing about anyone
    route("parents:pack", PUBLIC, _with_parent_pack),
    route("parents:pack_pdf", PUBLIC, _with_parent_pack),
    # Trusts and school switching (issue 17)
    route("school_switch", grid(FORBIDDEN, (ANONYMOUS, LOGIN), (STAFF, NOT_ALLOWED))),
    route(PORTAL + "trust_home", TRUST_PAGE_REDIRECT),
    Row(
        key=PORTAL + "trust_overview",
        name=PORTAL + "trust_overview",
        cases=(
            Case(
                "trust_overview (their trust)",
                lambda w: reverse(PORTAL + "trust_overview", args=[w.trust.pk]),
                TRUST_PAGE,
            ),
            Case(
                "trust_overview (another trust)",
                lambda w: reverse(PORTAL + "trust_overview", args=[w.other_trust.pk]),
                grid(FORBIDDEN, (ANONYMOUS, LOGIN), (R.TRUST_ADMIN, NOT_FOUND)),
            ),
        ),
    ),
    Row(
        key=PORTAL + "trust_assign",
        name=PORTAL + "trust_assign",
        cases=(
            Case(
                "trust_assign (their trust)",
                lambda w: reverse(PORTAL + "trust_assign", args=[w.trust.pk]),
                TRUST_PAGE,
            ),
            Case(
                "trust_assign (another trust)",
                lambda w: reverse(PORTAL + "trust_assign", args=[w.other_trust.pk]),
                grid(FORBIDDEN, (ANONYMOUS, LOGIN), (R.TRUST_ADMIN, NOT_FOUND)),
            ),
        ),
    ),
)
