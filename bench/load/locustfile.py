"""A school day on Streamwise, for Locust: pupils in lessons and quizzes, teachers on progress
grids, DSLs working cases. Started by `bench/load/run.py` (`make load`), which sets:

- LOAD_ROSTER: the roster JSON written by `bench.load.seed` (class codes, names, secrets);
- LOAD_ACKS: a file to append one JSON line to for every write the server acknowledged, which
  the verifier later looks for in the database;
- LOAD_THINK_MIN / LOAD_THINK_MAX: seconds a person spends reading between two actions;
- LOAD_TALK_SHARE: the share of visits to /learn/ that go on to "Talk to someone".

Clients behave like browsers: they read each form from the page (CSRF token, hidden fields,
the form's action) and post it. A request whose connection dies (the fault run kills a web
worker) is sent again, as a browser re-submits; the server must make that harmless.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
import uuid
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from locust import HttpUser, between, events, task

from bench.load.forms import Form, parse_forms

ROSTER = json.loads(Path(os.environ["LOAD_ROSTER"]).read_text())
ACKS_PATH = Path(os.environ["LOAD_ACKS"])
THINK = between(
    float(os.environ.get("LOAD_THINK_MIN", "5")), float(os.environ.get("LOAD_THINK_MAX", "15"))
)
TALK_SHARE = float(os.environ.get("LOAD_TALK_SHARE", "0.05"))
RETRIES = 3

# Each simulated pupil is a different child. Classes arrive together, one pupil of each in turn,
# so younger (picture) and older (password: a deliberately slow hash) logins are mixed.
PUPILS = [
    (card, card["pupils"][index])
    for index in range(max(len(card["pupils"]) for card in ROSTER["classes"]))
    for card in ROSTER["classes"]
    if index < len(card["pupils"])
]
_next_pupil = itertools.count()
_next_teacher = itertools.count()
_next_lead = itertools.count()

LESSON_LINK = re.compile(r'href="(/ages-[^/"]+/[^/"]+/)"')
QUIZ_LINK = re.compile(r'href="(/quizzes/\d+/[^"]*)"')
QUIZ_NEXT = re.compile(r'class="[^"]*quiz-nav__next[^"]*" href="([^"]+)"')
CASE_LINK = re.compile(r'href="(/safeguarding/cases/(\d+)/)"')
ATTEMPT_URL = re.compile(r"/quizzes/attempts/(\d+)/(?:questions/(\d+)|finish|result)/")


def record(kind: str, **fields) -> None:
    """Append one acknowledged write (or one client-side incident) to the acks file."""
    line = json.dumps({"kind": kind, "at": time.time(), **fields})
    with ACKS_PATH.open("a") as acks:  # one write per line: gevent runs one greenlet at a time
        acks.write(line + "\n")


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The current RFC 6238 code (SHA-1, 6 digits, 30 s) for a base32 secret.

    Written out here because the load clients run outside Django, where allauth's own helper
    cannot be imported.
    """
    counter = int(at if at is not None else time.time()) // 30
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def text_of(response) -> str:
    """The page's HTML, or nothing when the connection died before an answer came."""
    return response.text if response.status_code else ""


def pupil_answers(form: Form, *, text: str) -> dict[str, str]:
    """Answer like a pupil: one choice for each question in the form, a few words in text boxes.
    Right or wrong does not matter to the load; the server checks and stores either."""
    values = {name: random.choice(form.choices_for(name)).value for name in form.choice_names()}  # noqa: S311
    values.update(dict.fromkeys(form.text_fields, text))
    return values


class Browser(HttpUser):
    """Browser habits shared by every kind of user: forms, redirects, re-submits."""

    abstract = True
    wait_time = THINK

    def send(self, method: str, url: str, *, name: str, data=None, follow=True):
        """One request, sent again (up to RETRIES times) if its connection died."""
        for attempt in range(1, RETRIES + 1):
            response = self.client.request(
                method, url, data=data, name=name, allow_redirects=follow
            )
            if response.status_code != 0:  # 0: no HTTP response at all (connection lost)
                return response
            record("connection_lost", name=name, attempt=attempt, error=str(response.error)[:200])
            time.sleep(1)
        return response

    def get(self, url: str, *, name: str):
        return self.send("GET", url, name=name)

    def post(self, form: Form, *, name: str, **values):
        """Post a form from a page; returns the response without following its redirect."""
        return self.send(
            "POST", self.absolute(form.action), name=name, data=form.data(**values), follow=False
        )

    def absolute(self, url: str) -> str:
        return urljoin(self.host + "/", url)

    @staticmethod
    def forms(response, *, action: str = "") -> list[Form]:
        """Forms on the page whose action contains `action` (the logout form never matches)."""
        if not response.status_code:  # the connection died: there is no page
            return []
        return [
            form
            for form in parse_forms(text_of(response), page_url=urlsplit(response.url).path)
            if action in form.action and not form.action.endswith("/logout/")
        ]

    def follow(self, response, *, name: str):
        """GET the page a form post redirected to (what the browser does next)."""
        location = response.headers.get("Location", "")
        return self.get(self.absolute(location.split("#")[0]), name=name), location


