"""Casework on a case: actions (with their reminder), referral outcomes, related cases, and
the pages that show them."""

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safeguarding import services
from safeguarding.models import (
    Agency,
    AlertKind,
    AppendOnlyError,
    CaseAction,
    CaseLink,
    CaseRelationship,
    Delivery,
    DeliveryKind,
    EntryKind,
    ReferralOutcome,
)
from schools.models import StaffRole
from tests import factories

from .helpers import mfa_session, run_tasks


def kinds(concern):
    return list(concern.entries.order_by("number").values_list("kind", flat=True))


def add_action(concern, dsl, owner, *, minutes=60, **kwargs):
    return services.case_action_add(
        concern=concern,
        user=dsl,
        title=kwargs.pop("title", "Call parent"),
        owner=owner,
        due_at=timezone.now() + timedelta(minutes=minutes),
        **kwargs,
    )


class TestActions:
    def test_an_action_is_recorded_and_its_reminder_scheduled_for_the_due_time(
        self, raise_concern, dsl, deputy
    ):
        concern = raise_concern()
        action = add_action(concern, dsl, deputy)
        assert kinds(concern)[-1] == EntryKind.ACTION_ADDED
        assert "Call parent" in concern.entries.last().text
        task = DBTaskResult.objects.get(task_path="safeguarding.tasks.case_action_reminder")
        assert task.run_after == action.due_at
        assert task.args_kwargs["kwargs"] == {"action_id": action.pk}  # ids only

    def test_the_reminder_tells_the_owner_with_no_details(
        self, raise_concern, dsl, deputy, clock, settings
    ):
        settings.STREAMWISE_SITE_URL = "https://streamwise.example"
        concern = raise_concern()
        concern = services.concern_acknowledge(concern=concern, user=dsl)
        run_tasks()  # the new concern's own emails
        mail.outbox.clear()
        action = add_action(concern, dsl, deputy, title="Refer to MASH about the secret")
        run_tasks()
        assert mail.outbox == []  # not due yet
        clock.advance(minutes=61)
        assert ("case_action_reminder", "reminded") in run_tasks()
        [message] = [m for m in mail.outbox if m.to == [deputy.email]]
        assert message.subject == f"An action on Case {concern.pk} is due"
        assert f"https://streamwise.example/safeguarding/cases/{concern.pk}/" in message.body
        for detail in ("MASH", "secret", concern.pupil.display_name, "Oakfield"):
            assert detail not in message.subject + message.body
        delivery = Delivery.objects.get(kind=DeliveryKind.ACTION_DUE)
        assert delivery.recipient == deputy and delivery.sent_at is not None
        assert deputy.pk in {a.recipient_id for a in concern_alerts(concern, AlertKind.ACTION_DUE)}
        action.refresh_from_db()
        assert action.reminded_at is not None
        assert kinds(concern)[-1] == EntryKind.ACTION_DUE
        # Running the task again (a restarted worker) reminds nobody twice.
        assert services.case_action_remind_if_due(action_id=action.pk) == "skipped"
        assert Delivery.objects.filter(kind=DeliveryKind.ACTION_DUE).count() == 1

    def test_a_task_run_early_waits_and_a_done_action_is_not_reminded(
        self, raise_concern, dsl, deputy, clock
    ):
        concern = raise_concern()
        early = add_action(concern, dsl, deputy)
        assert services.case_action_remind_if_due(action_id=early.pk) == "skipped"
        done = add_action(concern, dsl, deputy, title="Speak to the class teacher")
        services.case_action_complete(action=done, user=deputy, note="Spoke to Mr Hale.")
        clock.advance(minutes=61)
        assert services.case_action_remind_if_due(action_id=done.pk) == "skipped"
        assert services.case_action_remind_if_due(action_id=early.pk) == "reminded"

    def test_if_the_owner_is_no_longer_a_lead_the_leads_are_reminded(
        self, raise_concern, school, dsl, deputy, clock
    ):
        from schools.models import StaffMembership

        concern = raise_concern()
        action = add_action(concern, dsl, deputy)
        # The deputy steps down (a DSL's roles are managed outside Streamwise's admin pages).
        StaffMembership.objects.filter(user=deputy, role=StaffRole.DEPUTY_DSL).delete()
        clock.advance(minutes=61)
        assert services.case_action_remind_if_due(action_id=action.pk) == "reminded"
        told = set(
            Delivery.objects.filter(kind=DeliveryKind.ACTION_DUE).values_list(
                "recipient", flat=True
            )
        )
        assert told == {dsl.pk}

    def test_completing_records_who_and_what_once(self, raise_concern, dsl, deputy):
        concern = raise_concern()
        action = add_action(concern, dsl, deputy)
        with pytest.raises(ValidationError):
            services.case_action_complete(action=action, user=deputy, note="  ")
        services.case_action_complete(action=action, user=deputy, note="Mum will come in.")
        services.case_action_complete(action=action, user=deputy, note="again")
        action.refresh_from_db()
        assert (action.completed_by, action.completion_note) == (deputy, "Mum will come in.")
        assert kinds(concern).count(EntryKind.ACTION_DONE) == 1

    def test_what_an_action_is_never_changes(self, raise_concern, dsl, deputy):
        action = add_action(raise_concern(), dsl, deputy)
        action.title = "Something else"
        with pytest.raises(AppendOnlyError):
            action.save()
        with pytest.raises(AppendOnlyError):
            action.delete()

    def test_only_a_lead_of_the_school_owns_or_sets_actions(
        self, raise_concern, dsl, teacher, other_school
    ):
        concern = raise_concern()
        far_dsl = factories.staff(other_school, StaffRole.DSL)
        with pytest.raises(ValidationError) as error:
            add_action(concern, dsl, teacher)
        assert "owner" in error.value.message_dict
        with pytest.raises(ValidationError):
            add_action(concern, dsl, far_dsl)
        with pytest.raises(PermissionDenied):
            add_action(concern, far_dsl, dsl)
        assert not CaseAction.objects.exists()

    def test_a_double_submit_sets_one_action(self, raise_concern, dsl, deputy):
        concern = raise_concern()
        key = uuid.uuid4()
        first = add_action(concern, dsl, deputy, idempotency_key=key)
        again = add_action(concern, dsl, deputy, idempotency_key=key)
        assert first.pk == again.pk and CaseAction.objects.count() == 1


