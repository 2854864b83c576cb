"""Staff raise concerns and see only their status; nobody but the leads sees a case."""

import uuid

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from safeguarding import services
from safeguarding.models import AccessAction, AccessLogEntry, Concern, EntryKind
from schools.models import StaffRole
from tests import factories

from .helpers import mfa_session

RAISE = reverse("safeguarding:raise")


def form_data(who, **overrides):
    data = {
        "pupil": who.pk,
        "what_happened": "She said: “he told me to keep it our secret”.",
        "occurred_at": "",
        "location": "Year 4 lesson: Live-streaming",
        "immediate_danger": "no",
        "told_dsl_in_person": "no",
        "submission": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


def test_the_pupil_is_preselected_coming_from_their_page(teacher_client, pupil, other_pupil):
    page = teacher_client.get(RAISE + f"?pupil={pupil.pk}").text
    assert f'<option value="{pupil.pk}" selected>' in page
    assert "Online grooming" in page and "Sextortion / image-based abuse" in page
    assert "phone" in page and 'href="tel:999"' in page  # act now, before the form
    assert page.index("Is a child in immediate danger?") < page.index('class="form sg-form"')


def test_a_teacher_raises_a_concern_and_sees_received(teacher_client, pupil, dsl, school):
    category = services.concern_categories_ensure(school=school).get(name="Online grooming")
    response = teacher_client.post(RAISE, form_data(pupil, categories=[category.pk]))
    concern = Concern.objects.get()
    assert response.status_code == 303
    assert response.url == reverse("safeguarding:raised_detail", args=[concern.pk])
    assert list(concern.categories.all()) == [category]
    assert concern.location == "Year 4 lesson: Live-streaming" and concern.occurred_at
    status = teacher_client.get(response.url).text
    assert "Received" in status and "Acknowledged" not in status
    assert "Act now" not in status


def test_immediate_danger_tells_them_to_act_now_first(teacher_client, pupil, dsl):
    response = teacher_client.post(RAISE, form_data(pupil, immediate_danger="yes"), follow=True)
    page = response.text
    assert "Act now" in page
    assert page.index("Act now") < page.index("<h1>")
    assert Concern.objects.get().immediate_danger


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"pupil": "", "what_happened": "", "immediate_danger": "", "told_dsl_in_person": ""},
            "Choose the pupil this is about.",
        ),
        ({"what_happened": "   "}, "Write what happened or what the child said."),
        ({"immediate_danger": ""}, "Choose yes or no."),
        ({"occurred_at": "2999-01-01T10:00"}, "That time is in the future."),
    ],
)
def test_incomplete_forms_are_refused(teacher_client, pupil, overrides, message):
    response = teacher_client.post(RAISE, form_data(pupil, **overrides))
    assert response.status_code == 200
    assert message in response.text
    assert not Concern.objects.exists()


def test_huge_text_is_capped_with_a_clear_message(teacher_client, pupil, settings):
    settings.STREAMWISE_SAFEGUARDING_TEXT_MAX_CHARS = 1000
    response = teacher_client.post(RAISE, form_data(pupil, what_happened="x" * 1500))
    assert "1,500 characters, and the most is 1,000" in response.text
    assert "x" * 1500 in response.text  # kept in the box to shorten
    assert not Concern.objects.exists()


def test_a_teacher_cannot_choose_a_pupil_they_do_not_teach(
    teacher_client, pupil, far_pupil, school
):
    stranger = factories.pupil(factories.TeachingGroupFactory(school=school, name="Owls")).pupil
    assert stranger.display_name not in teacher_client.get(RAISE).text
    for other in (stranger, far_pupil):
        response = teacher_client.post(RAISE, form_data(other))
        assert "Choose one of your pupils." in response.text
    assert teacher_client.get(RAISE + f"?pupil={far_pupil.pk}").status_code == 200
    assert not Concern.objects.exists()


def test_double_submit_raises_one_concern(teacher_client, pupil, dsl):
    data = form_data(pupil)
    first = teacher_client.post(RAISE, data)
    second = teacher_client.post(RAISE, data)
    assert first.url == second.url
    assert Concern.objects.count() == 1


def test_the_teacher_sees_acknowledged_but_never_the_case(
    teacher_client, pupil, dsl, raise_concern
):
    concern = raise_concern(what_happened="ORIGINAL-WORDS")
    services.chronology_add(concern=concern, user=dsl, kind=EntryKind.NOTE, text="DSL-NOTE")
    services.chronology_add(
        concern=concern,
        user=dsl,
        kind=EntryKind.REFERRAL,
        agency="police",
        event_date=concern.created_at.date(),
        reference="POLICE-REF",
    )
    for url in (
        reverse("safeguarding:raised_list"),
        reverse("safeguarding:raised_detail", args=[concern.pk]),
    ):
        page = teacher_client.get(url).text
        assert "Acknowledged" in page
        for secret in ("DSL-NOTE", "POLICE-REF", "Referred", "ORIGINAL-WORDS", "Police"):
            assert secret not in page


