"""The DSL's pages for the child's details, transfers, imports and retention, and the receiving
school's one-time link, with who may open them."""

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safeguarding import services
from safeguarding.models import (
    AccessAction,
    AccessLogEntry,
    ChildDetails,
    EntryKind,
    ImportedRecord,
    RecordTransfer,
)
from schools.models import StaffRole
from tests import factories

from .helpers import mfa_session

BODY = "938611200001"
UPN = services.upn_check_letter(BODY) + BODY


def details_post(**overrides):
    data = {
        "child-legal_name": "Isla Marie Jones",
        "child-date_of_birth": "2016-03-01",
        "child-upn": UPN,
        "child-looked_after": "on",
        "child-leaving_date": "",
        "child-destination_school": "",
        "carers-TOTAL_FORMS": "1",
        "carers-INITIAL_FORMS": "0",
        "carers-0-name": "Sam Jones",
        "carers-0-relationship": "Mother",
        "carers-0-phone": "07700 900123",
        "carers-0-email": "",
        "carers-0-notes": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def far_dsl(other_school):
    return factories.staff(other_school, StaffRole.DSL)


class TestChildDetails:
    def test_the_dsl_enters_them_and_the_record_shows_them(self, dsl_client, pupil):
        url = reverse("safeguarding:child_details", args=[pupil.pk])
        assert dsl_client.get(url).status_code == 200
        assert AccessLogEntry.objects.filter(action=AccessAction.VIEW_CHILD_DETAILS).count() == 1
        response = dsl_client.post(url, details_post())
        assert response.status_code == 303
        assert AccessLogEntry.objects.filter(action=AccessAction.VIEW_CHILD_DETAILS).count() == 1
        page = dsl_client.get(reverse("safeguarding:pupil_record", args=[pupil.pk])).text
        assert "Isla Marie Jones" in page and UPN in page and "Looked-after child" in page
        assert "Sam Jones (Mother), 07700 900123" in page
        assert "25th birthday, 1 March 2041" in page

    def test_a_bad_upn_is_explained_and_nothing_is_lost(self, dsl_client, pupil):
        url = reverse("safeguarding:child_details", args=[pupil.pk])
        response = dsl_client.post(url, details_post(**{"child-upn": "Z" + BODY}))
        assert response.status_code == 200
        assert "check letter does not match" in response.text
        assert 'value="Isla Marie Jones"' in response.text and "Sam Jones" in response.text
        assert not ChildDetails.objects.exists()

    def test_the_exports_use_them(self, dsl_client, dsl, pupil, raise_concern):
        concern = raise_concern()
        services.child_details_update(pupil=pupil, user=dsl, legal_name="Isla Marie Jones")
        for url in (
            reverse("safeguarding:case_export", args=[concern.pk]),
            reverse("safeguarding:pupil_export", args=[pupil.pk]),
        ):
            assert "Isla Marie Jones" in dsl_client.get(url).text

    def test_nobody_else_sees_them(self, client, teacher, school_admin, far_dsl, dsl, pupil):
        services.child_details_update(pupil=pupil, user=dsl, legal_name="Isla Marie Jones")
        url = reverse("safeguarding:child_details", args=[pupil.pk])
        for user in (teacher, school_admin, far_dsl):
            mfa_session(client, user)
            assert client.get(url).status_code == 404
            assert client.post(url, details_post()).status_code == 404
        assert ChildDetails.objects.count() == 1
        client.force_login(teacher)
        page = client.get(reverse("teacher_portal:pupil_detail", args=[pupil.pk])).text
        assert "Isla Marie Jones" not in page


class TestTransferPages:
    def _send(self, dsl_client, pupil):
        response = dsl_client.post(
            reverse("safeguarding:transfer_new", args=[pupil.pk]),
            {"destination_school": "Elmwood Academy"},
        )
        assert response.status_code == 303
        transfer = RecordTransfer.objects.get()
        page = dsl_client.get(response["Location"]).text
        link = page.split("data-receipt-link>")[1].split("<")[0]
        code = page.split("data-receipt-code>")[1].split("<")[0]
        return transfer, link, code

    def test_send_open_download_confirm(self, dsl_client, client, pupil, raise_concern):
        concern = raise_concern()
        transfer, link, code = self._send(dsl_client, pupil)
        token = link.split("/receive/")[1].rstrip("/")
        assert len(token) >= 40 and "/" not in token and "Isla" not in link
        path = link.split("testserver")[1]
        assert client.get(path).status_code == 200
        files = reverse("safeguarding:receive_file", args=[path.split("/")[-2], "json"])
        assert client.get(files).status_code == 302  # no code yet
        assert "Oakfield" not in client.get(path).text  # nothing is said before the code
        assert "not right" in client.post(path, {"code": "AAAAAAAA"}).text
        assert client.post(path, {"code": code.lower()}).status_code == 303
        download = client.get(files)
        assert download.status_code == 200
        assert json.loads(download.content)["child"]["display_name"] == "Isla"
        assert "Isla" not in download["Content-Disposition"]
        confirm = path + "confirm/"
        assert client.post(confirm, {"name": "", "school_name": ""}).status_code == 400
        response = client.post(confirm, {"name": "Ms Patel", "school_name": "Elmwood"})
        assert response.status_code == 303
        assert "Receipt confirmed" in client.get(path).text
        assert client.get(path).status_code == 410  # the link has closed
        assert client.get(files).status_code == 410
        assert concern.entries.filter(kind=EntryKind.TRANSFER_CONFIRMED).exists()
        page = dsl_client.get(reverse("safeguarding:transfers")).text
        assert "Ms Patel" in page and "Every file sent has been confirmed" in page

    def test_an_unknown_token_is_404(self, client, db):
        assert client.get(reverse("safeguarding:receive", args=["x" * 43])).status_code == 404

    def test_the_list_warns_after_five_school_days(self, dsl_client, dsl, pupil, clock):
        self._send(dsl_client, pupil)
        assert "Past 5 school days" not in dsl_client.get(reverse("safeguarding:transfers")).text
        clock.advance(days=9)
        mfa_session(dsl_client, dsl)  # a new day, a new sign-in
        assert "Past 5 school days" in dsl_client.get(reverse("safeguarding:transfers")).text

    def test_the_list_has_a_fixed_number_of_queries(
        self, dsl_client, dsl, pupil, other_pupil, django_assert_max_num_queries
    ):
        for child in (pupil, other_pupil, pupil):
            services.transfer_send(pupil=child, user=dsl, destination_school="Elmwood")
        with django_assert_max_num_queries(12):
            assert dsl_client.get(reverse("safeguarding:transfers")).status_code == 200

    def test_other_leads_and_staff_cannot_send_or_see(self, client, teacher, far_dsl, dsl, pupil):
        sent = services.transfer_send(pupil=pupil, user=dsl, destination_school="Elmwood")
        mfa_session(client, far_dsl)
        assert (
            client.get(reverse("safeguarding:transfer", args=[sent.transfer.pk])).status_code == 404
        )
        url = reverse("safeguarding:transfer_new", args=[pupil.pk])
        assert client.post(url, {"destination_school": "X"}).status_code == 404
        client.force_login(teacher)
        assert client.post(url, {"destination_school": "X"}).status_code == 404
        assert RecordTransfer.objects.count() == 1


class TestImportPage:
    def test_the_receiving_dsl_imports_and_sees_the_history(
        self, client, far_dsl, dsl, pupil, raise_concern
    ):
        raise_concern()
        sent = services.transfer_send(pupil=pupil, user=dsl, destination_school="Elmwood")
        mfa_session(client, far_dsl)

        def upload(json_bytes):
            return client.post(
                reverse("safeguarding:record_import"),
                {
                    "json_file": SimpleUploadedFile("f.json", json_bytes),
                    "manifest_file": SimpleUploadedFile("m.json", bytes(sent.transfer.manifest)),
                    "pupil": "",
                },
            )

        tampered = upload(bytes(sent.transfer.json).replace(b"a man online", b"a boy online"))
        assert tampered.status_code == 200 and "changed or damaged" in tampered.text
        assert not ImportedRecord.objects.exists()
        response = upload(bytes(sent.transfer.json))
        assert response.status_code == 303
        record = ImportedRecord.objects.get()
        page = client.get(response["Location"]).text
        assert "History from previous schools" in page and "a man online" in page
        assert record.pupil.school == far_dsl.staff_memberships.get().school


class TestRetentionPages:
    def test_the_review_list_has_a_fixed_number_of_queries(
        self, dsl_client, dsl, pupil, other_pupil, infant
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def queries_for_page(expected_rows):
            with CaptureQueriesContext(connection) as queries:
                page = dsl_client.get(reverse("safeguarding:retention")).text
            assert page.count("Yes: keep") == expected_rows
            return len(queries)

        counts = []
        for rows, child in enumerate((pupil, other_pupil, infant), start=1):
            services.child_details_update(pupil=child, user=dsl, date_of_birth=date(1990, 1, 1))
            services.legal_hold_place(pupil=child, user=dsl, reason="Inquiry")
            counts.append(queries_for_page(rows))
        # The same number of queries for one record past its date as for three.
        assert counts[0] == counts[1] == counts[2], counts

    def test_review_list_policy_and_legal_hold(self, dsl_client, dsl, pupil, school):
        services.child_details_update(pupil=pupil, user=dsl, leaving_date=date(2010, 7, 20))
        page = dsl_client.get(reverse("safeguarding:retention")).text
        assert "Isla" not in page  # 2010 + 20 years
        response = dsl_client.post(
            reverse("safeguarding:retention"), {"policy-years_after_leaving": "5"}
        )
        assert response.status_code == 303
        page = dsl_client.get(reverse("safeguarding:retention")).text
        assert "Isla" in page and "20 Jul 2015" in page
        hold_url = reverse("safeguarding:legal_hold_place", args=[pupil.pk])
        assert dsl_client.post(hold_url, {"hold-reason": ""}).status_code == 303
        assert services.legal_hold_active(pupil=pupil) is None
        dsl_client.post(hold_url, {"hold-reason": "Inquiry"})
        assert services.legal_hold_active(pupil=pupil).reason == "Inquiry"
        assert "Yes: keep" in dsl_client.get(reverse("safeguarding:retention")).text
        lift_url = reverse("safeguarding:legal_hold_lift", args=[pupil.pk])
        dsl_client.post(lift_url, {"lift-reason": "Inquiry over"})
        assert services.legal_hold_active(pupil=pupil) is None
