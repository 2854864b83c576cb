"""Laying out what Wonde sent as the tables of a OneRoster 1.1 bundle, for schools.oneroster.

One org (the school), one class row per Wonde class and/or registration group (the school's
choice), one user row per student (role student) and per employee (role teacher), and one
enrollment per class member. A student's UPN goes in `identifier` and its MIS id in
`wonde_mis_id`, for schools.wonde.matching. Rows are numbered in the
order Wonde listed them, so a problem in the preview says which record it is ("Wonde pupils and
staff", record 12). Year groups are read from the student's included year ("Year 7",
"Reception") and handed on in words, never as a bare number (a OneRoster grade "07" would mean
US grade 7).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from schools.models import WondeConnection, YearGroup
from schools.oneroster.reader import Bundle, Table

GroupsFrom = WondeConnection.GroupsFrom
REGISTRATION = "REGISTRATION"  # Wonde's group type for a registration group (form)
GROUP_PREFIX = "group:"  # a group's MIS link, kept apart from class ids

# What the preview calls each table (the planner names the OneRoster file).
TABLE_LABELS = {
    "users.csv": _("Wonde pupils and staff"),
    "classes.csv": _("Wonde classes"),
    "enrollments.csv": _("Wonde class lists"),
}


def _included(record: dict, name: str):
    value = record.get(name)
    return value.get("data") if isinstance(value, dict) else None


def _text(value) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def year_of(student: dict) -> str:
    """The student's year group in words ("Year 7", "Reception"), or "" if Wonde gave none."""
    from teacher_portal.roster import parse_year_group

    year = _included(student, "year")
    if not isinstance(year, dict):
        return ""
    for field in ("name", "code", "description"):
        number = parse_year_group(_text(year.get(field)))
        if number is not None:
            # English words whatever the site's language, as parse_grade reads them.
            return "Reception" if number == YearGroup.RECEPTION else f"Year {number}"
    return ""


def email_of(employee: dict) -> str:
    details = _included(employee, "contact_details")
    emails = details.get("emails") if isinstance(details, dict) else None
    if not isinstance(emails, dict):
        return ""
    for field in ("primary", "work", "email"):
        if _text(emails.get(field)):
            return _text(emails[field])
    return ""


def upn_of(student: dict) -> str:
    """The student's UPN as Wonde gives it (included `education_details`), or ""."""
    details = _included(student, "education_details")
    return _text(details.get("upn")) if isinstance(details, dict) else ""


def registration_groups(data: dict) -> list[dict]:
    """The registration groups (forms) among the fetched groups."""
    return [
        g
        for g in data.get("groups") or []
        if isinstance(g, dict) and _text(g.get("type")).upper() == REGISTRATION
    ]


def _ids(record: dict, name: str) -> list[str]:
    members = _included(record, name)
    if not isinstance(members, list):
        return []
    return [_text(m.get("id")) for m in members if isinstance(m, dict) and m.get("id")]


def bundle_from(*, school_id: str, data: dict) -> Bundle:
    """A OneRoster-shaped bundle of the fetched data (SchoolData.as_json())."""
    active = {"status": "active", "dateLastModified": ""}
    orgs = Table("orgs", ["sourcedId", "name", "type"])
    orgs.rows.append(
        (1, {**active, "sourcedId": school_id, "name": data["name"], "type": "school"})
    )

    classes = Table("classes", ["sourcedId", "title", "schoolSourcedId"])
    enrollments = Table("enrollments", ["classSourcedId", "userSourcedId", "role"])
    enrolled: set[tuple[str, str, str]] = set()
    for class_id, title, record, folded in _teaching_groups(data):
        if not folded:
            classes.rows.append(
                (
                    len(classes.rows) + 1,
                    {
                        **active,
                        "sourcedId": class_id,
                        "title": title,
                        "schoolSourcedId": school_id,
                        "grades": "",
                    },
                )
            )
        for role, members in (("student", "students"), ("teacher", "employees")):
            for user_id in _ids(record, members):
                if (class_id, user_id, role) in enrolled:
                    continue
                enrolled.add((class_id, user_id, role))
                enrollments.rows.append(
                    (
                        len(enrollments.rows) + 1,
                        {
                            **active,
                            "classSourcedId": class_id,
                            "schoolSourcedId": school_id,
                            "userSourcedId": user_id,
                            "role": role,
                        },
                    )
                )

    users = Table("users", ["sourcedId", "role", "givenName", "familyName"])
    people = [("student", s) for s in data["students"]] + [
        ("teacher", e) for e in data["employees"]
    ]
    for line, (role, record) in enumerate(people, start=1):
        users.rows.append(
            (
                line,
                {
                    **active,
                    "sourcedId": _text(record.get("id")),
                    "enabledUser": "true",
                    "orgSourcedIds": school_id,
                    "role": role,
                    "username": "",
                    "givenName": _text(record.get("forename")),
                    "familyName": _text(record.get("surname")),
                    "grades": year_of(record) if role == "student" else "",
                    "email": email_of(record) if role == "teacher" else "",
                    # What schools.wonde.matching compares with a pupil's earlier MIS link
                    "identifier": upn_of(record) if role == "student" else "",
                    "wonde_mis_id": _text(record.get("mis_id")) if role == "student" else "",
                },
            )
        )
    tables = {"orgs": orgs, "classes": classes, "users": users, "enrollments": enrollments}
    return Bundle(version="1.1", tables=tables)


def _teaching_groups(data: dict):
    """(sourcedId, title, record, folded) for each Wonde class or registration group to be a
    class here; folded when it is the class listed before it.

    `groups_from` (saved with the fetched data) chooses classes, registration groups or both.
    With both, a registration group called the same as a class is that class (a primary
    school's form is often its only class): its members are enrolled in the class.
    """
    chosen = data.get("groups_from") or GroupsFrom.CLASSES
    by_title: dict[str, str] = {}
    if chosen in (GroupsFrom.CLASSES, GroupsFrom.BOTH):
        for record in data["classes"]:
            class_id, title = _text(record.get("id")), _text(record.get("name"))
            by_title.setdefault(title.casefold(), class_id)
            yield class_id, title, record, False
    if chosen in (GroupsFrom.REGISTRATION, GroupsFrom.BOTH):
        for record in registration_groups(data):
            title = _text(record.get("name"))
            folded = title.casefold() in by_title
            class_id = by_title.get(title.casefold()) or GROUP_PREFIX + _text(record.get("id"))
            yield class_id, title, record, folded
