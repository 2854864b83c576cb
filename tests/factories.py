"""factory_boy factories shared by every test package."""

import factory
from django.contrib.auth import get_user_model

from schools.models import School, StaffRole, TeachingGroup
from schools.services import pupil_create, staff_role_grant


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"School {n}")
    slug = factory.Sequence(lambda n: f"school-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}@school.example")
    email = factory.LazyAttribute(lambda o: o.username)
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Staff{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def staff(school, *roles, **kwargs):
    """A staff user holding the given roles (default: teacher) in a school."""
    user = UserFactory(**kwargs)
    for role in roles or (StaffRole.TEACHER,):
        staff_role_grant(user=user, school=school, role=role)
    return user


class TeachingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeachingGroup
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Class {n}")
    year_group = 4

    @factory.post_generation
    def teachers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.teachers.add(*extracted)


_pupil_counter = iter(range(1, 10**9))


def pupil(group, display_name=None, **kwargs):
    """A pupil in a class, with a known secret (returns the PupilCredentials)."""
    return pupil_create(
        school=group.school,
        display_name=display_name or f"Pupil {next(_pupil_counter)}",
        year_group=kwargs.pop("year_group", group.year_group),
        teaching_groups=[group],
    )
