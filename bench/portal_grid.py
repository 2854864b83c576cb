"""Benchmark: the teacher portal's progress grid and school overview for a big school.

    .venv/bin/python -m bench.portal_grid [--postgres postgres://…/streamwise_bench_grid]
                                          [--repeat 30] [--other-schools N] [--explain] [--keep]

Seeds a school of 2,000 pupils in 70 classes, a 40-lesson module set for every class, and every
pupil part-way through it: a progress row for each pupil and lesson (80,000), about 120,000
activity answers and 40,000 quiz attempts, all with bulk inserts. Then it times, in process
through Django's test client (so the whole request: middleware, queries, template):

- the class grid: a class of 35 pupils × 40 lessons (target under 100 ms on PostgreSQL);
- the school overview: completion by class and year group (target under 300 ms);
- and, for information, the grid's XLSX download and the progress service on its own.

It runs on SQLite (a temporary file) and, with `--postgres URL` (or BENCH_POSTGRES_URL), on
PostgreSQL too, each in its own process. The PostgreSQL database named in the URL is dropped
and created afresh, and dropped again at the end unless `--keep`. `--other-schools N` adds N
more schools of the same size sharing the lessons (a multi-school database: the measured
queries must then find one school's rows among many). `--explain` prints the query plans of
the grid's and the overview's queries.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PUPILS = 2000
CLASSES = 70
LESSONS = 40
BIG_CLASS = 35
TARGETS_MS = {"class grid": 100, "school overview": 300}


def _environment(var_dir: Path, database_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        STREAMWISE_VAR_DIR=str(var_dir),
        SECRET_KEY=secrets.token_urlsafe(48),
        DEBUG="0",
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        STREAMWISE_PLAIN_STATIC="1",
        EMAIL_MODE="console",
        LOG_LEVEL="WARNING",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _recreate_postgres_database(url: str, *, drop_only: bool = False) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        if not drop_only:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# --- Seeding (runs in the child process) -----------------------------------------------------


ACTIVITIES = [
    {
        "type": "true_or_false",
        "statements": [
            {"text": "Streams can be recorded by viewers.", "answer": True, "feedback": "Yes."},
            {"text": "Everyone online is who they say.", "answer": False, "feedback": "No."},
        ],
    },
    {
        "type": "sort_it",
        "prompt": "Sort the comments.",
        "groups": [{"key": "ok", "label": "OK"}, {"key": "no", "label": "Not OK"}],
        "cards": [
            {"text": "A kind comment", "group": "ok", "feedback": "Kind."},
            {"text": "A request to keep a secret", "group": "no", "feedback": "Tell someone."},
            {"text": "An offer of gifts for a private chat", "group": "no", "feedback": "No."},
        ],
    },
    {
        "type": "reveal_cards",
        "prompt": "Turn the cards over.",
        "cards": [
            {"front": "Block", "back": "Stops them contacting you."},
            {"front": "Report", "back": "Tells the app."},
        ],
    },
]


def _lesson_data(number: int) -> dict:
    steps = [
        {
            "title": f"Step {index + 1}",
            "blocks": [
                {"type": "text", "text": "Jas goes live after school. " * 8},
                dict(ACTIVITIES[index % len(ACTIVITIES)], id=f"activity-{index}"),
            ],
        }
        for index in range(7)
    ]
    steps.append({"title": "Getting help", "blocks": [{"type": "help"}]})
    return {"slug": f"bench-lesson-{number}", "title": f"Bench lesson {number}", "steps": steps}


def _bench_module():
    """A library with one 11–13 module of 40 eight-step lessons (built like the curriculum)."""
    from wagtail.models import Page

    from lessons.loader import lesson_body
    from lessons.models import LessonLibraryPage, LessonPage, ModulePage

    library = LessonLibraryPage(title="Lessons", slug="bench-lessons")
    Page.get_first_root_node().add_child(instance=library)
    module = ModulePage(
        title="Bench module",
        slug="bench-module",
        age_band="11-13",
        key_stage="KS3",
        summary="Forty lessons for the benchmark.",
    )
    library.add_child(instance=module)
    module.save_revision().publish()
    for number in range(1, LESSONS + 1):
        data = _lesson_data(number)
        lesson = LessonPage(
            title=data["title"],
            slug=data["slug"],
            intro="A lesson for the benchmark.",
            ground_rules=[{"type": "rule", "value": "You can pass.", "id": f"rule-{number}"}],
            body=lesson_body(module.slug, data, where=data["slug"]),
        )
        module.add_child(instance=lesson)
        lesson.save_revision().publish()
    return module, list(LessonPage.objects.child_of(module).live().order_by("path"))


def fast_insert(model, rows: list[dict]) -> None:
    """INSERT rows with the DB-API's `executemany`, skipping the ORM's per-object SQL building.

    `bulk_create` spends nearly all its time compiling SQL for each object (about 40 s for this
    benchmark's 240,000 rows on SQLite); here each distinct value is prepared for the database
    once and the driver does the rest. `rows` are dicts of field name → value, all with the
    same keys, and must fill every NOT NULL column (auto_now fields included).
    """
    from django.db import connection

    if not rows:
        return
    fields = [model._meta.get_field(name) for name in rows[0]]
    prepared: dict = {}

    def prep(model_field, value):
        try:
            key = (model_field.attname, type(value), value)
            return prepared[key]
        except KeyError:
            prepared[key] = model_field.get_db_prep_save(value, connection)
            return prepared[key]
        except TypeError:  # unhashable (a dict for a JSONField)
            return model_field.get_db_prep_save(value, connection)

    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    if connection.vendor == "postgresql":
        # COPY is PostgreSQL's bulk load: several times faster than even a pipelined INSERT.
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row([prep(f, row[f.name]) for f in fields])
        return
    # Identifiers from the model, quoted by the backend; every value is a parameter.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 10_000):
            cursor.executemany(
                sql,
                [[prep(f, row[f.name]) for f in fields] for row in rows[start : start + 10_000]],
            )


def seed_content():
    """The 40-lesson module and a quiz for each lesson."""
    from quizzes.models import Quiz

    module, lessons = _bench_module()
    quizzes = Quiz.objects.bulk_create(
        [Quiz(title=f"Bench quiz {n + 1}", age_band="11-13", pass_mark=60) for n in range(LESSONS)]
    )
    for lesson, quiz in zip(lessons, quizzes, strict=True):
        lesson.quiz = quiz
    type(lessons[0]).objects.bulk_update(lessons, ["quiz"])
    return module, lessons, quizzes


def seed_school(number: int, module, lessons, quizzes, rng: random.Random) -> dict:
    """One school: 2,000 pupils in 70 classes (the first of 35), the module set for every class,
    and every pupil part-way through it."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from lessons.models import ActivityResponse, LessonProgress, ProgressStatus
    from lessons.services import assignment_create
    from quizzes.models import Attempt
    from schools.models import Pupil, StaffRole, TeachingGroup, generate_class_code
    from schools.services import school_create, staff_role_grant

    timings = {}
    started = time.perf_counter()
    User = get_user_model()
    school = school_create(name=f"Bench Academy {number}", slug=f"bench-academy-{number}")
    teacher = User.objects.create_user(
        username=f"teacher{number}@bench.example", email=f"teacher{number}@bench.example"
    )
    admin = User.objects.create_user(
        username=f"admin{number}@bench.example", email=f"admin{number}@bench.example"
    )
    staff_role_grant(user=teacher, school=school, role=StaffRole.TEACHER)
    staff_role_grant(user=admin, school=school, role=StaffRole.SCHOOL_ADMIN)
    groups = TeachingGroup.objects.bulk_create(
        [
            TeachingGroup(
                school=school,
                name=f"Class {n + 1:02}",
                year_group=6 + n % 3,
                code=generate_class_code(),
            )
            for n in range(CLASSES)
        ]
    )
    groups[0].teachers.add(teacher)
    users = User.objects.bulk_create(
        [
            User(username=f"bench-pupil-{number}-{n}", password="!")  # noqa: S106
            for n in range(PUPILS)
        ]
    )
    pupils = Pupil.objects.bulk_create(
        [
            Pupil(school=school, user=user, display_name=f"Pupil {n:04}", year_group=6)
            for n, user in enumerate(users)
        ]
    )
    members = []
    for n, pupil in enumerate(pupils):
        group = groups[0] if n < BIG_CLASS else groups[1 + (n - BIG_CLASS) % (CLASSES - 1)]
        pupil.year_group = group.year_group
        members.append(Pupil.teaching_groups.through(pupil=pupil, teachinggroup=group))
    Pupil.objects.bulk_update(pupils, ["year_group"], batch_size=1000)
    Pupil.teaching_groups.through.objects.bulk_create(members, batch_size=2000)
    today = timezone.localdate()
    assignments = [
        assignment_create(
            group=group,
            module=module,
            opens_on=today - timedelta(days=20),
            due_on=today + timedelta(days=10),
            created_by=teacher,
        )
        for group in groups
    ]
    timings["school"] = time.perf_counter() - started

    started = time.perf_counter()
    now = timezone.now().replace(second=0, microsecond=0)
    progress, answers, attempts = [], [], []
    answer = {"answers": {"0": True}}
    for pupil in pupils:
        done = rng.randint(5, 35)
        for number, lesson in enumerate(lessons):
            when = now - timedelta(days=rng.randint(0, 19), minutes=10 * rng.randint(0, 60))
            completed = number < done
            progress.append(
                {
                    "pupil": pupil.pk,
                    "lesson": lesson.pk,
                    "status": ProgressStatus.COMPLETED if completed else ProgressStatus.IN_PROGRESS,
                    "current_step": 8 if completed else rng.randint(1, 7),
                    "started_at": when - timedelta(minutes=20),
                    "completed_at": when if completed else None,
                    "time_spent": timedelta(minutes=15),
                    "last_active_at": when,
                    "updated_at": when,
                }
            )
            for index in range(2 if completed else 1):
                answers.append(
                    {
                        "pupil": pupil.pk,
                        "lesson": lesson.pk,
                        "activity_id": f"bench-{index}",
                        "activity_type": "true_or_false",
                        "answer": answer,
                        "is_complete": True,
                        "correct": rng.random() < 0.7,
                        "score": rng.choice([0.0, 0.5, 1.0]),
                        "attempts": 1,
                        "created_at": when,
                        "updated_at": when,
                    }
                )
            if completed:
                attempts.append(
                    {
                        "quiz": quizzes[number].pk,
                        "pupil": pupil.pk,
                        "number": 1,
                        "question_order": [],
                        "option_orders": {},
                        "started_at": when - timedelta(minutes=10),
                        "updated_at": when,
                        "submitted_at": when,
                        "score": rng.randint(60, 100),
                        "correct_count": 5,
                        "scored_count": 6,
                        "passed": True,
                    }
                )
    with transaction.atomic():
        fast_insert(LessonProgress, progress)
        fast_insert(ActivityResponse, answers)
        fast_insert(Attempt, attempts)
    timings["progress"] = time.perf_counter() - started
    return {
        "timings": timings,
        "school": school.pk,
        "rows": {
            "progress": len(progress),
            "answers": len(answers),
            "attempts": len(attempts),
        },
        "teacher": teacher.pk,
        "admin": admin.pk,
        "group": groups[0].pk,
        "assignment": assignments[0].pk,
    }


def seed(other_schools: int = 0) -> dict:
    """The content, the measured school, then `other_schools` more schools sharing the
    content (so the measured queries must pick one school's rows out of many)."""
    rng = random.Random(6)
    started = time.perf_counter()
    module, lessons, quizzes = seed_content()
    content_seconds = time.perf_counter() - started
    seeded = seed_school(1, module, lessons, quizzes, rng)
    seeded["timings"] = {"lessons": content_seconds, **seeded["timings"]}
    started = time.perf_counter()
    for number in range(2, other_schools + 2):
        other = seed_school(number, module, lessons, quizzes, rng)
        for key, value in other["rows"].items():
            seeded["rows"][key] += value
    if other_schools:
        seeded["timings"]["other schools"] = time.perf_counter() - started
    return seeded


# --- Timing (child process) ------------------------------------------------------------------


def _time(call, repeat: int) -> dict:
    for _ in range(3):
        call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "median": statistics.median(samples),
        "p95": samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))],
    }


