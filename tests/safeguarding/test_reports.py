"""Governor counts: known concerns in known terms give known figures, on the page and in the
CSV, with no pupil names or words."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding import services
from safeguarding.models import (
    ChronologyEntry,
    Concern,
    ConcernCategory,
    ConcernSource,
    ConcernStatus,
    EntryKind,
)
from safeguarding.services.reports import duration_label, school_year_of
from tests import factories

SECRET_WORDS = "he said he would send my photos"


def at(year, month, day, hour=9, minute=0):
    return timezone.make_aware(datetime(year, month, day, hour, minute))


@pytest.fixture
def year_of_concerns(school, teacher, dsl, pupil, group):
    """Four concerns in the school year 2025–26 (and one the year before, not counted).

    autumn: A staff, Year 4, grooming, acknowledged after 10 min, open;
            B pupil, Year 4, no category, acknowledged after 30 min, referred to CEOP;
    spring: C staff, Year 9, grooming + bullying, not acknowledged;
    summer: D staff, Year 4, no category, acknowledged after 2 h, closed, referred to MASH.
    """
    services.concern_categories_ensure(school=school)
    grooming = ConcernCategory.objects.get(school=school, name="Online grooming")
    bullying = ConcernCategory.objects.get(school=school, name="Online bullying")
    hawks = factories.TeachingGroupFactory(school=school, name="Hawks", year_group=9)
    quinn = factories.pupil(hawks, "Quinn").pupil

    def concern(raised, *, who=pupil, source=ConcernSource.STAFF, ack=None, status="open"):
        return Concern.objects.create(
            school=school,
            pupil=who,
            source=source,
            raised_by=pupil.user if source == ConcernSource.PUPIL else teacher,
            what_happened=SECRET_WORDS,
            created_at=raised,
            acknowledged_at=raised + ack if ack else None,
            acknowledged_by=dsl if ack else None,
            status=status,
        )

    def referral(c, agency, outcome=""):
        return ChronologyEntry.objects.create(
            concern=c,
            number=1,
            kind=EntryKind.REFERRAL,
            agency=agency,
            author=dsl,
            outcome=outcome,
        )

    a = concern(at(2025, 10, 6), ack=timedelta(minutes=10))
    a.categories.set([grooming])
    b = concern(
        at(2025, 12, 1),
        source=ConcernSource.PUPIL,
        ack=timedelta(minutes=30),
        status=ConcernStatus.REFERRED,
    )
    referral(b, "ceop", outcome="early_help")
    c = concern(at(2026, 2, 3), who=quinn, status=ConcernStatus.NEW)
    c.categories.set([grooming, bullying])
    d = concern(at(2026, 6, 20), ack=timedelta(hours=2), status=ConcernStatus.CLOSED)
    first = referral(d, "social_care")
    # Its outcome came later, as an entry of its own pointing at the referral.
    ChronologyEntry.objects.create(
        concern=d,
        number=2,
        kind=EntryKind.OUTCOME,
        text="Strategy meeting held.",
        outcome="section_47",
        referral=first,
        author=dsl,
    )
    concern(at(2025, 8, 31, 23, 0), ack=timedelta(minutes=1))  # the school year before


def table(counts, key):
    found = next(t for t in counts.tables if t.key == key)
    return {row.label: row.counts for row in found.rows}


def test_the_figures_per_term_and_year(dsl, school, year_of_concerns):
    counts = services.governor_counts(user=dsl, school=school, year=2025)
    assert [p.label for p in counts.periods] == ["Autumn", "Spring", "Summer", "Whole year"]
    assert counts.total.counts == (2, 1, 1, 4)
    assert table(counts, "category") == {
        "Online grooming": (1, 1, 0, 2),
        "Online bullying": (0, 1, 0, 1),
        "Not categorised": (1, 0, 1, 2),
    }
    assert table(counts, "source") == {
        "Staff member": (1, 1, 1, 3),
        "Pupil, through “Talk to someone”": (1, 0, 0, 1),
        "Free-text screening, reviewed by a DSL": (0, 0, 0, 0),
    }
    assert table(counts, "year_group") == {"Year 4": (2, 0, 1, 3), "Year 9": (0, 1, 0, 1)}
    assert table(counts, "outcome") == {
        "New": (0, 1, 0, 1),
        "Open": (1, 0, 0, 1),
        "Referred": (1, 0, 0, 1),
        "Closed": (0, 0, 1, 1),
    }
    agencies = table(counts, "agency")
    assert agencies["CEOP"] == (1, 0, 0, 1)
    assert agencies["Children's social care / MASH"] == (0, 0, 1, 1)
    assert agencies["Police"] == (0, 0, 0, 0)
    outcomes = table(counts, "referral_outcome")
    assert outcomes["Early help"] == (1, 0, 0, 1)
    assert outcomes["Section 47 (child protection enquiry)"] == (0, 0, 1, 1)
    assert outcomes["No further action"] == (0, 0, 0, 0)
    assert counts.median_to_acknowledge == (
        timedelta(minutes=20),
        None,
        timedelta(hours=2),
        timedelta(minutes=30),
    )
    assert counts.median_labels() == ["20 min", "—", "2 h", "30 min"]
    assert counts.not_acknowledged == (0, 1, 0, 1)


def test_the_year_before_is_its_own_year(dsl, school, year_of_concerns):
    counts = services.governor_counts(user=dsl, school=school, year=2024)
    assert counts.total.counts == (0, 0, 1, 1)


def test_nobody_but_a_lead_counts_anything(teacher, school, year_of_concerns):
    counts = services.governor_counts(user=teacher, school=school, year=2025)
    assert counts.total.counts == (0, 0, 0, 0)


def test_the_page_shows_tables_a_chart_and_no_names_or_words(
    dsl_client, year_of_concerns, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        response = dsl_client.get(reverse("safeguarding:reports") + "?year=2025")
    page = response.text
    assert response.status_code == 200
    assert "2025–26" in page
    assert '<canvas data-chart="category"' in page and "chart.umd.min.js" in page
    assert "<td>20 min</td>" in page
    for secret in ("Isla", "Quinn", SECRET_WORDS):
        assert secret not in page


def test_the_csv_has_the_same_figures_and_no_names(dsl_client, year_of_concerns):
    response = dsl_client.get(reverse("safeguarding:reports_csv") + "?year=2025")
    assert response["Content-Type"].startswith("text/csv")
    assert "safeguarding-counts-2025-2026.csv" in response["Content-Disposition"]
    text = response.content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Table", "Row", "Autumn", "Spring", "Summer", "Whole year"]
    assert ["Concerns", "All concerns", "2", "1", "1", "4"] in rows
    assert ["By category", "Online grooming", "1", "1", "0", "2"] in rows
    assert ["By year group", "Year 9", "0", "1", "0", "1"] in rows
    assert ["Acknowledgement", "Median time to acknowledge", "20 min", "—", "2 h", "30 min"] in (
        rows
    )
    for secret in ("Isla", "Quinn", SECRET_WORDS):
        assert secret not in text


def test_a_category_that_looks_like_a_formula_stays_text(dsl, dsl_client, school, pupil):
    services.concern_categories_set(school=school, names=["=HYPERLINK(1)", "Other"], user=dsl)
    concern = services.concern_raise(
        raised_by=pupil.user, pupil=pupil, source=ConcernSource.PUPIL, feeling="sad"
    )
    services.concern_categories_change(
        concern=concern, user=dsl, categories=ConcernCategory.objects.filter(name__startswith="=")
    )
    year = school_year_of(timezone.localdate())
    text = dsl_client.get(reverse("safeguarding:reports_csv") + f"?year={year}").content.decode()
    assert "'=HYPERLINK(1)" in text


def test_a_year_not_offered_is_a_clear_error(dsl_client):
    response = dsl_client.get(reverse("safeguarding:reports") + "?year=1999")
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


def test_durations_read_easily():
    assert duration_label(timedelta(seconds=20)) == "under a minute"
    assert duration_label(timedelta(hours=1, minutes=5)) == "1 h 5 min"
    assert duration_label(timedelta(days=2, hours=3, minutes=4)) == "2 days 3 h"
