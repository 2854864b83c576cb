"""Build a Streamwise site for the peer harness (run from the project root with its venv).

Adapted from ../shared/bench/sw_build.py: sessions use the backend the pupil sign-in
uses, and it adds the longest lesson's busiest step, the H5P lesson step and a quiz question
page (each pupil has a quiz attempt; `quiz_sessions.json` carries the attempt id as `username`).

    DJANGO_SETTINGS_MODULE=bench.settings STREAMWISE_VAR_DIR=... python sw_build.py OUT_DIR

Same shape as the wagtail-lms seed: 50 logged-in learners (pupils, aged 11-13 module), each with
progress on one lesson; a plain Wagtail rich-text page; the lesson step that holds an activity.
Writes OUT_DIR/sessions.json (loadgen --sessions-in format) and OUT_DIR/target.json (paths, the
activity POST body, and SQL query counts measured in-process with django.test.Client).
"""

import io
import json
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from schools.views import PUPIL_BACKEND  # noqa: E402

LEARNERS = 50
MODULE = "ages-11-13"


class FormParser(HTMLParser):
    """Collects every <form> whose action contains /activity/, with its inputs."""

    def __init__(self):
        super().__init__()
        self.forms, self.cur = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "/activity/" in (a.get("action") or ""):
            self.cur = {"action": a["action"], "inputs": []}
        elif self.cur is not None and tag in ("input", "textarea", "select", "option", "button"):
            self.cur["inputs"].append((tag, a))

    def handle_endtag(self, tag):
        if tag == "form" and self.cur is not None:
            self.forms.append(self.cur)
            self.cur = None


def form_body(form) -> dict:
    body, radios, select_name = {}, set(), None
    for tag, a in form["inputs"]:
        name, kind = a.get("name"), (a.get("type") or "text").lower()
        if tag == "select":
            select_name = name
            continue
        if tag == "option" and select_name and select_name not in body and a.get("value"):
            body[select_name] = a["value"]
            continue
        if not name or name == "csrfmiddlewaretoken" or tag == "button" or kind == "submit":
            continue
        if kind == "hidden":
            body[name] = a.get("value", "")
        elif kind in ("radio", "checkbox"):
            if name not in radios:
                radios.add(name)
                body[name] = a.get("value", "on")
        else:
            body.setdefault(name, "I would tell a trusted adult")
    return body


