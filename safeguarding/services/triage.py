"""Triage: what waits for the safeguarding leads, in what order, and who works on each case.

The inbox is a triage list. Its order is one rule, kept here so the inbox, its tests and anyone
reading the code agree:

1. a child in immediate danger (a member of staff said so);
2. what a pupil raised through "Talk to someone", by the feeling they chose: scared first, then
   sad, worried, angry or not sure (or no feeling chosen), and "OK" last of the pupil's;
3. everything else (concerns staff raised, flags from free-text screening), strongest flag
   first (see `FLAG_ORDER`);
4. within each step, whoever has waited longest first.

A pupil's "OK" comes after staff concerns and flags: the child chose to reach out, so it stays
in the list, but they told us they are all right.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from schools.models import SAFEGUARDING_ROLES, School
from schools.permissions import all_roles_by_school, is_safeguarding_lead, school_in_use_id

from ..models import (
    Alert,
    AlertKind,
    Concern,
    ConcernCategory,
    ConcernSource,
    ConcernStatus,
    Delivery,
    DeliveryKind,
    EntryKind,
    Feeling,
    Flag,
    lead_school_ids,
)
from .common import (
    _concern_save,
    _display_name,
    _entry_add,
    _lock,
    _require_lead,
    safeguarding_leads,
)
from .concerns import concern_acknowledge
from .notifications import _delivery_create

# --- Waiting work -------------------------------------------------------------------------------


def waiting_count(*, user) -> int:
    """How many concerns nobody has acknowledged and flags nobody has reviewed, across the
    schools where `user` is a lead (0 for anyone else). Two COUNT queries."""
    if not lead_school_ids(user):
        return 0
    concerns = Concern.objects.visible_to(user).unacknowledged().count()
    return concerns + Flag.objects.visible_to(user).needs_review().count()


def waiting_elsewhere(*, user) -> list[tuple[str, int]]:
    """(school name, how many wait) for the other schools where `user` is a lead, while they
    work in one school: someone who is DSL of two schools must not miss a concern waiting in
    the one they are not looking at. Counts only; schools with nothing waiting are left out.
    Nothing (and no query) for someone who is a lead in one school or none."""
    current = school_in_use_id(user)
    others = [
        school_id
        for school_id, roles in all_roles_by_school(user).items()
        if school_id != current and roles & set(SAFEGUARDING_ROLES)
    ]
    if not others:
        return []
    counts: dict[int, int] = {}
    for rows in (
        Concern.objects.filter(school_id__in=others).unacknowledged().values("school_id"),
        Flag.objects.filter(school_id__in=others).needs_review().values("school_id"),
    ):
        for row in rows.order_by().annotate(n=Count("pk")):
            counts[row["school_id"]] = counts.get(row["school_id"], 0) + row["n"]
    if not counts:
        return []
    names = dict(School.objects.filter(pk__in=counts).values_list("pk", "name"))
    return sorted(((names[pk], n) for pk, n in counts.items()), key=lambda item: item[0])


def login_landing_url(*, user) -> str | None:
    """Where a lead lands after signing in: the inbox whenever something waits, else None
    (the usual home for their roles)."""
    if is_safeguarding_lead(user) and waiting_count(user=user):
        return reverse("safeguarding:home")
    return None


# --- The triage order ---------------------------------------------------------------------------

TIER_DANGER, TIER_SCARED, TIER_UPSET, TIER_OTHER, TIER_OK = range(5)


def _concern_tier():
    return Case(
        When(immediate_danger=True, then=Value(TIER_DANGER)),
        When(source=ConcernSource.PUPIL, feeling=Feeling.SCARED, then=Value(TIER_SCARED)),
        When(source=ConcernSource.PUPIL, feeling=Feeling.OK, then=Value(TIER_OK)),
        When(source=ConcernSource.PUPIL, then=Value(TIER_UPSET)),
        default=Value(TIER_OTHER),
        output_field=IntegerField(),
    )


#: How flags are ordered among themselves: strongest first (the detector's 1–5), then longest
#: waiting.
FLAG_ORDER = (F("strength").desc(), "created_at")


EXCERPT_CHARS = 140


@dataclass(frozen=True)
class InboxRow:
    """One line of the triage list: a concern or a flag, with what the DSL needs to decide
    which to open first. `excerpt` is the start of what was written: for the DSL's screen only,
    never for an email, a URL or a log line."""

    concern: Concern | None
    flag: Flag | None
    tier: int
    strength: int
    waiting_since: datetime
    excerpt: str

    @property
    def record(self):
        return self.concern or self.flag

    @property
    def pupil(self):
        return self.record.pupil

    @property
    def explanation(self) -> str:
        """Why a flag was raised, in words (empty for a concern)."""
        return (self.flag.explanation or self.flag.reason) if self.flag else ""

    @property
    def sort_key(self) -> tuple:
        # Concerns before flags within a step, then strength, then the longest wait.
        return (self.tier, self.flag is not None, -self.strength, self.waiting_since)


def _excerpt(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(EXCERPT_CHARS)


def _concern_rows(concerns: QuerySet, limit: int) -> list[InboxRow]:
    concerns = (
        concerns.annotate(triage_tier=_concern_tier())
        .select_related("pupil", "raised_by", "assigned_to")
        .prefetch_related("categories")
        .order_by("triage_tier", "created_at")[:limit]
    )
    return [
        InboxRow(
            concern=c,
            flag=None,
            tier=c.triage_tier,
            strength=0,
            waiting_since=c.created_at,
            excerpt=_excerpt(c.what_happened),
        )
        for c in concerns
    ]


def _flag_rows(flags: QuerySet, limit: int) -> list[InboxRow]:
    flags = flags.select_related("pupil").order_by(*FLAG_ORDER)[:limit]
    return [
        InboxRow(
            concern=None,
            flag=f,
            tier=TIER_OTHER,
            strength=f.strength,
            waiting_since=f.created_at,
            excerpt=_excerpt(f.text_excerpt),
        )
        for f in flags
    ]


# --- Filters ------------------------------------------------------------------------------------

STATUS_WAITING = "waiting"
STATUS_REVIEW = "review"
SOURCE_SCREENING = "screening"
ASSIGNED_ME = "me"
ASSIGNED_NOBODY = "nobody"


@dataclass(frozen=True)
class InboxFilters:
    """What the DSL narrowed the inbox to: ids, choices and dates only, never text."""

    status: str = STATUS_WAITING
    category: ConcernCategory | None = None
    group_id: int | None = None
    year_group: int | None = None
    source: str = ""
    since: date | None = None
    until: date | None = None
    assigned: str = ""


def _date_filters(since: date | None, until: date | None) -> Q:
    q = Q()
    if since:
        q &= Q(created_at__date__gte=since)
    if until:
        q &= Q(created_at__date__lte=until)
    return q


def _filtered_concerns(user, filters: InboxFilters) -> QuerySet | None:
    if filters.status == STATUS_REVIEW:
        return None
    concerns = Concern.objects.visible_to(user)
    if filters.status == STATUS_WAITING:
        concerns = concerns.unacknowledged()
    elif filters.status in ConcernStatus.values:
        concerns = concerns.filter(status=filters.status)
    if filters.category is not None:
        concerns = concerns.filter(categories=filters.category)
    if filters.group_id is not None:
        concerns = concerns.filter(pupil__teaching_groups=filters.group_id)
    if filters.year_group is not None:
        concerns = concerns.filter(pupil__year_group=filters.year_group)
    if filters.source == SOURCE_SCREENING:
        concerns = concerns.filter(source=ConcernSource.FLAG)
    elif filters.source:
        concerns = concerns.filter(source=filters.source)
    if filters.assigned == ASSIGNED_ME:
        concerns = concerns.filter(assigned_to=user)
    elif filters.assigned == ASSIGNED_NOBODY:
        concerns = concerns.filter(assigned_to__isnull=True)
    # A pupil in two classes must appear once.
    return concerns.filter(_date_filters(filters.since, filters.until)).distinct()


def _filtered_flags(user, filters: InboxFilters) -> QuerySet | None:
    flags_apply = filters.status in (STATUS_WAITING, STATUS_REVIEW)
    # Flags have no categories, staff source or assignee: those filters leave them out.
    if not flags_apply or filters.category or filters.assigned:
        return None
    if filters.source and filters.source != SOURCE_SCREENING:
        return None
    flags = Flag.objects.visible_to(user).needs_review()
    if filters.group_id is not None:
        flags = flags.filter(pupil__teaching_groups=filters.group_id)
    if filters.year_group is not None:
        flags = flags.filter(pupil__year_group=filters.year_group)
    return flags.filter(_date_filters(filters.since, filters.until)).distinct()


def inbox_rows(*, user, filters: InboxFilters, limit: int = 200) -> list[InboxRow]:
    """The triage list for a lead: concerns and flags matching `filters`, most urgent first.

    A fixed number of queries however many rows: concerns (with pupil, raiser, assignee), their
    categories, and flags. Both lists come out of the database already in triage order, so
    merging them keeps the `limit` most urgent of all.
    """
    parts = []
    concerns = _filtered_concerns(user, filters)
    if concerns is not None:
        parts.append(_concern_rows(concerns, limit))
    flags = _filtered_flags(user, filters)
    if flags is not None:
        parts.append(_flag_rows(flags, limit))
    merged = heapq.merge(*parts, key=lambda row: row.sort_key)
    return list(merged)[:limit]


# --- Working on a case: categories and assignment -----------------------------------------------


def _names(categories: Iterable[ConcernCategory]) -> str:
    return ", ".join(c.name for c in categories) or _("none")


@transaction.atomic
def concern_categories_change(
    *, concern: Concern, user, categories: Iterable[ConcernCategory]
) -> Concern:
    """Set the categories a concern is filed under, recording the change (from what, to what)
    in the chronology. Choosing the same categories again records nothing (a double submit).

    Categorising a concern is working on it, so it acknowledges the concern too.
    """
    _require_lead(user, concern.school)
    categories = sorted(set(categories), key=lambda c: (c.position, c.name))
    if any(c.school_id != concern.school_id for c in categories):
        raise ValidationError({"categories": _("Choose categories of the pupil's school.")})
    concern = concern_acknowledge(concern=concern, user=user)
    before = sorted(concern.categories.all(), key=lambda c: (c.position, c.name))
    if {c.pk for c in before} == {c.pk for c in categories}:
        return concern
    concern.categories.set(categories)
    _entry_add(
        concern=concern,
        kind=EntryKind.CATEGORIES_CHANGED,
        author=user,
        text=_("Categories changed from “%(before)s” to “%(after)s”.")
        % {"before": _names(before), "after": _names(categories)},
    )
    _concern_save(concern)
    return concern


def assignable_leads(*, school) -> list:
    """The people a case can be assigned to: the school's active DSLs and deputy DSLs."""
    return safeguarding_leads(school=school)


