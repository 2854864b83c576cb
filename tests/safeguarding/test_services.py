"""Raising, working on and escalating concerns; flags; the outbox of notifications."""

import uuid

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail.backends import locmem
from django_tasks_db.models import DBTaskResult

from safeguarding import services
from safeguarding.models import (
    Agency,
    Alert,
    AlertKind,
    ChronologyEntry,
    Concern,
    ConcernSource,
    ConcernStatus,
    Delivery,
    DeliveryKind,
    EntryKind,
    Flag,
    FlagStatus,
)
from schools.models import StaffRole
from tests import factories

from .helpers import run_tasks

SECRET_TEXT = "He said it's our secret and asked me to show him on camera."


def task_paths():
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


class TestRaising:
    def test_concern_entry_alerts_and_tasks_are_committed_together(
        self, raise_concern, dsl, deputy, teacher
    ):
        concern = raise_concern(immediate_danger=True)
        assert concern.status == ConcernStatus.NEW
        entry = concern.entries.get()
        assert (entry.number, entry.kind, entry.author) == (1, EntryKind.RAISED, teacher)
        alerts = Alert.objects.filter(concern=concern, kind=AlertKind.NEW_CONCERN)
        assert {alert.recipient for alert in alerts} == {dsl, deputy}
        deliveries = Delivery.objects.filter(concern=concern, kind=DeliveryKind.NEW_CONCERN)
        assert {d.to_email for d in deliveries} == {dsl.email, deputy.email}
        assert task_paths() == [
            "safeguarding.tasks.concern_escalation_check",
            "safeguarding.tasks.delivery_send",
            "safeguarding.tasks.delivery_send",
        ]
        escalation = DBTaskResult.objects.get(task_path__endswith="concern_escalation_check")
        assert escalation.run_after == concern.escalation_due_at
        # Tasks carry ids only.
        for task in DBTaskResult.objects.all():
            assert "secret" not in str(task.args_kwargs)

    def test_if_telling_the_leads_fails_nothing_is_saved(self, raise_concern, dsl, monkeypatch):
        def broken(**kwargs):
            raise RuntimeError("queue unavailable")

        monkeypatch.setattr(services.concerns, "_delivery_create", broken)
        with pytest.raises(RuntimeError):
            raise_concern()
        assert not Concern.objects.exists()
        assert not ChronologyEntry.objects.exists()
        assert not Alert.objects.exists()
        assert not DBTaskResult.objects.exists()

    def test_the_same_submission_twice_raises_one_concern(self, raise_concern, dsl):
        key = uuid.uuid4()
        first = raise_concern(idempotency_key=key)
        second = raise_concern(idempotency_key=key)
        assert first == second
        assert Concern.objects.count() == 1
        assert ChronologyEntry.objects.count() == 1
        assert Delivery.objects.count() == 1

    def test_a_teacher_can_only_raise_about_their_pupils(self, raise_concern, far_pupil, school):
        outsider = factories.pupil(factories.TeachingGroupFactory(school=school, name="Owls"))
        for pupil in (far_pupil, outsider.pupil):
            with pytest.raises(PermissionDenied):
                raise_concern(pupil=pupil)
        assert not Concern.objects.exists()

    def test_a_pupil_can_ask_for_help_with_nothing_filled_in(self, pupil, dsl):
        concern = services.concern_raise(
            raised_by=pupil.user, pupil=pupil, source=ConcernSource.PUPIL
        )
        assert concern.what_happened == ""
        assert concern.entries.get().kind == EntryKind.RAISED
        assert Delivery.objects.filter(concern=concern).count() == 1

    def test_a_pupil_cannot_raise_for_someone_else(self, pupil, other_pupil):
        with pytest.raises(PermissionDenied):
            services.concern_raise(
                raised_by=pupil.user, pupil=other_pupil, source=ConcernSource.PUPIL
            )
        with pytest.raises(PermissionDenied):
            services.concern_raise(raised_by=pupil.user, pupil=pupil)  # as "staff"

    def test_huge_text_is_refused_with_a_clear_message(self, raise_concern, settings):
        settings.STREAMWISE_SAFEGUARDING_TEXT_MAX_CHARS = 100
        with pytest.raises(ValidationError) as error:
            raise_concern(what_happened="x" * 101)
        assert "101 characters" in str(error.value.message_dict["what_happened"])
        assert not Concern.objects.exists()

    def test_categories_must_belong_to_the_pupils_school(self, raise_concern, other_school):
        far = services.concern_categories_ensure(school=other_school).first()
        with pytest.raises(ValidationError):
            raise_concern(categories=[far])

    def test_a_school_with_no_leads_tells_its_admins_at_once(self, raise_concern, school_admin):
        concern = raise_concern()
        concern.refresh_from_db()
        assert concern.escalated_at is not None
        delivery = Delivery.objects.get(concern=concern)
        assert (delivery.recipient, delivery.kind) == (school_admin, DeliveryKind.ESCALATION_ADMIN)
        assert concern.entries.filter(kind=EntryKind.ESCALATED).exists()


