"""The child's details, sealed transfers with one-time links, import with hash checks, retention
and legal holds (issue 11, "records that follow the child")."""

import hashlib
import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safeguarding import services
from safeguarding.models import (
    AccessAction,
    AccessLogEntry,
    AppendOnlyError,
    ChildDetails,
    EntryKind,
    ImportedRecord,
    RecordTransfer,
)
from schools.models import StaffRole
from tests import factories

BODY = "938611200001"
UPN = services.upn_check_letter(BODY) + BODY


@pytest.fixture
def far_dsl(other_school):
    return factories.staff(other_school, StaffRole.DSL)


class TestUpn:
    def test_a_valid_upn_is_kept_in_upper_case(self):
        assert services.upn_clean(" " + UPN.lower() + " ") == UPN

    def test_a_temporary_upn_ends_in_a_letter(self):
        body = "93861120000A"
        upn = services.upn_check_letter(body) + body
        assert services.upn_clean(upn) == upn

    @pytest.mark.parametrize(
        ("value", "code"),
        [("A12", "upn_length"), ("1" * 13, "upn_format"), ("A12345678901I", "upn_format")],
    )
    def test_bad_upns_are_explained(self, value, code):
        with pytest.raises(ValidationError) as error:
            services.upn_clean(value)
        assert error.value.code == code

    def test_a_mistyped_digit_breaks_the_check_letter(self):
        typo = UPN[:5] + str((int(UPN[5]) + 1) % 10) + UPN[6:]
        with pytest.raises(ValidationError) as error:
            services.upn_clean(typo)
        assert error.value.code == "upn_check"


class TestChildDetails:
    def test_each_change_is_a_new_version_and_nothing_is_overwritten(self, dsl, pupil):
        first = services.child_details_update(
            pupil=pupil, user=dsl, legal_name="Isla Marie Jones", upn=UPN
        )
        second = services.child_details_update(pupil=pupil, user=dsl, looked_after=True)
        assert (first.version, second.version) == (1, 2)
        assert second.legal_name == "Isla Marie Jones" and second.looked_after
        assert not ChildDetails.objects.get(pk=first.pk).looked_after
        history = services.child_details_changes(pupil=pupil)
        assert history[0]["changed"] == ["looked-after child"]

    def test_saving_the_same_details_twice_writes_one_version(self, dsl, pupil):
        services.child_details_update(pupil=pupil, user=dsl, legal_name="Isla Jones")
        services.child_details_update(pupil=pupil, user=dsl, legal_name="Isla Jones")
        assert ChildDetails.objects.filter(pupil=pupil).count() == 1

    def test_versions_cannot_be_edited(self, dsl, pupil):
        details = services.child_details_update(pupil=pupil, user=dsl, legal_name="Isla")
        details.legal_name = "Someone else"
        with pytest.raises(AppendOnlyError):
            details.save()

    def test_the_database_refuses_to_change_a_version(self, dsl, pupil):
        from django.db import DatabaseError, connection, transaction

        details = services.child_details_update(pupil=pupil, user=dsl, legal_name="Isla")
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE safeguarding_childdetails SET legal_name = %s WHERE id = %s",
                ["Someone else", details.pk],
            )
        assert ChildDetails.objects.get(pk=details.pk).legal_name == "Isla"

    def test_a_roster_sync_records_without_a_person(self, pupil):
        details = services.child_details_update(
            pupil=pupil, source="sync", upn=UPN, date_of_birth=date(2016, 3, 1)
        )
        assert details.recorded_by is None and details.get_source_display() == "Roster sync"

    def test_only_the_schools_leads(self, teacher, far_dsl, pupil):
        for user in (teacher, far_dsl):
            with pytest.raises(PermissionDenied):
                services.child_details_update(pupil=pupil, user=user, legal_name="X")

    def test_bad_input_names_each_field(self, dsl, pupil):
        with pytest.raises(ValidationError) as error:
            services.child_details_update(
                pupil=pupil,
                user=dsl,
                upn="A1",
                date_of_birth=date.today() + timedelta(days=2),
                carers=[{"relationship": "Mum", "phone": "0123"}],
            )
        assert set(error.value.message_dict) == {"upn", "date_of_birth", "carers"}
        assert not ChildDetails.objects.exists()