def concern_alerts(concern, kind):
    from safeguarding.models import Alert

    return Alert.objects.filter(concern=concern, kind=kind)


class TestReferralOutcomes:
    def referral(self, concern, dsl, **kwargs):
        return services.chronology_add(
            concern=concern,
            user=dsl,
            kind=EntryKind.REFERRAL,
            agency=Agency.SOCIAL_CARE,
            event_date=timezone.localdate(),
            reference=kwargs.pop("reference", "MASH-2231"),
            **kwargs,
        )

    def test_a_referral_can_carry_its_outcome(self, raise_concern, dsl):
        at = timezone.now() - timedelta(hours=2)
        entry = self.referral(
            raise_concern(), dsl, outcome=ReferralOutcome.EARLY_HELP, outcome_at=at
        )
        assert (entry.outcome, entry.outcome_at, entry.reference) == ("early_help", at, "MASH-2231")

    def test_an_outcome_needs_its_time(self, raise_concern, dsl):
        with pytest.raises(ValidationError) as error:
            self.referral(raise_concern(), dsl, outcome=ReferralOutcome.SECTION_47)
        assert "outcome_at" in error.value.message_dict

    def test_a_later_outcome_points_at_the_referral(self, raise_concern, dsl):
        concern = raise_concern()
        referral = self.referral(concern, dsl, reference="")
        at = timezone.now() - timedelta(days=1)
        outcome = services.referral_outcome_record(
            referral=referral,
            user=dsl,
            outcome=ReferralOutcome.SECTION_17,
            outcome_at=at,
            reference="CS-99",
        )
        assert outcome.kind == EntryKind.OUTCOME and outcome.corrects is None
        assert (outcome.referral, outcome.outcome, outcome.reference) == (
            referral,
            "section_17",
            "CS-99",
        )
        referral.refresh_from_db()
        assert referral.outcome == "" and referral.reference == ""  # the referral is unchanged

    def test_only_a_referral_takes_an_outcome(self, raise_concern, dsl):
        concern = raise_concern()
        note = services.chronology_add(concern=concern, user=dsl, kind=EntryKind.NOTE, text="x")
        with pytest.raises(ValidationError):
            services.referral_outcome_record(
                referral=note, user=dsl, outcome="nfa", outcome_at=timezone.now()
            )


class TestRelatedCases:
    def test_linking_shows_on_both_once(self, raise_concern, dsl, other_pupil):
        first = raise_concern()
        second = raise_concern(pupil=other_pupil)
        link = services.case_link_add(
            concern=first, other=second, user=dsl, relationship=CaseRelationship.SIBLINGS
        )
        again = services.case_link_add(
            concern=second, other=first, user=dsl, relationship=CaseRelationship.FAMILY
        )
        assert link.pk == again.pk and CaseLink.objects.count() == 1
        assert kinds(first)[-1] == kinds(second)[-1] == EntryKind.CASE_LINKED
        assert f"case {second.pk}" in first.entries.last().text
        assert f"case {first.pk}" in second.entries.last().text

    def test_not_to_itself_nor_another_school(self, raise_concern, dsl, far_pupil):
        concern = raise_concern()
        far = services.concern_raise(
            raised_by=factories.staff(far_pupil.school, StaffRole.DSL),
            pupil=far_pupil,
            source="flag",
        )
        for other in (concern, far):
            with pytest.raises(ValidationError):
                services.case_link_add(
                    concern=concern, other=other, user=dsl, relationship="siblings"
                )
        assert not CaseLink.objects.exists()


