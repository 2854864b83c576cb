"""Notifications v2 against the real components: aiosmtpd and `manage.py db_worker` processes.

- a flag's email reaches the DSL through the real worker;
- after an outage the first alert for a concern arrives before its escalations;
- an email is sent at most once when several workers hold tasks for it at the same time, and
  when many threads race to escalate the same concern (PostgreSQL row locks);
- the real worker runs an escalation check and the escalation emails, with the case number,
  reach the leads, the school admin and the head teacher.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safeguarding import services
from safeguarding.models import ChronologyEntry, Concern, Delivery, DeliveryKind, EntryKind
from safeguarding.tasks import concern_escalation_check, delivery_send
from schools.models import StaffRole
from tests import factories

from .realmail import SMTPSink, Workers, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

needs_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="row locks (SELECT … FOR UPDATE) are only real on PostgreSQL; SQLite runs one "
    "writer at a time",
)


@pytest.fixture
def sink():
    server = SMTPSink()
    yield server
    server.stop()


@pytest.fixture
def workers(tmp_path):
    pool = Workers(tmp_path)
    yield pool
    pool.stop_all()


def sent():
    return Delivery.objects.filter(sent_at__isnull=False).count()


def test_a_flag_reaches_the_dsl_by_email(sink, workers, pupil, dsl, deputy):
    sink.start()
    workers.start(smtp_port=sink.port)
    flag = services.flag_raise(
        pupil=pupil, source="Quiz", text_excerpt="he has my pics", reason="images + threat"
    )
    wait_for(lambda: len(sink.messages) == 2, what="the flag emails", logs=workers.logs)
    assert sink.received_by() == {dsl.email: 1, deputy.email: 1}
    for message in sink.messages:
        assert message.subject == "Something needs review on Streamwise"
        assert f"https://streamwise.example/safeguarding/flags/{flag.pk}/" in message.body
        assert "pics" not in message.raw and pupil.display_name not in message.raw


def test_after_an_outage_the_first_alert_arrives_before_its_escalations(
    sink, workers, raise_concern, dsl, deputy, school_admin, clock
):
    sink.refusing = True
    sink.start()
    workers.start(smtp_port=sink.port)
    concern = raise_concern()
    wait_for(lambda: sink.refused >= 4, what="refused first alerts", logs=workers.logs)

    # Nobody acknowledged it in time (the check runs here, with the clock moved on).
    clock.advance(minutes=31)
    assert services.concern_escalate_if_unacknowledged(concern_id=concern.pk)
    escalations = Delivery.objects.filter(concern=concern, round=1)
    assert escalations.count() == 3
    time.sleep(3)  # several retry intervals of the outage
    assert all(d.attempts == 0 for d in escalations.all())  # held back behind the first alerts

    sink.refusing = False
    wait_for(lambda: len(sink.messages) == 5, what="every email", logs=workers.logs)
    kinds = ["escalation" if m.subject.startswith("Case") else "new" for m in sink.messages]
    assert kinds == ["new", "new", "escalation", "escalation", "escalation"], kinds
    time.sleep(2)
    assert len(sink.messages) == 5


@needs_postgresql
def test_two_workers_with_duplicate_tasks_send_each_email_once(
    sink, workers, raise_concern, dsl, deputy
):
    sink.start()
    raise_concern()
    # Every delivery's task queued four more times, as a restart or a sweeper might.
    for delivery in Delivery.objects.all():
        for _ in range(4):
            delivery_send.enqueue(delivery_id=delivery.pk, token=str(delivery.token))
    workers.start(smtp_port=sink.port)
    workers.start(smtp_port=sink.port)
    wait_for(lambda: sent() == 2, what="both emails", logs=workers.logs)
    wait_for(
        lambda: (
            not DBTaskResult.objects.filter(
                task_path__endswith="delivery_send", status__in=["READY", "RUNNING"]
            ).exists()
        ),
        what="every duplicate task to finish",
        logs=workers.logs,
    )
    assert sink.received_by() == {dsl.email: 1, deputy.email: 1}


@needs_postgresql
def test_racing_escalation_checks_queue_one_round(raise_concern, dsl, deputy, clock):
    concern = raise_concern()
    clock.advance(minutes=31)
    barrier = threading.Barrier(6)
    results = []

    def check():
        try:
            barrier.wait()
            results.append(services.concern_escalate_if_unacknowledged(concern_id=concern.pk))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=check) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [False] * 5 + [True]
    assert Delivery.objects.filter(concern=concern, kind=DeliveryKind.ESCALATION_LEAD).count() == 2
    assert concern.entries.filter(kind=EntryKind.ESCALATED).count() == 1


@needs_postgresql
def test_racing_attempts_send_an_email_once(raise_concern, dsl):
    from django.core import mail

    raise_concern()
    delivery = Delivery.objects.get()
    barrier = threading.Barrier(6)
    results = []

    def attempt():
        try:
            barrier.wait()
            results.append(
                services.delivery_attempt(delivery_id=delivery.pk, token=str(delivery.token))
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["sent"] + ["skipped"] * 5
    assert len(mail.outbox) == 1


def test_the_worker_escalates_to_everyone_with_the_case_number(
    sink, workers, school, pupil, teacher, dsl, deputy, school_admin
):
    head = factories.staff(school, StaffRole.TEACHER)
    services.school_safeguarding_settings_set(
        school=school, user=dsl, escalation_repeat_minutes=20, head_teacher=head
    )
    # A concern raised 31 minutes ago that nobody acknowledged (its first emails went out).
    raised = timezone.now() - timedelta(minutes=31)
    concern = Concern.objects.create(
        school=school, pupil=pupil, raised_by=teacher, what_happened="a secret", created_at=raised
    )
    ChronologyEntry.objects.create(
        concern=concern, number=1, kind=EntryKind.RAISED, author=teacher, created_at=raised
    )
    sink.start()
    workers.start(smtp_port=sink.port)
    concern_escalation_check.enqueue(concern_id=concern.pk)
    wait_for(lambda: len(sink.messages) == 4, what="the escalation emails", logs=workers.logs)
    assert sink.received_by() == {
        dsl.email: 1,
        deputy.email: 1,
        school_admin.email: 1,
        head.email: 1,
    }
    for message in sink.messages:
        assert message.subject.startswith(f"Case {concern.pk}:")
        assert "secret" not in message.raw and pupil.display_name not in message.raw
    # The next round is queued for the school's interval, until someone acknowledges.
    nxt = DBTaskResult.objects.filter(
        task_path__endswith="concern_escalation_check", status="READY"
    ).get()
    delay = nxt.run_after - timezone.now()
    assert timedelta(minutes=19) < delay <= timedelta(minutes=20)