class QueryRecorder:
    """Records every query run (an execute wrapper: works whatever DEBUG says)."""

    def __init__(self):
        self.queries: list[tuple[str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        self.queries.append((sql, params))
        return execute(sql, params, many, context)


def _explain(label: str, queries) -> None:
    from django.db import connection

    print(f"\n--- {label} ---")
    with connection.cursor() as cursor:
        for sql, params in queries:
            if not sql.startswith("SELECT"):
                continue
            prefix = (
                "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
            )
            cursor.execute(prefix + sql, params)
            print(sql[:160] + ("…" if len(sql) > 160 else ""))
            for row in cursor.fetchall():
                print("   ", " | ".join(str(part) for part in row))


def child(args) -> int:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from lessons.models import Assignment
    from schools.models import TeachingGroup
    from teacher_portal.overview import school_overview
    from teacher_portal.progress import progress_grid

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    migrate_seconds = time.perf_counter() - started
    seeded = seed(args.other_schools)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    User = get_user_model()
    teacher = User.objects.get(pk=seeded["teacher"])
    admin = User.objects.get(pk=seeded["admin"])
    group = TeachingGroup.objects.get(pk=seeded["group"])
    assignment = Assignment.objects.select_related("module", "lesson").get(pk=seeded["assignment"])
    grid_url = reverse("teacher_portal:progress", args=[group.pk, assignment.pk])
    export_url = reverse(
        "teacher_portal:progress_export", args=[group.pk, assignment.pk, "grid", "xlsx"]
    )
    overview_url = reverse("teacher_portal:school_overview")
    teacher_client, admin_client = Client(), Client()
    teacher_client.force_login(teacher)
    admin_client.force_login(admin)

    def get(client, url):
        def call():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return call

    results = {}
    for name, call in (
        ("class grid", get(teacher_client, grid_url)),
        ("school overview", get(admin_client, overview_url)),
        ("grid XLSX download", get(teacher_client, export_url)),
        ("progress_grid() alone", lambda: progress_grid(group=group, assignment=assignment)),
        ("school_overview() alone", lambda: school_overview(school=group.school)),
    ):
        call()
        recorder = QueryRecorder()
        with connection.execute_wrapper(recorder):
            call()
        results[name] = {**_time(call, args.repeat), "queries": len(recorder.queries)}
        if args.explain and name.endswith("alone"):
            _explain(name, recorder.queries)
    grid = progress_grid(group=group, assignment=assignment)
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "migrate_s": migrate_seconds,
                "seed_s": seeded["timings"],
                "rows": seeded["rows"],
                "grid_size": [len(grid.rows), len(grid.columns)],
                "results": results,
            }
        ),
        flush=True,
    )
    return 0


