"""A small, complete world for the security tests: two schools, every role, every kind of record.

`build_world()` makes it with the project's own services and factories; `world_in_transaction`
builds it once for a test module inside a transaction that is rolled back at the end, so each
test runs in a savepoint over shared data and nothing leaks into other modules.

School A ("ZZ-NAME-OF-A Oakfield") has class 1 (taught by `teacher`) and class 2 (taught by
`teacher_other_class`); school B ("ZZ-NAME-OF-B Elmwood") has one class. Both are in one trust,
whose trust admin has no role in either school. One teacher works in both schools (class 1 and
school B's class) and appears twice: working in school A, and after switching to school B.
Every record carries a marker of who may see it (see `Marker`), so a page that answers 200 can
be searched for data its viewer must not see. Use it from another module with::

    from tests.security.world import world_in_transaction

    @pytest.fixture(scope="module")
    def world(django_db_setup, django_db_blocker):
        yield from world_in_transaction(django_db_blocker)
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from h5p.demo import install_builtin_libraries
from h5p.models import H5PContent, H5PLibrary
from h5p.services import content_create
from lessons.loader import curriculum_load
from lessons.models import LessonLibraryPage, LessonPage, ModulePage
from lessons.services import assignment_create
from quizzes import services as quiz_services
from safeguarding.models import ChronologyEntry
from safeguarding.services import concern_raise, flag_raise
from schools.middleware import SESSION_KEY as SCHOOL_IN_USE_KEY
from schools.models import School, StaffRole, Trust, TrustMembership
from schools.services import staff_role_grant
from teacher_portal.services import api_token_create
from tests import factories
from tests.h5p.builders import package
from tests.lessons.conftest import FIXTURE_CURRICULUM
from tests.quizzes.helpers import make_quiz, take
from tests.safeguarding.helpers import mfa_session

SITE_HOST = "testserver"
H5P_HOST = "h5p.testserver"
# The H5P origin is a different host name pointing at the same app (see the README).
WORLD_SETTINGS = {
    "STREAMWISE_H5P_ORIGIN": f"http://{H5P_HOST}",
    "STREAMWISE_SITE_URL": f"http://{SITE_HOST}",
}

# A 1×1 transparent PNG: an image file inside an H5P package's content/ folder.
PNG_PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class Marker(StrEnum):
    """Strings put into names and texts, one per kind of visibility.

    A page may show a marker only to the roles allowed to see that scope (`Role.may_see`).
    No marker is a substring of another.
    """

    SCHOOL_A = "ZZ-SCHOOL-A"  # school A as a whole: its API tokens, its staff
    CLASS_ONE = "ZZ-CLASS-ONE"  # class 1 of school A and its pupils
    OTHER_CLASS = "ZZ-OTHER-CLASS"  # class 2 of school A and its pupils
    OTHER_SCHOOL = "ZZ-OTHER-SCHOOL"  # school B, its class, pupils and tokens
    # The schools' names alone: a person in both schools, or in their trust, sees both names
    # (the school switcher, the trust overview) without seeing anything else of either.
    NAME_A = "ZZ-NAME-OF-A"
    NAME_B = "ZZ-NAME-OF-B"
    CASE_A = "ZZ-CASE-A-DETAIL"  # what a concern or flag in school A says
    CASE_B = "ZZ-CASE-B-DETAIL"  # what a concern or flag in school B says


class Role(StrEnum):
    """The fifteen ways a person can meet Streamwise, and the two API tokens."""

    ANONYMOUS = "anonymous"
    PUPIL = "pupil"
    PUPIL_OTHER_CLASS = "pupil of another class"
    PUPIL_OTHER_SCHOOL = "pupil of another school"
    TEACHER = "teacher"
    TEACHER_OTHER_CLASS = "teacher of another class"
    TEACHER_OTHER_SCHOOL = "teacher of another school"
    DSL = "DSL"
    DEPUTY_DSL = "deputy DSL"
    DSL_OTHER_SCHOOL = "DSL of another school"
    SCHOOL_ADMIN = "school admin"
    CONTENT_EDITOR = "content editor"
    # One teacher in two schools (class 1 in school A, the class of school B), in each switch
    # position: the same login, with school A or school B chosen in the header.
    TWO_SCHOOLS_AT_A = "teacher in two schools, working in school A"
    TWO_SCHOOLS_AT_B = "teacher in two schools, working in school B"
    TRUST_ADMIN = "trust admin (no role in a school)"
    # Not people: a school's IT system calling the API with a token.
    API_TOKEN = "API token of school A"
    API_TOKEN_OTHER_SCHOOL = "API token of school B"

    @property
    def may_see(self) -> frozenset[Marker]:
        return VISIBLE_MARKERS[self]


PEOPLE = tuple(role for role in Role if not role.name.startswith("API_"))
API_TOKENS = (Role.API_TOKEN, Role.API_TOKEN_OTHER_SCHOOL)

_SCHOOL_A_TEACHING = frozenset({Marker.SCHOOL_A, Marker.CLASS_ONE, Marker.OTHER_CLASS})
_BOTH_NAMES = frozenset({Marker.NAME_A, Marker.NAME_B})
_VISIBLE: dict[Role, frozenset[Marker]] = {
    Role.ANONYMOUS: frozenset(),
    Role.PUPIL: frozenset({Marker.SCHOOL_A, Marker.CLASS_ONE}),
    Role.PUPIL_OTHER_CLASS: frozenset({Marker.SCHOOL_A, Marker.OTHER_CLASS}),
    Role.PUPIL_OTHER_SCHOOL: frozenset({Marker.OTHER_SCHOOL}),
    Role.TEACHER: frozenset({Marker.SCHOOL_A, Marker.CLASS_ONE}),
    Role.TEACHER_OTHER_CLASS: frozenset({Marker.SCHOOL_A, Marker.OTHER_CLASS}),
    Role.TEACHER_OTHER_SCHOOL: frozenset({Marker.OTHER_SCHOOL}),
    Role.DSL: _SCHOOL_A_TEACHING | {Marker.CASE_A},
    Role.DEPUTY_DSL: _SCHOOL_A_TEACHING | {Marker.CASE_A},
    Role.DSL_OTHER_SCHOOL: frozenset({Marker.OTHER_SCHOOL, Marker.CASE_B}),
    Role.SCHOOL_ADMIN: _SCHOOL_A_TEACHING,
    Role.CONTENT_EDITOR: frozenset(),
    Role.API_TOKEN: _SCHOOL_A_TEACHING,
    Role.API_TOKEN_OTHER_SCHOOL: frozenset({Marker.OTHER_SCHOOL}),
    Role.TWO_SCHOOLS_AT_A: frozenset({Marker.SCHOOL_A, Marker.CLASS_ONE}) | _BOTH_NAMES,
    Role.TWO_SCHOOLS_AT_B: frozenset({Marker.OTHER_SCHOOL}) | _BOTH_NAMES,
    Role.TRUST_ADMIN: _BOTH_NAMES,
}


def _with_names(markers: frozenset[Marker]) -> frozenset[Marker]:
    """Whoever may see something of a school may see its name."""
    names = {Marker.NAME_A} if Marker.SCHOOL_A in markers else set()
    names |= {Marker.NAME_B} if Marker.OTHER_SCHOOL in markers else set()
    return markers | names


VISIBLE_MARKERS = {role: _with_names(markers) for role, markers in _VISIBLE.items()}


@dataclass
class SchoolRecords:
    """What one class (or school) owns: the objects URLs take as parameters."""

    group: object
    pupil: object
    teacher: object
    assignment: object
    open_attempt: object
    submitted_attempt: object
    concern: object
    entry: object
    flag: object
    drawing: object = None  # a say-or-draw drawing on the submitted attempt


@dataclass
class World:
    users: dict[Role, object]
    class_one: SchoolRecords
    other_class: SchoolRecords
    other_school: SchoolRecords
    school_a: object
    school_b: object
    quiz: object  # 8–10, every pupil's age band
    older_quiz: object  # 11–13, no pupil's age band
    library: LessonLibraryPage
    module: ModulePage
    lesson: LessonPage  # 8–10
    older_lesson: LessonPage  # 11–13
    h5p_content: H5PContent
    h5p_content_file: str  # a path under content/ stored in the package
    h5p_library: H5PLibrary
    h5p_library_file: str
    api_token: object
    api_token_other_school: object
    trust: object = None  # schools A and B
    other_trust: object = None  # a trust the trust admin has no role in
    api_secrets: dict[Role, str] = field(default_factory=dict)
    clients: dict[Role, Client] = field(default_factory=dict)

    def client(self, role: Role) -> Client:
        """A logged-in client for a person, or a client sending the role's API token."""
        return self.clients[role]