class TestWorkingOnACase:
    def test_acknowledging_twice_records_it_once(self, raise_concern, dsl, deputy):
        concern = raise_concern()
        services.concern_acknowledge(concern=concern, user=dsl)
        services.concern_acknowledge(concern=concern, user=deputy)
        concern.refresh_from_db()
        assert (concern.status, concern.acknowledged_by) == (ConcernStatus.OPEN, dsl)
        assert concern.entries.filter(kind=EntryKind.ACKNOWLEDGED).count() == 1

    def test_only_leads_of_the_school_work_on_a_case(
        self, raise_concern, teacher, school_admin, other_school
    ):
        concern = raise_concern()
        far_dsl = factories.staff(other_school, StaffRole.DSL)
        for user in (teacher, school_admin, far_dsl):
            with pytest.raises(PermissionDenied):
                services.concern_acknowledge(concern=concern, user=user)
            with pytest.raises(PermissionDenied):
                services.chronology_add(concern=concern, user=user, kind="note", text="x")

    def test_the_full_life_of_a_case(self, raise_concern, dsl, pupil, other_pupil):
        concern = raise_concern()
        note = services.chronology_add(
            concern=concern, user=dsl, kind=EntryKind.NOTE, text="Spoke to Isla."
        )
        services.chronology_add(
            concern=concern,
            user=dsl,
            kind=EntryKind.DECISION,
            text="Refer to children's social care.",
            reason="Online contact asking for images.",
        )
        referral = services.chronology_add(
            concern=concern,
            user=dsl,
            kind=EntryKind.REFERRAL,
            agency=Agency.SOCIAL_CARE,
            event_date=concern.created_at.date(),
            reference="MASH-1234",
        )
        concern.refresh_from_db()
        assert concern.status == ConcernStatus.REFERRED
        correction = services.chronology_add(
            concern=concern,
            user=dsl,
            kind=EntryKind.CORRECTION,
            text="Spoke to Isla and her mum.",
            corrects=note,
        )
        assert correction.corrects == note
        assert list(note.corrections.all()) == [correction]
        services.concern_link_pupil(concern=concern, pupil=other_pupil, user=dsl, note="Friend")
        services.chronology_add(
            concern=concern, user=dsl, kind=EntryKind.PARENT_CONTACT, text="Phoned mum."
        )
        services.chronology_add(concern=concern, user=dsl, kind=EntryKind.OUTCOME, text="Safe.")
        services.concern_close(concern=concern, user=dsl, reason="Social care leading.")
        concern.refresh_from_db()
        assert concern.status == ConcernStatus.CLOSED
        with pytest.raises(ValidationError):
            services.chronology_add(concern=concern, user=dsl, kind=EntryKind.ACTION, text="x")
        services.chronology_add(concern=concern, user=dsl, kind=EntryKind.NOTE, text="Late note")
        services.concern_reopen(concern=concern, user=dsl, reason="New information.")
        concern.refresh_from_db()
        assert concern.status == ConcernStatus.REFERRED  # it has a referral
        kinds = list(concern.entries.values_list("kind", flat=True))
        assert kinds == [
            "raised",
            "acknowledged",
            "note",
            "decision",
            "referral",
            "correction",
            "pupil_linked",
            "parent_contact",
            "outcome",
            "closed",
            "note",
            "reopened",
        ]
        assert list(concern.entries.values_list("number", flat=True)) == list(range(1, 13))
        assert referral.agency_label == "Children's social care / MASH"
        assert all(entry.author == dsl for entry in concern.entries.exclude(kind="raised"))

    @pytest.mark.parametrize(
        ("fields", "error_field"),
        [
            ({"kind": "note", "text": "  "}, "text"),
            ({"kind": "decision", "text": "Refer"}, "reason"),
            ({"kind": "referral"}, "agency"),
            ({"kind": "referral", "agency": "other", "event_date": None}, "agency_name"),
            ({"kind": "correction", "text": "x"}, "corrects"),
            ({"kind": "raised", "text": "x"}, "kind"),
            ({"kind": "acknowledged", "text": "x"}, "kind"),
        ],
    )
    def test_incomplete_entries_are_refused(self, raise_concern, dsl, fields, error_field):
        concern = raise_concern()
        with pytest.raises(ValidationError) as error:
            services.chronology_add(concern=concern, user=dsl, **fields)
        assert error_field in error.value.message_dict
        assert concern.entries.count() == 1

    def test_a_correction_must_point_into_the_same_case(self, raise_concern, dsl):
        first, second = raise_concern(), raise_concern()
        with pytest.raises(ValidationError):
            services.chronology_add(
                concern=second,
                user=dsl,
                kind=EntryKind.CORRECTION,
                text="x",
                corrects=first.entries.get(),
            )

    def test_close_and_reopen_need_reasons(self, raise_concern, dsl):
        concern = raise_concern()
        with pytest.raises(ValidationError):
            services.concern_close(concern=concern, user=dsl, reason=" ")
        with pytest.raises(ValidationError):
            services.concern_reopen(concern=concern, user=dsl, reason="not closed")
        services.concern_close(concern=concern, user=dsl, reason="Done")
        with pytest.raises(ValidationError):
            services.concern_close(concern=concern, user=dsl, reason="Again")
        with pytest.raises(ValidationError):
            services.concern_reopen(concern=concern, user=dsl, reason="")
        concern = services.concern_reopen(concern=concern, user=dsl, reason="More")
        assert concern.status == ConcernStatus.OPEN

    def test_linking_a_pupil_twice_links_once_and_only_in_school(
        self, raise_concern, dsl, other_pupil, far_pupil, pupil
    ):
        concern = raise_concern()
        services.concern_link_pupil(concern=concern, pupil=other_pupil, user=dsl)
        services.concern_link_pupil(concern=concern, pupil=other_pupil, user=dsl)
        assert concern.links.count() == 1
        for wrong in (far_pupil, pupil):
            with pytest.raises(ValidationError):
                services.concern_link_pupil(concern=concern, pupil=wrong, user=dsl)


