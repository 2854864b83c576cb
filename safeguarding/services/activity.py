"""Safeguarding activity as counts, for a school's inspection evidence.

Counts only, and only of the kind a governor or an inspector may see: concerns by category, by
who raised them and by month, the median time to acknowledge, and referrals by agency. No pupil,
no words anyone wrote, no case number: nothing here can pick out a child or open a case. That is
why a school admin may see these figures although they may not open a concern
(`Concern.objects.visible_to` gives them nothing); the caller decides who reads the page.

Five queries, however many concerns there are.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.models import School

from ..models import Agency, ChronologyEntry, Concern, ConcernCategory, ConcernSource, EntryKind
from .reports import _midnight, duration_label


@dataclass(frozen=True)
class Tally:
    label: str
    count: int


@dataclass(frozen=True)
class SafeguardingActivity:
    start: date
    end: date  # the first day after the period
    total: int
    by_category: list[Tally]
    by_source: list[Tally]
    by_month: list[Tally]
    by_agency: list[Tally]
    median_to_acknowledge: timedelta | None
    not_acknowledged: int

    @property
    def median_label(self) -> str:
        return duration_label(self.median_to_acknowledge)


def _months(start: date, end: date) -> list[date]:
    months, day = [], start.replace(day=1)
    while day < end:
        months.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


def safeguarding_activity(*, school: School, start: date, end: date) -> SafeguardingActivity:
    """Counts of the school's concerns raised from `start` up to (not including) `end`."""
    concerns = Concern.objects.filter(
        school=school, created_at__gte=_midnight(start), created_at__lt=_midnight(end)
    )
    names = {
        c.pk: c.name
        for c in ConcernCategory.objects.filter(school=school).order_by("position", "name")
    }
    per_category = dict(
        concerns.values_list("categories").annotate(n=Count("pk", distinct=True)).order_by()
    )
    by_category = [
        Tally(name, per_category[pk]) for pk, name in names.items() if pk in per_category
    ]
    if per_category.get(None):
        by_category.append(Tally(_("Not categorised"), per_category[None]))

    per_source = dict(concerns.values_list("source").annotate(n=Count("pk")).order_by())
    by_source = [
        Tally(str(label), per_source.get(value, 0)) for value, label in ConcernSource.choices
    ]

    # Months are counted here from the raise times in the site's time zone, the same on
    # SQLite and PostgreSQL (a database month function depends on the server's zone tables).
    raised = list(concerns.values_list("created_at", "acknowledged_at"))
    per_month: dict[date, int] = {}
    waits = []
    waiting = 0
    for created, acknowledged in raised:
        month = timezone.localtime(created).date().replace(day=1)
        per_month[month] = per_month.get(month, 0) + 1
        if acknowledged is None:
            waiting += 1
        else:
            waits.append(acknowledged - created)
    by_month = [
        Tally(month.strftime("%B %Y"), per_month.get(month, 0)) for month in _months(start, end)
    ]

    per_agency = dict(
        ChronologyEntry.objects.filter(kind=EntryKind.REFERRAL, concern__in=concerns)
        .values_list("agency")
        .annotate(n=Count("concern", distinct=True))
        .order_by()
    )
    # Free text an agency was named with may identify a family: it is folded into "Other".
    by_agency = [Tally(str(label), per_agency.get(value, 0)) for value, label in Agency.choices]
    return SafeguardingActivity(
        start=start,
        end=end,
        total=len(raised),
        by_category=by_category,
        by_source=by_source,
        by_month=by_month,
        by_agency=by_agency,
        median_to_acknowledge=statistics.median(waits) if waits else None,
        not_acknowledged=waiting,
    )
