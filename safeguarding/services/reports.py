"""Governor counts: how many concerns a school had, per term and per school year.

Counts only: no pupil names, no words anyone wrote, nothing that could pick out a child (free
text an agency was named with is folded into "Other"). Each figure is one aggregate query over
the concerns the reader may see (`Concern.objects.visible_to`), so the page costs the same
however many concerns there are.

Terms follow the English school year in whole months, because schools' own term dates differ:
autumn is September to December, spring January to March, summer April to August.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from schools.models import School, YearGroup

from ..models import (
    Agency,
    ChronologyEntry,
    Concern,
    ConcernCategory,
    ConcernSource,
    ConcernStatus,
    EntryKind,
    ReferralOutcome,
)


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: date
    end: date  # the first day after the period

    def q(self, prefix: str = "") -> Q:
        """Concerns raised in this period (`prefix` reaches the concern from another model)."""
        return Q(**{f"{prefix}created_at__gte": _midnight(self.start)}) & Q(
            **{f"{prefix}created_at__lt": _midnight(self.end)}
        )


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def school_year_of(day: date) -> int:
    """The school year a day belongs to, named by the year it starts in (September)."""
    return day.year if day.month >= 9 else day.year - 1


def school_year_periods(year: int) -> list[Period]:
    """The three terms of a school year, then the whole year."""
    return [
        Period("autumn", _("Autumn"), date(year, 9, 1), date(year + 1, 1, 1)),
        Period("spring", _("Spring"), date(year + 1, 1, 1), date(year + 1, 4, 1)),
        Period("summer", _("Summer"), date(year + 1, 4, 1), date(year + 1, 9, 1)),
        Period("year", _("Whole year"), date(year, 9, 1), date(year + 1, 9, 1)),
    ]


@dataclass(frozen=True)
class CountRow:
    label: str
    counts: tuple[int, ...]  # one per period, in the order of `GovernorCounts.periods`


@dataclass(frozen=True)
class CountTable:
    key: str
    title: str
    rows: list[CountRow]


@dataclass(frozen=True)
class GovernorCounts:
    school: School
    year: int
    periods: list[Period]
    total: CountRow
    tables: list[CountTable]
    median_to_acknowledge: tuple[timedelta | None, ...]
    not_acknowledged: tuple[int, ...]

    @property
    def year_label(self) -> str:
        return f"{self.year}–{str(self.year + 1)[-2:]}"

    def median_labels(self) -> list[str]:
        return [duration_label(value) for value in self.median_to_acknowledge]

    def csv_rows(self) -> list[list[str]]:
        """The same figures as the page, as rows for a CSV file (a header row first)."""
        rows = [[_("Table"), _("Row"), *(p.label for p in self.periods)]]
        rows.append([_("Concerns"), _("All concerns"), *map(str, self.total.counts)])
        for table in self.tables:
            rows.extend([table.title, row.label, *map(str, row.counts)] for row in table.rows)
        rows.append([_("Acknowledgement"), _("Median time to acknowledge"), *self.median_labels()])
        rows.append(
            [_("Acknowledgement"), _("Not acknowledged yet"), *map(str, self.not_acknowledged)]
        )
        return rows


def duration_label(value: timedelta | None) -> str:
    """A wait in words a governor reads at a glance ("2 h 5 min", "under a minute")."""
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    if minutes < 1:
        return _("under a minute")
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)s day", "%(n)s days", days) % {"n": days})
    if hours:
        parts.append(_("%(n)s h") % {"n": hours})
    if minutes and not days:
        parts.append(_("%(n)s min") % {"n": minutes})
    return " ".join(parts)


def _period_counts(periods: list[Period], prefix: str = "", distinct: str = "pk") -> dict:
    return {f"n_{p.key}": Count(distinct, filter=p.q(prefix), distinct=True) for p in periods}


def _counts(row: dict, periods: list[Period]) -> tuple[int, ...]:
    return tuple(row[f"n_{p.key}"] for p in periods)


def _by_field(
    concerns: QuerySet, field: str, periods: list[Period], labels: dict, *, keep_all: bool
) -> list[CountRow]:
    """One row per value of `field`, in the order of `labels` (values absent from `labels`
    go last, under their own name); every row of `labels` when `keep_all`."""
    found = {
        row[field]: _counts(row, periods)
        for row in concerns.values(field).annotate(**_period_counts(periods)).order_by()
    }
    zero = (0,) * len(periods)
    rows = [
        CountRow(str(label), found.get(value, zero))
        for value, label in labels.items()
        if keep_all or value in found
    ]
    rows.extend(
        CountRow(str(value), counts) for value, counts in found.items() if value not in labels
    )
    return rows


def governor_counts(*, user, school: School, year: int) -> GovernorCounts:
    """Concerns of one school in one school year, per term and for the year: by category,
    source, year group, where they stand now, referral agency and outcome; the median time from
    raising to a lead's acknowledgement. Only for the school's leads (others see no concerns)."""
    periods = school_year_periods(year)
    whole = periods[-1]
    concerns = Concern.objects.visible_to(user).filter(school=school).filter(whole.q())

    total = concerns.aggregate(**_period_counts(periods))
    category_names = {
        c.name: c.name
        for c in ConcernCategory.objects.filter(school=school, archived_at__isnull=True)
    }
    category_names[None] = _("Not categorised")
    categories = _by_field(concerns, "categories__name", periods, category_names, keep_all=False)
    sources = _by_field(concerns, "source", periods, dict(ConcernSource.choices), keep_all=True)
    years = _by_field(
        concerns, "pupil__year_group", periods, dict(YearGroup.choices), keep_all=False
    )
    statuses = _by_field(concerns, "status", periods, dict(ConcernStatus.choices), keep_all=True)

    referrals = ChronologyEntry.objects.visible_to(user).filter(
        kind=EntryKind.REFERRAL, concern__in=concerns
    )
    by_agency = {
        row["agency"]: _counts(row, periods)
        for row in referrals.values("agency")
        .annotate(**_period_counts(periods, prefix="concern__", distinct="concern"))
        .order_by()
    }
    zero = (0,) * len(periods)
    agencies = [CountRow(str(label), by_agency.get(value, zero)) for value, label in Agency.choices]

    # What came of the referrals: the outcome recorded on a referral or in a later outcome entry.
    outcome_entries = ChronologyEntry.objects.visible_to(user).filter(
        concern__in=concerns, outcome__gt=""
    )
    by_outcome = {
        row["outcome"]: _counts(row, periods)
        for row in outcome_entries.values("outcome")
        .annotate(**_period_counts(periods, prefix="concern__", distinct="concern"))
        .order_by()
    }
    outcomes = [
        CountRow(str(label), by_outcome.get(value, zero))
        for value, label in ReferralOutcome.choices
    ]

    waits: dict[str, list[timedelta]] = {p.key: [] for p in periods}
    waiting = dict.fromkeys((p.key for p in periods), 0)
    for raised, acknowledged in concerns.values_list("created_at", "acknowledged_at"):
        for period in periods:
            if _midnight(period.start) <= raised < _midnight(period.end):
                if acknowledged is None:
                    waiting[period.key] += 1
                else:
                    waits[period.key].append(acknowledged - raised)
    medians = tuple(statistics.median(waits[p.key]) if waits[p.key] else None for p in periods)

    return GovernorCounts(
        school=school,
        year=year,
        periods=periods,
        total=CountRow(_("All concerns"), _counts(total, periods)),
        tables=[
            CountTable("category", _("By category"), categories),
            CountTable("source", _("By who raised it"), sources),
            CountTable("year_group", _("By year group"), years),
            CountTable("outcome", _("Where the cases stand now"), statuses),
            CountTable("agency", _("Referred to (concerns with a referral)"), agencies),
            CountTable("referral_outcome", _("What came of the referrals"), outcomes),
        ],
        median_to_acknowledge=medians,
        not_acknowledged=tuple(waiting[p.key] for p in periods),
    )
