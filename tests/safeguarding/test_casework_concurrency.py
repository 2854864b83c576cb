"""Casework under real concurrency (threads with their own database connections): a double
submit sets one action, and an action's reminder racing its completion neither deadlocks nor
reminds about a done action. Row locks are what is tested, so this needs PostgreSQL."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from safeguarding import services
from safeguarding.models import CaseAction, Delivery, DeliveryKind, EntryKind

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL (SQLite runs one writer at a time anyway).")


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # collected for the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def test_a_double_submit_at_the_same_moment_sets_one_action(raise_concern, dsl, deputy):
    concern = raise_concern()
    key = uuid.uuid4()
    due = timezone.now() + timedelta(hours=1)

    def submit():
        return services.case_action_add(
            concern=concern,
            user=dsl,
            title="Call parent",
            owner=deputy,
            due_at=due,
            idempotency_key=key,
        ).pk

    results = run_together(submit, submit, submit)
    assert len(set(results)) == 1 and CaseAction.objects.count() == 1
    assert concern.entries.filter(kind=EntryKind.ACTION_ADDED).count() == 1


def test_a_reminder_racing_completion_is_one_or_the_other(raise_concern, dsl, deputy):
    concern = raise_concern()
    for _ in range(5):
        action = services.case_action_add(
            concern=concern,
            user=dsl,
            title="Call parent",
            owner=deputy,
            due_at=timezone.now() - timedelta(minutes=1),
        )
        remind, complete = run_together(
            lambda a=action: services.case_action_remind_if_due(action_id=a.pk),
            lambda a=action: services.case_action_complete(action=a, user=deputy, note="Done"),
        )
        action.refresh_from_db()
        assert action.completed_at is not None
        if remind == "reminded":
            assert action.reminded_at is not None
        else:
            assert action.reminded_at is None
    reminded = CaseAction.objects.filter(reminded_at__isnull=False).count()
    assert Delivery.objects.filter(kind=DeliveryKind.ACTION_DUE).count() == reminded