def test_someone_elses_concern_status_is_not_found(teacher_client, raise_concern, dsl):
    concern = raise_concern(raised_by=dsl)
    assert (
        teacher_client.get(reverse("safeguarding:raised_detail", args=[concern.pk])).status_code
        == 404
    )
    assert (
        concern.pupil.display_name
        not in teacher_client.get(reverse("safeguarding:raised_list")).text
    )


CASE_URLS = [
    ("safeguarding:case", "concern"),
    ("safeguarding:case_export", "concern"),
    ("safeguarding:pupil_record", "pupil"),
    ("safeguarding:pupil_export", "pupil"),
    ("safeguarding:flag", "flag"),
]


@pytest.fixture
def records(raise_concern, dsl, pupil):
    concern = raise_concern()
    flag = services.flag_raise(pupil=pupil, source="Quiz", text_excerpt="x", reason="y")
    return {"concern": concern.pk, "pupil": pupil.pk, "flag": flag.pk}


@pytest.mark.parametrize("role", ["teacher", "school_admin", "editor", "superuser", "pupil"])
def test_guessing_case_urls_finds_nothing_and_is_logged(client, records, school, role):
    if role == "editor":
        user = factories.UserFactory()
        user.groups.add(Group.objects.get(name="Editors"))
    elif role == "superuser":
        user = factories.UserFactory(is_superuser=True, is_staff=True)
    elif role == "pupil":
        user = Concern.objects.get().pupil.user
    else:
        user = factories.staff(school, role)
    client.force_login(user)
    for name, kind in CASE_URLS:
        response = client.get(reverse(name, args=[records[kind]]))
        assert response.status_code == 404, name
        assert "secret" not in response.text
    missing = client.get(reverse("safeguarding:case", args=[records["concern"] + 1000]))
    assert missing.status_code == 404
    for name in ("case_acknowledge", "case_close", "case_entry_add"):
        response = client.post(reverse(f"safeguarding:{name}", args=[records["concern"]]))
        assert response.status_code == 404
    denied = AccessLogEntry.objects.filter(user=user, action=AccessAction.DENIED)
    assert denied.count() == len(CASE_URLS) + 4
    assert denied.filter(concern_id=records["concern"]).exists()
    assert all(entry.superuser == (role == "superuser") for entry in denied)
    assert Concern.objects.get().entries.count() == 1  # nothing happened to the case


@pytest.mark.parametrize("role", [StaffRole.TEACHER, StaffRole.SCHOOL_ADMIN])
def test_the_dsl_area_is_closed_to_other_staff(client, school, role):
    client.force_login(factories.staff(school, role))
    for name in ("home", "search", "access_log", "settings"):
        assert client.get(reverse(f"safeguarding:{name}")).status_code == 403


def test_a_lead_of_another_school_finds_nothing(client, records, other_school):
    far_dsl = factories.staff(other_school, StaffRole.DSL)
    mfa_session(client, far_dsl)
    for name, kind in CASE_URLS:
        assert client.get(reverse(name, args=[records[kind]])).status_code == 404
    assert AccessLogEntry.objects.filter(user=far_dsl, action=AccessAction.DENIED).count() == 5
    assert "Isla" not in client.get(reverse("safeguarding:home")).text


def test_a_dsl_without_mfa_is_blocked_from_every_page(client, dsl, records):
    client.force_login(dsl)
    for name, kind in [*CASE_URLS, ("safeguarding:home", None)]:
        url = reverse(name, args=[records[kind]]) if kind else reverse(name)
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("mfa_activate_totp"))
    assert not AccessLogEntry.objects.exists()


def test_a_dsl_with_mfa_set_up_must_have_used_it(client, dsl, records):
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(dsl, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(dsl)
    response = client.get(reverse("safeguarding:case", args=[records["concern"]]))
    assert response.url.startswith(reverse("mfa_reauthenticate"))


def test_safeguarding_pages_are_never_cached(teacher_client, pupil, dsl_client, records):
    for response in (
        teacher_client.get(RAISE),
        dsl_client.get(reverse("safeguarding:case", args=[records["concern"]])),
        dsl_client.get(reverse("safeguarding:home")),
    ):
        assert "no-store" in response["Cache-Control"]


def test_a_post_only_case_url_is_still_not_found_for_a_teacher(teacher_client, records):
    url = reverse("safeguarding:case_acknowledge", args=[records["concern"]])
    assert teacher_client.get(url).status_code == 404
