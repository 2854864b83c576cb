"""School admins manage their own school's classes, pupils and staff from the portal."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from schools.models import Pupil, StaffMembership, StaffRole, TeachingGroup
from tests import factories

PASSWORD = "correct-horse-battery"

ADMIN_PAGES = [
    ("teacher_portal:school_classes", []),
    ("teacher_portal:class_add", []),
    ("teacher_portal:school_pupils", []),
    ("teacher_portal:pupil_add", []),
    ("teacher_portal:staff_list", []),
    ("teacher_portal:staff_add", []),
    ("teacher_portal:roster_upload", []),
    ("teacher_portal:roster_template", []),
    ("teacher_portal:api_tokens", []),
]


@pytest.mark.parametrize(("name", "args"), ADMIN_PAGES)
def test_school_admin_pages_open_for_admins_only(client, school_admin, teacher, dsl, name, args):
    url = reverse(name, args=args)
    assert client.get(url).status_code == 302  # to the login page
    for user in (teacher, dsl):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(school_admin)
    assert client.get(url).status_code == 200


class TestClasses:
    def test_admin_adds_a_class_with_teachers(self, admin_client, school, teacher):
        response = admin_client.post(
            reverse("teacher_portal:class_add"),
            {"name": "  Owls ", "year_group": "3", "teachers": [teacher.pk]},
        )
        group = TeachingGroup.objects.get(school=school, name="Owls")
        assert response.url == group.get_absolute_url()
        assert group.year_group == 3 and list(group.teachers.all()) == [teacher]
        assert len(group.code) == 8

    def test_class_names_are_unique_in_a_school(self, admin_client, group):
        response = admin_client.post(
            reverse("teacher_portal:class_add"), {"name": "kestrels", "year_group": "4"}
        )
        assert response.status_code == 200
        assert "already a class called “Kestrels”" in response.text
        assert 'aria-describedby="id_name_helptext id_name_error"' in response.text

    def test_only_the_schools_staff_can_be_chosen_as_teachers(self, admin_client, other_school):
        stranger = factories.staff(other_school, StaffRole.TEACHER)
        response = admin_client.post(
            reverse("teacher_portal:class_add"),
            {"name": "Owls", "year_group": "3", "teachers": [stranger.pk]},
        )
        assert response.status_code == 200
        assert not TeachingGroup.objects.filter(name="Owls").exists()

    def test_admin_edits_a_class_and_its_teachers(self, admin_client, group, school, teacher):
        other_teacher = factories.staff(school, StaffRole.TEACHER)
        code = group.code
        response = admin_client.post(
            reverse("teacher_portal:class_edit", args=[group.pk]),
            {"name": "Kestrels 5", "year_group": "5", "teachers": [other_teacher.pk]},
        )
        assert response.status_code == 302
        group.refresh_from_db()
        assert (group.name, group.year_group, group.code) == ("Kestrels 5", 5, code)
        assert list(group.teachers.all()) == [other_teacher]

    def test_archive_needs_confirmation_and_can_be_undone(self, admin_client, client, group):
        url = reverse("teacher_portal:class_archive", args=[group.pk])
        assert "Archive class" in admin_client.get(url).text
        group.refresh_from_db()
        assert group.archived_at is None
        admin_client.post(url)
        group.refresh_from_db()
        assert group.archived_at is not None
        page = admin_client.get(reverse("teacher_portal:school_classes")).text
        assert "Archived classes" in page
        admin_client.post(reverse("teacher_portal:class_restore", args=[group.pk]))
        group.refresh_from_db()
        assert group.archived_at is None

    def test_archived_class_code_stops_working(self, admin_client, client, group):
        admin_client.post(reverse("teacher_portal:class_archive", args=[group.pk]))
        response = client.post(reverse("pupil_login"), {"code": group.code})
        assert "find that class code" in response.text

    def test_admin_cannot_touch_another_schools_class(self, admin_client, far_group):
        for name in ("class_edit", "class_archive", "class_detail", "login_cards"):
            url = reverse(f"teacher_portal:{name}", args=[far_group.pk])
            assert admin_client.get(url).status_code == 404
        assert (
            admin_client.post(
                reverse("teacher_portal:class_restore", args=[far_group.pk])
            ).status_code
            == 404
        )

    def test_teacher_cannot_edit_their_own_class(self, client, teacher, group):
        client.force_login(teacher)
        response = client.post(
            reverse("teacher_portal:class_edit", args=[group.pk]),
            {"name": "Mine now", "year_group": "4"},
        )
        assert response.status_code == 403


class TestPupils:
    def test_admin_adds_a_young_pupil_and_sees_their_pictures_once(self, admin_client, group):
        response = admin_client.post(
            reverse("teacher_portal:pupil_add"),
            {"display_name": "Ava B", "year_group": "4", "teaching_groups": [group.pk]},
        )
        assert response.status_code == 200
        pupil = Pupil.objects.get(display_name="Ava B")
        assert list(pupil.teaching_groups.all()) == [group]
        for slug in pupil.picture_password.split("-"):
            assert f"pictures/{slug}.svg" in response.text
        assert "no-store" in response["Cache-Control"]

    def test_admin_adds_an_older_pupil_and_sees_the_password_once(self, admin_client, senior_group):
        from schools.services import PupilLoginResult, pupil_login_check

        response = admin_client.post(
            reverse("teacher_portal:pupil_add"),
            {"display_name": "Zed", "year_group": "8", "teaching_groups": [senior_group.pk]},
        )
        password = re.search(r'class="code">([a-z]+-[a-z]+-[a-z]+\d+)<', response.text).group(1)
        pupil = Pupil.objects.get(display_name="Zed")
        assert password not in pupil.password_hash
        assert pupil_login_check(pupil=pupil, secret=password) == PupilLoginResult.OK

    def test_add_form_is_prefilled_from_a_class(self, admin_client, group):
        response = admin_client.get(reverse("teacher_portal:pupil_add") + f"?class={group.pk}")
        assert f'value="{group.pk}" id="id_teaching_groups_0" checked' in response.text

    def test_pupil_names_are_unique_in_a_school(self, admin_client, young_pupil, group):
        response = admin_client.post(
            reverse("teacher_portal:pupil_add"),
            {"display_name": "ISLA", "year_group": "4", "teaching_groups": [group.pk]},
        )
        assert response.status_code == 200
        assert "already a pupil called" in response.text
        assert Pupil.objects.filter(display_name__iexact="isla").count() == 1

    def test_edit_keeps_the_login_within_an_age_band(self, admin_client, young_pupil, group):
        pupil = young_pupil.pupil
        pictures = pupil.picture_password
        response = admin_client.post(
            reverse("teacher_portal:pupil_edit", args=[pupil.pk]),
            {"display_name": "Isla M", "year_group": "5", "teaching_groups": [group.pk]},
        )
        assert response.status_code == 302
        pupil.refresh_from_db()
        assert (pupil.display_name, pupil.year_group, pupil.picture_password) == (
            "Isla M",
            5,
            pictures,
        )

    def test_edit_into_an_older_band_gives_a_password(self, admin_client, young_pupil, group):
        pupil = young_pupil.pupil
        response = admin_client.post(
            reverse("teacher_portal:pupil_edit", args=[pupil.pk]),
            {"display_name": "Isla", "year_group": "7", "teaching_groups": [group.pk]},
        )
        assert response.status_code == 200
        assert "logs in differently" in response.text
        pupil.refresh_from_db()
        assert pupil.picture_password == "" and pupil.password_hash

    def test_move_a_pupil_between_classes(self, admin_client, young_pupil, group, school):
        owls = factories.TeachingGroupFactory(school=school, name="Owls", year_group=4)
        pupil = young_pupil.pupil
        url = reverse("teacher_portal:pupil_move", args=[pupil.pk])
        page = admin_client.get(url).text
        assert "Owls" in page
        response = admin_client.post(url, {"from_group": group.pk, "to_group": owls.pk})
        assert response.url == pupil.get_absolute_url()
        assert list(pupil.teaching_groups.all()) == [owls]

    def test_cannot_move_a_pupil_into_another_schools_class(
        self, admin_client, young_pupil, group, far_group
    ):
        pupil = young_pupil.pupil
        response = admin_client.post(
            reverse("teacher_portal:pupil_move", args=[pupil.pk]),
            {"from_group": group.pk, "to_group": far_group.pk},
        )
        assert response.status_code == 200
        assert list(pupil.teaching_groups.all()) == [group]

    def test_archive_a_pupil(self, admin_client, young_pupil):
        pupil = young_pupil.pupil
        url = reverse("teacher_portal:pupil_archive", args=[pupil.pk])
        assert admin_client.get(url).status_code == 200
        admin_client.post(url)
        pupil.refresh_from_db()
        assert pupil.archived_at is not None and not pupil.user.is_active
        listing = admin_client.get(reverse("teacher_portal:school_pupils")).text
        assert pupil.get_absolute_url() not in listing

    def test_admin_cannot_touch_another_schools_pupil(self, admin_client, far_group):
        far_pupil = factories.pupil(far_group, "Keira").pupil
        for name in ("pupil_edit", "pupil_move", "pupil_archive", "pupil_detail"):
            url = reverse(f"teacher_portal:{name}", args=[far_pupil.pk])
            assert admin_client.get(url).status_code == 404
            assert admin_client.post(url, {"display_name": "x"}).status_code == 404

    def test_pupil_list_search_and_pages(self, admin_client, group):
        for number in range(55):
            factories.pupil(group, f"Pupil {number:02}")
        first = admin_client.get(reverse("teacher_portal:school_pupils")).text
        assert "55 pupils" in first and "Page 1 of 2" in first
        found = admin_client.get(reverse("teacher_portal:school_pupils") + "?q=pupil 07").text
        assert "1 pupil matches" in found and "Pupil 07" in found

    def test_teacher_cannot_add_pupils(self, client, teacher, group):
        client.force_login(teacher)
        response = client.post(
            reverse("teacher_portal:pupil_add"),
            {"display_name": "Sneaky", "year_group": "4", "teaching_groups": [group.pk]},
        )
        assert response.status_code == 403
        assert not Pupil.objects.filter(display_name="Sneaky").exists()


class TestStaff:
    def test_staff_list_shows_every_role(self, admin_client, teacher, dsl, school_admin):
        page = admin_client.get(reverse("teacher_portal:staff_list")).text
        for user in (teacher, dsl, school_admin):
            assert user.email in page
        assert "Designated Safeguarding Lead" in page

    def test_add_new_staff_member_who_sets_their_password(
        self, admin_client, client, school, run_tasks
    ):
        from django_tasks_db.models import DBTaskResult

        response = admin_client.post(
            reverse("teacher_portal:staff_add"),
            {
                "email": "New.Teacher@School.example",
                "first_name": "Nia",
                "last_name": "Jones",
                "roles": [StaffRole.TEACHER],
            },
        )
        assert response.url == reverse("teacher_portal:staff_list")
        membership = StaffMembership.objects.get(
            school=school, role=StaffRole.TEACHER, user__first_name="Nia"
        )
        user = membership.user
        assert user.email == "New.Teacher@school.example"
        assert not user.has_usable_password()
        # The email is sent by the background worker, queued with the new account.
        assert DBTaskResult.objects.count() == 1 and not mail.outbox
        run_tasks()
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [user.email] and "Oakfield" in message.subject
        link = re.search(r"https?://\S+/password/reset/key/\S+", message.body).group(0)
        path = "/" + link.split("/", 3)[3]
        form_page = client.get(path, follow=True)
        new_password = "a-long-new-password-for-nia"
        client.post(
            form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
            {"password1": new_password, "password2": new_password},
        )
        user.refresh_from_db()
        assert user.check_password(new_password)
        login = client.post(
            reverse("account_login"), {"login": user.email, "password": new_password}
        )
        assert login.status_code == 302
        assert client.get(reverse("teacher_portal:home")).status_code == 200

    def test_add_someone_who_already_has_an_account(
        self, admin_client, other_school, school, run_tasks
    ):
        elsewhere = factories.staff(other_school, StaffRole.TEACHER)
        admin_client.post(
            reverse("teacher_portal:staff_add"),
            {"email": elsewhere.email.upper(), "roles": [StaffRole.TEACHER]},
        )
        assert StaffMembership.objects.filter(user=elsewhere, school=school).exists()
        elsewhere.refresh_from_db()
        assert elsewhere.check_password(PASSWORD)  # untouched
        run_tasks()
        assert "already use" in mail.outbox[0].body
        assert "/password/reset/key/" not in mail.outbox[0].body

    def test_cannot_add_someone_twice(self, admin_client, teacher):
        response = admin_client.post(
            reverse("teacher_portal:staff_add"),
            {"email": teacher.email, "roles": [StaffRole.TEACHER]},
        )
        assert response.status_code == 200 and "already works here" in response.text

    def test_school_admins_cannot_make_anyone_a_dsl(
        self, admin_client, teacher, school_admin, school
    ):
        response = admin_client.post(
            reverse("teacher_portal:staff_add"),
            {"email": "sneaky@school.example", "roles": [StaffRole.DSL]},
        )
        assert response.status_code == 200
        response = admin_client.post(
            reverse("teacher_portal:staff_edit", args=[school_admin.pk]),
            {"roles": [StaffRole.SCHOOL_ADMIN, StaffRole.DSL]},
        )
        assert response.status_code == 200
        assert not StaffMembership.objects.filter(role=StaffRole.DSL).exists()

    def test_change_roles(self, admin_client, teacher, school):
        admin_client.post(
            reverse("teacher_portal:staff_edit", args=[teacher.pk]),
            {"roles": [StaffRole.TEACHER, StaffRole.SCHOOL_ADMIN]},
        )
        roles = set(
            StaffMembership.objects.filter(user=teacher, school=school).values_list(
                "role", flat=True
            )
        )
        assert roles == {StaffRole.TEACHER, StaffRole.SCHOOL_ADMIN}

    def test_the_last_school_admin_stays(self, admin_client, school_admin, school):
        response = admin_client.post(
            reverse("teacher_portal:staff_edit", args=[school_admin.pk]),
            {"roles": [StaffRole.TEACHER]},
        )
        assert response.status_code == 200
        assert "at least one school admin" in response.text
        admin_client.post(reverse("teacher_portal:staff_remove", args=[school_admin.pk]))
        assert StaffMembership.objects.filter(
            user=school_admin, role=StaffRole.SCHOOL_ADMIN
        ).exists()

    def test_remove_takes_roles_and_classes_but_keeps_safeguarding(
        self, admin_client, school, group
    ):
        person = factories.staff(school, StaffRole.TEACHER, StaffRole.DSL)
        group.teachers.add(person)
        url = reverse("teacher_portal:staff_remove", args=[person.pk])
        assert admin_client.get(url).status_code == 200
        admin_client.post(url)
        roles = set(StaffMembership.objects.filter(user=person).values_list("role", flat=True))
        assert roles == {StaffRole.DSL}
        assert not group.teachers.filter(pk=person.pk).exists()

    def test_admin_cannot_touch_another_schools_staff(self, admin_client, other_admin):
        for name in ("staff_edit", "staff_remove"):
            url = reverse(f"teacher_portal:{name}", args=[other_admin.pk])
            assert admin_client.get(url).status_code == 404
            assert admin_client.post(url, {"roles": []}).status_code == 404
        assert StaffMembership.objects.filter(user=other_admin).exists()


def test_add_pupil_ignores_a_bad_class_parameter(admin_client, far_group):
    url = reverse("teacher_portal:pupil_add")
    assert admin_client.get(url + "?class=abc").status_code == 200
    assert "Elm 4" not in admin_client.get(url + f"?class={far_group.pk}").text


def test_admin_who_steps_down_is_sent_home(admin_client, school, school_admin):
    factories.staff(school, StaffRole.SCHOOL_ADMIN)
    response = admin_client.post(
        reverse("teacher_portal:staff_edit", args=[school_admin.pk]), {"roles": [StaffRole.TEACHER]}
    )
    assert response.url == reverse("home_for_user")
    assert admin_client.get(reverse("teacher_portal:staff_list")).status_code == 403
