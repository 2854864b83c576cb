"""A safeguarding lead of two schools opens a record of the school not in use — the link in
their email — and is switched to that school, not told "not found"."""

from django.urls import reverse

from safeguarding.services import concern_raise
from schools.middleware import SESSION_KEY
from schools.models import StaffRole
from schools.services import staff_role_grant
from tests import factories

from .helpers import mfa_session


def _far_concern(other_school, far_pupil):
    teacher = factories.staff(other_school, StaffRole.TEACHER)
    far_pupil.teaching_groups.get().teachers.add(teacher)
    return concern_raise(raised_by=teacher, pupil=far_pupil, what_happened="Seen on a stream.")


def test_the_emailed_link_opens_the_record_in_its_own_school(
    client, dsl, school, other_school, far_pupil
):
    staff_role_grant(user=dsl, school=other_school, role=StaffRole.DSL)
    concern = _far_concern(other_school, far_pupil)
    mfa_session(client, dsl)
    session = client.session
    session[SESSION_KEY] = school.pk  # working in the first school
    session.save()
    url = reverse("safeguarding:case", args=[concern.pk])

    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == url
    assert client.session[SESSION_KEY] == other_school.pk
    page = client.get(url)
    assert page.status_code == 200
    assert "Seen on a stream." in page.content.decode()
    assert "This record belongs to Elmwood, so you are now working in Elmwood." in (
        page.content.decode()
    )


def test_no_switch_where_the_person_is_not_a_lead_nor_on_a_post(
    client, dsl, school, other_school, far_pupil
):
    staff_role_grant(user=dsl, school=other_school, role=StaffRole.TEACHER)  # teacher there only
    concern = _far_concern(other_school, far_pupil)
    mfa_session(client, dsl)
    assert client.get(reverse("safeguarding:case", args=[concern.pk])).status_code == 404
    assert client.session.get(SESSION_KEY) in (None, school.pk)

    staff_role_grant(user=dsl, school=other_school, role=StaffRole.DSL)
    acknowledge = reverse("safeguarding:case_acknowledge", args=[concern.pk])
    assert client.post(acknowledge).status_code == 404  # a form posts from its own school
    assert client.session.get(SESSION_KEY) in (None, school.pk)
    concern.refresh_from_db()
    assert concern.acknowledged_at is None


def _working_in(client, school):
    session = client.session
    session[SESSION_KEY] = school.pk
    session.save()


def test_a_lead_working_in_one_school_is_told_what_waits_in_the_other(
    client, dsl, school, other_school, far_pupil
):
    staff_role_grant(user=dsl, school=other_school, role=StaffRole.DSL)
    concern = _far_concern(other_school, far_pupil)
    mfa_session(client, dsl)
    _working_in(client, school)
    page = client.get(reverse("safeguarding:home")).content.decode()
    assert "1 waiting for a safeguarding lead in Elmwood." in page
    assert "Seen on a stream." not in page  # counts only: nothing of the concern itself
    assert concern.pupil.display_name not in page

    _working_in(client, other_school)  # in Elmwood it is in the inbox, not a hint
    assert "waiting for a safeguarding lead in" not in client.get(reverse("safeguarding:home")).text


def test_no_hint_where_the_person_is_not_a_lead(client, dsl, school, other_school, far_pupil):
    staff_role_grant(user=dsl, school=other_school, role=StaffRole.TEACHER)
    _far_concern(other_school, far_pupil)
    mfa_session(client, dsl)
    _working_in(client, school)
    assert "waiting for a safeguarding lead in" not in client.get(reverse("safeguarding:home")).text