class TestNotificationEmails:
    def test_each_lead_gets_an_email_with_a_link_and_no_details(
        self, raise_concern, dsl, deputy, pupil, settings
    ):
        settings.STREAMWISE_SITE_URL = "https://streamwise.example"
        concern = raise_concern(location="Year 4 lesson", immediate_danger=True)
        ran = run_tasks()
        assert sorted(value for name, value in ran if name == "delivery_send") == ["sent", "sent"]
        assert sorted(message.to[0] for message in mail.outbox) == sorted([dsl.email, deputy.email])
        for message in mail.outbox:
            assert message.subject == "Urgent: a safeguarding concern needs your attention"
            assert f"https://streamwise.example/safeguarding/cases/{concern.pk}/" in message.body
            everything = message.subject + message.body + str(message.message())
            for detail in (pupil.display_name, "secret", "Year 4", "Kestrels", "Oakfield"):
                assert detail not in everything
        assert Delivery.objects.filter(sent_at__isnull=False).count() == 2

    def test_a_failed_email_is_retried_later_and_sent_once(
        self, raise_concern, dsl, clock, monkeypatch, settings
    ):
        settings.STREAMWISE_EMAIL_RETRY_BASE_SECONDS = 60
        calls = {"n": 0}

        def flaky_open(backend):
            calls["n"] += 1
            if calls["n"] <= 2:
                raise ConnectionRefusedError("mail server down")

        monkeypatch.setattr(locmem.EmailBackend, "open", flaky_open, raising=False)
        raise_concern()
        assert [value for name, value in run_tasks()] == ["retry"]
        delivery = Delivery.objects.get()
        assert (delivery.attempts, delivery.last_error) == (1, "ConnectionRefusedError")
        assert run_tasks() == []  # not due yet
        clock.advance(seconds=61)
        assert [value for name, value in run_tasks()] == ["retry"]
        delivery.refresh_from_db()
        assert delivery.attempts == 2
        assert (delivery.next_attempt_at - clock.real_now()).total_seconds() > 100  # doubled
        clock.advance(seconds=121)
        assert [value for name, value in run_tasks()] == ["sent"]
        assert len(mail.outbox) == 1
        delivery.refresh_from_db()
        assert delivery.sent_at is not None and delivery.attempts == 3

    def test_retry_waits_double_up_to_the_maximum(self, settings):
        settings.STREAMWISE_EMAIL_RETRY_BASE_SECONDS = 30
        settings.STREAMWISE_EMAIL_RETRY_MAX_SECONDS = 600
        delays = [services.retry_delay(n).total_seconds() for n in range(1, 8)]
        assert delays == [30, 60, 120, 240, 480, 600, 600]

    def test_a_superseded_or_sent_delivery_is_never_sent_again(self, raise_concern, dsl):
        raise_concern()
        delivery = Delivery.objects.get()
        old_token = str(delivery.token)
        assert services.delivery_attempt(delivery_id=delivery.pk, token="stale") == "skipped"
        assert services.delivery_attempt(delivery_id=delivery.pk, token=old_token) == "sent"
        assert services.delivery_attempt(delivery_id=delivery.pk, token=old_token) == "skipped"
        assert len(mail.outbox) == 1

    def test_lost_retries_are_requeued(self, raise_concern, dsl, clock):
        raise_concern()
        DBTaskResult.objects.filter(task_path__endswith="delivery_send").update(status="FAILED")
        assert services.deliveries_requeue_stale() == 0  # not late yet
        clock.advance(minutes=10)
        assert services.deliveries_requeue_stale() == 1
        assert "sent" in [value for name, value in run_tasks()]
        assert len(mail.outbox) == 1


