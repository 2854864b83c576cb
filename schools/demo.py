"""The demo school: one all-through school with staff in every role and four classes, in a
small trust with a second school (schools.demo_trust).

Running the loader twice changes nothing: every record is looked up by a natural key first, and
the demo logins are set to the same known values each time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.db import transaction

from .demo_editors import editorial_groups, moderation_workflow
from .demo_trust import load_demo_trust
from .hashers import pupil_password_check, pupil_password_make
from .models import Pupil, School, StaffRole, TeachingGroup
from .services import pupil_create, staff_role_grant

DEMO_PASSWORD = "streamwise-demo"  # noqa: S105 - printed for the demo, never used in production
DEMO_PUPIL_PASSWORD = "river-otter-42"  # noqa: S105
DEMO_PICTURE_PASSWORD = "sun-cat-boat"  # noqa: S105
# A fixed base32 secret so the demo DSL can add it to an authenticator app once and keep it.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105
DEMO_SCHOOL = "Oakfield All-Through School"
DEMO_DOMAIN = "oakfield.example"

STAFF = [
    # email local part, first name, last name, roles
    ("teacher", "Tom", "Okafor", [StaffRole.TEACHER]),
    ("dsl", "Dana", "Shah", [StaffRole.DSL, StaffRole.TEACHER]),
    ("deputy", "Dev", "Patel", [StaffRole.DEPUTY_DSL]),
    ("admin", "Ada", "Morris", [StaffRole.SCHOOL_ADMIN]),
]

CLASSES = [
    # name, year group, pupils
    ("Robins (Year 1)", 1, ["Amara", "Ben", "Chloe", "Dylan", "Ellie", "Finn", "Grace", "Harry"]),
    ("Kestrels (Year 4)", 4, ["Isla", "Jack", "Keira", "Leo", "Maya", "Noah", "Olivia", "Priya"]),
    ("Hawks (Year 7)", 7, ["Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Will", "Yasmin"]),
    ("Falcons (Year 10)", 10, ["Zane", "Aisha", "Bilal", "Cara", "Dan", "Esme", "Femi", "Gus"]),
]


@dataclass
class DemoLogins:
    school: School
    staff: list[tuple[str, str, str]] = field(default_factory=list)  # (who, email, password)
    classes: list[TeachingGroup] = field(default_factory=list)
    totp_secret: str = DEMO_TOTP_SECRET
    recovery_codes: list[str] = field(default_factory=list)


def _staff_user(email: str, first: str, last: str):
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=email, defaults={"email": email, "first_name": first, "last_name": last}
    )
    user.email, user.first_name, user.last_name = email, first, last
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"primary": True, "verified": True}
    )
    return user


def _ensure_mfa(user) -> list[str]:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    codes = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
    recovery = RecoveryCodes(codes) if codes else RecoveryCodes.activate(user)
    return recovery.get_unused_codes()


@transaction.atomic
def load_demo_school() -> DemoLogins:
    school, _ = School.objects.get_or_create(slug="oakfield", defaults={"name": DEMO_SCHOOL})
    logins = DemoLogins(school=school)

    users = {}
    for local, first, last, roles in STAFF:
        email = f"{local}@{DEMO_DOMAIN}"
        user = _staff_user(email, first, last)
        users[local] = user
        for role in roles:
            staff_role_grant(user=user, school=school, role=role)
        label = " + ".join(str(StaffRole(role).label) for role in roles)
        logins.staff.append((label, email, DEMO_PASSWORD))

    # The content team: the editor changes lessons and submits them; the moderator approves
    # (and can publish directly). Both work in /admin/.
    groups = editorial_groups()
    moderation_workflow(groups["Moderators"])
    editor = _staff_user(f"editor@{DEMO_DOMAIN}", "Eve", "Lewis")
    editor.groups.add(groups["Editors"])
    logins.staff.append(("Content editor (/admin/)", editor.email, DEMO_PASSWORD))
    moderator = _staff_user(f"moderator@{DEMO_DOMAIN}", "Mo", "Clarke")
    moderator.groups.add(groups["Moderators"])
    logins.staff.append(("Moderator: approves, publishes", moderator.email, DEMO_PASSWORD))

    logins.recovery_codes = _ensure_mfa(users["dsl"])
    _ensure_mfa(users["deputy"])

    for name, year_group, pupil_names in CLASSES:
        group, _ = TeachingGroup.objects.get_or_create(
            school=school, name=name, defaults={"year_group": year_group}
        )
        group.teachers.add(users["teacher"], users["dsl"])
        logins.classes.append(group)
        for display_name in pupil_names:
            pupil = Pupil.objects.filter(school=school, display_name=display_name).first()
            if pupil is None:
                pupil = pupil_create(
                    school=school,
                    display_name=display_name,
                    year_group=year_group,
                    teaching_groups=[group],
                ).pupil
            pupil.teaching_groups.add(group)
            if pupil.uses_picture_password:
                pupil.picture_password, pupil.password_hash = DEMO_PICTURE_PASSWORD, ""
            elif not pupil_password_check(DEMO_PUPIL_PASSWORD, pupil.password_hash):
                pupil.picture_password = ""
                pupil.password_hash = pupil_password_make(DEMO_PUPIL_PASSWORD)
            pupil.failed_logins, pupil.locked_until = 0, None
            pupil.save()
    load_demo_trust(
        school=school,
        logins=logins,
        staff_user=_staff_user,
        demo_password=DEMO_PASSWORD,
        picture_password=DEMO_PICTURE_PASSWORD,
    )
    return logins
