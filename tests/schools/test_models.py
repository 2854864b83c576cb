import pytest

from schools.models import AgeBand, Pupil, StaffRole, TeachingGroup, generate_class_code
from tests import factories


@pytest.mark.parametrize(
    ("year", "band"),
    [
        (0, "4-7"),
        (2, "4-7"),
        (3, "8-10"),
        (5, "8-10"),
        (6, "11-13"),
        (8, "11-13"),
        (9, "14-16"),
        (11, "14-16"),
    ],
)
def test_year_groups_map_to_age_bands(year, band):
    assert AgeBand.for_year_group(year) == band


def test_picture_passwords_are_for_4_to_10():
    assert AgeBand.AGES_4_7.uses_picture_password
    assert AgeBand.AGES_8_10.uses_picture_password
    assert not AgeBand.AGES_11_13.uses_picture_password
    assert not AgeBand.AGES_14_16.uses_picture_password


def test_class_codes_are_long_and_unambiguous():
    codes = {generate_class_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == 8 and not set(code) & set("01OIL") for code in codes)


def test_pupils_have_no_email_or_birth_date(young_pupil):
    pupil = young_pupil.pupil
    field_names = {field.name for field in Pupil._meta.get_fields()}
    assert not {"email", "date_of_birth", "dob", "birth_date"} & field_names
    assert pupil.user.email == ""
    assert not pupil.user.has_usable_password()


@pytest.mark.django_db
def test_visibility_is_scoped_by_school_and_role(school, other_school, teacher, group):
    other_class = factories.TeachingGroupFactory(school=school, name="Owls", year_group=4)
    mine = factories.pupil(group, "Isla").pupil
    not_mine = factories.pupil(other_class, "Jack").pupil
    far_away = factories.pupil(
        factories.TeachingGroupFactory(school=other_school, name="Elm 4"), "Keira"
    ).pupil
    admin = factories.staff(school, StaffRole.SCHOOL_ADMIN)
    dsl = factories.staff(school, StaffRole.DSL)
    other_admin = factories.staff(other_school, StaffRole.SCHOOL_ADMIN)

    assert set(Pupil.objects.visible_to(teacher)) == {mine}
    assert set(Pupil.objects.visible_to(admin)) == {mine, not_mine}
    assert set(Pupil.objects.visible_to(dsl)) == {mine, not_mine}
    assert set(Pupil.objects.visible_to(other_admin)) == {far_away}
    assert set(Pupil.objects.visible_to(mine.user)) == {mine}
    assert set(TeachingGroup.objects.visible_to(teacher)) == {group}
    assert set(TeachingGroup.objects.visible_to(admin)) == {group, other_class}
    assert set(TeachingGroup.objects.visible_to(mine.user)) == {group}


@pytest.mark.django_db
def test_one_person_can_hold_several_roles(school):
    from schools.permissions import has_role, is_safeguarding_lead

    user = factories.staff(school, StaffRole.DSL, StaffRole.TEACHER)
    assert has_role(user, StaffRole.TEACHER)
    assert is_safeguarding_lead(user)
    assert not has_role(user, StaffRole.SCHOOL_ADMIN)


@pytest.mark.django_db
def test_anonymous_sees_nobody(young_pupil):
    from django.contrib.auth.models import AnonymousUser

    assert not Pupil.objects.visible_to(AnonymousUser()).exists()
