"""After a load run: is every write the clients saw acknowledged in the database, once?

    DATABASE_URL=postgres://... .venv/bin/python -m bench.load.verify ACKS.jsonl \
        --school load-academy [--mailbox var/load/mailbox] [--wait 120] [--json report.json]

The acks file has one JSON line per acknowledged write (see `locustfile.record`). Checks:

- progress: the pupil's step reached in the lesson is at least every step acknowledged;
- activities and quiz answers: a stored answer exists for each acknowledged one;
- quiz attempts: each acknowledged attempt is submitted, and no pupil has more submitted
  attempts at a quiz than they finished (a re-submitted "Finish" must not score twice);
- concerns: each "Talk to someone" the pupil saw sent is one concern (by its idempotency key),
  and the school has no concern no pupil pressed "Send" for;
- DSL notes: each acknowledged note is in the chronology exactly once;
- notifications: every concern of the school has an email delivery to every DSL and deputy,
  each one sent, and (with --mailbox) each sent exactly once.

Waits up to --wait seconds for the task workers to send the last notifications. Exits 1 when
anything is missing or duplicated.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from email import message_from_string
from pathlib import Path

MAX_LISTED = 20  # problems listed per check; the count is always complete


@dataclass
class Check:
    name: str
    acknowledged: int = 0
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0

    def problem(self, text: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append(text)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0


@dataclass
class Report:
    checks: list[Check]
    counts: dict[str, int]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "counts": self.counts,
            "checks": [asdict(check) | {"ok": check.ok} for check in self.checks],
        }


def read_acks(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _lessons_by_path() -> dict[str, int]:
    from lessons.models import LessonPage

    return {page.get_url(): page.pk for page in LessonPage.objects.live().specific()}


def check_progress(acks: Iterable[dict]) -> Check:
    from lessons.models import LessonProgress

    check = Check("progress")
    lessons = _lessons_by_path()
    furthest: dict[tuple[int, str], int] = {}
    for ack in acks:
        key = (ack["pupil"], ack["lesson"])
        furthest[key] = max(furthest.get(key, 0), ack["step"])
        check.acknowledged += 1
    stored = {
        (row["pupil_id"], row["lesson_id"]): row["current_step"]
        for row in LessonProgress.objects.filter(
            pupil_id__in={pupil for pupil, _lesson in furthest}
        ).values("pupil_id", "lesson_id", "current_step")
    }
    for (pupil, lesson_path), step in furthest.items():
        reached = stored.get((pupil, lessons.get(lesson_path)))
        if reached is None or reached < step:
            check.problem(
                f"pupil {pupil} {lesson_path}: acknowledged step {step}, stored {reached}"
            )
    return check


def check_activities(acks: Iterable[dict]) -> Check:
    from lessons.models import ActivityResponse

    check = Check("activity answers")
    lessons = _lessons_by_path()
    wanted = {(ack["pupil"], lessons.get(ack["lesson"]), ack["activity"]) for ack in acks}
    check.acknowledged = len(wanted)
    stored = set(
        ActivityResponse.objects.filter(pupil_id__in={w[0] for w in wanted}).values_list(
            "pupil_id", "lesson_id", "activity_id"
        )
    )
    for pupil, lesson, activity in sorted(wanted - stored, key=str):
        check.problem(f"pupil {pupil} lesson {lesson} activity {activity}: no stored answer")
    return check


def check_quiz_answers(acks: Iterable[dict]) -> Check:
    from quizzes.models import Answer, Attempt
    from quizzes.services import attempt_questions

    check = Check("quiz answers")
    by_attempt: dict[int, set[int]] = defaultdict(set)
    for ack in acks:
        by_attempt[ack["attempt"]].add(ack["number"])
    check.acknowledged = sum(len(numbers) for numbers in by_attempt.values())
    attempts = Attempt.objects.in_bulk(list(by_attempt))
    answered = defaultdict(set)
    for attempt_id, question_id in Answer.objects.filter(attempt_id__in=attempts).values_list(
        "attempt_id", "question_id"
    ):
        answered[attempt_id].add(question_id)
    for attempt_id, numbers in by_attempt.items():
        attempt = attempts.get(attempt_id)
        if attempt is None:
            check.problem(f"attempt {attempt_id}: missing")
            continue
        questions = attempt_questions(attempt)
        for number in sorted(numbers):
            if questions[number - 1].pk not in answered[attempt_id]:
                check.problem(f"attempt {attempt_id} question {number}: no stored answer")
    return check


def check_attempts(acks: Iterable[dict]) -> Check:
    from quizzes.models import Attempt

    check = Check("quiz attempts")
    finished: dict[int, int] = {ack["attempt"]: ack["pupil"] for ack in acks}
    check.acknowledged = len(finished)
    attempts = Attempt.objects.in_bulk(list(finished))
    per_quiz = Counter()
    for attempt_id, pupil in finished.items():
        attempt = attempts.get(attempt_id)
        if attempt is None or attempt.pupil_id != pupil or attempt.submitted_at is None:
            check.problem(f"attempt {attempt_id} of pupil {pupil}: not stored as submitted")
        else:
            per_quiz[(pupil, attempt.quiz_id)] += 1
    submitted = Counter(
        Attempt.objects.submitted()
        .filter(pupil_id__in=set(finished.values()))
        .values_list("pupil_id", "quiz_id")
    )
    for key, count in submitted.items():
        if count > per_quiz[key]:
            check.problem(f"pupil {key[0]} quiz {key[1]}: {count} submitted, {per_quiz[key]} sent")
    return check


def check_concerns(acks: Iterable[dict], sends: Iterable[dict], *, school: str) -> Check:
    """`acks`: concerns the pupil saw sent; `sends`: every "Send" pressed, answered or not
    (the run may end, or a worker die, between the save and the answer)."""
    from safeguarding.models import Concern
    from schools.models import Pupil

    check = Check("concerns")
    acknowledged = {(ack["pupil"], ack["key"]) for ack in acks}
    sent = {(send["pupil"], send["key"]) for send in sends} | acknowledged
    check.acknowledged = len(acknowledged)
    users = dict(Pupil.objects.filter(school__slug=school).values_list("user_id", "pk"))
    stored = Counter(
        (users.get(user), str(key))
        for user, key in Concern.objects.filter(school__slug=school).values_list(
            "raised_by_id", "idempotency_key"
        )
    )
    for pupil, key in sorted(acknowledged):
        if stored[(pupil, key)] != 1:
            check.problem(f"pupil {pupil} concern {key}: stored {stored[(pupil, key)]} times")
    for (pupil, key), count in stored.items():
        if (pupil, key) not in sent:
            check.problem(f"pupil {pupil} concern {key}: in the database, nobody sent it")
        elif count > 1:
            check.problem(f"pupil {pupil} concern {key}: stored {count} times")
    return check


def check_notes(acks: Iterable[dict]) -> Check:
    from safeguarding.models import ChronologyEntry

    check = Check("DSL notes")
    notes = {ack["text"]: ack["concern"] for ack in acks}
    check.acknowledged = len(notes)
    stored = Counter(
        ChronologyEntry.objects.filter(text__in=list(notes)).values_list("text", "concern_id")
    )
    for text, concern in notes.items():
        if stored[(text, concern)] != 1:
            check.problem(f"concern {concern}: note stored {stored[(text, concern)]} times")
    return check


def _unsent_deliveries(school: str):
    from safeguarding.models import Delivery

    return Delivery.objects.filter(concern__school__slug=school, sent_at__isnull=True)


def wait_for_notifications(*, school: str, seconds: float) -> None:
    """Give the task workers time to send what the last concerns of the run queued."""
    deadline = time.monotonic() + seconds
    while _unsent_deliveries(school).exists() and time.monotonic() < deadline:
        time.sleep(1)


def _mailbox_recipients(mailbox: Path) -> Counter:
    """How many messages each address got, from Django's file email backend's files."""
    received = Counter()
    for path in mailbox.glob("*.log"):
        for raw in path.read_text().split("-" * 79):
            if raw.strip():
                message = message_from_string(raw.strip())
                received.update(address.strip() for address in message.get("To", "").split(","))
    return received


def check_notifications(*, school: str, mailbox: Path | None) -> Check:
    from safeguarding.models import Concern, Delivery, DeliveryKind
    from safeguarding.services import safeguarding_leads
    from schools.models import School

    check = Check("notifications")
    leads = {user.pk for user in safeguarding_leads(school=School.objects.get(slug=school))}
    deliveries = defaultdict(list)
    for delivery in Delivery.objects.filter(
        concern__school__slug=school, kind=DeliveryKind.NEW_CONCERN
    ):
        deliveries[delivery.concern_id].append(delivery)
    concerns = list(Concern.objects.filter(school__slug=school).values_list("pk", flat=True))
    check.acknowledged = len(concerns)
    for concern in concerns:
        told = {d.recipient_id for d in deliveries[concern] if d.sent_at is not None}
        if told != leads:
            check.problem(f"concern {concern}: sent to {sorted(told)}, leads {sorted(leads)}")
    if mailbox is not None:
        sent = Counter(
            Delivery.objects.filter(
                concern__school__slug=school, sent_at__isnull=False
            ).values_list("to_email", flat=True)
        )
        received = _mailbox_recipients(mailbox)
        for address, count in sent.items():
            if received[address] != count:
                check.problem(f"{address}: {count} sent, {received[address]} in the mailbox")
    return check


def verify(acks: list[dict], *, school: str, mailbox: Path | None = None) -> Report:
    """Compare the acknowledged writes with the database (see the module docstring)."""
    from lessons.models import ActivityResponse, LessonProgress
    from quizzes.models import Attempt
    from safeguarding.models import Concern

    kinds = defaultdict(list)
    for ack in acks:
        kinds[ack["kind"]].append(ack)
    checks = [
        check_progress(kinds["progress"]),
        check_activities(kinds["activity"]),
        check_quiz_answers(kinds["answer"]),
        check_attempts(kinds["attempt"]),
        check_concerns(kinds["concern"], kinds["concern_sent"], school=school),
        check_notes(kinds["note"]),
        check_notifications(school=school, mailbox=mailbox),
    ]
    in_school = {"pupil__school__slug": school}
    counts = {
        "lesson_progress_rows": LessonProgress.objects.filter(**in_school).count(),
        "activity_responses": ActivityResponse.objects.filter(**in_school).count(),
        "quiz_attempts_submitted": Attempt.objects.submitted().filter(**in_school).count(),
        "concerns": Concern.objects.filter(school__slug=school).count(),
        "connections_lost": len(kinds["connection_lost"]),
        "server_errors": len(kinds["server_error"]),
    }
    return Report(checks=checks, counts=counts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("acks", type=Path)
    parser.add_argument("--school", default="load-academy")
    parser.add_argument("--mailbox", type=Path)
    parser.add_argument("--wait", type=float, default=120)
    parser.add_argument("--json", type=Path, help="also write the report here")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "streamwise.settings")
    import django

    django.setup()
    wait_for_notifications(school=args.school, seconds=args.wait)
    report = verify(read_acks(args.acks), school=args.school, mailbox=args.mailbox)
    text = json.dumps(report.as_dict(), indent=2)
    if args.json:
        args.json.write_text(text)
    print(text)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