def _school(name: str, slug: str):
    return factories.SchoolFactory(name=name, slug=slug)


def _class_records(*, school, name, year_group, teacher, pupil_name, marker, module, case_text):
    group = factories.TeachingGroupFactory(
        school=school, name=f"{marker} {name}", year_group=year_group, teachers=[teacher]
    )
    pupil = factories.pupil(group, f"{marker} {pupil_name}").pupil
    today = timezone.localdate()
    assignment = assignment_create(
        group=group,
        module=module,
        opens_on=today - timedelta(days=7),
        due_on=today - timedelta(days=1),  # overdue, so it shows on the overdue page too
        created_by=teacher,
    )
    concern = concern_raise(
        raised_by=teacher, pupil=pupil, what_happened=f"{case_text} said a stranger asked."
    )
    flag = flag_raise(
        pupil=pupil,
        source="Quiz answer",
        text_excerpt=f"{case_text} wrote something worrying.",
        reason="A screening phrase matched.",
    )
    return SchoolRecords(
        group=group,
        pupil=pupil,
        teacher=teacher,
        assignment=assignment,
        open_attempt=None,
        submitted_attempt=None,
        concern=concern,
        entry=ChronologyEntry.objects.filter(concern=concern).first(),
        flag=flag,
    )


def _staff(school, role, name):
    return factories.staff(school, role, first_name=name)


