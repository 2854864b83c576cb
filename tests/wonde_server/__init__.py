"""A local HTTP server that answers like Wonde's API (v1.0), for the Wonde sync tests.

It follows the documented behaviour schools.wonde relies on (see that package's docstring):
Bearer tokens, `GET /v1.0/schools/{id}` and the `classes`, `groups` (filtered by `type`),
`students` and `employees` lists with `include=` (nested `{"data": ...}`; a student's
`education_details` holds the UPN), pagination through `meta.pagination` (`next`, `more`,
`per_page`, `current_page`), X-RateLimit-* headers, 429 with Retry-After, and 401, 403, 404 and
5xx errors. Tests change `school` (the data) and `faults` between syncs; `requests` records what
was asked (path and query, and whether the token was right), never the token itself.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

RATE_LIMIT = 1000
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200


@dataclass
class WondeSchool:
    """A school as Wonde holds it: {id: fields} for students, employees and classes."""

    id: str = "A1930499544"
    name: str = "Oakfield Primary"
    students: dict[str, dict] = field(default_factory=dict)
    employees: dict[str, dict] = field(default_factory=dict)
    classes: dict[str, dict] = field(default_factory=dict)  # name, students [ids], employees
    groups: dict[str, dict] = field(default_factory=dict)  # name, type, students, employees

    def student(self, sid, forename, surname, year, *, upn=None, mis_id=None):
        self.students[sid] = {"forename": forename, "surname": surname, "year": year}
        if upn is not None:
            self.students[sid]["upn"] = upn
        if mis_id is not None:
            self.students[sid]["mis_id"] = mis_id

    def employee(self, eid, forename, surname, email):
        self.employees[eid] = {"forename": forename, "surname": surname, "email": email}

    def klass(self, cid, name, *, students=(), employees=()):
        self.classes[cid] = {
            "name": name,
            "students": list(students),
            "employees": list(employees),
        }

    def group(self, gid, name, kind="REGISTRATION", *, students=(), employees=()):
        self.groups[gid] = {
            "name": name,
            "type": kind,
            "students": list(students),
            "employees": list(employees),
        }


@dataclass
class Faults:
    approved: bool = True  # False: 403, the school hasn't approved access
    throttle_once: set[str] = field(default_factory=set)  # "students:1" → one 429 first
    fail: dict[str, int] = field(default_factory=dict)  # "students:2" → that status
    retry_after: int = 1


def _person(pid, fields, *, includes, kind):
    record = {
        "id": pid,
        "mis_id": fields.get("mis_id", pid[-4:]),
        "upi": f"upi-{pid}",
        "initials": (fields["forename"][:1] + fields["surname"][:1]).upper(),
        "forename": fields["forename"],
        "surname": fields["surname"],
        "legal_forename": fields["forename"],
        "legal_surname": fields["surname"],
        "middle_names": None,
        "created_at": {"date": "2026-09-01 00:00:00.000000", "timezone_type": 3, "timezone": "UTC"},
        "updated_at": {"date": "2026-09-01 00:00:00.000000", "timezone_type": 3, "timezone": "UTC"},
    }
    if kind == "students" and "year" in includes:
        year = fields["year"]
        code = "R" if year == 0 else str(year)
        name = "Reception" if year == 0 else f"Year {year}"
        record["year"] = {"data": {"id": f"Y{code}", "mis_id": code, "code": code, "name": name}}
    if kind == "students" and "education_details" in includes:
        record["education_details"] = {
            "data": {
                "id": f"ED{pid}",
                "admission_number": pid[-4:],
                "upn": fields.get("upn"),
                "former_upn": None,
            }
        }
    if kind == "employees" and "contact_details" in includes:
        record["contact_details"] = {
            "data": {"id": f"C{pid}", "emails": {"primary": fields["email"], "work": None}}
        }
    return record


class WondeServer:
    def __init__(self, *, token: str = "wonde-test-token-0123456789abcdef"):
        self.token = token
        self.school = WondeSchool()
        self.faults = Faults()
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                server.handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1.0"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def _send(self, handler, status, body, headers=()):
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        with self._lock:
            used = len(self.requests)
        handler.send_header("X-RateLimit-Limit", str(RATE_LIMIT))
        handler.send_header("X-RateLimit-Remaining", str(max(0, RATE_LIMIT - used)))
        for name, value in headers:
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    def handle(self, handler):
        parts = urlsplit(handler.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        authorised = handler.headers.get("Authorization") == f"Bearer {self.token}"
        with self._lock:
            self.requests.append({"path": parts.path, "query": query, "authorised": authorised})
        if not authorised:
            return self._send(handler, 401, {"error": "Unauthenticated."})
        segments = parts.path.strip("/").split("/")
        if segments[:2] != ["v1.0", "schools"] or len(segments) not in (3, 4):
            return self._send(handler, 404, {"error": "Not found."})
        if segments[2] != self.school.id:
            return self._send(handler, 404, {"error": "School not found."})
        if not self.faults.approved:
            return self._send(
                handler, 403, {"error": "You do not have access to this school's data."}
            )
        if len(segments) == 3:
            return self._send(
                handler,
                200,
                {"data": {"id": self.school.id, "name": self.school.name, "urn": 100001}},
            )
        kind = segments[3]
        if kind not in ("classes", "groups", "students", "employees"):
            return self._send(handler, 404, {"error": "Not found."})
        page = int(query.get("page", "1"))
        key = f"{kind}:{page}"
        if key in self.faults.throttle_once:
            self.faults.throttle_once.discard(key)
            return self._send(
                handler,
                429,
                {"error": "Too Many Requests"},
                [("Retry-After", str(self.faults.retry_after))],
            )
        if key in self.faults.fail:
            status = self.faults.fail[key]
            return self._send(handler, status, {"error": "Server Error"})
        per_page = min(int(query.get("per_page", DEFAULT_PER_PAGE)), MAX_PER_PAGE)
        includes = set(filter(None, query.get("include", "").split(",")))
        records = self._records(kind, includes)
        if kind == "groups" and query.get("type"):  # Wonde filters groups by type
            records = [r for r in records if r["type"] == query["type"].upper()]
        start = (page - 1) * per_page
        chunk = records[start : start + per_page]
        more = start + per_page < len(records)
        next_url = None
        if more:
            next_query = {**query, "page": page + 1}
            next_url = f"{self.url}/schools/{self.school.id}/{kind}?{urlencode(next_query)}"
        body = {
            "data": chunk,
            "meta": {
                "pagination": {
                    "next": next_url,
                    "previous": None,
                    "more": more,
                    "per_page": per_page,
                    "current_page": page,
                },
                "includes": sorted(includes),
            },
        }
        return self._send(handler, 200, body)

    def _records(self, kind, includes):
        school = self.school
        if kind == "students":
            return [
                _person(sid, f, includes=includes, kind=kind) for sid, f in school.students.items()
            ]
        if kind == "employees":
            return [
                _person(eid, f, includes=includes, kind=kind) for eid, f in school.employees.items()
            ]
        records = []
        listed = school.groups if kind == "groups" else school.classes
        for cid, fields in listed.items():
            record = {
                "id": cid,
                "mis_id": cid[-4:],
                "name": fields["name"],
                "code": fields["name"],
                "description": fields["name"],
            }
            if kind == "groups":
                record["type"] = fields["type"]
                record["division"] = None
            else:
                record["subject"] = None
                record["alternative"] = False
            if "students" in includes:
                record["students"] = {
                    "data": [
                        _person(sid, school.students[sid], includes=set(), kind="students")
                        for sid in fields["students"]
                    ]
                }
            if "employees" in includes:
                record["employees"] = {
                    "data": [
                        _person(eid, school.employees[eid], includes=set(), kind="employees")
                        for eid in fields["employees"]
                    ]
                }
            records.append(record)
        return records

    def pages_asked(self, kind: str) -> list[int]:
        return [
            int(r["query"].get("page", "1"))
            for r in self.requests
            if r["path"].endswith(f"/{kind}") and r["authorised"]
        ]


def autumn(school: WondeSchool) -> None:
    """Two classes, five pupils, one teacher with an account-shaped email."""
    school.students.clear()
    school.employees.clear()
    school.classes.clear()
    school.groups.clear()
    school.student("S001", "Isla", "Morgan", 4)
    school.student("S002", "Jack", "Turner", 4)
    school.student("S003", "Amir", "Khan", 4)
    school.student("S004", "Zoe", "Lee", 5)
    school.student("S005", "Ben", "Okafor", 5)
    school.employee("E001", "Sam", "Reed", "sam.reed@oakfield.example")
    school.klass("C001", "Kestrels", students=["S001", "S002", "S003"], employees=["E001"])
    school.klass("C002", "Owls", students=["S004", "S005"])
    # Registration groups (forms), and groups of other types a sync must leave alone
    school.group("G001", "4M", students=["S001", "S002", "S003"], employees=["E001"])
    school.group("G002", "5P", students=["S004", "S005"])
    school.group("G003", "Year 4", "YEAR", students=["S001", "S002", "S003"])
    school.group("G004", "Kestrels", "HOUSE", students=["S001", "S004"])


def spring(school: WondeSchool) -> None:
    """Jack moves to Owls, Amir has left, Mia is new."""
    autumn(school)
    del school.students["S003"]
    school.student("S006", "Mia", "Patel", 5)
    school.classes["C001"]["students"] = ["S001"]
    school.classes["C002"]["students"] = ["S002", "S004", "S005", "S006"]
