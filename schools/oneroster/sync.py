"""Comparing a OneRoster bundle with a school, and applying the difference in one transaction.

Matching: a pupil or class is found by the sourcedId kept from the last sync (MisLink); failing
that, by name among those no sync has linked yet (a pupil or class typed in by hand is linked,
not duplicated). Pupils the last sync brought in who are no longer in the file are archived
(never deleted: their progress and any safeguarding record stay); archived pupils who are back
in the file are restored. Staff are matched by email to staff accounts of the school and made
teachers of their classes; nobody is given an account by a file.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from schools.models import (
    AgeBand,
    MisLink,
    Pupil,
    School,
    StaffMembership,
    TeachingGroup,
    YearGroup,
)

from .reader import Bundle

SOURCE = MisLink.SOURCE_ONEROSTER
NAME_MAX_LENGTH = Pupil._meta.get_field("display_name").max_length
CLASS_NAME_MAX_LENGTH = TeachingGroup._meta.get_field("name").max_length
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
STUDENT_ROLES = {"student"}
TEACHER_ROLES = {"teacher"}

# OneRoster grades are CEDS codes, which count US grades: US grade N is Year N+1 in England
# (kindergarten is Year 1, pre-kindergarten Reception). English spellings are read as they are.
CEDS_GRADES = {"PK": 0, "TK": 0, "KG": 1, **{f"{n:02d}": n + 1 for n in range(1, 11)}}


def parse_grade(text: str) -> int | None:
    from teacher_portal.roster import parse_year_group

    text = text.strip()
    if text.upper() in CEDS_GRADES:
        return CEDS_GRADES[text.upper()]
    return parse_year_group(text) if text else None


def _grades(cell: str) -> list[int]:
    years = [parse_grade(part) for part in cell.split(",")]
    return [year for year in years if year is not None]


def _active(cells: dict[str, str]) -> bool:
    return cells.get("status", "").lower() != "tobedeleted"


def _formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


@dataclass
class Problem:
    file: str
    line: int
    what: str  # a name or id, so the row can be found
    message: str


@dataclass
class ClassPlan:
    kind: str  # new, link, rename, unchanged, closing, reopening
    title: str
    year_group: int | None
    sourced_id: str = ""
    group: TeachingGroup | None = None

    @property
    def year_group_label(self) -> str:
        return YearGroup(self.year_group).label if self.year_group is not None else ""


@dataclass
class PupilPlan:
    kind: str  # new, moved, returning, leaving, unchanged
    name: str
    year_group: int
    sourced_id: str = ""
    pupil: Pupil | None = None
    class_ids: list[str] = field(default_factory=list)  # target classes, by sourcedId
    before: list[str] = field(default_factory=list)  # class names now
    after: list[str] = field(default_factory=list)  # class names after the sync
    link: bool = False  # matched by name: the sourcedId is kept from now on
    identifier: str = ""  # the MIS's identifier for the pupil, if the source gave one

    @property
    def year_group_label(self) -> str:
        return YearGroup(self.year_group).label


@dataclass
class StaffPlan:
    name: str
    email: str
    class_ids: list[str]
    classes: list[str]
    user: object | None = None


@dataclass
class SyncPlan:
    version: str
    org_name: str
    classes: list[ClassPlan] = field(default_factory=list)
    pupils: list[PupilPlan] = field(default_factory=list)
    staff: list[StaffPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def pupils_of(self, kind: str) -> list[PupilPlan]:
        return [plan for plan in self.pupils if plan.kind == kind]

    def classes_of(self, *kinds: str) -> list[ClassPlan]:
        return [plan for plan in self.classes if plan.kind in kinds]

    @property
    def counts(self) -> dict[str, int]:
        counts = Counter(plan.kind for plan in self.pupils)
        return {kind: counts.get(kind, 0) for kind in PUPIL_KINDS}

    @property
    def has_changes(self) -> bool:
        return (
            any(plan.kind != "unchanged" or plan.link for plan in self.pupils)
            or any(plan.kind != "unchanged" for plan in self.classes)
            or any(self.teacher_changes())
        )

    def teacher_changes(self):
        """(group or class sourcedId, user, add?) for each teacher to add to or take off a class."""
        known = [staff for staff in self.staff if staff.user is not None]
        for plan in self.classes:
            if plan.kind == "closing":
                continue
            current = set(plan.group.teachers.all()) if plan.group else set()
            for staff in known:
                teaches = plan.sourced_id in staff.class_ids
                if teaches and staff.user not in current:
                    yield plan, staff.user, True
                elif not teaches and staff.user in current:
                    yield plan, staff.user, False


PUPIL_KINDS = ("new", "moved", "returning", "leaving", "unchanged")


class _Planner:
    def __init__(self, *, school: School, bundle: Bundle, source: str = SOURCE):
        self.school = school
        self.bundle = bundle
        self.source = source
        self.problems: list[Problem] = []
        self.problem_users: set[str] = set()  # users.csv rows left as they are

    def problem(self, file: str, line: int, what: str, message: str) -> None:
        self.problems.append(Problem(file=file, line=line, what=what, message=message))

    def linked_elsewhere(self, record) -> bool:
        """Whether a pupil or class this source hasn't linked is linked to another MIS record
        (then the same name is not enough to link it; schools.wonde.matching says more)."""
        return hasattr(record, "mis_link")

    # -- which org is this school ----------------------------------------------------------
    def school_org(self) -> tuple[str, str]:
        from .reader import OneRosterFileError

        schools = [
            cells
            for _line, cells in self.bundle.rows("orgs")
            if cells.get("type", "").lower() == "school" and _active(cells)
        ]
        if len(schools) == 1:
            return schools[0]["sourcedId"], schools[0]["name"]
        named = [c for c in schools if c["name"].casefold() == self.school.name.casefold()]
        if len(named) == 1:
            return named[0]["sourcedId"], named[0]["name"]
        if not schools:
            raise OneRosterFileError(_("orgs.csv lists no school (no org of type “school”)."))
        raise OneRosterFileError(
            _(
                "orgs.csv lists %(count)s schools (%(names)s) and none is called “%(school)s”. "
                "Export your school on its own, or ask us to rename your school to match."
            )
            % {
                "count": len(schools),
                "names": ", ".join(c["name"] for c in schools),
                "school": self.school.name,
            }
        )

    # -- users and their roles ---------------------------------------------------------------
    def users(self, org_id: str):
        """{sourcedId: (line, cells, role, orgs)} for users of any school in the file."""
        users = {}
        seen: dict[str, int] = {}
        for line, cells in self.bundle.rows("users"):
            sid = cells["sourcedId"]
            if not sid:
                self.problem("users.csv", line, "—", _("The sourcedId is empty."))
                continue
            if sid in seen:
                self.problem(
                    "users.csv",
                    line,
                    sid,
                    _("The sourcedId %(id)s is also on line %(line)s; each person needs their own.")
                    % {"id": sid, "line": seen[sid]},
                )
                continue
            seen[sid] = line
            orgs = {o.strip() for o in cells.get("orgSourcedIds", "").split(",") if o.strip()}
            users[sid] = [line, cells, cells.get("role", "").strip(), orgs]
        if self.bundle.version == "1.2":
            for _line, cells in self.bundle.rows("roles"):
                user = users.get(cells["userSourcedId"])
                if user is None or not _active(cells):
                    continue
                if cells["roleType"].lower() == "primary" or not user[2]:
                    user[2] = cells["role"].strip()
                user[3].add(cells["orgSourcedId"].strip())
        return users

    def plan(self) -> SyncPlan:
        org_id, org_name = self.school_org()
        users = self.users(org_id)
        school_orgs = {
            cells["sourcedId"]: cells["name"]
            for _line, cells in self.bundle.rows("orgs")
            if cells.get("type", "").lower() == "school"
        }

        # Classes of this school in the file
        file_classes: dict[str, tuple[int, dict]] = {}
        class_seen: dict[str, int] = {}
        for line, cells in self.bundle.rows("classes"):
            sid = cells["sourcedId"]
            if sid in class_seen:
                self.problem(
                    "classes.csv",
                    line,
                    sid,
                    _("The class sourcedId %(id)s is also on line %(line)s.")
                    % {"id": sid, "line": class_seen[sid]},
                )
                continue
            class_seen[sid] = line
            if cells["schoolSourcedId"] == org_id and _active(cells):
                file_classes[sid] = (line, cells)

        # Enrollments
        students_in: dict[str, list[str]] = {}
        teachers_in: dict[str, list[str]] = {}
        for line, cells in self.bundle.rows("enrollments"):
            if not _active(cells) or cells["schoolSourcedId"] not in ("", org_id):
                continue
            class_id, user_id = cells["classSourcedId"], cells["userSourcedId"]
            role = cells["role"].strip()
            if class_id not in class_seen:
                self.problem(
                    "enrollments.csv",
                    line,
                    class_id or "—",
                    _("There is no class with sourcedId %(id)s in classes.csv.") % {"id": class_id},
                )
                continue
            if class_id not in file_classes:
                continue
            if user_id not in users:
                self.problem(
                    "enrollments.csv",
                    line,
                    user_id or "—",
                    _("There is no user with sourcedId %(id)s in users.csv.") % {"id": user_id},
                )
                continue
            if role in STUDENT_ROLES:
                students_in.setdefault(user_id, []).append(class_id)
            elif role in TEACHER_ROLES:
                teachers_in.setdefault(user_id, []).append(class_id)

        classes = self.plan_classes(file_classes, users, students_in)
        usable = {plan.sourced_id: plan for plan in classes if plan.kind != "closing"}
        pupils = self.plan_pupils(users, org_id, school_orgs, students_in, usable)
        staff = self.plan_staff(users, teachers_in, usable)
        problems = sorted(self.problems, key=lambda p: (p.file, p.line))
        return SyncPlan(
            version=self.bundle.version,
            org_name=org_name,
            classes=classes,
            pupils=pupils,
            staff=staff,
            problems=problems,
        )

    def plan_classes(self, file_classes, users, students_in) -> list[ClassPlan]:
        links = {
            link.sourced_id: link.teaching_group
            for link in MisLink.objects.filter(
                school=self.school, source=self.source, teaching_group__isnull=False
            ).select_related("teaching_group")
        }
        by_name = {g.name.casefold(): g for g in TeachingGroup.objects.filter(school=self.school)}
        pupil_grades: dict[str, list[int]] = {}
        for user_id, class_ids in students_in.items():
            for year in _grades(users[user_id][1].get("grades", ""))[:1]:
                for class_id in class_ids:
                    pupil_grades.setdefault(class_id, []).append(year)
        plans, titles = [], {}
        for sid, (line, cells) in file_classes.items():
            title = " ".join(cells["title"].split())
            years = _grades(cells.get("grades", "")) or pupil_grades.get(sid, [])
            year = Counter(years).most_common(1)[0][0] if years else None
            if not title:
                self.problem("classes.csv", line, sid, _("The class has no title."))
                continue
            if _formula(title):
                self.problem(
                    "classes.csv",
                    line,
                    sid,
                    _(
                        "The title starts with “%(char)s”, which spreadsheets run as a formula. "
                        "Correct it in your MIS."
                    )
                    % {"char": title[0]},
                )
                continue
            if len(title) > CLASS_NAME_MAX_LENGTH:
                self.problem(
                    "classes.csv",
                    line,
                    title,
                    _("The title is longer than %(max)s characters.")
                    % {"max": CLASS_NAME_MAX_LENGTH},
                )
                continue
            if title.casefold() in titles:
                self.problem(
                    "classes.csv",
                    line,
                    title,
                    _("Another class on line %(line)s has the same title; give each its own.")
                    % {"line": titles[title.casefold()]},
                )
                continue
            titles[title.casefold()] = line
            group = links.get(sid)
            if group is None:
                same_name = by_name.get(title.casefold())
                if same_name is not None and self.linked_elsewhere(same_name):
                    self.problem(
                        "classes.csv",
                        line,
                        title,
                        _("A class called “%(title)s” is already linked to another MIS class.")
                        % {"title": title},
                    )
                    continue
                if same_name is not None:
                    plans.append(ClassPlan("link", title, same_name.year_group, sid, same_name))
                    continue
                if year is None:
                    self.problem(
                        "classes.csv",
                        line,
                        title,
                        _(
                            "The class has no grades and none of its pupils has one, so we "
                            "can't tell its year group."
                        ),
                    )
                    continue
                plans.append(ClassPlan("new", title, year, sid))
                continue
            kind = "unchanged"
            if group.archived_at is not None:
                kind = "reopening"
            elif group.name != title:
                other = by_name.get(title.casefold())
                if other is not None and other.pk != group.pk:
                    self.problem(
                        "classes.csv",
                        line,
                        title,
                        _("Another class is already called “%(title)s”.") % {"title": title},
                    )
                    continue
                kind = "rename"
            plans.append(ClassPlan(kind, title, group.year_group, sid, group))
        for sid, group in links.items():
            if sid not in file_classes and group.archived_at is None:
                plans.append(ClassPlan("closing", group.name, group.year_group, sid, group))
        return plans

    def plan_pupils(self, users, org_id, school_orgs, students_in, classes) -> list[PupilPlan]:
        links = {
            link.sourced_id: link.pupil
            for link in MisLink.objects.filter(
                school=self.school, source=self.source, pupil__isnull=False
            ).select_related("pupil")
        }
        existing = {
            p.display_name.casefold(): p
            for p in Pupil.objects.filter(school=self.school).select_related("mis_link")
        }
        linked_groups: dict[int, set[int]] = {}
        for pupil_id, group_id in Pupil.teaching_groups.through.objects.filter(
            pupil__school=self.school, teachinggroup__mis_link__isnull=False
        ).values_list("pupil_id", "teachinggroup_id"):
            linked_groups.setdefault(pupil_id, set()).add(group_id)
        group_names = dict(
            TeachingGroup.objects.filter(school=self.school).values_list("pk", "name")
        )

        candidates = []
        for sid, (line, cells, role, orgs) in users.items():
            if role not in STUDENT_ROLES or org_id not in orgs:
                continue
            present = _active(cells) and cells.get("enabledUser", "").lower() != "false"
            if not present:
                continue
            others = sorted(school_orgs[o] for o in orgs - {org_id} if o in school_orgs)
            given = " ".join(
                (cells.get("preferredGivenName") or cells.get("givenName", "")).split()
            )
            family = " ".join(
                (cells.get("preferredFamilyName") or cells.get("familyName", "")).split()
            )
            year = (_grades(cells.get("grades", "")) or [None])[0]
            problem = None
            if others:
                problem = _(
                    "This pupil is also listed at another school (%(schools)s). A pupil can "
                    "only be in one school: correct it in your MIS."
                ) % {"schools": ", ".join(others)}
            elif not given:
                problem = _("The pupil has no givenName, so we can't show their name.")
            elif _formula(given) or _formula(family):
                bad = given if _formula(given) else family
                problem = _(
                    "The name starts with “%(char)s”, which spreadsheets run as a formula. "
                    "Correct it in your MIS."
                ) % {"char": bad[0]}
            targets = [c for c in students_in.get(sid, []) if c in classes]
            if problem is None and not targets:
                problem = _("The pupil isn't in any of your classes in enrollments.csv.")
            if problem is None and year is None:
                years = [classes[c].year_group for c in targets if classes[c].year_group]
                year = min(years) if years else None
                if year is None:
                    problem = _("The pupil has no grade, so we can't tell their year group.")
            if problem:
                self.problem("users.csv", line, f"{given} {family}".strip() or sid, problem)
                self.problem_users.add(sid)
                continue
            candidates.append((sid, line, given, family, year, targets))

        # Display names: first name and initial; the full family name where two would clash.
        short = Counter(f"{g} {f[:1]}".strip().casefold() for _s, _l, g, f, _y, _t in candidates)
        plans, in_file, names = [], set(), {}
        for sid, line, given, family, year, targets in candidates:
            name = f"{given} {family[:1]}".strip()
            if short[name.casefold()] > 1:
                name = f"{given} {family}".strip()
            in_file.add(sid)
            problems_before = len(self.problems)
            plan = self.plan_pupil(sid, line, name, year, targets, names, links, existing)
            if len(self.problems) > problems_before:
                self.problem_users.add(sid)
            if plan is None:
                continue
            if plan.pupil is not None:
                current = linked_groups.get(plan.pupil.pk, set())
                plan.before = sorted(group_names[g] for g in current)
                target_groups = {classes[c].group.pk for c in targets if classes[c].group}
                changed = (
                    current != target_groups
                    or any(classes[c].group is None for c in targets)
                    or plan.pupil.year_group != year
                    or plan.pupil.display_name != name
                )
                if plan.pupil.archived_at is not None:
                    plan.kind = "returning"
                else:
                    plan.kind = "moved" if changed else "unchanged"
            plan.after = sorted(classes[c].title for c in targets)
            plan.identifier = " ".join(users[sid][1].get("identifier", "").split())[:64]
            plans.append(plan)
        for sid, pupil in links.items():
            if sid in in_file or sid in self.problem_users or pupil.archived_at is not None:
                continue
            plans.append(
                PupilPlan(
                    "leaving",
                    pupil.display_name,
                    pupil.year_group,
                    sid,
                    pupil,
                    before=sorted(group_names[g] for g in linked_groups.get(pupil.pk, ())),
                )
            )
        order = {kind: index for index, kind in enumerate(PUPIL_KINDS)}
        return sorted(plans, key=lambda p: (order[p.kind], p.name.casefold()))

    def claim_name(self, line, name, names) -> bool:
        """Note that `name` is on `line`; False (with a problem) if an earlier line has it."""
        if name.casefold() in names:
            self.problem(
                "users.csv",
                line,
                name,
                _("Same name as the pupil on line %(line)s, even with the whole family name.")
                % {"line": names[name.casefold()]},
            )
            return False
        names[name.casefold()] = line
        return True

    def plan_pupil(self, sid, line, name, year, targets, names, links, existing):
        """The plan for one pupil row of the file, or None (with a problem) if it can't be used."""
        if not self.claim_name(line, name, names):
            return None
        if len(name) > NAME_MAX_LENGTH:
            self.problem(
                "users.csv",
                line,
                name,
                _("The name is longer than %(max)s characters.") % {"max": NAME_MAX_LENGTH},
            )
            return None
        pupil, link = links.get(sid), False
        clash = existing.get(name.casefold())
        if pupil is None and clash is not None:
            if self.linked_elsewhere(clash):
                self.problem(
                    "users.csv",
                    line,
                    name,
                    _(
                        "Another pupil is already called “%(name)s” in Streamwise. Rename "
                        "one of them (for example with a middle initial) in your MIS."
                    )
                    % {"name": name},
                )
                return None
            pupil, link = clash, True
        elif pupil is not None and clash is not None and clash.pk != pupil.pk:
            self.problem(
                "users.csv",
                line,
                name,
                _("Another pupil is already called “%(name)s” in Streamwise.") % {"name": name},
            )
            return None
        return PupilPlan("new", name, year, sid, pupil, sorted(targets), link=link)

    def plan_staff(self, users, teachers_in, classes) -> list[StaffPlan]:
        staff_ids = set(
            StaffMembership.objects.filter(school=self.school).values_list("user_id", flat=True)
        )
        from django.contrib.auth import get_user_model

        plans = []
        for sid, class_ids in teachers_in.items():
            _line, cells, _role, _orgs = users[sid]
            email = cells.get("email", "") or (
                cells["username"] if "@" in cells.get("username", "") else ""
            )
            usable = sorted(c for c in set(class_ids) if c in classes)
            user = None
            if email:
                matches = list(
                    get_user_model()
                    .objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
                    .filter(pk__in=staff_ids)[:2]
                )
                user = matches[0] if len(matches) == 1 else None
            name = f"{cells.get('givenName', '')} {cells.get('familyName', '')}".strip()
            plans.append(
                StaffPlan(
                    name=name,
                    email=email,
                    class_ids=usable,
                    classes=sorted(classes[c].title for c in usable),
                    user=user,
                )
            )
        return sorted(plans, key=lambda s: (s.user is None, s.name.casefold()))


def plan_sync(*, school: School, bundle: Bundle, source: str = SOURCE) -> SyncPlan:
    """What syncing this bundle would change. Raises OneRosterFileError if it can't be used.

    `source` names the MIS links to match and keep (MisLink.source): a Wonde sync builds a
    bundle from what Wonde sends and plans it here with its own source (schools.wonde).
    """
    return _Planner(school=school, bundle=bundle, source=source).plan()


def age_band_changes(pupil: Pupil, year_group: int) -> bool:
    return AgeBand.for_year_group(pupil.year_group) != AgeBand.for_year_group(year_group)
