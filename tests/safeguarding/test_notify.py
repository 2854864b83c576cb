"""Notifications v2: flags email the leads and escalate; escalation repeats and reaches the
head teacher; an email is sent at most once, in order; the outage banner; alerts go away once
something is dealt with. (Real worker and mail server: test_notify_worker.py.)"""

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import IntegrityError, transaction
from django.urls import reverse

from safeguarding import services
from safeguarding.models import (
    Alert,
    AlertKind,
    Delivery,
    DeliveryKind,
    SchoolSafeguardingSettings,
)
from safeguarding.services.notifications import _delivery_create
from schools.models import StaffRole
from tests import factories

from .helpers import mfa_session, run_tasks

SECRET = "He has my photos and says he will send them to everyone"


@pytest.fixture
def raise_flag(pupil):
    def make(**kwargs):
        kwargs.setdefault("pupil", pupil)
        kwargs.setdefault("source", "Quiz: Sharing pictures, question 4")
        kwargs.setdefault("text_excerpt", SECRET)
        kwargs.setdefault("reason", "mentions images + a threat")
        return services.flag_raise(**kwargs)

    return make


@pytest.fixture
def head(school):
    return factories.staff(school, StaffRole.TEACHER)


def by_address():
    return {message.to[0]: message for message in mail.outbox}


def assert_no_details(messages, pupil):
    for message in messages:
        text = message.subject + message.body
        assert pupil.display_name not in text
        for word in ("photos", "Sharing pictures", "images", "threat", "secret"):
            assert word not in text


class TestFlagsNotify:
    def test_a_flag_emails_every_lead_with_no_details(self, raise_flag, dsl, deputy, pupil):
        flag = raise_flag()
        assert {a.recipient for a in Alert.objects.filter(flag=flag)} == {dsl, deputy}
        deliveries = Delivery.objects.filter(flag=flag, kind=DeliveryKind.NEW_FLAG)
        assert {d.recipient for d in deliveries} == {dsl, deputy}
        assert all(d.concern_id is None for d in deliveries)
        run_tasks()
        assert set(by_address()) == {dsl.email, deputy.email}
        message = by_address()[dsl.email]
        assert message.subject == "Something needs review on Streamwise"
        assert f"/safeguarding/flags/{flag.pk}/" in message.body
        assert "Oakfield" in message.body
        assert_no_details(mail.outbox, pupil)

    def test_the_same_answer_screened_twice_emails_once(self, raise_flag, dsl):
        raise_flag(source_key="answer-3")
        raise_flag(source_key="answer-3")
        run_tasks()
        assert len(mail.outbox) == 1

    def test_a_flag_nobody_opens_escalates_and_repeats(
        self, raise_flag, dsl, deputy, school_admin, school, head, clock, pupil, client
    ):
        services.school_safeguarding_settings_set(
            school=school, user=dsl, escalation_repeat_minutes=10, head_teacher=head
        )
        flag = raise_flag()
        run_tasks()
        mail.outbox.clear()
        clock.advance(minutes=29)
        assert run_tasks() == []
        clock.advance(minutes=2)
        assert ("flag_escalation_check", True) in run_tasks()
        flag.refresh_from_db()
        assert flag.escalation_count == 1
        escalations = Alert.objects.filter(flag=flag, kind=AlertKind.ESCALATION)
        assert {a.recipient for a in escalations} == {dsl, deputy}
        assert set(by_address()) == {dsl.email, deputy.email, school_admin.email, head.email}
        assert by_address()[dsl.email].subject == f"Flag {flag.pk}: not reviewed yet"
        assert f"/safeguarding/flags/{flag.pk}/" not in by_address()[head.email].body
        assert_no_details(mail.outbox, pupil)

        mail.outbox.clear()
        clock.advance(minutes=11)
        assert ("flag_escalation_check", True) in run_tasks()
        assert len(mail.outbox) == 4 and "reminder 2" in by_address()[dsl.email].body

        # A lead opens it: no more rounds.
        mfa_session(client, deputy)
        assert client.get(reverse("safeguarding:flag", args=[flag.pk])).status_code == 200
        mail.outbox.clear()
        clock.advance(minutes=11)
        assert ("flag_escalation_check", False) in run_tasks()
        assert mail.outbox == []

    def test_reviewing_a_flag_stops_escalation_and_clears_everyones_alerts(
        self, raise_flag, dsl, deputy, clock
    ):
        flag = raise_flag()
        services.flag_dismiss(flag=flag, user=dsl, reason="Quoting the lesson.")
        assert not Alert.objects.filter(flag=flag, read_at__isnull=True).exists()
        clock.advance(minutes=31)
        assert ("flag_escalation_check", False) in run_tasks()

    def test_a_school_with_no_leads_tells_admins_about_a_flag_at_once(
        self, raise_flag, school_admin
    ):
        flag = raise_flag()
        delivery = Delivery.objects.get(flag=flag)
        assert (delivery.recipient, delivery.kind) == (school_admin, DeliveryKind.ESCALATION_ADMIN)