class PupilUser(Browser):
    """A pupil: logs in with class code, name and picture password or password, then works
    through the assigned module's lessons, their activities and quizzes."""

    weight = 30

    def on_start(self):
        self.card, self.name = PUPILS[next(_next_pupil) % len(PUPILS)]
        self.pupil_id = None
        self.lessons_done = 0
        while not self.log_in():
            self.wait()

    def log_in(self) -> bool:
        page = self.get("/login/pupil/", name="pupil: login code page")
        page = self.submit_login(page, "pupil: login code", code=self.card["code"])
        choice = next(
            (b for form in self.forms(page) for b in form.buttons if b.label == self.name), None
        )
        if choice is None:
            return False
        self.pupil_id = int(choice.value)
        page = self.submit_login(page, "pupil: login name", pupil=choice.value)
        if self.card["pictures"]:
            for picture in self.card["pictures"]:
                page = self.submit_login(page, "pupil: login picture", picture=picture)
        else:
            page = self.submit_login(page, "pupil: login password", password=self.card["password"])
        return bool(page.status_code) and urlsplit(page.url).path == "/learn/"

    def submit_login(self, page, name: str, **values):
        forms = self.forms(page)
        if not forms:
            return page
        response = self.post(forms[0], name=name, **values)
        if response.is_redirect:
            return self.follow(response, name="pupil: login page")[0]
        return response

    @task
    def lesson(self):
        home = self.get("/learn/", name="pupil: /learn/")
        if random.random() < TALK_SHARE:  # noqa: S311 - picking who talks, not a secret
            self.wait()
            self.talk_to_someone()  # a worried child goes there first, before any lesson
        lessons = list(dict.fromkeys(LESSON_LINK.findall(text_of(home))))
        if not lessons:
            return
        self.wait()
        self.work_through(lessons[self.lessons_done % len(lessons)])
        self.lessons_done += 1

    def work_through(self, lesson_path: str) -> None:
        page = self.get(self.absolute(lesson_path), name="pupil: lesson step")
        for _step in range(40):  # a lesson has far fewer steps; this only bounds a bad page
            for form in self.one_form_per_activity(page):
                self.answer_activity(lesson_path, form)
                self.wait()
            nexts = self.forms(page, action="/progress/")
            if not nexts:
                break
            form = nexts[-1]
            response = self.post(form, name="pupil: POST lesson progress")
            if response.status_code != 303:
                break
            record(
                "progress", pupil=self.pupil_id, lesson=lesson_path, step=int(form.fields["step"])
            )
            page, _location = self.follow(response, name="pupil: lesson step")
            self.wait()
        quiz = QUIZ_LINK.search(text_of(page))
        if quiz:
            self.take_quiz(quiz.group(1).replace("&amp;", "&"))

    def one_form_per_activity(self, page) -> list[Form]:
        seen = {}
        for form in self.forms(page, action="/activity/"):
            seen.setdefault(form.action, form)
        return list(seen.values())

    def answer_activity(self, lesson_path: str, form: Form) -> None:
        values = pupil_answers(form, text="I would tell a trusted adult.")
        button = form.buttons[0] if form.buttons else None
        if button is not None and button.name:
            values[button.name] = button.value
        response = self.post(form, name="pupil: POST activity", **values)
        if response.status_code == 303:
            activity_id = form.action.rstrip("/").rsplit("/", 1)[-1]
            record("activity", pupil=self.pupil_id, lesson=lesson_path, activity=activity_id)
            self.follow(response, name="pupil: lesson step")

    def take_quiz(self, url: str) -> None:
        page = self.get(self.absolute(url), name="pupil: quiz start page")
        starts = self.forms(page, action="/start/")
        if not starts:
            return  # no tries left, or the quiz was already finished
        response = self.post(starts[0], name="pupil: POST quiz start")
        if not response.is_redirect:
            return
        page, location = self.follow(response, name="pupil: quiz question")
        for _question in range(60):
            match = ATTEMPT_URL.search(location)
            if match is None:
                return
            attempt, number = int(match.group(1)), match.group(2)
            if number is None:  # the finish page
                self.finish_quiz(page, attempt)
                return
            self.wait()
            page, location = self.answer_question(page, location, attempt, int(number))

    def answer_question(self, page, location: str, attempt: int, number: int):
        forms = [form for form in self.forms(page) if form.buttons]
        if forms:
            form = forms[0]
            values = pupil_answers(form, text="Tell an adult I trust.")
            response = self.post(form, name="pupil: POST quiz answer", **values)
            if response.is_redirect:
                record("answer", pupil=self.pupil_id, attempt=attempt, number=number)
                page, location = self.follow(response, name="pupil: quiz question")
                if "#feedback" not in location:
                    return page, location
        following = QUIZ_NEXT.search(text_of(page))
        if following is None:
            return page, ""
        location = following.group(1).replace("&amp;", "&")
        return self.get(self.absolute(location), name="pupil: quiz question"), location

    def finish_quiz(self, page, attempt: int) -> None:
        forms = self.forms(page)
        if not forms:
            return
        response = self.post(forms[0], name="pupil: POST quiz finish")
        if response.is_redirect and "/result/" in response.headers.get("Location", ""):
            record("attempt", pupil=self.pupil_id, attempt=attempt)
            self.follow(response, name="pupil: quiz result")

    def talk_to_someone(self) -> None:
        page = self.get("/safeguarding/talk/", name="pupil: talk page")
        forms = self.forms(page, action="/talk/")
        if not forms:
            return
        self.wait()
        form = forms[0]
        record("concern_sent", pupil=self.pupil_id, key=form.fields["submission"])
        response = self.post(
            form,
            name="pupil: POST talk",
            feeling="worried",
            about=form.choices_for("about")[0].value if form.choices_for("about") else None,
            details="Someone in a live stream keeps asking me to go private.",
        )
        if response.status_code == 303:
            record("concern", pupil=self.pupil_id, key=form.fields["submission"])
            self.follow(response, name="pupil: talk sent page")


