"""The declared table of every route that accepts a state-changing request (issue 8).

Each entry says how to build the URL, who sends the request and a valid body. The CSRF and
request-body tests run over this table, and `test_every_state_changing_route_is_declared`
fails when a project route that accepts POST (or PUT, PATCH, DELETE) is missing from it, so a
new form cannot skip these checks.

allauth and the Wagtail admin are third-party: a representative sample is declared (staff
login, password reset, the TOTP step, a page edit, the H5P upload), marked ``third_party``.
"""

from __future__ import annotations

import datetime
import inspect
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.safeguarding.helpers import PASSWORD, TOTP_SECRET

from .conftest_posts import World

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PROJECT_APPS = frozenset(
    {
        "schools",
        "lessons",
        "quizzes",
        "h5p",
        "teacher_portal",
        "safeguarding",
        "training",
        "streamwise",
    }
)


@dataclass(frozen=True)
class Endpoint:
    """One state-changing route and how to use it properly.

    ``route`` is the pattern as the URL resolver spells it (``portal/classes/<int:pk>/``), or
    ``<PageModel>:<sub-route>`` for a Wagtail page's own routes. ``user`` is a kind that
    `conftest_posts.log_in` knows. ``kind`` is "form" (urlencoded), "upload" (multipart with a
    file) or "json". ``writes`` says whether the valid body writes to the database (some
    posts only move a session along). ``foreign`` gives the valid body with another school's
    ids in it, for routes that take ids. ``upload_cap`` names the setting that caps the size
    of the uploaded file. ``numbers`` are the fields that hold a number (an id, a year group, a
    step). ``opaque_fields`` are left valid by the malformed-body tests, with
    the reason: a third-party widget that cannot parse anything else.
    """

    name: str
    route: str
    user: str
    url: Callable[[World], str]
    body: Callable[[World], dict]
    kind: str = "form"
    writes: bool = True
    foreign: Callable[[World], dict] | None = None
    headers: tuple[tuple[str, str], ...] = ()
    upload_cap: str = ""
    numbers: tuple[str, ...] = ()
    opaque_fields: dict[str, str] = field(default_factory=dict)
    third_party: bool = False

    def __str__(self) -> str:
        return self.name


def _sso_link(school):
    """A school's single sign-on link (made once: the body names it, the post removes it)."""
    from schools.models import SchoolSignIn, SignInKind

    link, _ = SchoolSignIn.objects.get_or_create(
        school=school,
        provider="microsoft",
        defaults={"kind": SignInKind.MICROSOFT, "tenant": "72f988bf-86f1-41af-91ab-2d7cd011db47"},
    )
    return link


def _url(name: str, *args: Callable[[World], object]) -> Callable[[World], str]:
    """A URL builder: `reverse(name)` with arguments taken from the world."""
    return lambda w: reverse(name, args=[arg(w) for arg in args])


def _lesson_route(name: str, *args: Callable[[World], object]) -> Callable[[World], str]:
    return lambda w: w.lesson.url + w.lesson.reverse_subpage(name, args=[a(w) for a in args])


def _activity(yaml_id: str) -> Callable[[World], str]:
    """An activity of the lesson Isla is working through."""

    def url(w: World) -> str:
        w.lesson_in_progress  # noqa: B018
        return _lesson_route("lesson_activity", lambda w: w.activity_id(yaml_id))(w)

    return url


def _nothing(world: World) -> dict:
    return {}


def _class_with_typed_passwords(w: World) -> int:
    from schools.services import NewPupil, pupils_bulk_create

    w.older_login  # noqa: B018 (someone who has a password, and keeps it)
    if not w.senior_group.pupils.filter(password_hash="").exists():
        pupils_bulk_create(  # someone imported, who gets their first password
            school=w.school,
            pupils=[NewPupil(display_name="Tara", year_group=7, teaching_group=w.senior_group)],
        )
    return w.senior_group.pk


def _card_token(w: World) -> str:
    """A working QR card token for Isla (made once per world)."""
    from schools.cards import card_tokens_issue

    if not hasattr(w, "card_token"):
        w.card_token = card_tokens_issue(group=w.group, pupils=[w.pupil])[w.pupil.pk]
    return w.card_token


def _paused_pupil(w: World) -> int:
    """Isla, paused after wrong tries (so that unlocking her writes)."""
    from schools.models import Pupil

    Pupil.objects.filter(pk=w.pupil.pk).update(
        failed_logins=0, locked_until=timezone.now() + datetime.timedelta(minutes=15)
    )
    return w.pupil.pk


def _dates(**changes) -> dict:
    today = timezone.localdate()
    data = {"opens_on": today.isoformat(), "due_on": (today + datetime.timedelta(7)).isoformat()}
    data.update(changes)
    return data


def _casework_action(w: World):
    """Casework: an open action on the world's case (made once per world)."""
    if "_casework_action" not in w.__dict__:
        from safeguarding import services

        w.__dict__["_casework_action"] = services.case_action_add(
            concern=w.concern,
            user=w.dsl,
            title="Call parent",
            owner=w.dsl,
            due_at=timezone.now() + datetime.timedelta(hours=1),
        )
    return w.__dict__["_casework_action"]


def _casework_referral(w: World):
    """Casework: a referral on the world's case, awaiting its outcome."""
    if "_casework_referral" not in w.__dict__:
        from safeguarding import services

        w.__dict__["_casework_referral"] = services.chronology_add(
            concern=w.concern,
            user=w.dsl,
            kind="referral",
            agency="social_care",
            event_date=timezone.localdate(),
        )
    return w.__dict__["_casework_referral"]


def _far_dsl(w: World):
    if "_far_dsl" not in w.__dict__:
        from schools.models import StaffRole
        from tests import factories

        w.__dict__["_far_dsl"] = factories.staff(w.other_school, StaffRole.DSL)
    return w.__dict__["_far_dsl"]


