"""Fixtures for the CSRF and request-body tests: a lazily built world, logged-in clients and a
snapshot of the database.

The world builds each record the first time an endpoint asks for it, so a test pays only for
what its endpoint needs (the curriculum, a quiz, a case…). Import the fixtures into a test
module with ``from .conftest_posts import world_fixture  # noqa: F401``.
"""

from __future__ import annotations

import io
import secrets
from functools import cached_property

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client

from schools.models import StaffRole
from tests import factories
from tests.safeguarding.helpers import PASSWORD, TOTP_SECRET, mfa_session

# Everything a state-changing request could write: every table of the project's apps, the
# accounts, and the Wagtail tables a page edit touches. Sessions are left out on purpose: a
# CSRF failure page or a login step may touch the session, which is not the user's data; so
# are tables that only hold configuration (permissions, sites, workflows).
SNAPSHOT_APPS = (
    "schools",
    "lessons",
    "quizzes",
    "h5p",
    "teacher_portal",
    "safeguarding",
    "mfa",
    "account",
    "django_tasks_database",
)
SNAPSHOT_MODELS = (
    "auth.user",
    "auth.user_groups",
    "auth.user_user_permissions",
    "wagtailcore.page",
    "wagtailcore.revision",
    "wagtailcore.pagelogentry",
    "wagtailcore.modellogentry",
    "wagtailcore.workflowstate",
)
# What a lead's *reading* writes: the access log and alerts marked read. A re-rendered case
# form (an invalid post) records that the case was viewed again, which is not a write of the
# posted data.
AUDIT_MODELS = ("safeguarding.accesslogentry", "safeguarding.accessloghead", "safeguarding.alert")
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


def _snapshot_models():
    for app_label in SNAPSHOT_APPS:
        yield from apps.get_app_config(app_label).get_models(include_auto_created=True)
    for label in SNAPSHOT_MODELS:
        app_label, model_name = label.split(".")
        yield apps.get_model(app_label, model_name)


