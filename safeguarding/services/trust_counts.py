"""Safeguarding activity across a trust's schools, as counts only.

A trust's central team needs to know whether each school's safeguarding is busy and whether
concerns are picked up quickly; it must never learn who a concern is about or what it says.
So this gives, per school: how many concerns were raised per category and month, and the median
time to a lead's acknowledgement. No case, no pupil, no text, no names of staff. Three queries,
however many schools and concerns.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Concern, ConcernCategory
from .reports import duration_label


@dataclass
class SchoolConcernCounts:
    """One school's concerns: {category name: {first day of month: count}} and the median wait."""

    by_category: dict[str, dict[date, int]] = field(default_factory=dict)
    total: int = 0
    median_to_acknowledge: timedelta | None = None
    not_acknowledged: int = 0
    rows: list[tuple[str, list[int]]] = field(default_factory=list)  # (category, per month)

    @property
    def median_label(self) -> str:
        return duration_label(self.median_to_acknowledge)


@dataclass
class TrustConcernCounts:
    months: list[date]  # the first day of each month counted, oldest first
    categories: list[str]  # every category name found, alphabetically, "Not categorised" last
    schools: dict[int, SchoolConcernCounts]


def _month_starts(today: date, months: int) -> list[date]:
    starts = []
    year, month = today.year, today.month
    for _month in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def trust_concern_counts(*, school_ids, months: int = 6, today=None) -> TrustConcernCounts:
    """Concerns raised in the last `months` calendar months in each of the schools, counted.

    For a trust admin's overview: callers decide who may see it (counts are not restricted to
    safeguarding leads, which is why nothing here identifies a child or a case). A concern with
    two categories counts once in each; one with none counts under "Not categorised".
    """
    today = today or timezone.localdate()
    month_list = _month_starts(today, months)
    since = timezone.make_aware(datetime.combine(month_list[0], time.min))
    school_ids = list(school_ids)
    concerns = Concern.objects.filter(school_id__in=school_ids, created_at__gte=since)
    uncategorised = _("Not categorised")
    result = TrustConcernCounts(
        months=month_list, categories=[], schools={pk: SchoolConcernCounts() for pk in school_ids}
    )
    names = set()
    for row in (
        concerns.annotate(month=TruncMonth("created_at"))
        .values("school_id", "month", "categories__name")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    ):
        name = row["categories__name"] or uncategorised
        names.add(name)
        month = row["month"]
        month = month.date() if isinstance(month, datetime) else month
        counts = result.schools[row["school_id"]].by_category.setdefault(name, {})
        counts[month] = counts.get(month, 0) + row["n"]
    waits = defaultdict(list)
    for school_id, raised, acknowledged in concerns.values_list(
        "school_id", "created_at", "acknowledged_at"
    ):
        school = result.schools[school_id]
        school.total += 1
        if acknowledged is None:
            school.not_acknowledged += 1
        else:
            waits[school_id].append(acknowledged - raised)
    for school_id, found in waits.items():
        result.schools[school_id].median_to_acknowledge = statistics.median(found)
    # Categories a school set up but has not used still show, as rows of noughts.
    names |= set(
        ConcernCategory.objects.filter(school_id__in=school_ids, archived_at__isnull=True)
        .values_list("name", flat=True)
        .distinct()
    )
    result.categories = sorted(names - {uncategorised}, key=str.casefold)
    if uncategorised in names:
        result.categories.append(uncategorised)
    for school in result.schools.values():
        school.rows = [
            (name, [school.by_category.get(name, {}).get(month, 0) for month in month_list])
            for name in result.categories
        ]
    return result