def _content_editor():
    """A Wagtail admin user in the Editors group (pages, images, documents, quizzes and H5P
    activities: see the quizzes and h5p editor-permission migrations) and no role in any school."""
    editor = factories.UserFactory(first_name="Eve")
    editor.groups.add(Group.objects.get(name="Editors"))
    return editor


def _h5p_content():
    install_builtin_libraries()
    data = package(("content/images/pixel.png", PNG_PIXEL))
    content = content_create(file=io.BytesIO(data), title="Spot the signs")
    library = content.main_library
    library_file = next(iter(sorted(library.files)))
    return content, "images/pixel.png", library, library_file


def build_world() -> World:
    """Create every school, person and record. Call it with database access."""
    curriculum_load(directory=FIXTURE_CURRICULUM)
    module = ModulePage.objects.get(slug="test-8-10")
    school_a = _school(f"{Marker.NAME_A} Oakfield", "zz-oakfield")
    school_b = _school(f"{Marker.NAME_B} Elmwood", "zz-elmwood")

    teacher = _staff(school_a, StaffRole.TEACHER, "Tess")
    teacher_other_class = _staff(school_a, StaffRole.TEACHER, "Theo")
    teacher_other_school = _staff(school_b, StaffRole.TEACHER, "Tara")
    class_one = _class_records(
        school=school_a,
        name="Kestrels",
        year_group=4,
        teacher=teacher,
        pupil_name="Isla",
        marker=Marker.CLASS_ONE,
        module=module,
        case_text=Marker.CASE_A,
    )
    other_class = _class_records(
        school=school_a,
        name="Hawks",
        year_group=5,
        teacher=teacher_other_class,
        pupil_name="Quinn",
        marker=Marker.OTHER_CLASS,
        module=module,
        case_text=Marker.CASE_A,
    )
    other_school = _class_records(
        school=school_b,
        name="Elms",
        year_group=4,
        teacher=teacher_other_school,
        pupil_name="Keira",
        marker=Marker.OTHER_SCHOOL,
        module=module,
        case_text=Marker.CASE_B,
    )

    quiz = make_quiz()
    older_quiz = make_quiz(key="ages-11-13/older", title="Older quiz", age_band="11-13")
    for records in (class_one, other_class, other_school):
        records.submitted_attempt = take(records.pupil, quiz)
        records.open_attempt = quiz_services.attempt_start(pupil=records.pupil, quiz=quiz)
        records.drawing = _drawing(records.submitted_attempt)

    editor = _content_editor()
    school_admin = _staff(school_a, StaffRole.SCHOOL_ADMIN, "Ada")
    token, secret = api_token_create(
        school=school_a, name=f"{Marker.SCHOOL_A} MIS sync", created_by=school_admin
    )
    token_b, secret_b = api_token_create(
        school=school_b, name=f"{Marker.OTHER_SCHOOL} MIS sync", created_by=teacher_other_school
    )
    content, content_file, library, library_file = _h5p_content()
    two_schools = _staff(school_a, StaffRole.TEACHER, "Pat")
    staff_role_grant(user=two_schools, school=school_b, role=StaffRole.TEACHER)
    for group in (class_one.group, other_school.group):
        group.teachers.add(two_schools)
    trust = Trust.objects.create(name="Riverside Learning Trust", slug="zz-riverside")
    School.objects.filter(pk__in=[school_a.pk, school_b.pk]).update(trust=trust)
    other_trust = Trust.objects.create(name="Hillside Trust", slug="zz-hillside")
    trust_admin = factories.UserFactory(first_name="Tam")
    TrustMembership.objects.create(user=trust_admin, trust=trust)

    users = {
        Role.PUPIL: class_one.pupil.user,
        Role.PUPIL_OTHER_CLASS: other_class.pupil.user,
        Role.PUPIL_OTHER_SCHOOL: other_school.pupil.user,
        Role.TEACHER: teacher,
        Role.TEACHER_OTHER_CLASS: teacher_other_class,
        Role.TEACHER_OTHER_SCHOOL: teacher_other_school,
        Role.DSL: _staff(school_a, StaffRole.DSL, "Dee"),
        Role.DEPUTY_DSL: _staff(school_a, StaffRole.DEPUTY_DSL, "Dan"),
        Role.DSL_OTHER_SCHOOL: _staff(school_b, StaffRole.DSL, "Dora"),
        Role.SCHOOL_ADMIN: school_admin,
        Role.CONTENT_EDITOR: editor,
        Role.TWO_SCHOOLS_AT_A: two_schools,
        Role.TWO_SCHOOLS_AT_B: two_schools,
        Role.TRUST_ADMIN: trust_admin,
    }
    world = World(
        users=users,
        class_one=class_one,
        other_class=other_class,
        other_school=other_school,
        school_a=school_a,
        school_b=school_b,
        quiz=quiz,
        older_quiz=older_quiz,
        library=LessonLibraryPage.objects.get(),
        module=module,
        lesson=LessonPage.objects.get(slug="every-activity"),
        older_lesson=LessonPage.objects.get(slug="older-lesson"),
        h5p_content=content,
        h5p_content_file=content_file,
        h5p_library=library,
        h5p_library_file=library_file,
        api_token=token,
        api_token_other_school=token_b,
        api_secrets={Role.API_TOKEN: secret, Role.API_TOKEN_OTHER_SCHOOL: secret_b},
        trust=trust,
        other_trust=other_trust,
    )
    world.clients = _clients(world)
    return world