class TestEscalation:
    def test_unacknowledged_concerns_escalate_once_without_details(
        self, raise_concern, school, dsl, deputy, school_admin, clock, pupil
    ):
        concern = raise_concern()
        run_tasks()
        mail.outbox.clear()
        clock.advance(minutes=29)
        assert run_tasks() == []
        clock.advance(minutes=2)
        assert run_tasks()[0] == ("concern_escalation_check", True)
        run_tasks()
        concern.refresh_from_db()
        assert concern.escalated_at is not None
        entry = concern.entries.get(kind=EntryKind.ESCALATED)
        assert entry.author is None
        assert "30 minutes" in entry.text and school_admin.get_full_name() in entry.text
        # Every lead is alerted again, not only the deputies.
        assert {a.recipient for a in Alert.objects.filter(kind=AlertKind.ESCALATION)} == {
            dsl,
            deputy,
        }
        by_address = {message.to[0]: message for message in mail.outbox}
        assert set(by_address) == {dsl.email, deputy.email, school_admin.email}
        admin_mail = by_address[school_admin.email]
        assert (
            admin_mail.subject
            == f"Case {concern.pk}: a safeguarding concern needs a DSL's attention"
        )
        assert "/safeguarding/cases/" not in admin_mail.body
        assert f"Case {concern.pk}" in by_address[dsl.email].subject
        for message in mail.outbox:
            assert pupil.display_name not in message.body + message.subject
            assert "secret" not in message.body
        # It escalates once per round: not again before the school's repeat interval.
        assert not services.concern_escalate_if_unacknowledged(concern_id=concern.pk)

    def test_an_acknowledged_concern_does_not_escalate(self, raise_concern, dsl, clock):
        concern = raise_concern()
        services.concern_acknowledge(concern=concern, user=dsl)
        clock.advance(minutes=31)
        assert ("concern_escalation_check", False) in run_tasks()
        assert not concern.entries.filter(kind=EntryKind.ESCALATED).exists()

    def test_the_wait_follows_the_setting(self, raise_concern, dsl, deputy, clock, settings):
        settings.STREAMWISE_ESCALATE_AFTER_MINUTES = 5
        concern = raise_concern()
        clock.advance(minutes=6)
        assert ("concern_escalation_check", True) in run_tasks()
        assert concern.entries.filter(kind=EntryKind.ESCALATED).exists()

    def test_without_deputies_the_dsls_are_reminded(self, raise_concern, dsl, clock):
        raise_concern()
        clock.advance(minutes=31)
        run_tasks()
        assert Alert.objects.get(kind=AlertKind.ESCALATION).recipient == dsl