def db_snapshot(*, ignore: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every row of every model that matters, by model label, so that before/after compare
    inserts, updates and deletes alike."""
    return {
        model._meta.label_lower: list(model._base_manager.order_by("pk").values_list())
        for model in _snapshot_models()
        if model._meta.label_lower not in ignore
    }


def changed_models(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


class World:
    """One school (and a second one, for "not yours" ids) with everyone the endpoints need.

    Each attribute is created on first use.
    """

    @cached_property
    def school(self):
        return factories.SchoolFactory(name="Oakfield", slug="oakfield")

    @cached_property
    def other_school(self):
        return factories.SchoolFactory(name="Elmwood", slug="elmwood")

    @cached_property
    def teacher(self):
        return factories.staff(self.school, StaffRole.TEACHER)

    @cached_property
    def colleague(self):
        """Another teacher of the school (for staff pages that act on someone)."""
        return factories.staff(self.school, StaffRole.TEACHER)

    @cached_property
    def school_admin(self):
        return factories.staff(self.school, StaffRole.SCHOOL_ADMIN)

    @cached_property
    def dsl(self):
        return factories.staff(self.school, StaffRole.DSL)

    @cached_property
    def trust_admin(self):
        """A trust admin of a trust of Oakfield alone (Kestrels is its Year 4 class)."""
        from schools.models import Trust, TrustMembership

        trust = Trust.objects.create(name="Riverside", slug="riverside")
        self.school.trust = trust
        self.school.save(update_fields=["trust"])
        self.group  # noqa: B018 - the Year 4 class the work goes to
        user = factories.UserFactory()
        TrustMembership.objects.create(user=user, trust=trust)
        return user

    @cached_property
    def far_teacher(self):
        return factories.staff(self.other_school, StaffRole.TEACHER)

    @cached_property
    def editor(self):
        """A content editor: Wagtail's Editors group, plus adding H5P activities and libraries."""
        user = factories.UserFactory()
        group = Group.objects.get(name="Editors")
        user.groups.add(group)
        user.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="h5p",
                codename__in=["add_h5pcontent", "change_h5pcontent", "install_h5plibrary"],
            )
        )
        return get_user_model().objects.get(pk=user.pk)

    @cached_property
    def group(self):
        return factories.TeachingGroupFactory(
            school=self.school, name="Kestrels", year_group=4, teachers=[self.teacher]
        )

    @cached_property
    def second_group(self):
        return factories.TeachingGroupFactory(
            school=self.school, name="Owls", year_group=4, teachers=[self.teacher]
        )

    @cached_property
    def senior_group(self):
        return factories.TeachingGroupFactory(
            school=self.school, name="Hawks", year_group=7, teachers=[self.teacher]
        )

    @cached_property
    def archived_group(self):
        from schools.services import teaching_group_archive

        group = factories.TeachingGroupFactory(school=self.school, name="Swifts", year_group=4)
        teaching_group_archive(group=group)
        return group

    @cached_property
    def far_group(self):
        return factories.TeachingGroupFactory(
            school=self.other_school, name="Elm 4", year_group=4, teachers=[self.far_teacher]
        )

    @cached_property
    def pupil_login(self):
        """Isla (Year 4, picture password) and her secret."""
        return factories.pupil(self.group, "Isla")

    @property
    def pupil(self):
        return self.pupil_login.pupil

    @cached_property
    def other_pupil(self):
        return factories.pupil(self.group, "Jack").pupil

    @cached_property
    def older_login(self):
        """Quinn (Year 7, typed password) and his password."""
        return factories.pupil(self.senior_group, "Quinn")

    @cached_property
    def far_pupil(self):
        return factories.pupil(self.far_group, "Keira").pupil

    # --- Lessons, quizzes, work set ----------------------------------------------------------

    @cached_property
    def curriculum(self):
        from lessons.loader import curriculum_load
        from tests.lessons.conftest import FIXTURE_CURRICULUM

        return curriculum_load(directory=FIXTURE_CURRICULUM)

    @cached_property
    def module(self):
        from lessons.models import ModulePage

        self.curriculum  # noqa: B018 (loads the pages)
        return ModulePage.objects.get(slug="test-8-10")

    @cached_property
    def module_check(self):
        """The 8–10 module, with its before-and-after check loaded (returns the module)."""
        import yaml

        from lessons.module_checks import check_key
        from quizzes.module_checks import check_upsert_from_spec
        from tests.lessons.check_helpers import CHECK_YAML

        check_upsert_from_spec(
            key=check_key(self.module.slug),
            title="Module check",
            spec=yaml.safe_load(CHECK_YAML),
            age_band="8-10",
        )
        return self.module

    @cached_property
    def lesson(self):
        from lessons.models import LessonPage

        self.curriculum  # noqa: B018
        return LessonPage.objects.get(slug="every-activity")

    @cached_property
    def library_page(self):
        from lessons.models import LessonLibraryPage

        self.curriculum  # noqa: B018
        return LessonLibraryPage.objects.get()

    @cached_property
    def lesson_in_progress(self):
        """Isla has moved through the lesson to its activities, as a pupil who answers one has."""
        from lessons.services import progress_step_reach

        return progress_step_reach(pupil=self.pupil, lesson=self.lesson, step=1)

    def activity_id(self, yaml_id: str) -> str:
        from lessons.loader import block_id

        return block_id("test-8-10", self.lesson.slug, "activity", yaml_id)

    @cached_property
    def assignment(self):
        import datetime

        from django.utils import timezone

        from lessons.services import assignment_create

        today = timezone.localdate()
        return assignment_create(
            group=self.group,
            module=self.module,
            opens_on=today - datetime.timedelta(days=7),
            due_on=today + datetime.timedelta(days=7),
            created_by=self.teacher,
        )

    @cached_property
    def quiz(self):
        """An 8–10 quiz: a single choice question and a free-text one."""
        from tests.quizzes.helpers import SPEC, make_quiz

        questions = [q for q in SPEC["questions"] if q["id"] in ("q1", "q7")]
        return make_quiz(questions=questions, attempts_allowed=None)

    @cached_property
    def attempt(self):
        from quizzes import services

        return services.attempt_start(pupil=self.pupil, quiz=self.quiz)

    def question_number(self, key: str) -> int:
        from quizzes import services

        keys = [q.key for q in services.attempt_questions(self.attempt)]
        return keys.index(key) + 1

    def question_options(self, key: str) -> list:
        from tests.quizzes.helpers import options, question

        return options(question(self.quiz, key))

    @cached_property
    def far_option(self):
        """An answer option of another quiz (a valid id, not this question's)."""
        from tests.quizzes.helpers import make_quiz, options, question

        other = make_quiz(key="ages-8-10/other", title="Other")
        return options(question(other, "q1"))[0]

    # --- Safeguarding ------------------------------------------------------------------------

    @cached_property
    def categories(self):
        from safeguarding import services

        return list(services.concern_categories_ensure(school=self.school))

    @cached_property
    def far_category(self):
        from safeguarding import services

        return services.concern_categories_ensure(school=self.other_school).first()

    @cached_property
    def concern(self):
        from safeguarding import services

        return services.concern_raise(
            raised_by=self.teacher,
            pupil=self.pupil,
            what_happened="She said a man online asked her to keep a secret.",
        )

    @cached_property
    def far_concern(self):
        from safeguarding import services

        return services.concern_raise(
            raised_by=self.far_teacher, pupil=self.far_pupil, what_happened="Elsewhere."
        )

    @cached_property
    def closed_concern(self):
        from safeguarding import services

        concern = services.concern_raise(
            raised_by=self.teacher, pupil=self.other_pupil, what_happened="An older worry."
        )
        return services.concern_close(concern=concern, user=self.dsl, reason="Resolved.")

    @cached_property
    def entry(self):
        from safeguarding.models import EntryKind

        return self.concern.entries.get(kind=EntryKind.RAISED)

    @cached_property
    def flag(self):
        from safeguarding import services

        return services.flag_raise(
            pupil=self.pupil, source="Quiz: Safe chat", text_excerpt="our secret", reason="r"
        )

    # --- Portal records ----------------------------------------------------------------------

    @cached_property
    def api_token(self):
        """(token, secret) of the school's API token."""
        from teacher_portal.services import api_token_create

        return api_token_create(school=self.school, name="MIS sync", created_by=self.school_admin)

    @cached_property
    def roster_token(self):
        """A signed roster preview of one new pupil, as the upload step hands it on."""
        from teacher_portal.roster import roster_preview, roster_sign

        self.group  # noqa: B018 (the class the file names)
        data = b"Name,Year group,Class\nAva B,4,Kestrels\n"
        preview = roster_preview(school=self.school, data=data)
        return roster_sign(school=self.school, user=self.school_admin, preview=preview)

    # --- H5P ---------------------------------------------------------------------------------

    @cached_property
    def h5p_libraries(self):
        from h5p.demo import install_builtin_libraries

        install_builtin_libraries()

    @cached_property
    def h5p_content(self):
        from h5p import services
        from tests.h5p.builders import package

        self.h5p_libraries  # noqa: B018
        return services.content_create(file=io.BytesIO(package()))

    def xapi_token(self, user) -> str:
        from h5p import services

        return services.xapi_token_create(content=self.h5p_content, user=user, context_id="x")