# --- The parent process ----------------------------------------------------------------------


def run_target(name: str, database_url: str | None, args) -> dict | None:
    var_dir = Path(tempfile.mkdtemp(prefix="streamwise-bench-grid-"))
    (var_dir / "static").mkdir()
    if database_url:
        _recreate_postgres_database(database_url)
    try:
        command = [
            sys.executable,
            "-m",
            "bench.portal_grid",
            "--child",
            "--repeat",
            str(args.repeat),
            "--other-schools",
            str(args.other_schools),
        ]
        if args.explain:
            command.append("--explain")
        completed = subprocess.run(
            command,
            cwd=ROOT,
            env=_environment(var_dir, database_url),
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            print(f"{name}: failed\n{completed.stdout}\n{completed.stderr}", file=sys.stderr)
            return None
        lines = completed.stdout.strip().splitlines()
        if args.explain:
            print("\n".join(lines[:-1]))
        return json.loads(lines[-1])
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
        if database_url and not args.keep:
            _recreate_postgres_database(database_url, drop_only=True)


def report(name: str, data: dict) -> None:
    seed_total = sum(data["seed_s"].values())
    rows = data["rows"]
    print(f"\n{name} ({data['vendor']})")
    print(
        f"  seeded {rows['progress']:,} progress rows, {rows['answers']:,} answers, "
        f"{rows['attempts']:,} quiz attempts in {seed_total:.1f} s "
        f"({', '.join(f'{k} {v:.1f} s' for k, v in data['seed_s'].items())}); "
        f"grid {data['grid_size'][0]} pupils × {data['grid_size'][1]} lessons"
    )
    print(f"  {'what':<26} {'median ms':>10} {'p95 ms':>8} {'queries':>8}  target")
    for what, figures in data["results"].items():
        target = TARGETS_MS.get(what)
        verdict = ""
        if target:
            verdict = f"< {target} ms: " + ("met" if figures["median"] < target else "NOT MET")
        print(
            f"  {what:<26} {figures['median']:>10.1f} {figures['p95']:>8.1f} "
            f"{figures['queries']:>8}  {verdict}"
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", ""))
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per measurement")
    parser.add_argument("--explain", action="store_true", help="print query plans")
    parser.add_argument(
        "--other-schools",
        type=int,
        default=0,
        help="also seed this many more schools of the same size (a multi-school database)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        sys.path.insert(0, str(ROOT))
        return child(args)
    targets = [("SQLite", None)]
    if args.postgres:
        targets.append(("PostgreSQL", args.postgres))
    failed = False
    for name, url in targets:
        print(f"Running on {name} …", flush=True)
        data = run_target(name, url, args)
        if data is None:
            failed = True
            continue
        report(name, data)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
