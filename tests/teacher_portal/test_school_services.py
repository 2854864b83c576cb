"""The schools services the portal's school-admin pages are built on."""

import pytest
from django.core.exceptions import ValidationError

from schools.models import Pupil, StaffMembership, StaffRole
from schools.services import (
    NewPupil,
    pupil_move,
    pupil_update,
    pupils_bulk_create,
    staff_member_invite,
    staff_roles_set,
    teaching_group_update,
)
from tests import factories


def test_bulk_create_takes_the_same_few_queries_for_any_number(
    school, group, senior_group, django_assert_num_queries
):
    def batch(prefix, size):
        return [
            NewPupil(
                display_name=f"{prefix}{n}",
                year_group=4 if n % 2 else 7,
                teaching_group=group if n % 2 else senior_group,
            )
            for n in range(size)
        ]

    with django_assert_num_queries(5) as small:
        pupils_bulk_create(school=school, pupils=batch("a", 3))
    with django_assert_num_queries(len(small.captured_queries)):
        created = pupils_bulk_create(school=school, pupils=batch("b", 200))
    assert len(created) == 200
    young = Pupil.objects.get(display_name="b1")
    older = Pupil.objects.get(display_name="b2")
    assert list(young.teaching_groups.all()) == [group] and young.picture_password
    assert list(older.teaching_groups.all()) == [senior_group]
    assert not older.password_hash and not older.user.has_usable_password()


def test_bulk_create_refuses_another_schools_class(school, far_group):
    with pytest.raises(ValidationError):
        pupils_bulk_create(
            school=school,
            pupils=[NewPupil(display_name="x", year_group=4, teaching_group=far_group)],
        )
    assert not Pupil.objects.exists()


def test_pupil_update_refuses_another_schools_class(young_pupil, far_group):
    with pytest.raises(ValidationError):
        pupil_update(
            pupil=young_pupil.pupil, display_name="Isla", year_group=4, teaching_groups=[far_group]
        )


def test_pupil_update_back_to_pictures_gives_pictures(older_pupil, group):
    credentials = pupil_update(
        pupil=older_pupil.pupil, display_name="Quinn", year_group=5, teaching_groups=[group]
    )
    assert credentials.picture_password and not credentials.password
    pupil = Pupil.objects.get(pk=older_pupil.pupil.pk)
    assert pupil.picture_password == credentials.picture_password and not pupil.password_hash


def test_pupil_move_refuses_another_schools_class(young_pupil, group, far_group):
    with pytest.raises(ValidationError):
        pupil_move(pupil=young_pupil.pupil, from_group=group, to_group=far_group)
    assert list(young_pupil.pupil.teaching_groups.all()) == [group]


def test_class_teachers_must_work_at_the_school(group, other_school):
    stranger = factories.staff(other_school, StaffRole.TEACHER)
    with pytest.raises(ValidationError):
        teaching_group_update(group=group, name="Kestrels", year_group=4, teachers=[stranger])


@pytest.mark.parametrize("roles", [[], [StaffRole.DSL], [StaffRole.TEACHER, StaffRole.DEPUTY_DSL]])
def test_invite_grants_only_teacher_and_admin(school, roles):
    with pytest.raises(ValidationError):
        staff_member_invite(school=school, email="x@school.example", roles=roles)
    assert not StaffMembership.objects.exists()


def test_invite_refuses_a_pupil_account(school, young_pupil):
    user = young_pupil.pupil.user
    user.email = "odd@school.example"
    user.save()
    with pytest.raises(ValidationError):
        staff_member_invite(school=school, email=user.email, roles=[StaffRole.TEACHER])


def test_roles_cannot_include_safeguarding(school, teacher):
    with pytest.raises(ValidationError):
        staff_roles_set(school=school, user=teacher, roles=[StaffRole.DSL])


def test_an_admin_can_step_down_when_another_admin_remains(school, school_admin):
    factories.staff(school, StaffRole.SCHOOL_ADMIN)
    staff_roles_set(school=school, user=school_admin, roles=[StaffRole.TEACHER])
    assert set(
        StaffMembership.objects.filter(user=school_admin).values_list("role", flat=True)
    ) == {StaffRole.TEACHER}