class TestPages:
    def test_set_and_complete_an_action_from_the_case_page(self, dsl_client, raise_concern, deputy):
        concern = raise_concern()
        url = reverse("safeguarding:case_action_add", args=[concern.pk])
        response = dsl_client.post(
            url, {"action-title": "", "action-owner": "", "action-due_at": ""}
        )
        assert response.status_code == 400
        assert (
            "Say what needs doing." in response.text and "Choose who will do it." in response.text
        )
        due = (timezone.localtime() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
        body = {
            "action-title": "Call parent",
            "action-owner": deputy.pk,
            "action-due_at": due,
            "action-submission": str(uuid.uuid4()),
        }
        assert dsl_client.post(url, body).status_code == 303
        assert dsl_client.post(url, body).status_code == 303  # a double submit
        action = CaseAction.objects.get()
        page = dsl_client.get(reverse("safeguarding:case", args=[concern.pk])).text
        assert "Call parent" in page and "Complete this action" in page
        done_url = reverse("safeguarding:case_action_complete", args=[concern.pk, action.pk])
        bad = dsl_client.post(done_url, {f"complete-{action.pk}-note": ""})
        assert bad.status_code == 400 and "Write what was done." in bad.text
        assert (
            dsl_client.post(done_url, {f"complete-{action.pk}-note": "Rang mum"}).status_code == 303
        )
        action.refresh_from_db()
        assert action.completion_note == "Rang mum"

    def test_my_actions_lists_mine_overdue_first(
        self, client, raise_concern, dsl, deputy, django_assert_max_num_queries
    ):
        concern = raise_concern()
        later = add_action(concern, dsl, deputy, title="Later one", minutes=120)
        overdue = add_action(concern, dsl, deputy, title="Overdue one", minutes=-30)
        add_action(concern, dsl, dsl, title="Not mine")
        for n in range(5):
            add_action(concern, dsl, deputy, title=f"Extra {n}", minutes=200 + n)
        deputy_client = mfa_session(client, deputy)
        with django_assert_max_num_queries(14):
            page = deputy_client.get(reverse("safeguarding:my_actions")).text
        assert page.index("Overdue one") < page.index("Later one")
        assert "Not mine" not in page and "Overdue" in page
        assert f"#action-{overdue.pk}" in page and f"#action-{later.pk}" in page

    def test_record_an_outcome_and_link_a_case_from_the_page(
        self, dsl_client, raise_concern, dsl, other_pupil
    ):
        concern = raise_concern()
        referral = services.chronology_add(
            concern=concern,
            user=dsl,
            kind=EntryKind.REFERRAL,
            agency=Agency.SOCIAL_CARE,
            event_date=timezone.localdate(),
        )
        url = reverse("safeguarding:case_referral_outcome", args=[concern.pk, referral.pk])
        prefix = f"outcome-{referral.pk}"
        bad = dsl_client.post(url, {f"{prefix}-outcome": "section_47"})
        assert bad.status_code == 400 and "Enter the date and time of the outcome." in bad.text
        at = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
        body = {
            f"{prefix}-outcome": "section_47",
            f"{prefix}-outcome_at": at,
            f"{prefix}-reference": "S47-7",
        }
        assert dsl_client.post(url, body).status_code == 303
        export = dsl_client.get(reverse("safeguarding:case_export", args=[concern.pk])).text
        assert "Section 47 (child protection enquiry)" in export and "S47-7" in export

        sibling = raise_concern(pupil=other_pupil)
        related = reverse("safeguarding:case_related_add", args=[concern.pk])
        response = dsl_client.post(
            related, {"related-other": sibling.pk, "related-relationship": "siblings"}
        )
        assert response.status_code == 303
        page = dsl_client.get(reverse("safeguarding:case", args=[sibling.pk])).text
        assert f"Case {concern.pk}" in page and "Siblings" in page


def _sql_fails(sql, params=()):
    from django.db import DatabaseError, connection, transaction

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_refuses_changes_to_casework_records(raise_concern, dsl, deputy, other_pupil):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    concern = raise_concern()
    action = add_action(concern, dsl, deputy)
    attachment = services.case_attachment_add(
        concern=concern, user=dsl, upload=SimpleUploadedFile("n.txt", b"her words")
    )
    link = services.case_link_add(
        concern=concern,
        other=raise_concern(pupil=other_pupil),
        user=dsl,
        relationship=CaseRelationship.SIBLINGS,
    )
    _sql_fails("UPDATE safeguarding_caseaction SET title = %s WHERE id = %s", ["x", action.pk])
    _sql_fails(
        "UPDATE safeguarding_caseattachment SET original_name = %s WHERE id = %s",
        ["x", attachment.pk],
    )
    _sql_fails("UPDATE safeguarding_caselink SET note = %s WHERE id = %s", ["x", link.pk])
    _sql_fails(
        "UPDATE safeguarding_chronologyentry SET outcome = %s WHERE concern_id = %s",
        ["nfa", concern.pk],
    )
    # An action's workflow state may move on.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE safeguarding_caseaction SET completion_note = %s WHERE id = %s",
            ["done", action.pk],
        )
    if connection.vendor == "postgresql":
        _sql_fails("DELETE FROM safeguarding_caseaction WHERE id = %s", [action.pk])
        _sql_fails("DELETE FROM safeguarding_caseattachment WHERE id = %s", [attachment.pk])