def _action_body(w: World, **changes) -> dict:
    data = {
        "action-title": "Call parent",
        "action-owner": w.dsl.pk,
        "action-due_at": (timezone.localtime() + datetime.timedelta(hours=2)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "action-submission": str(uuid.uuid4()),
    }
    data.update({f"action-{name}": value for name, value in changes.items()})
    return data


def _outcome_body(w: World) -> dict:
    prefix = f"outcome-{_casework_referral(w).pk}"
    return {
        f"{prefix}-outcome": "early_help",
        f"{prefix}-outcome_at": (timezone.localtime() - datetime.timedelta(hours=1)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        f"{prefix}-reference": "EH-12",
    }


def _raise_body(w: World, **changes) -> dict:
    data = {
        "pupil": w.pupil.pk,
        "what_happened": "She said: he told me to keep it our secret.",
        "occurred_at": "",
        "location": "Year 4 lesson",
        "categories": [w.categories[0].pk],
        "immediate_danger": "no",
        "told_dsl_in_person": "no",
        "submission": str(uuid.uuid4()),
    }
    data.update(changes)
    return data


def _roster_file(w: World) -> dict:
    w.group  # noqa: B018 (the class the file names)
    content = b"Name,Year group,Class\nAva B,4,Kestrels\n"
    return {"file": SimpleUploadedFile("pupils.csv", content, "text/csv")}


def _oneroster_file(w: World) -> dict:
    from tests.schools.oneroster_files import autumn

    return {"file": SimpleUploadedFile("roster.zip", autumn(), "application/zip")}


def _oneroster_key(w: World) -> dict:
    """A kept upload of the world's school admin, ready to apply."""
    from schools.oneroster.apply import upload_keep
    from tests.schools.oneroster_files import autumn

    upload = upload_keep(school=w.school, user=w.school_admin, filename="r.zip", data=autumn())
    return {"key": upload.key}


def _wonde_connect(w: World) -> dict:
    return {"token": "wonde-test-token-0123456789abcdef", "wonde_school_id": "A1930499544"}


def _wonde_connected(w: World) -> dict:
    from tests.wonde_server.records import wonde_connection

    wonde_connection(w.school)
    return {}


def _wonde_groups(w: World) -> dict:
    from tests.wonde_server.records import wonde_connection

    wonde_connection(w.school)
    return {"groups_from": "registration"}


def _wonde_preview(w: World) -> dict:
    from tests.wonde_server.records import wonde_preview_sync

    return {"sync": wonde_preview_sync(w.school).pk}


def _wonde_preview_other_school(w: World) -> dict:
    from tests.wonde_server.records import wonde_preview_sync

    return {"sync": wonde_preview_sync(w.other_school).pk}


def _sent(w: World):
    """A file sent by the world's DSL (its token and code are known only when it is sent)."""
    if "_sent_transfer" not in w.__dict__:
        from safeguarding.services import transfer_send

        w.__dict__["_sent_transfer"] = transfer_send(
            pupil=w.pupil, user=w.dsl, destination_school="Elmwood Academy"
        )
    return w.__dict__["_sent_transfer"]


def _held(w: World):
    from safeguarding.services import legal_hold_place

    legal_hold_place(pupil=w.pupil, user=w.dsl, reason="An inquiry")
    return w.pupil


def _child_details_body(w: World) -> dict:
    return {
        "child-legal_name": "Isla Marie Jones",
        "child-date_of_birth": "2016-03-01",
        "child-upn": "",
        "child-leaving_date": "",
        "child-destination_school": "",
        "carers-TOTAL_FORMS": "1",
        "carers-INITIAL_FORMS": "0",
        "carers-0-name": "Sam Jones",
        "carers-0-relationship": "Mother",
        "carers-0-phone": "07700 900123",
        "carers-0-email": "",
        "carers-0-notes": "",
    }


def _import_body(w: World, pupil_id) -> dict:
    sent = _sent(w)
    return {
        "json_file": SimpleUploadedFile("f.json", bytes(sent.transfer.json), "application/json"),
        "manifest_file": SimpleUploadedFile(
            "f.manifest.json", bytes(sent.transfer.manifest), "application/json"
        ),
        "pupil": pupil_id,
    }


def _library_upload(w: World) -> dict:
    from tests.h5p.builders import library_json, library_package

    data = library_package(
        "Test.Lib-1.0", library_json("Test.Lib", preloadedJs=[{"path": "a.js"}]), {"a.js": b"1"}
    )
    return {"package": SimpleUploadedFile("lib.h5p", data, "application/zip")}


def _content_upload(w: World) -> dict:
    from tests.h5p.builders import package

    w.h5p_libraries  # noqa: B018
    return {
        "package": SimpleUploadedFile("activity.h5p", package(), "application/zip"),
        "title": "",
        "slug": "",
        "max_score": "",
    }


def _statement(w: World, user) -> dict:
    return {
        "token": w.xapi_token(user),
        "statement": {
            "actor": {"name": "Isla", "mbox": "mailto:isla@example.com"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en": "x"}},
            "object": {"id": "http://h5p.testserver/h5p/play/x/", "objectType": "Activity"},
            "result": {"score": {"min": 0, "raw": 1, "max": 2}, "response": "a chat"},
        },
    }


def _totp_code(w: World) -> dict:
    from tests.e2e.conftest import totp_now

    return {"code": totp_now(TOTP_SECRET)}


def _page_edit(w: World) -> dict:
    page = w.library_page
    return {
        "title": "Lessons about live-streaming",
        "slug": page.slug,
        "intro": json.dumps({"blocks": [], "entityMap": {}}),
        "seo_title": "",
        "search_description": "",
    }


def _staff_course(w: World):
    """A shipped staff course (loaded the first time one is asked for)."""
    from training.loader import courses_load
    from training.models import StaffCoursePage

    if not StaffCoursePage.objects.exists():
        courses_load()
    return StaffCoursePage.objects.get(slug="receiving-a-disclosure")


def _staff_quiz_answers(w: World) -> dict:
    """Every question of the course's quiz answered right (a pass)."""
    answers = {}
    for number, child in enumerate(_staff_course(w).questions, start=1):
        options = list(child.value["options"])
        answers[f"question-{number}"] = str(next(i for i, o in enumerate(options) if o["correct"]))
    return answers


def _part_one_url(w: World) -> str:
    """The sign-off, once the school has chosen a version of KCSIE Part one to read."""
    from training.services import settings_for, settings_update

    if not settings_for(w.school).part_one_version:
        settings_update(
            school=w.school, renewal_months=12, part_one_version="2025", part_one_due_on=None
        )
    return reverse("training:part_one_sign")


HTMX = (("HX-Request", "true"),)

ENDPOINTS: list[Endpoint] = [
    # --- Pupil login (schools) --------------------------------------------------------------
    Endpoint(
        name="pupil_login_code",
        route="login/pupil/",
        user="anonymous",
        url=_url("pupil_login"),
        body=lambda w: {"code": w.senior_group.code},
        writes=False,  # the chosen class goes in the session
    ),
    Endpoint(
        name="pupil_login_name",
        route="login/pupil/name/",
        user="pupil_choosing_name",
        url=_url("pupil_login_name"),
        body=lambda w: {"pupil": w.older_login.pupil.pk},
        numbers=("pupil",),
        writes=False,
        foreign=lambda w: {"pupil": w.far_pupil.pk},
    ),
    Endpoint(
        name="pupil_login_secret",
        route="login/pupil/pictures/",
        user="pupil_typing_password",
        url=_url("pupil_login_secret"),
        body=lambda w: {"password": w.older_login.password},
    ),
    Endpoint(
        name="pupil_login_pictures",
        route="login/pupil/pictures/",
        user="pupil_tapping_pictures",
        url=_url("pupil_login_secret"),
        body=lambda w: {"picture": w.pupil_login.picture_password.split("-")[0]},
        writes=False,  # one tap of three: the picks so far go in the session
    ),
    Endpoint(
        name="pupil_login_pictures_together",
        route="login/pupil/pictures/",
        user="pupil_tapping_pictures",
        url=_url("pupil_login_secret"),
        # With JavaScript the page sends the three taps in one post.
        body=lambda w: {"picture": w.pupil_login.picture_password.split("-")},
    ),
    Endpoint(
        name="pupil_login_choose",
        route="login/pupil/pictures/",
        user="pupil_choosing_name",
        url=_url("pupil_login_secret"),
        # A tapped name posts straight to the pictures (or password) page.
        body=lambda w: {"pupil": w.older_login.pupil.pk},
        numbers=("pupil",),
        writes=False,
        foreign=lambda w: {"pupil": w.far_pupil.pk},
    ),
    Endpoint(
        name="pupil_login_card",
        route="login/pupil/card/",
        user="anonymous",
        url=_url("pupil_login_card"),
        body=lambda w: {"token": _card_token(w)},
        writes=False,  # the card's class and pupil go in the session
    ),
    Endpoint(
        name="pupil_logout",
        route="login/pupil/logout/",
        user="pupil",
        url=_url("pupil_logout"),
        body=_nothing,
        writes=False,  # only the session goes
    ),
    # --- The school in use (issue 17) ------------------------------------------------------
    Endpoint(
        name="school_switch",
        route="home/school/",
        user="teacher",
        url=_url("school_switch"),
        body=lambda w: {"school": w.school.pk},
        numbers=("school",),
        writes=False,  # the chosen school goes in the session
        foreign=lambda w: {"school": w.other_school.pk},
    ),
    Endpoint(
        name="trust_assign",
        route="portal/trust/<int:pk>/work/add/",
        user="trust_admin",
        url=lambda w: reverse(
            "teacher_portal:trust_assign", args=[w.trust_admin.trust_memberships.get().trust_id]
        ),
        body=lambda w: _dates(module=str(w.module.pk), year_group="4"),
        numbers=("module", "year_group"),
    ),
    # --- Lesson player (LessonPage routes) -----------------------------------------------
    Endpoint(
        name="lesson_progress",
        route="LessonPage:progress/",
        user="pupil",
        url=_lesson_route("lesson_progress"),
        body=lambda w: {"step": "2"},
        numbers=("step",),
    ),
    Endpoint(
        name="lesson_activity",
        route="LessonPage:activity/<str:activity_id>/",
        user="pupil",
        url=_activity("quick-check"),
        body=lambda w: {"statement-0": "false", "statement-1": "false"},
    ),
    Endpoint(
        name="lesson_activity_htmx",
        route="LessonPage:activity/<str:activity_id>/",
        user="pupil",
        url=_activity("chat-signs"),
        body=lambda w: {"flag": ["1", "3"]},
        numbers=("flag",),
        headers=HTMX,
    ),
    # --- Quizzes ---------------------------------------------------------------------------
    Endpoint(
        name="quiz_start",
        route="quizzes/<int:pk>/start/",
        user="pupil",
        url=_url("quizzes:start", lambda w: w.quiz.pk),
        body=_nothing,
    ),
    Endpoint(
        name="module_check_start",
        route="learn/modules/<int:module_id>/check/<str:phase>/",
        user="pupil",
        url=lambda w: reverse("learn_module_check", args=[w.module_check.pk, "before"]),
        body=_nothing,
    ),
    Endpoint(
        name="quiz_answer_choice",
        route="quizzes/attempts/<int:attempt_pk>/questions/<int:number>/",
        user="pupil",
        url=_url("quizzes:question", lambda w: w.attempt.pk, lambda w: w.question_number("q1")),
        body=lambda w: {"option": w.question_options("q1")[0].pk},
        numbers=("option",),
        foreign=lambda w: {"option": w.far_option.pk},
    ),
    Endpoint(
        name="quiz_answer_text",
        route="quizzes/attempts/<int:attempt_pk>/questions/<int:number>/",
        user="pupil",
        url=_url("quizzes:question", lambda w: w.attempt.pk, lambda w: w.question_number("q7")),
        body=lambda w: {"text": "I would tell a grown-up I trust."},
    ),
    Endpoint(
        name="quiz_finish",
        route="quizzes/attempts/<int:attempt_pk>/finish/",
        user="pupil",
        url=_url("quizzes:finish", lambda w: w.attempt.pk),
        body=_nothing,
    ),
    # --- Teacher portal: classes, login cards, work set ------------------------------------
    Endpoint(
        name="login_cards_new_passwords",
        route="portal/classes/<int:pk>/login-cards/new-passwords/",
        user="teacher",
        url=_url("teacher_portal:login_cards_new_passwords", _class_with_typed_passwords),
        body=lambda w: {"confirm": "on"},
    ),
    Endpoint(
        name="login_cards_qr",
        route="portal/classes/<int:pk>/login-cards/qr/",
        user="teacher",
        url=_url("teacher_portal:login_cards_qr", lambda w: (w.pupil, w.group.pk)[1]),
        body=lambda w: {"confirm": "on"},
    ),
    Endpoint(
        name="assignment_add",
        route="portal/classes/<int:pk>/work/add/",
        user="teacher",
        url=_url("teacher_portal:assignment_add", lambda w: w.group.pk),
        body=lambda w: _dates(page=str(w.module.pk), pupils=[w.pupil.pk]),
        numbers=("page", "pupils"),
        foreign=lambda w: _dates(page=str(w.module.pk), pupils=[w.far_pupil.pk]),
    ),
    Endpoint(
        name="assignment_edit",
        route="portal/classes/<int:pk>/work/<int:assignment_pk>/edit/",
        user="teacher",
        url=_url("teacher_portal:assignment_edit", lambda w: w.group.pk, lambda w: w.assignment.pk),
        body=lambda w: _dates(page=str(w.module.pk)),
        numbers=("page",),
        foreign=lambda w: _dates(page=str(w.module.pk), pupils=[w.far_pupil.pk]),
    ),
    Endpoint(
        name="assignment_withdraw",
        route="portal/classes/<int:pk>/work/<int:assignment_pk>/withdraw/",
        user="teacher",
        url=_url(
            "teacher_portal:assignment_withdraw",
            lambda w: w.group.pk,
            lambda w: w.assignment.pk,
        ),
        body=_nothing,
    ),
    Endpoint(
        name="teach_attendance",
        route="portal/classes/<int:pk>/teach/<int:lesson_pk>/who-was-here/",
        user="teacher",
        url=_url("teacher_portal:teach_attendance", lambda w: w.group.pk, lambda w: w.lesson.pk),
        body=lambda w: {"present": [w.pupil.pk]},
        numbers=("present",),
        foreign=lambda w: {"present": [w.far_pupil.pk]},
    ),
    Endpoint(
        name="pupil_reset_login",
        route="portal/pupils/<int:pk>/reset-login/",
        user="teacher",
        # Quinn types a password: a new one always differs (a new picture password may not).
        url=_url("teacher_portal:pupil_reset_login", lambda w: w.older_login.pupil.pk),
        body=_nothing,
    ),
    Endpoint(
        name="pupil_unlock",
        route="portal/pupils/<int:pk>/unlock/",
        user="teacher",
        url=lambda w: reverse("teacher_portal:pupil_unlock", args=[_paused_pupil(w)]),
        body=_nothing,
    ),
    # --- Teacher portal: school admin -----------------------------------------------------
    Endpoint(
        name="class_add",
        route="portal/school/classes/add/",
        user="school_admin",
        url=_url("teacher_portal:class_add"),
        body=lambda w: {"name": "Robins", "year_group": "3", "teachers": [w.teacher.pk]},
        numbers=("year_group", "teachers"),
        foreign=lambda w: {"name": "Robins", "year_group": "3", "teachers": [w.far_teacher.pk]},
    ),
    Endpoint(
        name="class_edit",
        route="portal/school/classes/<int:pk>/edit/",
        user="school_admin",
        url=_url("teacher_portal:class_edit", lambda w: w.group.pk),
        body=lambda w: {"name": "Kestrels 5", "year_group": "5", "teachers": [w.teacher.pk]},
        numbers=("year_group", "teachers"),
        foreign=lambda w: {"name": "Kestrels", "year_group": "4", "teachers": [w.far_teacher.pk]},
    ),
    Endpoint(
        name="class_archive",
        route="portal/school/classes/<int:pk>/archive/",
        user="school_admin",
        url=_url("teacher_portal:class_archive", lambda w: w.group.pk),
        body=_nothing,
    ),
    Endpoint(
        name="class_restore",
        route="portal/school/classes/<int:pk>/restore/",
        user="school_admin",
        url=_url("teacher_portal:class_restore", lambda w: w.archived_group.pk),
        body=_nothing,
    ),
    Endpoint(
        name="pupil_add",
        route="portal/school/pupils/add/",
        user="school_admin",
        url=_url("teacher_portal:pupil_add"),
        body=lambda w: {
            "display_name": "Ava B",
            "year_group": "4",
            "teaching_groups": [w.group.pk],
        },
        numbers=("year_group", "teaching_groups"),
        foreign=lambda w: {
            "display_name": "Ava B",
            "year_group": "4",
            "teaching_groups": [w.far_group.pk],
        },
    ),
    Endpoint(
        name="pupil_edit",
        route="portal/school/pupils/<int:pk>/edit/",
        user="school_admin",
        url=_url("teacher_portal:pupil_edit", lambda w: w.pupil.pk),
        body=lambda w: {
            "display_name": "Isla M",
            "year_group": "4",
            "teaching_groups": [w.group.pk],
        },
        numbers=("year_group", "teaching_groups"),
        foreign=lambda w: {
            "display_name": "Isla",
            "year_group": "4",
            "teaching_groups": [w.far_group.pk],
        },
    ),
    Endpoint(
        name="pupil_move",
        route="portal/school/pupils/<int:pk>/move/",
        user="school_admin",
        url=_url("teacher_portal:pupil_move", lambda w: w.pupil.pk),
        body=lambda w: {"from_group": w.group.pk, "to_group": w.second_group.pk},
        numbers=("from_group", "to_group"),
        foreign=lambda w: {"from_group": w.group.pk, "to_group": w.far_group.pk},
    ),
    Endpoint(
        name="pupil_archive",
        route="portal/school/pupils/<int:pk>/archive/",
        user="school_admin",
        url=_url("teacher_portal:pupil_archive", lambda w: w.pupil.pk),
        body=_nothing,
    ),
    Endpoint(
        name="roster_upload",
        route="portal/school/import/",
        user="school_admin",
        url=_url("teacher_portal:roster_upload"),
        body=_roster_file,
        kind="upload",
        upload_cap="STREAMWISE_ROSTER_MAX_BYTES",
        writes=False,  # a preview: nothing is added until it is confirmed
    ),
    Endpoint(
        name="roster_confirm",
        route="portal/school/import/confirm/",
        user="school_admin",
        url=_url("teacher_portal:roster_confirm"),
        body=lambda w: {"token": w.roster_token},
    ),
    Endpoint(
        name="oneroster_upload",
        route="portal/school/oneroster/",
        user="school_admin",
        url=_url("teacher_portal:oneroster_upload"),
        body=_oneroster_file,
        kind="upload",
        upload_cap="STREAMWISE_ONEROSTER_MAX_BYTES",
    ),
    Endpoint(
        name="oneroster_apply",
        route="portal/school/oneroster/apply/",
        user="school_admin",
        url=_url("teacher_portal:oneroster_apply"),
        body=_oneroster_key,
    ),
    Endpoint(
        name="wonde_home",
        route="portal/school/wonde/",
        user="school_admin",
        url=_url("teacher_portal:wonde_home"),
        body=_wonde_connect,
    ),
    Endpoint(
        name="wonde_sync_now",
        route="portal/school/wonde/sync/",
        user="school_admin",
        url=_url("teacher_portal:wonde_sync_now"),
        body=_wonde_connected,
    ),
    Endpoint(
        name="wonde_groups",
        route="portal/school/wonde/classes/",
        user="school_admin",
        url=_url("teacher_portal:wonde_groups"),
        body=_wonde_groups,
    ),
    Endpoint(
        name="wonde_apply",
        route="portal/school/wonde/apply/",
        user="school_admin",
        url=_url("teacher_portal:wonde_apply"),
        body=_wonde_preview,
        foreign=_wonde_preview_other_school,
        numbers=("sync",),
    ),
    Endpoint(
        name="wonde_disconnect",
        route="portal/school/wonde/disconnect/",
        user="school_admin",
        url=_url("teacher_portal:wonde_disconnect"),
        body=_wonde_connected,
    ),
    Endpoint(
        name="staff_add",
        route="portal/school/staff/add/",
        user="school_admin",
        url=_url("teacher_portal:staff_add"),
        body=lambda w: {"email": "new.teacher@school.example", "roles": ["teacher"]},
    ),
    Endpoint(
        name="staff_edit",
        route="portal/school/staff/<int:user_pk>/",
        user="school_admin",
        url=_url("teacher_portal:staff_edit", lambda w: w.colleague.pk),
        body=lambda w: {"roles": ["teacher", "school_admin"]},
    ),
    Endpoint(
        name="staff_remove",
        route="portal/school/staff/<int:user_pk>/remove/",
        user="school_admin",
        url=_url("teacher_portal:staff_remove", lambda w: w.colleague.pk),
        body=_nothing,
    ),
    # --- Teacher portal: the evidence page's yearly online-safety review (DSL) -------------
    Endpoint(
        name="evidence_review_add",
        route="portal/evidence/reviews/add/",
        user="dsl",
        url=_url("teacher_portal:evidence_review_add"),
        body=lambda w: {
            "reviewed_on": str(timezone.localdate()),
            "governor_name": "Mr K. Osei",
            "what_changed": "Filtering now covers the new tablets.",
            "actions": "Review again next September.",
        },
    ),
    Endpoint(
        name="api_tokens",
        route="portal/school/api-tokens/",
        user="school_admin",
        url=_url("teacher_portal:api_tokens"),
        body=lambda w: {"name": "MIS sync"},
    ),
    Endpoint(
        name="api_token_revoke",
        route="portal/school/api-tokens/<int:pk>/revoke/",
        user="school_admin",
        url=_url("teacher_portal:api_token_revoke", lambda w: w.api_token[0].pk),
        body=_nothing,
    ),
    Endpoint(
        name="sso_links",
        route="portal/school/single-sign-on/",
        user="school_admin",
        url=_url("teacher_portal:sso_links"),
        body=lambda w: {"remove": _sso_link(w.school).pk},
        numbers=("remove",),
        foreign=lambda w: {"remove": _sso_link(w.other_school).pk},
    ),
    Endpoint(
        name="sign_in_settings",
        route="portal/school/pupil-sign-in/",
        user="school_admin",
        url=_url("teacher_portal:sign_in_settings"),
        body=lambda w: {"qr_cards_sign_in_alone": "on"},
    ),
    # --- Safeguarding ------------------------------------------------------------------------
    Endpoint(
        name="talk",
        route="safeguarding/talk/",
        user="pupil",
        url=_url("safeguarding:talk"),
        body=lambda w: {
            "feeling": "worried",
            "about": "someone_online",
            "details": "Someone keeps messaging me.",
            "talk_to": "",
            "submission": str(uuid.uuid4()),
        },
    ),
    Endpoint(
        name="raise_concern",
        route="safeguarding/raise/",
        user="teacher",
        url=_url("safeguarding:raise"),
        body=_raise_body,
        numbers=("pupil", "categories"),
        foreign=lambda w: _raise_body(w, pupil=w.far_pupil.pk, categories=[w.far_category.pk]),
    ),
    Endpoint(
        name="case_acknowledge",
        route="safeguarding/cases/<int:concern_id>/acknowledge/",
        user="dsl",
        url=_url("safeguarding:case_acknowledge", lambda w: w.concern.pk),
        body=_nothing,
    ),
    Endpoint(
        name="case_entry_add",
        route="safeguarding/cases/<int:concern_id>/entries/",
        user="dsl",
        url=_url("safeguarding:case_entry_add", lambda w: w.concern.pk),
        body=lambda w: {"form": "entry", "entry-kind": "note", "entry-text": "Spoke to Isla."},
    ),
    Endpoint(
        name="case_entry_correct",
        route="safeguarding/cases/<int:concern_id>/entries/<int:entry_id>/correct/",
        user="dsl",
        url=_url("safeguarding:case_entry_correct", lambda w: w.concern.pk, lambda w: w.entry.pk),
        body=lambda w: {"text": "It was Tuesday, not Monday."},
    ),
    Endpoint(
        name="case_close",
        route="safeguarding/cases/<int:concern_id>/close/",
        user="dsl",
        url=_url("safeguarding:case_close", lambda w: w.concern.pk),
        body=lambda w: {"close-reason": "Social care leads."},
    ),
    Endpoint(
        name="case_reopen",
        route="safeguarding/cases/<int:concern_id>/reopen/",
        user="dsl",
        url=_url("safeguarding:case_reopen", lambda w: w.closed_concern.pk),
        body=lambda w: {"reopen-reason": "A new worry."},
    ),
    Endpoint(
        name="case_link",
        route="safeguarding/cases/<int:concern_id>/link/",
        user="dsl",
        url=_url("safeguarding:case_link", lambda w: w.concern.pk),
        body=lambda w: {"link-pupil": w.other_pupil.pk, "link-note": "Friend"},
        numbers=("link-pupil",),
        foreign=lambda w: {"link-pupil": w.far_pupil.pk, "link-note": "Friend"},
    ),
    Endpoint(
        name="flag_promote",
        route="safeguarding/flags/<int:flag_id>/promote/",
        user="dsl",
        url=_url("safeguarding:flag_promote", lambda w: w.flag.pk),
        body=lambda w: {"promote-categories": [w.categories[0].pk], "promote-note": "Today"},
        numbers=("promote-categories",),
        foreign=lambda w: {"promote-categories": [w.far_category.pk], "promote-note": "Today"},
    ),
    Endpoint(
        name="flag_dismiss",
        route="safeguarding/flags/<int:flag_id>/dismiss/",
        user="dsl",
        url=_url("safeguarding:flag_dismiss", lambda w: w.flag.pk),
        body=lambda w: {"dismiss-reason": "Quoting the lesson"},
    ),
    Endpoint(
        name="dsl_search",
        route="safeguarding/search/",
        user="dsl",
        url=_url("safeguarding:search"),
        body=lambda w: {"q": "isl"},  # the search is written to the access log
    ),
    Endpoint(
        name="dsl_settings_categories",
        route="safeguarding/settings/",
        user="dsl",
        url=_url("safeguarding:settings"),
        body=lambda w: {"form": "categories", "categories-categories": "Grooming\nOther"},
    ),
    Endpoint(
        name="dsl_settings_phrases",
        route="safeguarding/settings/",
        user="dsl",
        url=_url("safeguarding:settings"),
        body=lambda w: {"form": "phrases", "phrases-phrases": "Purple giraffe\n"},
    ),
    # --- Safeguarding: records that follow the child (transfer part of issue 11) -------------
    Endpoint(
        name="child_details",
        route="safeguarding/pupils/<int:pupil_id>/details/",
        user="dsl",
        url=_url("safeguarding:child_details", lambda w: w.pupil.pk),
        body=_child_details_body,
        numbers=("carers-TOTAL_FORMS", "carers-INITIAL_FORMS"),
    ),
    Endpoint(
        name="transfer_new",
        route="safeguarding/pupils/<int:pupil_id>/transfer/",
        user="dsl",
        url=_url("safeguarding:transfer_new", lambda w: w.pupil.pk),
        body=lambda w: {"destination_school": "Elmwood Academy"},
    ),
    Endpoint(
        name="legal_hold_place",
        route="safeguarding/pupils/<int:pupil_id>/hold/",
        user="dsl",
        url=_url("safeguarding:legal_hold_place", lambda w: w.pupil.pk),
        body=lambda w: {"hold-reason": "A police investigation"},
    ),
    Endpoint(
        name="legal_hold_lift",
        route="safeguarding/pupils/<int:pupil_id>/hold/lift/",
        user="dsl",
        url=_url("safeguarding:legal_hold_lift", lambda w: _held(w).pk),
        body=lambda w: {"lift-reason": "The investigation is over"},
    ),
    Endpoint(
        name="retention_policy",
        route="safeguarding/retention/",
        user="dsl",
        url=_url("safeguarding:retention"),
        body=lambda w: {"policy-years_after_leaving": "7"},
        numbers=("policy-years_after_leaving",),
    ),
    Endpoint(
        name="record_import",
        route="safeguarding/import/",
        user="dsl",
        url=_url("safeguarding:record_import"),
        body=lambda w: _import_body(w, w.pupil.pk),
        kind="upload",
        numbers=("pupil",),
        foreign=lambda w: _import_body(w, w.far_pupil.pk),
    ),
    # The one-time link: whoever holds it, signed in or not (a DSL of another school here).
    Endpoint(
        name="receive_code",
        route="safeguarding/receive/<str:token>/",
        user="anonymous",
        url=lambda w: reverse("safeguarding:receive", args=[_sent(w).token]),
        body=lambda w: {"code": _sent(w).code},
    ),
    Endpoint(
        name="receive_confirm",
        route="safeguarding/receive/<str:token>/confirm/",
        user="receiving_dsl",
        url=lambda w: reverse("safeguarding:receive_confirm", args=[_sent(w).token]),
        body=lambda w: {"name": "Ms Patel", "school_name": "Elmwood Academy"},
    ),
    # --- Safeguarding casework: actions, attachments, referral outcomes, related cases -------
    Endpoint(
        name="case_action_add",
        route="safeguarding/cases/<int:concern_id>/actions/",
        user="dsl",
        url=_url("safeguarding:case_action_add", lambda w: w.concern.pk),
        body=lambda w: _action_body(w),
        numbers=("action-owner",),
        foreign=lambda w: _action_body(w, owner=_far_dsl(w).pk),
    ),
    Endpoint(
        name="case_action_complete",
        route="safeguarding/cases/<int:concern_id>/actions/<int:action_id>/complete/",
        user="dsl",
        url=lambda w: reverse(
            "safeguarding:case_action_complete", args=[w.concern.pk, _casework_action(w).pk]
        ),
        body=lambda w: {f"complete-{_casework_action(w).pk}-note": "Rang her mum."},
    ),
    Endpoint(
        name="case_attachment_add",
        route="safeguarding/cases/<int:concern_id>/attachments/",
        user="dsl",
        url=_url("safeguarding:case_attachment_add", lambda w: w.concern.pk),
        body=lambda w: {
            "attachment-file": SimpleUploadedFile("note.txt", b"What she wrote down.\n"),
            "attachment-description": "Her note",
        },
        kind="upload",
        upload_cap="STREAMWISE_SAFEGUARDING_ATTACHMENT_MAX_BYTES",
    ),
    Endpoint(
        name="case_referral_outcome",
        route="safeguarding/cases/<int:concern_id>/entries/<int:entry_id>/outcome/",
        user="dsl",
        url=lambda w: reverse(
            "safeguarding:case_referral_outcome", args=[w.concern.pk, _casework_referral(w).pk]
        ),
        body=lambda w: _outcome_body(w),
    ),
    Endpoint(
        name="case_related_add",
        route="safeguarding/cases/<int:concern_id>/related/",
        user="dsl",
        url=_url("safeguarding:case_related_add", lambda w: w.concern.pk),
        body=lambda w: {"related-other": w.closed_concern.pk, "related-relationship": "siblings"},
        numbers=("related-other",),
        foreign=lambda w: {"related-other": w.far_concern.pk, "related-relationship": "siblings"},
    ),
    # --- H5P ---------------------------------------------------------------------------------
    Endpoint(
        name="h5p_xapi",
        route="h5p/xapi/",
        user="pupil",
        url=_url("h5p:xapi"),
        body=lambda w: _statement(w, w.pupil.user),
        kind="json",
    ),
    Endpoint(
        name="h5p_library_install",
        route="admin/h5p_libraries/new/",
        user="editor",
        url=_url("h5p_libraries:add"),
        body=_library_upload,
        kind="upload",
        upload_cap="STREAMWISE_H5P_MAX_UPLOAD_BYTES",
    ),
    # --- Third-party samples: allauth, Wagtail admin ------------------------------------
    Endpoint(
        name="staff_login",
        route="accounts/login/",
        user="anonymous",
        url=_url("account_login"),
        body=lambda w: {"login": w.teacher.email, "password": PASSWORD},
        third_party=True,
    ),
    Endpoint(
        name="password_reset",
        route="accounts/password/reset/",
        user="anonymous",
        url=_url("account_reset_password"),
        body=lambda w: {"email": w.teacher.email},
        writes=False,  # an email goes out
        third_party=True,
    ),
    Endpoint(
        name="mfa_authenticate",
        route="accounts/2fa/authenticate/",
        user="dsl_at_mfa_step",
        url=_url("mfa_authenticate"),
        body=_totp_code,
        numbers=("code",),
        third_party=True,
    ),
    Endpoint(
        name="wagtail_page_edit",
        route="admin/pages/<int:page_id>/edit/",
        user="editor",
        url=_url("wagtailadmin_pages:edit", lambda w: w.library_page.pk),
        body=_page_edit,
        opaque_fields={
            # Wagtail's Draftail widget json.loads() the field unguarded: anything but its JSON
            # is a 500 in the admin (upstream; editors only, never pupils or staff).
            "intro": "Wagtail's rich text widget",
        },
        third_party=True,
    ),
    Endpoint(
        name="h5p_content_upload",
        route="admin/snippets/h5p/h5pcontent/add/",
        user="editor",
        url=_url("wagtailsnippets_h5p_h5pcontent:add"),
        body=_content_upload,
        kind="upload",
        upload_cap="STREAMWISE_H5P_MAX_UPLOAD_BYTES",
        third_party=True,
    ),
    # --- Notify: escalation settings (repeat interval, head teacher) --------------------------
    Endpoint(
        name="dsl_settings_escalation",
        route="safeguarding/settings/",
        user="dsl",
        url=_url("safeguarding:settings"),
        body=lambda w: {
            "form": "escalation",
            "escalation-escalation_repeat_minutes": "45",
            "escalation-head_teacher": str(w.teacher.pk),
        },
        numbers=("escalation-escalation_repeat_minutes", "escalation-head_teacher"),
        foreign=lambda w: {
            "form": "escalation",
            "escalation-escalation_repeat_minutes": "45",
            "escalation-head_teacher": str(w.far_teacher.pk),
        },
    ),
    # --- Triage (issue 11): a case's categories and assignee ------------------------------------
    Endpoint(
        name="case_categories",
        route="safeguarding/cases/<int:concern_id>/categories/",
        user="dsl",
        url=_url("safeguarding:case_categories", lambda w: w.concern.pk),
        body=lambda w: {"categories-categories": [w.categories[0].pk]},
        numbers=("categories-categories",),
        foreign=lambda w: {"categories-categories": [w.far_category.pk]},
    ),
    Endpoint(
        name="case_assign",
        route="safeguarding/cases/<int:concern_id>/assign/",
        user="dsl",
        url=_url("safeguarding:case_assign", lambda w: w.concern.pk),
        body=lambda w: {"assign-assignee": w.dsl.pk},
        numbers=("assign-assignee",),
        foreign=lambda w: {"assign-assignee": w.far_teacher.pk},
    ),
    # --- Staff training ----------------------------------------------------------------------
    Endpoint(
        name="training_activity",
        route="training/courses/<slug:slug>/activity/<str:activity_id>/",
        user="teacher",
        url=lambda w: reverse(
            "training:course_activity",
            args=[_staff_course(w).slug, next(iter(_staff_course(w).activities))],
        ),
        body=lambda w: {f"card-{i}": "helpful" for i in range(6)},
        headers=HTMX,
        writes=False,  # practice: answers are checked, not stored
    ),
    Endpoint(
        name="training_quiz",
        route="training/courses/<slug:slug>/quiz/",
        user="teacher",
        url=lambda w: reverse("training:quiz", args=[_staff_course(w).slug]),
        body=_staff_quiz_answers,
        numbers=tuple(f"question-{n}" for n in range(1, 6)),
    ),
    Endpoint(
        name="training_part_one_sign",
        route="training/part-one/",
        user="teacher",
        url=_part_one_url,
        body=_nothing,
    ),
    Endpoint(
        name="training_assign",
        route="training/school/assign/",
        user="school_admin",
        url=_url("training:assign"),
        body=lambda w: {
            "course": _staff_course(w).slug,
            "audience": "all",
            "due_on": (timezone.localdate() + datetime.timedelta(30)).isoformat(),
        },
    ),
    Endpoint(
        name="training_settings",
        route="training/school/settings/",
        user="school_admin",
        url=_url("training:settings"),
        body=lambda w: {
            "renewal_months": "24",
            "part_one_version": "September 2025",
            "part_one_due_on": "",
        },
        numbers=("renewal_months",),
    ),
]


# --- Finding every route that accepts a state-changing request -------------------------------

# What a view's code does when it handles more than GET: reads the method or the body.
_READS_REQUEST = re.compile(r"request\.(method|POST|FILES|body|read\()")
# A Wagtail page route that hands over to a view module: `views.lesson_progress(request, …)`.
_DELEGATES_TO = re.compile(r"\bviews\.(\w+)\(")


def _walk(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def _ninja_path_view(view):
    from ninja.operation import PathView

    for cell in getattr(view, "__closure__", None) or ():
        if isinstance(cell.cell_contents, PathView):
            return cell.cell_contents
    return None


def _owner_module(view) -> str:
    view_class = getattr(view, "view_class", None)
    return (view_class or view).__module__ or ""


def _method_list(function) -> set[str] | None:
    """The methods a `require_http_methods` wrapper allows, if this is one."""
    code = getattr(function, "__code__", None)
    if code is None or "request_method_list" not in code.co_freevars:
        return None
    cell = function.__closure__[code.co_freevars.index("request_method_list")]
    return {method.upper() for method in cell.cell_contents}


def _wrapper_chain(view):
    while view is not None:
        yield view
        view = getattr(view, "__wrapped__", None)


def _source_reads_request(function, module: str | None = None) -> bool:
    """Whether the function's code reads the method or the body, itself or in the view of its
    app's `views` module it hands over to (as a Wagtail page route does)."""
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    if _READS_REQUEST.search(source):
        return True
    delegates = _DELEGATES_TO.findall(source)
    if module is None or not delegates:
        return False
    views = import_module(f"{module.rsplit('.', 1)[0]}.views")
    return any(
        callable(getattr(views, name, None)) and accepts_unsafe_methods(getattr(views, name))
        for name in delegates
    )


def accepts_unsafe_methods(view) -> bool:
    """Whether a view may act on POST, PUT, PATCH or DELETE.

    Read from the view itself: django-ninja operations and class-based views list their
    methods; `require_http_methods` (and `require_POST`, `require_safe`) keep theirs in the
    wrapper; any other function view is taken to accept a post when its code looks at
    `request.method` or the body.
    """
    path_view = _ninja_path_view(view)
    if path_view is not None:
        return any(set(op.methods) & UNSAFE_METHODS for op in path_view.operations)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return any(
            method.lower() in view_class.http_method_names and hasattr(view_class, method.lower())
            for method in UNSAFE_METHODS
        )
    for function in _wrapper_chain(view):
        allowed = _method_list(function)
        if allowed is not None:
            return bool(allowed & UNSAFE_METHODS)
    return any(
        _source_reads_request(function, getattr(function, "__module__", None))
        for function in _wrapper_chain(view)
    )


def _project_page_models():
    from wagtail.contrib.routable_page.models import RoutablePageMixin

    for model in apps.get_models():
        if issubclass(model, RoutablePageMixin) and model._meta.app_label in PROJECT_APPS:
            yield model


def all_routes() -> set[str]:
    """Every route of the URLconf, the third-party ones included."""
    return {route for route, _view in _walk(get_resolver().url_patterns)}


def state_changing_routes() -> dict[str, object]:
    """Every project route (URLconf, the API, Wagtail page routes) that accepts a
    state-changing request, as {route: view}."""
    found = {}
    for route, view in _walk(get_resolver().url_patterns):
        is_api = _ninja_path_view(view) is not None
        if not is_api and _owner_module(view).split(".")[0] not in PROJECT_APPS:
            continue
        if accepts_unsafe_methods(view):
            found[route] = view
    for model in _project_page_models():
        for pattern in model.get_subpage_urls():
            view = pattern.callback
            if _source_reads_request(view, model.__module__):
                found[f"{model.__name__}:{pattern.pattern}"] = view
    return found