def main(out: Path) -> None:
    from bench.benchpages.models import RichTextPage
    from h5p.blocks import H5PActivityBlock
    from lessons import services
    from lessons.models import LessonLibraryPage, LessonPage, ModulePage
    from quizzes.services import attempt_start
    from schools.services import pupil_create, school_create, teaching_group_create

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_h5p_demo", verbosity=0, stdout=io.StringIO())
    call_command("load_curriculum", verbosity=0, stdout=io.StringIO())

    module = ModulePage.objects.get(slug=MODULE)
    lesson = LessonPage.objects.child_of(module).live().first()
    activities = list(lesson.activities.values())
    step = activities[0].step
    library = LessonLibraryPage.objects.get()
    paragraphs = "".join(
        f"<p>{c.value['text'] if isinstance(c.value, dict) else c.value}</p>"
        for s in lesson.steps
        for c in s.children
        if c.block_type in ("key_message", "text")
    )
    plain = library.add_child(
        instance=RichTextPage(title="Plain", slug="plain-page", body=paragraphs)
    )
    plain.save_revision().publish()

    school = school_create(name="Peer Bench School", slug="peer-bench")
    group = teaching_group_create(school=school, name="Y7", year_group=7)
    in_band = list(LessonPage.objects.child_of(module).live())
    quiz_lesson = next(lp for lp in in_band if lp.quiz_id)
    sessions, pupils, quiz_sessions = [], [], []
    for n in range(LEARNERS):
        pupil = pupil_create(
            school=school, display_name=f"Learner {n}", year_group=7, teaching_groups=[group]
        ).pupil
        services.progress_step_reach(pupil=pupil, lesson=lesson, step=step)
        s = SessionStore()
        s[SESSION_KEY] = str(pupil.user.pk)
        s[BACKEND_SESSION_KEY] = PUPIL_BACKEND  # as the pupil sign-in does
        s[HASH_SESSION_KEY] = pupil.user.get_session_auth_hash()
        s.create()
        pupils.append(pupil)
        cookies = {settings.SESSION_COOKIE_NAME: s.session_key}
        sessions.append({"username": f"learner{n}", "i": n + 1, "cookies": cookies})
        attempt = attempt_start(pupil=pupil, quiz=quiz_lesson.quiz)
        quiz_sessions.append({"username": str(attempt.pk), "i": n + 1, "cookies": cookies})

    step_path = lesson.url + f"step/{step}/"
    c = Client(HTTP_HOST="127.0.0.1")
    c.cookies[settings.SESSION_COOKIE_NAME] = sessions[0]["cookies"][settings.SESSION_COOKIE_NAME]
    r = c.get(step_path)
    assert r.status_code == 200, (step_path, r.status_code)
    p = FormParser()
    p.feed(r.content.decode())
    assert p.forms, "no activity form on the step page"
    form = p.forms[0]
    body = form_body(form)

    def count(method, path, **kw):
        c.get(path) if method == "GET" else None  # warm
        with CaptureQueriesContext(connection) as q:
            resp = getattr(c, method.lower())(path, **kw)
        control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")
        return {
            "status": resp.status_code,
            "queries": len(q.captured_queries),
            # What PostgreSQL would log: SQLite's BEGIN IMMEDIATE and COMMIT are logged
            # queries there, PostgreSQL's transaction control is not.
            "statements": sum(
                not x["sql"].lstrip().startswith(control) for x in q.captured_queries
            ),
            "sql": [x["sql"][:300] for x in q.captured_queries],
        }

    counts = {
        "lesson_get": count("GET", step_path),
        "richtext_get": count("GET", plain.url),
        "activity_post_htmx": count("POST", form["action"], data=body, HTTP_HX_REQUEST="true"),
        "activity_post_htmx_again": count(
            "POST", form["action"], data=body, HTTP_HX_REQUEST="true"
        ),
    }
    # The longest lesson of the pupils' module, at its busiest step: queries constant in length?
    longest = max(in_band, key=lambda lp: (len(lp.activities), lp.last_step))
    busiest = max(longest.steps, key=lambda st: len(st.children))
    longest_path = longest.url + f"step/{busiest.number}/"
    counts["longest_lesson_step"] = count("GET", longest_path)
    h5p_lesson, h5p_step = next(
        (lp, a.step)
        for lp in in_band
        for a in lp.activities.values()
        if isinstance(a.block, H5PActivityBlock)
    )
    h5p_path = h5p_lesson.url + f"step/{h5p_step}/"
    counts["h5p_step"] = count("GET", h5p_path)
    quiz_path = "/quizzes/attempts/${username}/questions/1/"
    counts["quiz_question"] = count(
        "GET", quiz_path.replace("${username}", quiz_sessions[0]["username"])
    )
    for conn in connections.all():
        conn.close()
    out.mkdir(parents=True, exist_ok=True)
    (out / "sessions.json").write_text(json.dumps({"sessions": sessions}, indent=1))
    (out / "quiz_sessions.json").write_text(json.dumps({"sessions": quiz_sessions}, indent=1))
    (out / "target.json").write_text(
        json.dumps(
            {
                "lesson_path": step_path,
                "plain_path": plain.url,
                "activity_path": form["action"],
                "longest_path": longest_path,
                "h5p_path": h5p_path,
                "quiz_path": quiz_path,
                "activity_body": urlencode(body),
                "activity_kind": activities[0].child.block_type
                if hasattr(activities[0], "child")
                else "?",
                "counts": counts,
            },
            indent=1,
        )
    )
    print(json.dumps({k: (v["status"], v["queries"]) for k, v in counts.items()}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
