"""Moving from OneRoster to Wonde without duplicating a single pupil.

A school that imported its pupils from a OneRoster file (SDS, Xporter) and then connects Wonde
has pupils linked to OneRoster sourcedIds, which Wonde has never heard of. Each Wonde student
who is not linked to a pupil yet is compared with the pupils linked to another source:

1. **UPN.** The Unique Pupil Number is issued once per child in England and Wales and carries
   a check letter. When the OneRoster `identifier` kept for a pupil is a well-formed UPN (the
   check letter is right) and the Wonde student's UPN (`education_details.upn`) is the same,
   it is the same child. Both sides must hold that UPN once only.
2. **MIS id.** SDS and Xporter exports often carry the MIS's own record id as the sourcedId or
   the `identifier`; Wonde gives it as `mis_id`. That id is only unique inside one MIS database
   (and a short number could equally be an admission number elsewhere), so it counts only when
   the names agree too. The same id with a different name is shown as a problem.
3. **Name and class.** Failing an identifier, a pupil whose display name is the Wonde student's
   ("Amir K" or "Amir Khan"), who is in a class of the same name and in the same year group, is
   offered in the first sync's preview as "matched by name and class: please confirm". Only a
   confirmed match is linked; an unconfirmed one is left out (not added, so no duplicate).
4. Anything else that shares a name (the class or year differs, two pupils could be the one,
   or one pupil could be two Wonde students) is a problem in the preview, never merged.

A matched pupil keeps its row, so its progress, certificates and safeguarding records stay; the
sync moves its MIS link from OneRoster to Wonde (handover) in the same transaction as the rest.
Classes linked by OneRoster are handed over to the Wonde class or group of the same name.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from schools.models import MisLink, Pupil, School, TeachingGroup, YearGroup
from schools.oneroster.reader import Bundle
from schools.oneroster.sync import (
    NAME_MAX_LENGTH,
    STUDENT_ROLES,
    PupilPlan,
    SyncPlan,
    _grades,
    _Planner,
)

SOURCE = MisLink.SOURCE_WONDE
# Links of these sources may be handed over to Wonde (moving from OneRoster to Wonde).
HANDOVER_SOURCES = (MisLink.SOURCE_ONEROSTER,)

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # the 23 check letters (no I, O or S)
UPN_SHAPE = re.compile(r"[A-Z]\d{11}[0-9A-Z]")


def upn(text: str) -> str:
    """The UPN in text if it is a well-formed one (right shape and check letter), else "".

    The check letter is the sum of each later character's value times its position (2 to 13),
    modulo 23, as a letter of UPN_LETTERS; a temporary UPN ends in a letter, valued by its
    place in the same list.
    """
    text = "".join(str(text or "").split()).upper()
    if not UPN_SHAPE.fullmatch(text):
        return ""
    total = 0
    for position, char in enumerate(text[1:], start=2):
        if char.isdigit():
            total += int(char) * position
        elif char in UPN_LETTERS:
            total += UPN_LETTERS.index(char) * position
        else:
            return ""
    return text if UPN_LETTERS[total % 23] == text[0] else ""


@dataclass
class Verdict:
    kind: str  # upn, mis_id, name_class, name_only, ambiguous, other_name
    pupil: Pupil


@dataclass
class Confirmation:
    """A Wonde student who may be a pupil already here: linked only if the admin confirms."""

    sourced_id: str  # the Wonde student id (the checkbox's value)
    name: str  # as Wonde will show them
    year_group: int
    classes: list[str]  # their classes in Wonde
    pupil: Pupil
    pupil_classes: list[str] = field(default_factory=list)

    @property
    def year_group_label(self) -> str:
        return YearGroup(self.year_group).label


def _name_forms(cells: dict) -> set[str]:
    given = " ".join((cells.get("preferredGivenName") or cells.get("givenName", "")).split())
    family = " ".join((cells.get("preferredFamilyName") or cells.get("familyName", "")).split())
    return {f"{given} {family[:1]}".strip().casefold(), f"{given} {family}".strip().casefold()}


class WondePlanner(_Planner):
    """The OneRoster planner, taught to recognise pupils another source brought in."""

    def __init__(self, *, school: School, bundle: Bundle, confirming: bool, confirmed=()):
        super().__init__(school=school, bundle=bundle, source=SOURCE)
        self.confirming = confirming  # a preview: offer name-and-class matches to confirm
        self.confirmed = set(confirmed)  # Wonde student ids the admin confirmed
        self.to_confirm: list[Confirmation] = []
        self._verdicts: dict[str, Verdict] | None = None
        self._others: list[Pupil] = []

    def linked_elsewhere(self, record) -> bool:
        link = getattr(record, "mis_link", None)
        if isinstance(record, TeachingGroup):  # a OneRoster class is handed over by name
            return link is not None and link.source not in HANDOVER_SOURCES
        return link is not None

    def users(self, org_id: str):
        self._users = super().users(org_id)
        return self._users

    def plan_pupils(self, users, org_id, school_orgs, students_in, classes):
        self._students_in, self._classes = students_in, classes
        return super().plan_pupils(users, org_id, school_orgs, students_in, classes)

    def plan(self) -> SyncPlan:
        plan = super().plan()
        for pupil_plan in plan.pupils:  # the UPN was only for matching: it is not kept
            pupil_plan.identifier = ""
        plan.to_confirm = sorted(self.to_confirm, key=lambda c: c.name.casefold())
        how = {
            "upn": _("Same UPN"),
            "mis_id": _("Same MIS id and name"),
            "name_class": _("Same name and class, confirmed by you"),
        }
        verdicts = self._verdicts or {}
        plan.recognised = [
            (p.name, p.pupil.display_name, how[verdicts[p.sourced_id].kind])
            for p in plan.pupils
            if p.link and p.sourced_id in verdicts
        ]
        seen = {p.pupil.pk for p in plan.pupils if p.pupil is not None}
        seen |= {c.pupil.pk for c in self.to_confirm}
        seen |= {v.pupil.pk for v in (self._verdicts or {}).values()}
        plan.not_in_wonde = sorted(
            (p for p in self._others if p.pk not in seen and p.archived_at is None),
            key=lambda p: p.display_name.casefold(),
        )
        return plan

    # -- who is who ------------------------------------------------------------------------
    def verdicts(self) -> dict[str, Verdict]:
        if self._verdicts is None:
            self._verdicts = self._match()
        return self._verdicts

    def _match(self) -> dict[str, Verdict]:
        linked_here = set(
            MisLink.objects.filter(
                school=self.school, source=SOURCE, pupil__isnull=False
            ).values_list("sourced_id", flat=True)
        )
        self._others = list(
            Pupil.objects.filter(school=self.school, mis_link__source__in=HANDOVER_SOURCES)
            .select_related("mis_link")
            .prefetch_related("teaching_groups")
        )
        by_upn: dict[str, list[Pupil]] = {}
        by_mis: dict[str, set[Pupil]] = {}
        for pupil in self._others:
            link = pupil.mis_link
            if upn(link.identifier):
                by_upn.setdefault(upn(link.identifier), []).append(pupil)
            for key in {link.sourced_id.strip(), link.identifier.strip()} - {""}:
                by_mis.setdefault(key, set()).add(pupil)
        students = [
            (sid, cells)
            for sid, (_line, cells, role, _orgs) in self._users.items()
            if role in STUDENT_ROLES and sid not in linked_here
        ]
        upns = Counter(upn(cells.get("identifier", "")) for _sid, cells in students)
        mis_ids = Counter(cells.get("wonde_mis_id", "") for _sid, cells in students)

        verdicts: dict[str, Verdict] = {}
        for sid, cells in students:
            number = upn(cells.get("identifier", ""))
            if number and upns[number] == 1 and len(by_upn.get(number, [])) == 1:
                verdicts[sid] = Verdict("upn", by_upn[number][0])
                continue
            mis_id = cells.get("wonde_mis_id", "")
            if mis_id and mis_ids[mis_id] == 1 and len(by_mis.get(mis_id, ())) == 1:
                (pupil,) = by_mis[mis_id]
                same_name = pupil.display_name.casefold() in _name_forms(cells)
                verdicts[sid] = Verdict("mis_id" if same_name else "other_name", pupil)
        claims = Counter(v.pupil.pk for v in verdicts.values())
        for verdict in verdicts.values():
            if claims[verdict.pupil.pk] > 1:  # two Wonde students, one pupil: neither
                verdict.kind = "ambiguous"

        pool = {
            p.display_name.casefold(): p for p in self._others if p.pk not in claims
        }  # display names are unique in a school
        hits = {
            sid: [pool[form] for form in sorted(_name_forms(cells)) if form in pool]
            for sid, cells in students
            if sid not in verdicts
        }
        times = Counter(p.pk for found in hits.values() for p in found)
        for sid, found in hits.items():
            if not found:
                continue
            pupil = found[0]
            if len(found) > 1 or times[pupil.pk] > 1:
                verdicts[sid] = Verdict("ambiguous", pupil)
                continue
            titles = {
                self._classes[c].title.casefold()
                for c in self._students_in.get(sid, [])
                if c in self._classes
            }
            theirs = {g.name.casefold() for g in pupil.teaching_groups.all()}
            year = (_grades(self._users[sid][1].get("grades", "")) or [None])[0]
            same_year = year is None or year == pupil.year_group
            kind = "name_class" if titles & theirs and same_year else "name_only"
            verdicts[sid] = Verdict(kind, pupil)
        return verdicts

    # -- one pupil ---------------------------------------------------------------------------
    def plan_pupil(self, sid, line, name, year, targets, names, links, existing):
        verdict = None if sid in links else self.verdicts().get(sid)
        if verdict is None:
            return super().plan_pupil(sid, line, name, year, targets, names, links, existing)
        pupil = verdict.pupil
        if verdict.kind in ("upn", "mis_id") or (
            verdict.kind == "name_class" and sid in self.confirmed
        ):
            return self._hand_over(sid, line, name, year, targets, names, existing, pupil)
        if verdict.kind == "name_class" and self.confirming:
            self.to_confirm.append(
                Confirmation(
                    sourced_id=sid,
                    name=name,
                    year_group=year,
                    classes=sorted(self._classes[c].title for c in targets),
                    pupil=pupil,
                    pupil_classes=sorted(g.name for g in pupil.teaching_groups.all()),
                )
            )
            return None
        self.problem("users.csv", line, name, self._message(verdict, name))
        return None

    def _message(self, verdict: Verdict, name: str) -> str:
        here = verdict.pupil.display_name
        if verdict.kind == "name_class":
            return _(
                "May be “%(here)s”, who is already here (same name and class). Not added, so "
                "there is no duplicate. To link them, change where classes come from (or "
                "connect Wonde again): the sync's preview then lets you confirm it."
            ) % {"here": here}
        if verdict.kind == "other_name":
            return _(
                "Has the same MIS id as “%(here)s”, who is already here, but another name. Not "
                "added or merged: check the pupil's record in your MIS."
            ) % {"here": here}
        if verdict.kind == "ambiguous":
            return _(
                "More than one pupil could be this one (“%(here)s” is already here, and names "
                "alone can't tell them apart). Not added or merged, so no two children are "
                "mixed up: give one of them a different name in Streamwise or your MIS."
            ) % {"here": here}
        return _(
            "A pupil called “%(here)s” is already here from your earlier import, but in "
            "another class or year group, so we can't tell whether it is the same child. Not "
            "added or merged: put them in the same class in Streamwise if they are the same "
            "child, or rename one of them."
        ) % {"here": here}

    def _hand_over(self, sid, line, name, year, targets, names, existing, pupil):
        if not self.claim_name(line, name, names):
            return None
        clash = existing.get(name.casefold())
        if len(name) > NAME_MAX_LENGTH or (clash is not None and clash.pk != pupil.pk):
            self.problem(
                "users.csv",
                line,
                name,
                _("Another pupil is already called “%(name)s” in Streamwise.") % {"name": name},
            )
            return None
        return PupilPlan("new", name, year, sid, pupil, sorted(targets), link=True)


def plan_wonde(
    *, school: School, bundle: Bundle, confirming: bool = False, confirmed=()
) -> SyncPlan:
    """The sync plan for what Wonde sent (plan_sync, with pupils of other sources matched)."""
    return WondePlanner(
        school=school, bundle=bundle, confirming=confirming, confirmed=confirmed
    ).plan()


def handover(*, school: School, plan: SyncPlan) -> int:
    """Drop the OneRoster links of the pupils and classes this plan links to Wonde instead.

    Call it inside the applying transaction, just before plan_apply (which makes the Wonde
    links). Returns how many links were handed over.
    """
    pupils = [p.pupil.pk for p in plan.pupils if p.link and p.pupil is not None]
    groups = [c.group.pk for c in plan.classes if c.kind == "link" and c.group is not None]
    deleted, _detail = (
        MisLink.objects.filter(school=school, source__in=HANDOVER_SOURCES)
        .filter(pupil_id__in=pupils)
        .delete()
    )
    more, _detail = MisLink.objects.filter(
        school=school, source__in=HANDOVER_SOURCES, teaching_group_id__in=groups
    ).delete()
    return deleted + more
