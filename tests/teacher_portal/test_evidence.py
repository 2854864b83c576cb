"""The evidence page: what it shows, that it names no pupil and quotes no concern (on the page
and in the PDF), who may read it and record the review, and its fixed number of queries."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from lessons.loader import curriculum_load
from lessons.models import ModulePage
from lessons.services import assignment_create
from safeguarding import services as sg
from safeguarding.models import Agency, ConcernCategory, EntryKind
from schools.models import StaffRole
from teacher_portal.evidence_demo import load_evidence_demo
from teacher_portal.models import OnlineSafetyReview
from tests import factories
from tests.lessons.check_helpers import load_check
from tests.lessons.conftest import FIXTURE_CURRICULUM

pytestmark = pytest.mark.django_db

# Distinctive words that must never reach the page or the PDF.
PUPIL_NAMES = [
    "Perpetua Quillfeather",
    "Barnaby Wolfhart",
    "Ottoline Grimsdyke",
    "Cosmo Vantablack",
]
SECRETS = [
    "glimmerfang canal",  # what happened
    "behind the marzipan shed",  # where
    "Zorblatt Family Support",  # a free-text agency name
    "REF-ZORB-991",  # a referral's reference
    "kumquat referral narrative",  # a referral's words
    "a note about a pomegranate",  # a DSL's note
    "I feel scared of the jellyfish man",  # a pupil's own words
]


def _text(response) -> str:
    return response.content.decode()


def _pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _raise(*, teacher, lead, pupil, category, what, acknowledge=True, **referral):
    concern = sg.concern_raise(
        raised_by=teacher,
        pupil=pupil,
        what_happened=what,
        location=SECRETS[1],
        categories=[category],
    )
    if acknowledge:
        sg.concern_acknowledge(concern=concern, user=lead)
        sg.chronology_add(concern=concern, user=lead, kind=EntryKind.NOTE, text=SECRETS[5])
    if referral:
        sg.chronology_add(
            concern=concern,
            user=lead,
            kind=EntryKind.REFERRAL,
            text=SECRETS[4],
            event_date=timezone.localdate(),
            reference=SECRETS[3],
            **referral,
        )
    return concern


@pytest.fixture
def busy(school, teacher, dsl, tmp_path):
    """A year 4 class taught the test module with its check before and after (through the
    demo loader), concerns of every kind, and a review."""
    curriculum_load(directory=FIXTURE_CURRICULUM)
    load_check(tmp_path)
    module = ModulePage.objects.get(slug="test-8-10")
    group = factories.TeachingGroupFactory(
        school=school, name="Kestrels", year_group=4, teachers=[teacher]
    )
    pupils = [factories.pupil(group, name).pupil for name in PUPIL_NAMES]
    assignment_create(
        group=group,
        module=module,
        opens_on=timezone.localdate(),
        due_on=timezone.localdate() + datetime.timedelta(days=14),
        created_by=teacher,
    )
    load_evidence_demo(school)
    sg.concern_categories_ensure(school=school)
    categories = list(ConcernCategory.objects.filter(school=school).order_by("position"))
    _raise(
        teacher=teacher,
        lead=dsl,
        pupil=pupils[0],
        category=categories[0],
        what=SECRETS[0],
        agency=Agency.OTHER,
        agency_name=SECRETS[2],
    )
    _raise(
        teacher=teacher,
        lead=dsl,
        pupil=pupils[1],
        category=categories[4],
        what=SECRETS[0],
        agency=Agency.POLICE,
    )
    _raise(
        teacher=teacher,
        lead=dsl,
        pupil=pupils[2],
        category=categories[4],
        what=SECRETS[0],
        acknowledge=False,
    )
    sg.concern_raise(
        raised_by=pupils[3].user, pupil=pupils[3], source="pupil", what_happened=SECRETS[6]
    )
    return {"group": group, "pupils": pupils, "module": module}


def _get(client, user, name="teacher_portal:evidence"):
    client.force_login(user)
    return client.get(reverse(name))


def test_the_page_shows_every_section_in_counts(client, school_admin, busy):
    response = _get(client, school_admin)
    assert response.status_code == 200
    text = _text(response)
    taught = text.split('data-evidence="taught"')[1].split("</table>")[0]
    assert "Test module" in taught or busy["module"].title in taught
    assert "Kestrels" in taught
    # 4 pupils × 2 lessons, less the two pupils who missed the second lesson.
    assert "<td>6</td>" in taught
    completion = text.split('data-evidence="completion"')[1].split("</table>")[0]
    assert "<td>6 of 8</td>" in completion and "<td>75%</td>" in completion
    strands = text.split('data-evidence="strands"')[1].split("</table>")[0]
    assert "Online relationships" in strands
    gains = text.split('data-evidence="gains"')[1].split("</table>")[0]
    assert "<td>2</td>" in gains  # the two pupils who did the check before and after
    assert "Staff training records are not kept in Streamwise on this site." in text
    assert "4 concerns raised this school year" in text
    assert "Not acknowledged yet: 2" in text
    by_source = text.split('data-evidence="sg-source"')[1].split("</table>")[0]
    assert '<th scope="row">Staff member</th><td>3</td>' in by_source
    assert "Talk to someone”</th><td>1</td>" in by_source
    by_agency = text.split('data-evidence="sg-agency"')[1].split("</table>")[0]
    assert '<th scope="row">Police</th><td>1</td>' in by_agency
    assert '<th scope="row">Other</th><td>1</td>' in by_agency
    by_category = text.split('data-evidence="sg-category"')[1].split("</table>")[0]
    assert '<th scope="row">Online bullying</th><td>2</td>' in by_category
    month = timezone.localdate().strftime("%B %Y")
    assert f'<th scope="row">{month}</th><td>4</td>' in text
    assert "Mrs J. Adeyemi" in text  # the demo review is listed


def test_no_pupil_name_no_concern_words_and_no_case_on_the_page_or_in_the_pdf(
    client, school_admin, dsl, busy
):
    for user in (school_admin, dsl):
        page = _text(_get(client, user))
        pdf_response = _get(client, user, "teacher_portal:evidence_pdf")
        assert pdf_response["Content-Type"] == "application/pdf"
        pdf = _pdf_text(pdf_response)
        assert "Safeguarding activity" in pdf and "Online bullying" in pdf
        assert "Mrs J. Adeyemi" in pdf  # the review is kept with the evidence, in the PDF too
        for found in (page, pdf):
            for name in PUPIL_NAMES:
                assert name not in found
                assert name.split()[1] not in found
            for words in SECRETS:
                assert words.casefold() not in found.casefold()
        assert "/safeguarding/" not in page.split("<main")[1]  # no link to any case
        assert "Concern " not in pdf


def test_a_dsl_records_the_review_and_it_joins_the_evidence(client, dsl, school_admin, busy):
    client.force_login(dsl)
    url = reverse("teacher_portal:evidence_review_add")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "reviewed_on": str(timezone.localdate()),
            "governor_name": "Mr K. Osei",
            "what_changed": "Filtering now covers the new tablets.",
            "actions": "Review again next September.",
        },
    )
    assert response.status_code == 302
    review = OnlineSafetyReview.objects.get(governor_name="Mr K. Osei")
    assert review.recorded_by == dsl
    assert "Filtering now covers the new tablets." in _text(_get(client, school_admin))


def test_a_review_in_the_future_is_refused_kindly_and_nothing_is_kept(client, dsl, busy):
    client.force_login(dsl)
    response = client.post(
        reverse("teacher_portal:evidence_review_add"),
        {
            "reviewed_on": str(timezone.localdate() + datetime.timedelta(days=3)),
            "governor_name": "Mr K. Osei",
            "what_changed": "Something.",
            "actions": "Something else.",
        },
    )
    assert response.status_code == 400
    assert "The review has to have happened" in _text(response)
    assert not OnlineSafetyReview.objects.filter(governor_name="Mr K. Osei").exists()


def test_school_admins_and_teachers_do_not_record_reviews(client, school_admin, teacher, busy):
    for user in (school_admin, teacher):
        client.force_login(user)
        response = client.post(
            reverse("teacher_portal:evidence_review_add"),
            {
                "reviewed_on": str(timezone.localdate()),
                "governor_name": "Mr K. Osei",
                "what_changed": "x",
                "actions": "y",
            },
        )
        assert response.status_code == 403
    assert not OnlineSafetyReview.objects.filter(governor_name="Mr K. Osei").exists()


def test_another_schools_leaders_see_their_own_evidence_only(client, other_school, busy):
    far_dsl = factories.staff(other_school, StaffRole.DSL)
    far_admin = factories.staff(other_school, StaffRole.SCHOOL_ADMIN)
    for user in (far_dsl, far_admin):
        text = _text(_get(client, user))
        assert "Elmwood" in text
        assert "Mrs J. Adeyemi" not in text  # school A's review
        assert "Kestrels" not in text
        assert "0 concerns raised this school year" in text


def test_teachers_are_refused(client, teacher, busy):
    assert _get(client, teacher).status_code == 403
    assert _get(client, teacher, "teacher_portal:evidence_pdf").status_code == 403


def _count(client, user) -> int:
    client.force_login(user)
    url = reverse("teacher_portal:evidence")
    client.get(url)  # warm caches that are not the page's own (sites, Wagtail)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_number_of_queries_however_big_the_school(
    client, school, school_admin, teacher, dsl, busy
):
    before = _count(client, school_admin)
    # Another class of the same band, taught the same way; more pupils; more concerns.
    group = factories.TeachingGroupFactory(
        school=school, name="Owls", year_group=5, teachers=[teacher]
    )
    extra = [factories.pupil(group, f"Extra {n}").pupil for n in range(6)]
    assignment_create(
        group=group,
        module=busy["module"],
        opens_on=timezone.localdate(),
        due_on=timezone.localdate() + datetime.timedelta(days=7),
        created_by=teacher,
    )
    load_evidence_demo(school)
    category = ConcernCategory.objects.filter(school=school).first()
    for pupil in extra:
        _raise(teacher=teacher, lead=dsl, pupil=pupil, category=category, what="x")
    after = _count(client, school_admin)
    assert after == before
    assert after <= 40