@transaction.atomic
def concern_assign(*, concern: Concern, user, assignee) -> Concern:
    """Give a case to a DSL or deputy DSL of its school (or to nobody, with `assignee=None`).

    Records the change in the chronology; the new assignee, unless they assigned it to
    themself, gets an in-app alert and one email (with a link and no details) per case.
    Assigning to whoever already has it records nothing. Assigning acknowledges the concern.
    """
    _require_lead(user, concern.school)
    if assignee is not None and not (
        assignee.is_active and is_safeguarding_lead(assignee, school=concern.school)
    ):
        raise ValidationError({"assignee": _("Choose a DSL or deputy DSL of this school.")})
    concern = concern_acknowledge(concern=concern, user=user)
    concern = _lock(concern)
    if concern.assigned_to_id == (assignee.pk if assignee else None):
        return concern
    previous = concern.assigned_to
    concern.assigned_to = assignee
    _concern_save(concern, "assigned_to")
    if assignee is None:
        text = _("No longer assigned to %(before)s.") % {"before": _display_name(previous)}
    elif previous is None:
        text = _("Assigned to %(after)s.") % {"after": _display_name(assignee)}
    else:
        text = _("Assigned to %(after)s (was %(before)s).") % {
            "after": _display_name(assignee),
            "before": _display_name(previous),
        }
    _entry_add(concern=concern, kind=EntryKind.ASSIGNED, author=user, text=text)
    if assignee is not None and assignee.pk != user.pk:
        Alert.objects.create(
            recipient=assignee, school=concern.school, kind=AlertKind.ASSIGNED, concern=concern
        )
        already_emailed = Delivery.objects.filter(
            concern=concern, recipient=assignee, kind=DeliveryKind.ASSIGNED
        ).exists()
        if not already_emailed:
            _delivery_create(recipient=assignee, kind=DeliveryKind.ASSIGNED, concern=concern)
    return concern