class StaffUser(Browser):
    abstract = True

    def log_in(self, email: str) -> bool:
        page = self.get("/accounts/login/", name="staff: login page")
        response = self.post(
            self.forms(page, action="/accounts/login/")[0],
            name="staff: POST login",
            login=email,
            password=ROSTER["staff_password"],
        )
        if response.is_redirect and "/2fa/" in response.headers.get("Location", ""):
            page, _location = self.follow(response, name="staff: two-step page")
            response = self.post(
                self.forms(page, action="/2fa/authenticate/")[0],
                name="staff: POST two-step code",
                code=totp_code(ROSTER["totp_secret"]),
            )
        return response.is_redirect


class TeacherUser(StaffUser):
    """A teacher with the class's progress grid open, refreshing it now and then."""

    fixed_count = int(os.environ.get("LOAD_TEACHERS", "10"))

    def on_start(self):
        teacher = ROSTER["teachers"][next(_next_teacher) % len(ROSTER["teachers"])]
        self.groups = teacher["groups"]
        while not self.log_in(teacher["email"]):
            self.wait()

    @task
    def progress_grid(self):
        if not self.groups:
            self.get("/portal/", name="teacher: portal home")
            return
        group, assignment = random.choice(self.groups)  # noqa: S311
        self.get(f"/portal/classes/{group}/work/{assignment}/", name="teacher: progress grid")


class LeadUser(StaffUser):
    """A DSL working through the inbox: opens a case and adds a note to its chronology."""

    fixed_count = int(os.environ.get("LOAD_LEADS", "2"))

    def on_start(self):
        email = ROSTER["leads"][next(_next_lead) % len(ROSTER["leads"])]
        while not self.log_in(email):
            time.sleep(30 - time.time() % 30 + 1)  # a TOTP code works once: wait for the next

    @task
    def work_a_case(self):
        inbox = self.get("/safeguarding/?tab=" + random.choice(["new", "open"]), name="dsl: inbox")  # noqa: S311
        cases = list(dict.fromkeys(CASE_LINK.findall(text_of(inbox))))
        if not cases:
            return
        self.wait()
        path, concern = random.choice(cases)  # noqa: S311
        page = self.get(path, name="dsl: case")
        self.wait()
        self.add_note(page, path, int(concern))

    def add_note(self, page, path: str, concern: int) -> None:
        """Add a note; if the answer was lost, look at the case before writing it again."""
        marker = f"Load-run note {uuid.uuid4()}: spoke to the pupil's class teacher."
        for _try in range(RETRIES):
            forms = [
                f for f in self.forms(page, action="/entries/") if f.fields.get("form") == "entry"
            ]
            if not forms:
                return
            response = self.post(
                forms[0], name="dsl: POST note", **{"entry-kind": "note", "entry-text": marker}
            )
            if response.status_code == 303:
                record("note", concern=concern, text=marker)
                self.follow(response, name="dsl: case")
                return
            page = self.get(path, name="dsl: case")
            if marker in text_of(page):  # the first post did arrive; only its answer was lost
                record("note", concern=concern, text=marker)
                return


@events.request.add_listener
def _count_server_errors(request_type, name, response_length, exception, response=None, **_):
    """Locust counts 5xx as failures already; this keeps them in the acks file next to the
    connection losses, with the time, so the run's summary can tell the two apart."""
    if response is not None and getattr(response, "status_code", 0) >= 500:
        record("server_error", name=name, status=response.status_code)