SAFEGUARDING_LEADS = (Role.DSL, Role.DEPUTY_DSL, Role.DSL_OTHER_SCHOOL)
# The school each switch position has chosen in the header (kept in the session).
SWITCHED_TO = {
    Role.TWO_SCHOOLS_AT_A: lambda world: world.school_a,
    Role.TWO_SCHOOLS_AT_B: lambda world: world.school_b,
}


def _clients(world: World) -> dict[Role, Client]:
    """One client per role: leads with a session that passed two-step verification."""
    clients = {Role.ANONYMOUS: Client()}
    for role, user in world.users.items():
        client = Client()
        if role in SAFEGUARDING_LEADS:
            mfa_session(client, user)
        else:
            client.force_login(user)
        if role in SWITCHED_TO:
            session = client.session
            session[SCHOOL_IN_USE_KEY] = SWITCHED_TO[role](world).pk
            session.save()
        clients[role] = client
    for role, secret in world.api_secrets.items():
        clients[role] = Client(headers={"Authorization": f"Bearer {secret}"})
    return clients


def world_in_transaction(django_db_blocker):
    """Build the world once inside a transaction, yield it, and roll everything back.

    For a module-scoped fixture: each test's own transaction becomes a savepoint inside this
    one, so tests may change data freely and the next test still sees the world as built.
    """
    with override_settings(**WORLD_SETTINGS), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _drawing(attempt):
    """A say-or-draw drawing (a tiny PNG) on one of the attempt's answers."""
    import io

    from PIL import Image

    from quizzes.models import ReflectionPicture

    png = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(png, format="PNG")
    return ReflectionPicture.objects.create(
        answer=attempt.answers.order_by("pk").first(), drawing=png.getvalue()
    )