class TestEscalationV2:
    def test_repeats_at_the_school_interval_until_acknowledged(
        self, raise_concern, dsl, deputy, school_admin, school, head, clock, pupil
    ):
        services.school_safeguarding_settings_set(
            school=school, user=dsl, escalation_repeat_minutes=15, head_teacher=head
        )
        concern = raise_concern()
        run_tasks()
        mail.outbox.clear()
        clock.advance(minutes=31)
        run_tasks()
        assert set(by_address()) == {dsl.email, deputy.email, school_admin.email, head.email}
        head_mail = by_address()[head.email]
        assert head_mail.subject == (
            f"Case {concern.pk}: a safeguarding concern needs a DSL's attention"
        )
        assert "/safeguarding/" not in head_mail.body
        assert_no_details(mail.outbox, pupil)

        mail.outbox.clear()
        clock.advance(minutes=10)
        assert ("concern_escalation_check", True) not in run_tasks()
        clock.advance(minutes=6)
        assert ("concern_escalation_check", True) in run_tasks()
        assert len(mail.outbox) == 4
        assert concern.entries.filter(kind="escalated").count() == 2
        assert Delivery.objects.filter(concern=concern, round=2).count() == 4

        services.concern_acknowledge(concern=concern, user=deputy)
        assert not Alert.objects.filter(concern=concern, read_at__isnull=True).exists()
        mail.outbox.clear()
        clock.advance(minutes=16)
        assert ("concern_escalation_check", False) in run_tasks()
        assert mail.outbox == []

    def test_the_head_teacher_must_be_staff_of_the_school(self, school, dsl, other_school):
        stranger = factories.staff(other_school, StaffRole.TEACHER)
        with pytest.raises(Exception) as error:
            services.school_safeguarding_settings_set(
                school=school, user=dsl, escalation_repeat_minutes=30, head_teacher=stranger
            )
        assert "head_teacher" in error.value.message_dict
        with pytest.raises(Exception) as error:
            services.school_safeguarding_settings_set(
                school=school, user=dsl, escalation_repeat_minutes=1
            )
        assert "escalation_repeat_minutes" in error.value.message_dict
        assert not SchoolSafeguardingSettings.objects.exists()

    def test_the_dsl_sets_escalation_on_the_settings_page(self, client, dsl, school, head):
        client = mfa_session(client, dsl)
        url = reverse("safeguarding:settings")
        page = client.get(url)
        assert b"Repeat the escalation every" in page.content
        assert page.content.count(b'id="escalation-title"') == 1  # once, in the page body
        response = client.post(
            url,
            {
                "form": "escalation",
                "escalation-escalation_repeat_minutes": "45",
                "escalation-head_teacher": str(head.pk),
            },
        )
        assert response.status_code == 303
        settings = SchoolSafeguardingSettings.objects.get(school=school)
        assert (settings.escalation_repeat_minutes, settings.head_teacher) == (45, head)
        bad = client.post(
            url, {"form": "escalation", "escalation-escalation_repeat_minutes": "abc"}
        )
        assert bad.status_code == 200 and b"Enter a whole number" in bad.content
        assert SchoolSafeguardingSettings.objects.get(school=school).escalation_repeat_minutes == 45