class TestFlags:
    def test_a_flag_needs_review_and_changes_nothing_for_the_pupil(self, pupil, dsl, deputy):
        flag = services.flag_raise(
            pupil=pupil,
            source="Quiz: Staying safe, question 3",
            text_excerpt=SECRET_TEXT,
            reason="Matched screening phrases",
            matched_phrases=["our secret"],
            source_key="answer-17",
        )
        assert flag.status == FlagStatus.NEEDS_REVIEW
        assert {a.recipient for a in Alert.objects.filter(flag=flag)} == {dsl, deputy}
        assert not Concern.objects.exists()
        again = services.flag_raise(
            pupil=pupil, source="x", text_excerpt="y", reason="z", source_key="answer-17"
        )
        assert again == flag and Flag.objects.count() == 1

    def test_a_long_excerpt_is_cut(self, pupil):
        flag = services.flag_raise(pupil=pupil, source="Quiz", text_excerpt="a" * 5000, reason="r")
        assert len(flag.text_excerpt) == services.FLAG_EXCERPT_MAX_CHARS

    def test_promoting_a_flag_makes_an_acknowledged_concern(self, pupil, dsl, deputy, school):
        flag = services.flag_raise(pupil=pupil, source="Quiz", text_excerpt=SECRET_TEXT, reason="r")
        category = services.concern_categories_ensure(school=school).first()
        concern = services.flag_promote(
            flag=flag, user=dsl, categories=[category], note="Will speak to her."
        )
        flag.refresh_from_db()
        assert flag.status == FlagStatus.PROMOTED and flag.resolved_by == dsl
        assert concern.source == ConcernSource.FLAG and concern.flag == flag
        assert concern.what_happened == SECRET_TEXT and concern.status == ConcernStatus.OPEN
        assert list(concern.entries.values_list("kind", flat=True)) == [
            "raised",
            "acknowledged",
            "note",
        ]
        with pytest.raises(ValidationError):
            services.flag_dismiss(flag=flag, user=dsl, reason="late")

    def test_dismissing_needs_a_reason_and_a_lead(self, pupil, dsl, teacher):
        flag = services.flag_raise(pupil=pupil, source="Quiz", text_excerpt="x", reason="r")
        with pytest.raises(ValidationError):
            services.flag_dismiss(flag=flag, user=dsl, reason="")
        with pytest.raises(PermissionDenied):
            services.flag_dismiss(flag=flag, user=teacher, reason="no")
        services.flag_dismiss(flag=flag, user=dsl, reason="Quoting the lesson.")
        flag.refresh_from_db()
        assert (flag.status, flag.resolution_reason) == (
            FlagStatus.DISMISSED,
            "Quoting the lesson.",
        )


class TestSchoolSettings:
    def test_default_categories_then_edited(self, school, dsl, raise_concern):
        names = list(
            services.concern_categories_ensure(school=school).values_list("name", flat=True)
        )
        assert names == [
            "Online grooming",
            "Sextortion / image-based abuse",
            "Live-streaming exposure",
            "Inappropriate contact",
            "Online bullying",
            "Other",
        ]
        grooming = services.concern_categories_ensure(school=school).get(name="Online grooming")
        concern = raise_concern(categories=[grooming])
        services.concern_categories_set(school=school, names=["Other", "Radicalisation"], user=dsl)
        active = list(
            services.concern_categories_ensure(school=school).values_list("name", flat=True)
        )
        assert active == ["Other", "Radicalisation"]
        assert list(concern.categories.values_list("name", flat=True)) == ["Online grooming"]
        with pytest.raises(ValidationError):
            services.concern_categories_set(school=school, names=["  "], user=dsl)

    def test_only_leads_edit_settings(self, school, teacher):
        with pytest.raises(PermissionDenied):
            services.concern_categories_set(school=school, names=["x"], user=teacher)
        with pytest.raises(PermissionDenied):
            services.screening_phrases_set(school=school, phrases=["x"], user=teacher)
