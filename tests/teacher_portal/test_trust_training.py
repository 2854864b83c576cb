"""Staff training on the trust overview: each school's counts, gathered for every school at once."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schools.models import StaffRole, Trust, TrustMembership
from teacher_portal import trust_training
from teacher_portal.trust_training import trust_compliance
from tests import factories
from training import services
from training.loader import courses_load
from training.models import Audience, CourseAssignment, CourseCompletion, PartOneSignoff


@pytest.fixture
def courses(db):
    courses_load()
    return list(services.staff_courses())


def _passed(user, school, course, *, expires_in, passed_ago=300):
    today = timezone.localdate()
    CourseCompletion.objects.create(
        user=user,
        school=school,
        course=course,
        passed_on=today - timedelta(days=passed_ago),
        expires_on=today + timedelta(days=expires_in),
        score=100,
    )


def _school_with_training(school, courses, *, version="September 2025", sign_by=14):
    """Staff of every kind of status: done, due soon, overdue, renewed, not assigned, a member
    of staff with two roles, a left member of staff, Part one signed for this version or an
    older one. Returns the staff (for names that must not show)."""
    today = timezone.localdate()
    done, soon, expired, renewed, _fresh = (
        factories.staff(school, StaffRole.TEACHER, first_name=f"Trainee{n}") for n in range(5)
    )
    lead = factories.staff(school, StaffRole.DSL, StaffRole.TEACHER, first_name="Leader")
    admin = factories.staff(school, StaffRole.SCHOOL_ADMIN, first_name="Admin")
    left = factories.staff(school, StaffRole.TEACHER, first_name="Left")
    left.is_active = False
    left.save()
    first, second, third = courses[:3]
    _passed(done, school, first, expires_in=200)
    _passed(soon, school, first, expires_in=10)
    _passed(expired, school, first, expires_in=-1)
    _passed(renewed, school, first, expires_in=-30, passed_ago=400)
    _passed(renewed, school, first, expires_in=330, passed_ago=5)
    _passed(left, school, first, expires_in=200)
    _passed(lead, school, third, expires_in=100)
    services.assignment_create(
        school=school, course=second, audience=Audience.TEACHERS, due_on=today, by=admin
    )
    CourseAssignment.objects.create(
        school=school, course=third, audience=Audience.LEADS, due_on=today - timedelta(days=3)
    )
    if version:
        services.settings_update(
            school=school,
            renewal_months=12,
            part_one_version="an older version",
            part_one_due_on=None,
        )
        services.part_one_sign(user=soon, school=school)  # the older version only
        services.settings_update(
            school=school,
            renewal_months=12,
            part_one_version=version,
            part_one_due_on=today + timedelta(days=sign_by),
        )
        services.part_one_sign(user=done, school=school)
    return [done, soon, expired, renewed, lead, admin, left]


def test_each_schools_figures_are_its_compliance_summary(courses, school, other_school):
    _school_with_training(school, courses)
    _school_with_training(other_school, courses, sign_by=-2)
    quiet = factories.SchoolFactory(name="Quiet", slug="quiet")
    factories.staff(quiet, StaffRole.TEACHER)

    found = trust_compliance([school.pk, other_school.pk, quiet.pk])

    assert found == {s.pk: services.compliance_summary(s) for s in (school, other_school, quiet)}
    # What the summary says, by hand, so that the comparison above is about something.
    first, second, third = found[school.pk]["courses"][:3]
    assert found[school.pk]["staff_total"] == 7
    assert (first["staff"], first["done"], first["due_soon"], first["overdue"]) == (4, 2, 1, 1)
    assert (second["staff"], second["due_soon"]) == (6, 6)
    assert (third["staff"], third["done"], third["overdue"]) == (1, 1, 0)
    assert found[school.pk]["part_one"] == {
        "version": "September 2025",
        "staff": 7,
        "done": 1,
        "due_soon": 6,
        "overdue": 0,
    }
    assert found[other_school.pk]["part_one"]["overdue"] == 6
    assert found[quiet.pk]["part_one"] == {
        "version": "",
        "staff": 0,
        "done": 0,
        "due_soon": 0,
        "overdue": 0,
    }
    assert PartOneSignoff.objects.filter(version="an older version").count() == 2


@pytest.fixture
def trust_admin(db):
    trust = Trust.objects.create(name="Riverside Learning Trust", slug="riverside")
    person = factories.UserFactory(first_name="Tam")
    TrustMembership.objects.create(user=person, trust=trust)
    return person


def test_the_page_shows_training_counts_and_no_names(client, courses, school, trust_admin):
    school.trust = trust_admin.trust_memberships.get().trust
    school.save()
    staff = _school_with_training(school, courses)
    client.force_login(trust_admin)
    page = client.get(
        reverse("teacher_portal:trust_overview", args=[school.trust_id])
    ).content.decode()
    assert "Staff training (counts only)" in page
    assert "Read Keeping Children Safe in Education Part one (September 2025)" in page
    assert f'<th scope="row">{courses[0].title}</th><td>4</td><td>2</td><td>1</td><td>1</td>' in (
        page
    )
    for person in staff:
        assert person.first_name not in page
        assert person.email not in page


def test_a_school_without_training_says_so(client, school, trust_admin, monkeypatch):
    school.trust = trust_admin.trust_memberships.get().trust
    school.save()
    client.force_login(trust_admin)
    url = reverse("teacher_portal:trust_overview", args=[school.trust_id])
    assert "No staff courses yet." in client.get(url).content.decode()
    # A host site without the training app: nothing to count, and no query for it.
    installed = trust_training.apps.is_installed
    monkeypatch.setattr(
        trust_training.apps, "is_installed", lambda name: name != "training" and installed(name)
    )
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert "Staff training records are not kept in Streamwise on this site." in page
    assert not [q for q in queries.captured_queries if "training_" in q["sql"]]


@pytest.mark.parametrize("schools", [2, 5])
def test_the_page_costs_the_same_queries_for_two_schools_or_five(
    client, django_assert_num_queries, courses, trust_admin, schools
):
    trust = trust_admin.trust_memberships.get().trust
    for n in range(schools):
        school = factories.SchoolFactory(name=f"Academy {n}", slug=f"academy-{n}", trust=trust)
        _school_with_training(school, courses)
    client.force_login(trust_admin)
    with django_assert_num_queries(QUERIES):
        response = client.get(reverse("teacher_portal:trust_overview", args=[trust.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("Staff training (counts only)") == schools


# Session and user (2), the trust admin's trusts (2), the overview's figures (9: schools,
# pupils, modules, completion, overdue work, the viewer's roles, three for concerns), staff
# training (6), the signed-in person's pupil record and permissions (3), work set across the
# trust (1). Whatever the number of schools.
QUERIES = 23