class TestAtMostOnce:
    def test_a_delivery_points_at_exactly_one_concern_or_flag(self, dsl, raise_concern, raise_flag):
        concern, flag = raise_concern(), raise_flag()
        for subject in ({}, {"concern": concern, "flag": flag}):
            with pytest.raises(IntegrityError), transaction.atomic():
                Delivery.objects.create(
                    recipient=dsl, to_email=dsl.email, kind=DeliveryKind.NEW_FLAG, **subject
                )

    def test_the_same_notice_is_queued_once(self, dsl, raise_concern):
        concern = raise_concern()
        again = _delivery_create(recipient=dsl, kind=DeliveryKind.NEW_CONCERN, concern=concern)
        assert again is None
        assert Delivery.objects.filter(concern=concern, recipient=dsl).count() == 1
        with pytest.raises(IntegrityError), transaction.atomic():
            Delivery.objects.create(
                recipient=dsl, to_email=dsl.email, kind=DeliveryKind.NEW_CONCERN, concern=concern
            )

    def test_a_worker_killed_after_the_server_took_the_email_never_sends_it_again(
        self, raise_concern, dsl, clock, monkeypatch
    ):
        real_send = locmem.EmailBackend.send_messages

        def accepted_then_killed(backend, messages):
            real_send(backend, messages)
            raise SystemExit("worker killed")  # before sent_at is written

        monkeypatch.setattr(locmem.EmailBackend, "send_messages", accepted_then_killed)
        raise_concern()
        delivery = Delivery.objects.get()
        with pytest.raises(SystemExit):
            services.delivery_attempt(delivery_id=delivery.pk, token=str(delivery.token))
        monkeypatch.setattr(locmem.EmailBackend, "send_messages", real_send)
        assert len(mail.outbox) == 1

        clock.advance(minutes=11)  # the claim has run out; the worker restarts
        assert services.deliveries_requeue_stale() == 0
        run_tasks()
        delivery.refresh_from_db()
        assert delivery.sent_at is None and delivery.in_doubt_at is not None
        assert services.delivery_attempt(delivery_id=delivery.pk, token=str(delivery.token)) == (
            "skipped"
        )
        assert len(mail.outbox) == 1

    def test_a_worker_killed_before_handing_over_sends_it_later(
        self, raise_concern, dsl, clock, monkeypatch
    ):
        def killed(backend):
            raise SystemExit("worker killed")

        monkeypatch.setattr(locmem.EmailBackend, "open", killed, raising=False)
        raise_concern()
        delivery = Delivery.objects.get()
        with pytest.raises(SystemExit):
            services.delivery_attempt(delivery_id=delivery.pk, token=str(delivery.token))
        monkeypatch.undo()
        clock.advance(minutes=11)
        assert services.deliveries_requeue_stale() == 1
        run_tasks()
        assert len(mail.outbox) == 1
        delivery.refresh_from_db()
        assert delivery.sent_at is not None

    def test_a_connection_lost_mid_send_is_in_doubt_and_a_refusal_is_retried(
        self, raise_concern, dsl, deputy, monkeypatch
    ):
        def refused(backend, messages):
            raise smtplib.SMTPDataError(451, b"try later")

        monkeypatch.setattr(locmem.EmailBackend, "send_messages", refused)
        raise_concern()
        first = Delivery.objects.filter(recipient=dsl).get()
        assert services.delivery_attempt(delivery_id=first.pk, token=str(first.token)) == "retry"
        first.refresh_from_db()
        assert first.transmit_started_at is None and first.first_failed_at is not None

        def dropped(backend, messages):
            raise smtplib.SMTPServerDisconnected("gone after DATA")

        monkeypatch.setattr(locmem.EmailBackend, "send_messages", dropped)
        second = Delivery.objects.filter(recipient=deputy).get()
        assert services.delivery_attempt(delivery_id=second.pk, token=str(second.token)) == (
            "in_doubt"
        )


class TestOrder:
    def test_escalations_wait_for_the_first_alert_after_an_outage(
        self, raise_concern, dsl, deputy, school_admin, clock, monkeypatch, settings
    ):
        settings.STREAMWISE_EMAIL_RETRY_BASE_SECONDS = 30
        settings.STREAMWISE_EMAIL_RETRY_MAX_SECONDS = 600
        real_open = getattr(locmem.EmailBackend, "open", None)

        def down(backend):
            raise ConnectionRefusedError

        monkeypatch.setattr(locmem.EmailBackend, "open", down, raising=False)
        raise_concern()
        for _ in range(6):  # the first alerts back off to the 10-minute maximum
            run_tasks()
            clock.advance(minutes=5)
        run_tasks()
        escalation = Delivery.objects.filter(kind=DeliveryKind.ESCALATION_LEAD).first()
        assert escalation is not None and escalation.attempts == 0  # held back, not failing

        if real_open is None:
            monkeypatch.delattr(locmem.EmailBackend, "open")
        else:
            monkeypatch.setattr(locmem.EmailBackend, "open", real_open)
        clock.advance(minutes=11)
        run_tasks()
        kinds = ["escalation" if m.subject.startswith("Case") else "new" for m in mail.outbox]
        assert len(mail.outbox) == 5
        assert kinds == ["new", "new", "escalation", "escalation", "escalation"]


class TestOutageBanner:
    def test_leads_and_admins_see_the_banner_while_emails_fail(
        self, client, raise_concern, dsl, school_admin, teacher, monkeypatch, clock
    ):
        mfa_session(client, dsl)
        assert b"not being emailed" not in client.get(reverse("safeguarding:home")).content

        def down(backend):
            raise ConnectionRefusedError

        monkeypatch.setattr(locmem.EmailBackend, "open", down, raising=False)
        raise_concern()
        run_tasks()
        page = client.get(reverse("safeguarding:home")).content.decode()
        assert "Safeguarding alerts are not being emailed" in page
        assert "1 email for your school is waiting" in page
        assert "Alerts inside Streamwise still work" in page

        client.force_login(school_admin)
        page = client.get(reverse("teacher_portal:school_classes")).content.decode()
        assert "Safeguarding alerts are not being emailed" in page
        client.force_login(teacher)
        page = client.get(reverse("teacher_portal:home")).content.decode()
        assert "not being emailed" not in page

        monkeypatch.delattr(locmem.EmailBackend, "open", raising=False)
        clock.advance(minutes=1)
        assert [value for name, value in run_tasks()] == ["sent"]
        mfa_session(client, dsl)
        assert b"not being emailed" not in client.get(reverse("safeguarding:home")).content
