"""Fault tests against the real components: an aiosmtpd server and `manage.py db_worker`.

Concerns are raised while the worker is stopped, while the mail server refuses mail and while
it is down; every notice arrives once things recover, exactly once, with no details in it.
"""

import time

import pytest

from safeguarding import services
from safeguarding.models import ConcernSource, Delivery

from .realmail import SMTPSink, Workers, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


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


def sent_count():
    return Delivery.objects.filter(sent_at__isnull=False).count()


def attempts():
    return sum(Delivery.objects.values_list("attempts", flat=True))


def assert_no_details(messages, pupil):
    for message in messages:
        assert message.subject == "A safeguarding concern needs your attention"
        assert "https://streamwise.example/safeguarding/cases/" in message.body
        for detail in (pupil.display_name, "secret", "Kestrels", "Oakfield"):
            assert detail not in message.raw


def test_concerns_raised_while_the_worker_is_stopped_are_delivered_when_it_starts(
    sink, workers, raise_concern, pupil, dsl, deputy
):
    sink.start()
    worker = workers.start(smtp_port=sink.port)
    raise_concern()
    wait_for(lambda: sent_count() == 2, what="the first concern's emails", logs=workers.logs)
    workers.stop(worker)

    # The worker is down: two more concerns (one from the pupil) just wait in the outbox.
    raise_concern()
    services.concern_raise(raised_by=pupil.user, pupil=pupil, source=ConcernSource.PUPIL)
    time.sleep(1.5)
    assert len(sink.messages) == 2 and sent_count() == 2

    workers.start(smtp_port=sink.port)
    wait_for(lambda: sent_count() == 6, what="the queued emails", logs=workers.logs)
    wait_for(lambda: len(sink.messages) == 6, what="the server to receive them")
    assert sink.received_by() == {dsl.email: 3, deputy.email: 3}
    assert_no_details(sink.messages, pupil)


def test_a_server_refusing_mail_then_accepting_gets_each_email_exactly_once(
    sink, workers, raise_concern, pupil, dsl, deputy
):
    sink.refusing = True
    sink.start()
    raise_concern()
    workers.start(smtp_port=sink.port)
    wait_for(lambda: sink.refused >= 4, what="several refused attempts", logs=workers.logs)
    assert sink.messages == [] and sent_count() == 0
    assert set(Delivery.objects.values_list("last_error", flat=True)) == {"SMTPDataError"}

    sink.refusing = False
    wait_for(lambda: sent_count() == 2, what="delivery after recovery", logs=workers.logs)
    time.sleep(3)  # several retry intervals: nothing is sent twice
    assert sink.received_by() == {dsl.email: 1, deputy.email: 1}
    assert all(d.attempts >= 3 for d in Delivery.objects.all())
    assert_no_details(sink.messages, pupil)


def test_a_mail_server_that_is_down_loses_nothing(sink, workers, raise_concern, pupil, dsl):
    raise_concern()  # the server is not running: connections are refused
    workers.start(smtp_port=sink.port)
    wait_for(lambda: attempts() >= 3, what="retries while the server is down", logs=workers.logs)
    delivery = Delivery.objects.get()
    assert delivery.sent_at is None and delivery.last_error == "ConnectionRefusedError"

    sink.start()
    wait_for(lambda: sent_count() == 1, what="delivery once the server is up", logs=workers.logs)
    time.sleep(2.5)
    assert sink.received_by() == {dsl.email: 1}
    assert_no_details(sink.messages, pupil)