# --- Clients ---------------------------------------------------------------------------------


def csrf_client(**kwargs) -> Client:
    """A client that enforces CSRF as a browser meets it (the test client skips it by default)."""
    return Client(enforce_csrf_checks=True, raise_request_exception=False, **kwargs)


def give_csrf_token(client: Client) -> str:
    """Put a CSRF cookie on the client, as a GET of any form page would, and return the token
    a page would have embedded."""
    token = secrets.token_hex(16)  # 32 characters: a valid unmasked secret
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    return token


def log_in(client: Client, who: str, world: World) -> None:
    """Make the client the given kind of user (see `posts.Endpoint.user`)."""
    from schools import views as pupil_login

    if who == "anonymous":
        return
    if who == "pupil":
        client.force_login(world.pupil.user)
    elif who in ("teacher", "school_admin", "editor", "trust_admin"):
        client.force_login(getattr(world, who))
    elif who == "dsl":
        mfa_session(client, world.dsl)
    elif who == "pupil_choosing_name":
        _session(client, {pupil_login.SESSION_GROUP: world.senior_group.pk})
    elif who == "pupil_typing_password":
        quinn = world.older_login.pupil
        _session(
            client,
            {pupil_login.SESSION_GROUP: world.senior_group.pk, pupil_login.SESSION_PUPIL: quinn.pk},
        )
    elif who == "pupil_tapping_pictures":
        isla = world.pupil
        _session(
            client,
            {pupil_login.SESSION_GROUP: world.group.pk, pupil_login.SESSION_PUPIL: isla.pk},
        )
    elif who == "dsl_at_mfa_step":
        _password_step(client, world)
    elif who == "receiving_dsl":  # transfer part of issue 11: a browser that gave the code
        from safeguarding.views.transfer import GRANT_KEY

        from .posts import _sent

        _session(client, {GRANT_KEY: [_sent(world).transfer.pk]})
    else:
        raise ValueError(f"Unknown kind of user: {who}")


def _session(client: Client, values: dict) -> None:
    session = client.session
    session.update(values)
    session.save()


def _password_step(client: Client, world: World) -> None:
    """Log the DSL in with a password, leaving allauth waiting for the TOTP code."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.urls import reverse

    if not Authenticator.objects.filter(user=world.dsl).exists():
        TOTP.activate(world.dsl, TOTP_SECRET)
    token = give_csrf_token(client)
    response = client.post(
        reverse("account_login"),
        {"login": world.dsl.email, "password": PASSWORD},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 302 and "authenticate" in response.url, response
    del client.cookies[settings.CSRF_COOKIE_NAME]


@pytest.fixture(name="world")
def world_fixture(db) -> World:
    return World()


def send(client: Client, endpoint, url: str, body, *, token: str | None = None, **extra):
    """Post a body to an endpoint the way its page does: a urlencoded form, a multipart form
    with its file, or JSON for the JSON intake; with the CSRF token in the header when given.
    A body given as bytes or str is sent as it is, with the endpoint's content type."""
    import json
    from urllib.parse import urlencode

    headers = dict(endpoint.headers)
    if token is not None:
        headers["X-CSRFToken"] = token
    if endpoint.kind == "upload":
        return client.post(url, body, headers=headers, **extra)
    if endpoint.kind == "json":
        content_type = "application/json"
        data = body if isinstance(body, bytes | str) else json.dumps(body)
    else:
        content_type = FORM_CONTENT_TYPE
        data = body if isinstance(body, bytes | str) else urlencode(body, doseq=True)
    return client.post(url, data=data, content_type=content_type, headers=headers, **extra)
