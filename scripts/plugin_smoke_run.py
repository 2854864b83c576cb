"""The plugin smoke run, inside a fresh `wagtail start` site with Streamwise's wheel installed.

Run by scripts/plugin-smoke from the host site's folder, with the host's virtualenv and
DJANGO_SETTINGS_MODULE set. Uses Django's test client against the host's real database, the
real task worker (`manage.py safeguarding_worker`, django-tasks-db's db_worker) in its own
process and a real SMTP server (aiosmtpd) in this one. Exits non-zero on the first failure.
"""

import email
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from email import policy


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


os.environ["SMOKE_SMTP_PORT"] = str(free_port())

import django  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from lessons.models import ActivityResponse, Assignment, LessonPage  # noqa: E402
from schools.demo import DEMO_PASSWORD, DEMO_PICTURE_PASSWORD  # noqa: E402
from schools.models import TeachingGroup  # noqa: E402

TEACHER = "teacher@oakfield.example"
DSL = "dsl@oakfield.example"
# What the teacher writes about the child: it must never be in an email.
DETAIL = "She said he told her to keep the video call their secret"


def ok(what: str) -> None:
    print(f"  ok: {what}", flush=True)


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"plugin smoke FAILED: {what}")
    ok(what)


class Sink:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK: queued"


# --- The host site's own home page -------------------------------------------------------------
home = Client().get("/")
expect(
    home.status_code == 200 and "Welcome to your new Wagtail site" in home.text,
    "the host site's own home page still serves",
)

# --- A pupil signs in with their pictures and answers an activity ------------------------------
group = TeachingGroup.objects.filter(assignments__isnull=False).order_by("year_group").first()
expect(group is not None, f"the demo class {group} has a module assigned")
assignment = Assignment.objects.filter(teaching_group=group).select_related("module").first()
pupil = group.pupils.order_by("display_name").first()

activity = lesson = None
for candidate in LessonPage.objects.live().descendant_of(assignment.module).specific():
    for found in candidate.activities.values():
        if found.block.activity_type in {"true_or_false", "reveal_cards"}:
            lesson, activity = candidate, found
            break
    if activity:
        break
expect(activity is not None, f"a lesson of '{assignment.module.title}' has an activity to answer")

pupil_client = Client()
pupil_client.post(reverse("pupil_login"), {"code": group.code})
pupil_client.post(reverse("pupil_login_name"), {"pupil": pupil.pk})
for picture in DEMO_PICTURE_PASSWORD.split("-"):
    signed_in = pupil_client.post(reverse("pupil_login_secret"), {"picture": picture})
expect(
    signed_in.status_code == 302 and signed_in.url == reverse("learn_home"),
    f"pupil {pupil.display_name} signs in with their pictures",
)
learn = pupil_client.get(reverse("learn_home"))
expect(
    learn.status_code == 200 and reverse("safeguarding:talk") in learn.text,
    "the pupil's page offers 'Talk to someone'",
)
expect(
    learn.text.index("Hillside Primary School")
    < learn.text.index(reverse("safeguarding:talk"))
    < learn.text.index("Hillside Primary, School Lane"),
    "the pupil's page has the host site's header and footer around Streamwise's own",
)

if activity.block.activity_type == "true_or_false":
    answer = {
        f"statement-{index}": "true" if statement["answer"] else "false"
        for index, statement in enumerate(activity.value["statements"])
    }
else:
    answer = {"card": "0"}
lesson_url = lesson.get_url()
expect(bool(lesson_url), f"the lesson '{lesson.title}' has an address on the host site")
step = pupil_client.get(f"{lesson_url}step/{activity.step}/")
expect(step.status_code == 200, "the pupil opens the lesson step with the activity")
answered = pupil_client.post(f"{lesson_url}activity/{activity.id}/", answer)
expect(
    answered.status_code in {200, 303}
    and ActivityResponse.objects.filter(pupil=pupil, activity_id=activity.id).exists(),
    "the pupil answers the activity and the answer is saved",
)

# --- The teacher sees it in the progress grid ---------------------------------------------------
teacher_client = Client()
signed_in = teacher_client.post(
    reverse("account_login"), {"login": TEACHER, "password": DEMO_PASSWORD}
)
expect(signed_in.status_code == 302, "the teacher signs in")
grid = teacher_client.get(reverse("teacher_portal:progress", args=[group.pk, assignment.pk]))
expect(
    grid.status_code == 200 and pupil.display_name in grid.text,
    f"the teacher's grid for {group} shows {pupil.display_name}",
)
row = grid.text[grid.text.index(pupil.display_name) :]
row = row[: row.index("</tr>")]
expect(
    "In progress" in row or "Completed" in row,
    f"{pupil.display_name}'s row in the grid shows the lesson started",
)

# --- The teacher raises a concern; the DSL's email goes out through the real worker -----------
sink = Sink()
controller = Controller(sink, hostname="127.0.0.1", port=int(os.environ["SMOKE_SMTP_PORT"]))
controller.start()
worker = subprocess.Popen(  # noqa: S603
    [
        sys.executable,
        "manage.py",
        "safeguarding_worker",
        "--queue-name",
        "default",
        "--interval",
        "0.2",
        "--no-startup-delay",
        "--no-reload",
    ],
    stdout=subprocess.PIPE,
    stderr=subprocess.STDOUT,
    text=True,
)
try:
    form = teacher_client.get(reverse("safeguarding:raise") + f"?pupil={pupil.pk}")
    expect(form.status_code == 200, "the teacher opens 'Raise a concern'")
    raised = teacher_client.post(
        reverse("safeguarding:raise"),
        {
            "pupil": pupil.pk,
            "what_happened": DETAIL,
            "occurred_at": "",
            "location": "Live-streaming lesson",
            "immediate_danger": "no",
            "told_dsl_in_person": "no",
            "submission": str(uuid.uuid4()),
        },
    )
    expect(
        raised.status_code in {302, 303}
        and raised.url.startswith(reverse("safeguarding:raised_list")),
        "the concern is raised",
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(DSL in to for to, _ in sink.messages):
        if worker.poll() is not None:
            break
        time.sleep(0.2)
    received = [message for to, message in sink.messages if DSL in to]
    if not received:
        worker.terminate()
        print(worker.communicate(timeout=15)[0])
    expect(bool(received), "the DSL's email arrives at the SMTP server through the worker")
    body = received[0].get_body(preferencelist=("plain",)).get_content()
    expect(
        DETAIL not in body and pupil.display_name not in body,
        "the email says there is a concern without its details or the child's name",
    )
finally:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
    controller.stop()

print("plugin smoke: all passed", flush=True)
