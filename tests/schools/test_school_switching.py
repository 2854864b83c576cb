"""Staff in several schools: one login, one school at a time, chosen in the header."""

import pytest
from django.urls import reverse

from schools.middleware import SESSION_KEY
from schools.models import Pupil, StaffRole, TeachingGroup
from schools.permissions import all_roles_by_school, roles_by_school
from schools.services import staff_role_grant
from tests import factories


@pytest.fixture
def two_schools(school, other_school):
    """A teacher of "Kestrels" at Oakfield and of "Elms" at Elmwood (and admin at Elmwood)."""
    person = factories.staff(school, StaffRole.TEACHER, first_name="Pat")
    staff_role_grant(user=person, school=other_school, role=StaffRole.TEACHER)
    staff_role_grant(user=person, school=other_school, role=StaffRole.SCHOOL_ADMIN)
    kestrels = factories.TeachingGroupFactory(school=school, name="Kestrels", teachers=[person])
    elms = factories.TeachingGroupFactory(school=other_school, name="Elms", teachers=[person])
    factories.pupil(kestrels, "Isla")
    factories.pupil(elms, "Keira")
    return person


def _switch(client, school):
    return client.post(reverse("school_switch"), {"school": school.pk})


def test_the_first_school_is_in_use_until_the_person_switches(client, two_schools, school):
    client.force_login(two_schools)
    page = client.get(reverse("teacher_portal:home")).content.decode()
    assert "Kestrels" in page and "Elms" not in page
    # The switcher names both schools, the one in use chosen
    assert f'<option value="{school.pk}" selected>Oakfield</option>' in page
    assert "Elmwood</option>" in page


def test_switching_shows_only_the_chosen_schools_classes(client, two_schools, school, other_school):
    client.force_login(two_schools)
    response = _switch(client, other_school)
    assert response.status_code == 302 and response.url == reverse("home_for_user")
    assert client.session[SESSION_KEY] == other_school.pk
    page = client.get(reverse("teacher_portal:home")).content.decode()
    assert "Elms" in page and "Kestrels" not in page
    assert "You are now working in Elmwood." in page
    # Admin of Elmwood only while Elmwood is in use: its pupils, not Oakfield's
    pupils = client.get(reverse("teacher_portal:school_pupils")).content.decode()
    assert "Keira" in pupils and "Isla" not in pupils
    _switch(client, school)
    assert client.get(reverse("teacher_portal:school_pupils")).status_code == 403


def test_a_class_of_the_other_school_is_not_there(client, two_schools, other_school):
    client.force_login(two_schools)
    kestrels = TeachingGroup.objects.get(name="Kestrels")
    elms = TeachingGroup.objects.get(name="Elms")
    assert client.get(reverse("teacher_portal:class_detail", args=[kestrels.pk])).status_code == 200
    assert client.get(reverse("teacher_portal:class_detail", args=[elms.pk])).status_code == 404
    _switch(client, other_school)
    assert client.get(reverse("teacher_portal:class_detail", args=[kestrels.pk])).status_code == 404
    assert client.get(reverse("teacher_portal:class_detail", args=[elms.pk])).status_code == 200


def test_nobody_switches_to_a_school_they_do_not_work_in(client, two_schools, db):
    stranger_school = factories.SchoolFactory(name="Ashgrove", slug="ashgrove")
    client.force_login(two_schools)
    assert _switch(client, stranger_school).status_code == 404
    assert client.post(reverse("school_switch"), {"school": "x"}).status_code == 404
    assert SESSION_KEY not in client.session


def test_a_teacher_in_one_school_sees_no_switcher(client, teacher, group):
    client.force_login(teacher)
    page = client.get(reverse("teacher_portal:home")).content.decode()
    assert "school-switcher" not in page


def test_the_switch_goes_to_a_page_of_this_site_only(client, two_schools, other_school):
    client.force_login(two_schools)
    ok = client.post(
        reverse("school_switch"), {"school": other_school.pk, "next": "/portal/school/pupils/"}
    )
    assert ok.url == "/portal/school/pupils/"
    away = client.post(
        reverse("school_switch"), {"school": other_school.pk, "next": "https://evil.example/"}
    )
    assert away.url == reverse("home_for_user")


def test_roles_of_another_user_object_cover_every_school(two_schools, school, other_school):
    """Services asking about someone else (a case's new owner) see all their schools."""
    assert set(roles_by_school(two_schools)) == {school.pk, other_school.pk}
    assert set(all_roles_by_school(two_schools)) == {school.pk, other_school.pk}
    assert Pupil.objects.visible_to(two_schools).count() == 2
