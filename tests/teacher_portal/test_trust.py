"""The trust overview: figures per school, counts only, and a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lessons.models import LessonProgress, ProgressStatus
from lessons.services import assignment_create
from safeguarding.models import Concern, ConcernCategory
from safeguarding.services import concern_raise
from schools.models import StaffRole, Trust, TrustMembership
from schools.services import staff_role_grant
from teacher_portal.trust_overview import trust_overview
from tests import factories


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def complete(pupil, *lessons):
    for lesson in lessons:
        LessonProgress.objects.update_or_create(
            pupil=pupil,
            lesson=lesson,
            defaults={"status": ProgressStatus.COMPLETED, "completed_at": timezone.now()},
        )


@pytest.fixture
def trust(school, other_school):
    trust = Trust.objects.create(name="Riverside Learning Trust", slug="riverside")
    for member in (school, other_school):
        member.trust = trust
        member.save()
    return trust


@pytest.fixture
def trust_admin(trust):
    person = factories.UserFactory(first_name="Tam")
    TrustMembership.objects.create(user=person, trust=trust)
    return person


def _school_with_work(school, module, *, name, pupils=3, finished=1, lessons=()):
    """A Year 4 class with the module set (due yesterday), `finished` pupils done with
    `lessons`, and one concern raised about the first pupil."""
    teacher = factories.staff(school, StaffRole.TEACHER)
    group = factories.TeachingGroupFactory(
        school=school, name=name, year_group=4, teachers=[teacher]
    )
    made = [factories.pupil(group, f"{name} pupil {n}").pupil for n in range(pupils)]
    for pupil in made[:finished]:
        complete(pupil, *lessons)
    assignment_create(
        group=group, module=module, opens_on=days(-7), due_on=days(-1), created_by=teacher
    )
    category = ConcernCategory.objects.create(school=school, name="Online contact")
    concern_raise(
        raised_by=teacher,
        pupil=made[0],
        what_happened=f"SECRET-TEXT about {made[0].display_name}",
        categories=[category],
    )
    return group, made


def test_figures_per_school(trust, trust_admin, school, other_school, module, lesson, short_lesson):
    _school_with_work(
        school, module, name="Kestrels", pupils=4, finished=2, lessons=[lesson, short_lesson]
    )
    _school_with_work(
        other_school, module, name="Elms", pupils=2, finished=1, lessons=[short_lesson]
    )
    concern = Concern.objects.get(school=school)
    Concern.objects.filter(pk=concern.pk).update(
        acknowledged_at=concern.created_at + datetime.timedelta(hours=2)
    )
    overview = trust_overview(trust=trust, user=trust_admin)
    by_name = {figures.school.name: figures for figures in overview.schools}
    oak, elm = by_name["Oakfield"], by_name["Elmwood"]
    assert (oak.pupils, oak.overdue, elm.pupils, elm.overdue) == (4, 1, 2, 1)
    (oak_row,) = oak.years[0].modules
    assert (oak.years[0].year_group, oak_row.pupils, oak_row.done, oak_row.possible) == (4, 4, 4, 8)
    assert oak_row.percent == 50
    (elm_row,) = elm.years[0].modules
    assert (elm_row.pupils, elm_row.done, elm_row.possible) == (2, 1, 4)
    month = timezone.localdate().replace(day=1)
    assert oak.concerns.by_category == {"Online contact": {month: 1}}
    assert oak.concerns.median_to_acknowledge == datetime.timedelta(hours=2)
    assert (elm.concerns.median_to_acknowledge, elm.concerns.not_acknowledged) == (None, 1)
    assert not oak.is_safeguarding_lead


def test_only_chosen_pupils_count_for_work_set_for_some(
    trust, trust_admin, school, module, lesson, short_lesson, teacher
):
    group = factories.TeachingGroupFactory(school=school, name="Kestrels", year_group=4)
    isla, jack, _keira = (factories.pupil(group, n).pupil for n in ("Isla", "Jack", "Keira"))
    complete(jack, lesson)
    assignment_create(
        group=group,
        module=module,
        opens_on=days(-1),
        due_on=days(5),
        created_by=teacher,
        pupils=[isla, jack],
    )
    figures = next(
        f for f in trust_overview(trust=trust, user=trust_admin).schools if f.school == school
    )
    (row,) = figures.years[0].modules
    assert (row.pupils, row.done, row.possible) == (2, 1, 4)
    assert figures.overdue == 0


def test_the_page_names_no_pupil_class_or_concern(
    client, trust, trust_admin, school, other_school, module, lesson
):
    _school_with_work(school, module, name="Kestrels", lessons=[lesson])
    _school_with_work(other_school, module, name="Elms", lessons=[lesson])
    client.force_login(trust_admin)
    response = client.get(reverse("teacher_portal:trust_overview", args=[trust.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Oakfield" in page and "Elmwood" in page and "Online contact" in page
    for secret in ("SECRET-TEXT", "pupil 0", "Kestrels", "Elms<", "safeguarding/"):
        assert secret not in page
    assert client.get(reverse("home_for_user")).url == reverse("teacher_portal:trust_home")


def test_a_trust_admin_who_is_dsl_of_a_school_gets_its_safeguarding_link(
    client, trust, trust_admin, school, other_school, module
):
    staff_role_grant(user=trust_admin, school=other_school, role=StaffRole.DSL)
    client.force_login(trust_admin)
    page = client.get(reverse("teacher_portal:trust_overview", args=[trust.pk])).content.decode()
    assert page.count('name="next" value="/safeguarding/"') == 1
    assert f'name="school" value="{other_school.pk}"' in page


def test_trust_pages_are_for_their_trust_admins(client, trust, teacher, school_admin, db):
    other = Trust.objects.create(name="Hillside", slug="hillside")
    for person in (teacher, school_admin):
        client.force_login(person)
        assert (
            client.get(reverse("teacher_portal:trust_overview", args=[trust.pk])).status_code == 403
        )
    admin = factories.UserFactory()
    TrustMembership.objects.create(user=admin, trust=trust)
    client.force_login(admin)
    assert client.get(reverse("teacher_portal:trust_overview", args=[other.pk])).status_code == 404
    home = client.get(reverse("teacher_portal:trust_home"))
    assert home.url == reverse("teacher_portal:trust_overview", args=[trust.pk])


def _queries(client, trust):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("teacher_portal:trust_overview", args=[trust.pk]))
    assert response.status_code == 200
    return len(queries)


def test_the_overview_costs_the_same_queries_for_two_schools_or_six(
    client, trust, trust_admin, school, other_school, module, lesson, short_lesson
):
    _school_with_work(school, module, name="Kestrels", lessons=[lesson])
    _school_with_work(other_school, module, name="Elms", lessons=[short_lesson])
    client.force_login(trust_admin)
    two = _queries(client, trust)
    for n in range(4):
        extra = factories.SchoolFactory(name=f"Extra {n}", slug=f"extra-{n}", trust=trust)
        _school_with_work(extra, module, name=f"Class {n}", pupils=5, lessons=[lesson])
    assert _queries(client, trust) == two
