"""The renewal reminder through the real components: the sweep is queued as `run-demo` queues
it, the real `db_worker` runs it, and a real SMTP server (aiosmtpd) receives the email. Time is
moved by setting the pass date back, so the certificate expires in a fortnight."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.safeguarding.realmail import wait_for
from training.loader import courses_load
from training.models import CourseCompletion, ReminderSent, StaffCoursePage
from training.reminders import SWEEP_TASK_PATH, sweep_schedule
from training.services import add_months

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_emails_a_reminder_before_the_certificate_expires(
    sink, workers, school, teacher, older_pupil
):
    courses_load()
    course = StaffCoursePage.objects.get(slug="live-streaming-and-online-grooming")
    passed_on = timezone.localdate() - timedelta(days=351)  # a year ago, less a fortnight
    completion = CourseCompletion.objects.create(
        user=teacher,
        school=school,
        course=course,
        passed_on=passed_on,
        expires_on=add_months(passed_on, 12),
        score=100,
    )
    assert sweep_schedule() is True
    assert sweep_schedule() is False  # one sweep waiting is enough

    workers.start(smtp_port=sink.port)
    wait_for(lambda: len(sink.messages) == 1, timeout=60, what="the reminder", logs=workers.logs)

    [message] = sink.messages
    assert message.to == [teacher.email]
    assert message.subject == "Your staff training is due for renewal"
    assert course.title in message.body
    assert completion.expires_on.strftime("%-d %B %Y") in message.body
    assert "https://streamwise.example/training/" in message.body
    assert older_pupil.pupil.display_name not in message.raw  # nothing about any child
    assert ReminderSent.objects.filter(completion=completion, kind="soon").count() == 1
    # The sweep queued the next one for later, so the reminders keep going.
    wait_for(
        lambda: DBTaskResult.objects.filter(
            task_path=SWEEP_TASK_PATH, status="READY", run_after__gt=timezone.now()
        ).exists(),
        what="the next sweep",
        logs=workers.logs,
    )