def _send(dsl, pupil, raise_concern):
    concern = raise_concern()
    services.child_details_update(
        pupil=pupil,
        user=dsl,
        legal_name="Isla Marie Jones",
        upn=UPN,
        date_of_birth=date(2016, 3, 1),
        carers=[{"name": "Sam Jones", "relationship": "Mother", "phone": "07700 900123"}],
    )
    sent = services.transfer_send(pupil=pupil, user=dsl, destination_school="Elmwood Academy")
    return concern, sent


class TestTransfer:
    def test_a_sealed_file_with_a_manifest_of_hashes(self, dsl, pupil, raise_concern):
        concern, sent = _send(dsl, pupil, raise_concern)
        transfer = sent.transfer
        assert transfer.pdf.startswith(b"%PDF")
        document = json.loads(transfer.json)
        assert document["child"]["legal_name"] == "Isla Marie Jones"
        assert document["child"]["upn"] == UPN
        assert document["cases"][0]["what_happened"].startswith("She said a man online")
        manifest = json.loads(transfer.manifest)
        hashes = {item["name"].rsplit(".", 1)[-1]: item["sha256"] for item in manifest["files"]}
        assert hashes["json"] == hashlib.sha256(bytes(transfer.json)).hexdigest()
        assert hashes["pdf"] == hashlib.sha256(bytes(transfer.pdf)).hexdigest()
        # The link's secrets are never stored, and nothing about the child is in a file name
        assert sent.token not in transfer.token_hash and len(sent.token) >= 40
        assert "Isla" not in json.dumps(manifest)
        entry = concern.entries.get(kind=EntryKind.TRANSFER_SENT)
        assert "Elmwood Academy" in entry.text and entry.event_date == date.today()
        assert AccessLogEntry.objects.filter(action=AccessAction.TRANSFER_SEND).count() == 1

    def test_the_link_works_once(self, dsl, pupil, raise_concern):
        concern, sent = _send(dsl, pupil, raise_concern)
        transfer = services.transfer_for_token(sent.token)
        assert transfer == sent.transfer
        assert services.transfer_code_check(transfer=transfer, token=sent.token, code=sent.code)
        services.transfer_confirm(transfer=transfer, name="Ms Patel", school_name="Elmwood")
        with pytest.raises(services.LinkClosed) as closed:
            services.transfer_confirm(transfer=transfer, name="Ms Patel", school_name="Elmwood")
        assert closed.value.why == "confirmed"
        with pytest.raises(services.LinkClosed):
            services.transfer_code_check(transfer=transfer, token=sent.token, code=sent.code)
        entry = concern.entries.get(kind=EntryKind.TRANSFER_CONFIRMED)
        assert "Ms Patel at Elmwood confirmed receipt" in entry.text

    def test_five_wrong_codes_close_the_link(self, dsl, pupil, raise_concern):
        _concern, sent = _send(dsl, pupil, raise_concern)
        for _ in range(5):
            assert not services.transfer_code_check(
                transfer=sent.transfer, token=sent.token, code="WRONG123"
            )
        with pytest.raises(services.LinkClosed) as closed:
            services.transfer_code_check(transfer=sent.transfer, token=sent.token, code=sent.code)
        assert closed.value.why == "locked"

    def test_an_unknown_token_opens_nothing(self, dsl, pupil, raise_concern):
        _send(dsl, pupil, raise_concern)
        assert services.transfer_for_token("x" * 43) is None

    def test_late_after_five_school_days(self, dsl, pupil, raise_concern, clock):
        _concern, sent = _send(dsl, pupil, raise_concern)
        assert not services.transfer_is_late(sent.transfer)
        clock.advance(days=8)  # at least 6 weekdays
        assert services.transfer_is_late(RecordTransfer.objects.get(pk=sent.transfer.pk))
        assert services.school_days_between(date(2026, 12, 4), date(2026, 12, 7)) == 1

    def test_only_the_schools_leads_send(self, teacher, pupil):
        with pytest.raises(PermissionDenied):
            services.transfer_send(pupil=pupil, user=teacher, destination_school="Elsewhere")


