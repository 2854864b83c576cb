"""An action's reminder through the real components: the `db_worker` runs the task scheduled
for the due time, and a real SMTP server (aiosmtpd) receives the owner's email."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safeguarding import services
from safeguarding.models import Alert, AlertKind, CaseAction

from .realmail import SMTPSink, Workers, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sink():
    server = SMTPSink()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def workers(tmp_path):
    pool = Workers(tmp_path)
    yield pool
    pool.stop_all()


def test_the_owner_is_emailed_when_the_action_comes_due(sink, workers, raise_concern, dsl, deputy):
    workers.start(smtp_port=sink.port)
    concern = raise_concern()
    wait_for(lambda: len(sink.messages) == 2, what="the new concern's emails", logs=workers.logs)

    due_at = timezone.now() + timedelta(seconds=3)
    action = services.case_action_add(
        concern=concern, user=dsl, title="Refer to MASH", owner=deputy, due_at=due_at
    )

    subject = f"An action on Case {concern.pk} is due"
    wait_for(
        lambda: any(m.subject == subject for m in sink.messages),
        timeout=40,
        what="the reminder",
        logs=workers.logs,
    )
    assert timezone.now() >= due_at  # not before it was due
    [reminder] = [m for m in sink.messages if m.subject == subject]
    assert reminder.to == [deputy.email]
    assert f"https://streamwise.example/safeguarding/cases/{concern.pk}/" in reminder.body
    for detail in ("MASH", concern.pupil.display_name, "secret", "Oakfield"):
        assert detail not in reminder.raw
    assert CaseAction.objects.get(pk=action.pk).reminded_at is not None
    assert Alert.objects.filter(recipient=deputy, kind=AlertKind.ACTION_DUE).count() == 1
