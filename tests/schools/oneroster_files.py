"""Tiny synthetic OneRoster 1.1 and 1.2 zips, built in code for the tests."""

from __future__ import annotations

import csv
import io
import zipfile

SCHOOL_ORG = "org-oak"

COLUMNS = {
    "orgs": [
        "sourcedId",
        "status",
        "dateLastModified",
        "name",
        "type",
        "identifier",
        "parentSourcedId",
    ],
    "academicSessions": [
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "type",
        "startDate",
        "endDate",
        "parentSourcedId",
        "schoolYear",
    ],
    "classes": [
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "grades",
        "courseSourcedId",
        "classCode",
        "classType",
        "location",
        "schoolSourcedId",
        "termSourcedIds",
        "subjects",
        "subjectCodes",
        "periods",
    ],
    "enrollments": [
        "sourcedId",
        "status",
        "dateLastModified",
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
        "primary",
        "beginDate",
        "endDate",
    ],
    "users_1.1": [
        "sourcedId",
        "status",
        "dateLastModified",
        "enabledUser",
        "orgSourcedIds",
        "role",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
    ],
    "users_1.2": [
        "sourcedId",
        "status",
        "dateLastModified",
        "enabledUser",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
        "userMasterIdentifier",
        "resourceSourcedIds",
        "preferredGivenName",
        "preferredMiddleName",
        "preferredFamilyName",
        "primaryOrgSourcedId",
        "pronouns",
    ],
    "roles": [
        "sourcedId",
        "status",
        "dateLastModified",
        "userSourcedId",
        "roleType",
        "role",
        "beginDate",
        "endDate",
        "orgSourcedId",
        "userProfileSourcedId",
    ],
}


def csv_bytes(columns, rows, *, bom=True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


def student(sid, given, family, grade="04", org=SCHOOL_ORG, **extra):
    return {
        "sourcedId": sid,
        "role": "student",
        "givenName": given,
        "familyName": family,
        "grades": grade,
        "orgs": org,
        "enabledUser": "true",
        "username": sid,
        **extra,
    }


def teacher(sid, given, family, email, org=SCHOOL_ORG):
    return {
        "sourcedId": sid,
        "role": "teacher",
        "givenName": given,
        "familyName": family,
        "email": email,
        "orgs": org,
        "enabledUser": "true",
        "username": email,
    }


def klass(sid, title, grade="04", org=SCHOOL_ORG, **extra):
    return {
        "sourcedId": sid,
        "status": "active",
        "title": title,
        "grades": grade,
        "courseSourcedId": "course-1",
        "classType": "homeroom",
        "schoolSourcedId": org,
        "termSourcedIds": "term-1",
        **extra,
    }


def build_zip(
    *,
    version="1.1",
    classes=(),
    users=(),
    enrollments=(),  # (class id, user id, role)
    orgs=None,
    replace=None,  # {"users.csv": bytes}: a file as given
    manifest=None,  # extra or changed manifest properties
    leave_out=(),
) -> bytes:
    orgs = orgs or [{"sourcedId": SCHOOL_ORG, "name": "Oakfield", "type": "school"}]
    files = {
        "orgs.csv": csv_bytes(COLUMNS["orgs"], orgs),
        "academicSessions.csv": csv_bytes(
            COLUMNS["academicSessions"],
            [
                {
                    "sourcedId": "term-1",
                    "title": "Autumn",
                    "type": "term",
                    "startDate": "2026-09-01",
                    "endDate": "2026-12-18",
                    "schoolYear": "2027",
                }
            ],
        ),
        "classes.csv": csv_bytes(COLUMNS["classes"], classes),
        "enrollments.csv": csv_bytes(
            COLUMNS["enrollments"],
            [
                {
                    "sourcedId": f"e-{c}-{u}",
                    "classSourcedId": c,
                    "schoolSourcedId": SCHOOL_ORG,
                    "userSourcedId": u,
                    "role": r,
                }
                for c, u, r in enrollments
            ],
        ),
    }
    if version == "1.1":
        files["users.csv"] = csv_bytes(
            COLUMNS["users_1.1"], [{**u, "orgSourcedIds": u["orgs"]} for u in users]
        )
    else:
        files["users.csv"] = csv_bytes(
            COLUMNS["users_1.2"], [{**u, "primaryOrgSourcedId": u["orgs"]} for u in users]
        )
        files["roles.csv"] = csv_bytes(
            COLUMNS["roles"],
            [
                {
                    "sourcedId": f"r-{u['sourcedId']}-{org}",
                    "userSourcedId": u["sourcedId"],
                    "roleType": "primary" if i == 0 else "secondary",
                    "role": u["role"],
                    "orgSourcedId": org,
                }
                for u in users
                for i, org in enumerate(u["orgs"].split(","))
            ],
        )
    props = {"manifest.version": "1.0", "oneroster.version": version}
    for name in (
        "academicSessions",
        "categories",
        "classes",
        "classResources",
        "courses",
        "courseResources",
        "demographics",
        "enrollments",
        "lineItems",
        "orgs",
        "resources",
        "results",
        "users",
        "roles",
    ):
        props[f"file.{name}"] = "bulk" if f"{name}.csv" in files else "absent"
    props.update(manifest or {})
    files["manifest.csv"] = csv_bytes(
        ["propertyName", "value"], [{"propertyName": k, "value": v} for k, v in props.items()]
    )
    files.update(replace or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            if name not in leave_out:
                archive.writestr(name, content)
    return out.getvalue()


def autumn(version="1.1", **changes):
    """A small school: two classes, three pupils, one teacher (of class A)."""
    users = [
        student("s1", "Isla", "Morgan"),
        student("s2", "Jack", "Taylor"),
        student("s3", "Amir", "Khan", grade="05"),
        teacher("t1", "Sam", "Reed", "sam.reed@oakfield.example"),
    ]
    classes = [klass("c-a", "Kestrels"), klass("c-b", "Owls", grade="05")]
    enrollments = [
        ("c-a", "s1", "student"),
        ("c-a", "s2", "student"),
        ("c-b", "s3", "student"),
        ("c-a", "t1", "teacher"),
    ]
    args = {"version": version, "classes": classes, "users": users, "enrollments": enrollments}
    args.update(changes)
    return build_zip(**args)


def spring(version="1.1"):
    """Next term: Jack moves to Owls, Amir has left."""
    users = [
        student("s1", "Isla", "Morgan"),
        student("s2", "Jack", "Taylor"),
        teacher("t1", "Sam", "Reed", "sam.reed@oakfield.example"),
    ]
    classes = [klass("c-a", "Kestrels"), klass("c-b", "Owls", grade="05")]
    enrollments = [
        ("c-a", "s1", "student"),
        ("c-b", "s2", "student"),
        ("c-a", "t1", "teacher"),
        ("c-b", "t1", "teacher"),
    ]
    return build_zip(version=version, classes=classes, users=users, enrollments=enrollments)