class TestImport:
    def test_the_receiving_school_imports_the_file(self, dsl, far_dsl, pupil, raise_concern):
        _concern, sent = _send(dsl, pupil, raise_concern)
        record = services.record_import(
            school=far_dsl.staff_memberships.get().school,
            user=far_dsl,
            json_bytes=bytes(sent.transfer.json),
            manifest_bytes=bytes(sent.transfer.manifest),
        )
        new_pupil = record.pupil
        assert new_pupil.school.name == "Elmwood" and new_pupil.display_name == "Isla"
        assert record.cases[0]["entries"][0]["kind"] == "raised"
        details = services.child_details_current(pupil=new_pupil)
        assert details.legal_name == "Isla Marie Jones" and details.source == "import"
        assert details.carers[0]["name"] == "Sam Jones"
        again = services.record_import(
            school=new_pupil.school,
            user=far_dsl,
            json_bytes=bytes(sent.transfer.json),
            manifest_bytes=bytes(sent.transfer.manifest),
        )
        assert again == record and ImportedRecord.objects.count() == 1

    def test_a_changed_file_is_refused_and_nothing_is_written(
        self, dsl, far_dsl, pupil, raise_concern
    ):
        _concern, sent = _send(dsl, pupil, raise_concern)
        tampered = bytes(sent.transfer.json).replace(b"Isla Marie Jones", b"Isla Marie Jonas")
        with pytest.raises(ValidationError) as error:
            services.record_import(
                school=far_dsl.staff_memberships.get().school,
                user=far_dsl,
                json_bytes=tampered,
                manifest_bytes=bytes(sent.transfer.manifest),
            )
        assert "changed or damaged" in str(error.value.message_dict["json_file"])
        assert not ImportedRecord.objects.exists()

    def test_not_a_manifest(self, dsl, far_dsl, pupil, raise_concern):
        _concern, sent = _send(dsl, pupil, raise_concern)
        with pytest.raises(ValidationError) as error:
            services.transfer_file_verify(
                json_bytes=bytes(sent.transfer.json), manifest_bytes=b"{]"
            )
        assert "manifest_file" in error.value.message_dict


class TestRetention:
    def test_kept_until_the_25th_birthday_with_a_date_of_birth(self, dsl, pupil):
        details = services.child_details_update(
            pupil=pupil, user=dsl, date_of_birth=date(2016, 2, 29), leaving_date=date(2027, 7, 20)
        )
        retention = services.retention_for(details=details)
        assert (retention.keep_until, retention.basis) == (date(2041, 2, 28), "birthday")

    def test_without_one_the_schools_years_after_leaving(self, dsl, pupil, school):
        details = services.child_details_update(
            pupil=pupil, user=dsl, leaving_date=date(2020, 7, 20)
        )
        assert services.retention_for(details=details).keep_until == date(2040, 7, 20)
        services.retention_policy_set(school=school, user=dsl, years_after_leaving=6)
        retention = services.retention_for(details=details)
        assert (retention.keep_until, retention.basis, retention.due) == (
            date(2026, 7, 20),
            "leaving",
            True,
        )
        rows = services.retention_review_list(school=school)
        assert [row.pupil for row in rows] == [pupil]

    def test_no_date_means_kept(self, dsl, pupil, school):
        details = services.child_details_update(pupil=pupil, user=dsl, legal_name="Isla")
        assert services.retention_for(details=details).keep_until is None
        assert services.retention_review_list(school=school) == []

    def test_a_legal_hold_is_recorded_and_listed(self, dsl, pupil, school, raise_concern):
        concern = raise_concern()
        services.child_details_update(pupil=pupil, user=dsl, date_of_birth=date(1995, 1, 1))
        hold = services.legal_hold_place(pupil=pupil, user=dsl, reason="Police investigation")
        assert services.legal_hold_place(pupil=pupil, user=dsl, reason="Again") == hold
        [row] = services.retention_review_list(school=school)
        assert row.hold == hold
        assert concern.entries.filter(kind=EntryKind.LEGAL_HOLD).count() == 1
        with pytest.raises(ValidationError):
            services.legal_hold_lift(hold=hold, user=dsl, reason=" ")
        services.legal_hold_lift(hold=hold, user=dsl, reason="Investigation closed")
        assert services.legal_hold_active(pupil=pupil) is None
        assert concern.entries.filter(kind=EntryKind.LEGAL_HOLD).count() == 2
