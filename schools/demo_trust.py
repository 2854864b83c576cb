"""The demo trust: the demo school and a second, smaller school, run by one trust.

It shows the trust overview (a trust admin's login) and school switching (a peripatetic
teacher who teaches in both schools). Like the demo school, loading it twice changes nothing.
"""

from __future__ import annotations

from .models import Pupil, School, StaffRole, TeachingGroup
from .services import pupil_create, staff_role_grant
from .trust_models import Trust, TrustMembership

DEMO_TRUST = "Riverside Learning Trust"
SECOND_SCHOOL = "Elmwood Primary School"
SECOND_CLASS = ("Wrens (Year 4)", 4)
SECOND_PUPILS = ["Alfie", "Bea", "Callum", "Daisy", "Ezra", "Freya", "George", "Hana"]
TRUST_DOMAIN = "riverside.example"


def load_demo_trust(
    *, school: School, logins, staff_user, demo_password: str, picture_password: str
) -> Trust:
    """Put the demo school and Elmwood in a trust, with a trust admin and a teacher who works
    in both schools. `staff_user` makes (or refreshes) a demo staff login; the logins and the
    new class are added to `logins` so `seed_demo` prints them."""
    trust, _ = Trust.objects.get_or_create(slug="riverside", defaults={"name": DEMO_TRUST})
    elmwood, _ = School.objects.get_or_create(slug="elmwood", defaults={"name": SECOND_SCHOOL})
    School.objects.filter(pk__in=[school.pk, elmwood.pk]).update(trust=trust)

    admin = staff_user(f"trust@{TRUST_DOMAIN}", "Rita", "Brown")
    TrustMembership.objects.get_or_create(user=admin, trust=trust)
    logins.staff.append(("Trust admin (both schools' figures)", admin.email, demo_password))

    travelling = staff_user(f"peripatetic@{TRUST_DOMAIN}", "Pat", "Evans")
    for member in (school, elmwood):
        staff_role_grant(user=travelling, school=member, role=StaffRole.TEACHER)
    logins.staff.append(("Teacher in both schools (switches)", travelling.email, demo_password))

    name, year_group = SECOND_CLASS
    wrens, _ = TeachingGroup.objects.get_or_create(
        school=elmwood, name=name, defaults={"year_group": year_group}
    )
    wrens.teachers.add(travelling)
    kestrels = TeachingGroup.objects.filter(school=school, year_group=year_group).first()
    if kestrels is not None:
        kestrels.teachers.add(travelling)
    logins.classes.append(wrens)
    for display_name in SECOND_PUPILS:
        if not Pupil.objects.filter(school=elmwood, display_name=display_name).exists():
            pupil_create(
                school=elmwood,
                display_name=display_name,
                year_group=year_group,
                teaching_groups=[wrens],
            )
    # Year 4 signs in with pictures: the same demo pictures as the demo school's
    Pupil.objects.filter(school=elmwood).update(
        picture_password=picture_password, password_hash="", failed_logins=0, locked_until=None
    )
    return trust
