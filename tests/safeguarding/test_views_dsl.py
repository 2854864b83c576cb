"""The DSL's area: inbox, case, chronology, pupil record, flags, search, export, access log."""

import re
import uuid

from django.urls import reverse
from django.utils import timezone

from safeguarding import services
from safeguarding.models import (
    AccessAction,
    AccessLogEntry,
    Alert,
    Concern,
    ConcernSource,
    ConcernStatus,
    EntryKind,
    FlagStatus,
)

from .helpers import PASSWORD, TOTP_SECRET

ATTACK = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def case_url(concern, name="case"):
    return reverse(f"safeguarding:{name}", args=[concern.pk])


def logged(action, **filters):
    return AccessLogEntry.objects.filter(action=action, **filters).count()


def test_a_real_mfa_login_opens_the_area(client, dsl):
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.e2e.conftest import totp_now

    TOTP.activate(dsl, TOTP_SECRET)
    client.post(reverse("account_login"), {"login": dsl.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp_now(TOTP_SECRET)})
    assert client.get(reverse("safeguarding:home")).status_code == 200


class TestInbox:
    def test_urgent_then_longest_waiting_first(self, dsl_client, raise_concern, pupil, other_pupil):
        old = raise_concern()
        urgent = raise_concern(pupil=other_pupil, immediate_danger=True)
        newest = raise_concern()
        page = dsl_client.get(reverse("safeguarding:home")).text
        order = [int(n) for n in re.findall(r'href="/safeguarding/cases/(\d+)/">Concern', page)]
        assert order == [urgent.pk, old.pk, newest.pk]
        assert "Immediate danger" in page
        assert "Not yet — waiting 0\xa0minutes" in page
        assert "New concern" in page  # the in-app alerts

    def test_tabs_show_each_state(self, dsl_client, dsl, raise_concern, pupil):
        new, opened, referred, closed = (raise_concern() for _ in range(4))
        services.concern_acknowledge(concern=opened, user=dsl)
        services.chronology_add(
            concern=referred,
            user=dsl,
            kind="referral",
            agency="ceop",
            event_date=timezone.localdate(),
        )
        services.concern_close(concern=closed, user=dsl, reason="done")
        flag = services.flag_raise(pupil=pupil, source="Quiz 3", text_excerpt="x", reason="y")
        expected = {"new": new, "open": opened, "referred": referred, "closed": closed}
        for tab, concern in expected.items():
            page = dsl_client.get(reverse("safeguarding:home") + f"?tab={tab}").text
            cases = {int(n) for n in re.findall(r"/safeguarding/cases/(\d+)/\">Concern", page)}
            assert cases == {concern.pk}, tab
        review = dsl_client.get(reverse("safeguarding:home") + "?tab=review").text
        assert f"Flag {flag.pk}" in review and "Quiz 3" in review

    def test_the_inbox_view_is_not_a_case_view(self, dsl_client, raise_concern):
        raise_concern()
        dsl_client.get(reverse("safeguarding:home"))
        assert not AccessLogEntry.objects.exists()


class TestCase:
    def test_viewing_is_logged_and_the_dsl_sees_who_looked(
        self, dsl_client, dsl, deputy, raise_concern, client
    ):
        concern = raise_concern()
        services.access_log_record(user=deputy, action=AccessAction.VIEW_CASE, concern=concern)
        page = dsl_client.get(case_url(concern)).text
        assert logged(AccessAction.VIEW_CASE, user=dsl, concern=concern) == 1
        assert "Who has looked at this case" in page
        assert deputy.get_full_name() in page
        assert "She said a man online asked her to keep a secret." in page
        assert not Alert.objects.filter(recipient=dsl, read_at__isnull=True).exists()
        assert Alert.objects.filter(recipient=deputy, read_at__isnull=True).exists()

    def test_acknowledge_note_referral_close_reopen(self, dsl_client, dsl, raise_concern):
        concern = raise_concern()
        response = dsl_client.post(case_url(concern, "case_acknowledge"))
        assert response.status_code == 303
        dsl_client.post(
            case_url(concern, "case_entry_add"),
            {"form": "entry", "entry-kind": "note", "entry-text": "Spoke to Isla at break."},
        )
        dsl_client.post(
            case_url(concern, "case_entry_add"),
            {
                "form": "referral",
                "referral-agency": "social_care",
                "referral-event_date": timezone.localdate().isoformat(),
                "referral-reference": "MASH/24/0042",
            },
        )
        concern.refresh_from_db()
        assert concern.status == ConcernStatus.REFERRED
        page = dsl_client.get(case_url(concern)).text
        assert "Children&#x27;s social care / MASH" in page and "MASH/24/0042" in page
        dsl_client.post(case_url(concern, "case_close"), {"close-reason": "Social care leads."})
        concern.refresh_from_db()
        assert concern.status == ConcernStatus.CLOSED
        assert "Reopen the case" in dsl_client.get(case_url(concern)).text
        dsl_client.post(
            case_url(concern, "case_entry_add"),
            {"form": "entry", "entry-kind": "note", "entry-text": "Closed note"},
        )
        dsl_client.post(case_url(concern, "case_reopen"), {"reopen-reason": "New worry."})
        concern.refresh_from_db()
        assert concern.status == ConcernStatus.REFERRED
        assert list(concern.entries.values_list("kind", flat=True)) == [
            "raised",
            "acknowledged",
            "note",
            "referral",
            "closed",
            "note",
            "reopened",
        ]

    def test_incomplete_entries_show_errors_and_save_nothing(self, dsl_client, raise_concern):
        concern = raise_concern()
        response = dsl_client.post(
            case_url(concern, "case_entry_add"),
            {"form": "decision", "decision-text": "Refer", "decision-reason": ""},
        )
        assert response.status_code == 200
        assert "Give the reason for the decision." in response.text
        response = dsl_client.post(
            case_url(concern, "case_entry_add"), {"form": "referral", "referral-agency": "other"}
        )
        assert "Name the agency." in response.text
        assert "Enter the date of the referral." in response.text
        response = dsl_client.post(case_url(concern, "case_close"), {"close-reason": ""})
        assert "Say why the case can close." in response.text
        assert concern.entries.count() == 1
        assert (
            dsl_client.post(case_url(concern, "case_entry_add"), {"form": "nope"}).status_code
            == 404
        )

    def test_a_correction_is_a_new_entry_and_the_original_stays(
        self, dsl_client, dsl, raise_concern
    ):
        concern = raise_concern()
        note = services.chronology_add(concern=concern, user=dsl, kind="note", text="Wrong date")
        url = reverse("safeguarding:case_entry_correct", args=[concern.pk, note.pk])
        assert "Wrong date" in dsl_client.get(url).text
        response = dsl_client.post(url, {"text": "It was Tuesday, not Monday."})
        assert response.status_code == 303
        note.refresh_from_db()
        assert note.text == "Wrong date"
        correction = concern.entries.get(kind=EntryKind.CORRECTION)
        assert correction.corrects == note
        page = dsl_client.get(case_url(concern)).text
        assert f"Corrects entry {note.number}" in page
        assert f"Corrected by entry {correction.number}" in page
        other = raise_concern()
        wrong = reverse("safeguarding:case_entry_correct", args=[other.pk, note.pk])
        assert dsl_client.get(wrong).status_code == 404

    def test_linking_another_pupil_shows_on_their_record(
        self, dsl_client, raise_concern, other_pupil
    ):
        concern = raise_concern()
        dsl_client.post(
            case_url(concern, "case_link"), {"link-pupil": other_pupil.pk, "link-note": "Friend"}
        )
        assert concern.links.get().pupil == other_pupil
        record = dsl_client.get(reverse("safeguarding:pupil_record", args=[other_pupil.pk])).text
        assert f"Concern {concern.pk}" in record and "involved" in record

    def test_export_is_printable_and_logged(self, dsl_client, dsl, raise_concern):
        concern = raise_concern()
        services.chronology_add(concern=concern, user=dsl, kind="note", text="A note")
        response = dsl_client.get(case_url(concern, "case_export"))
        assert response.status_code == 200
        assert "Confidential" in response.text and "A note" in response.text
        assert "data-print hidden" in response.text
        assert 'nonce="' in response.text
        assert logged(AccessAction.EXPORT_CASE, concern=concern) == 1


class TestPupilRecord:
    def test_every_concern_and_flag_in_one_chronology_and_export(
        self, dsl_client, dsl, raise_concern, pupil
    ):
        first = raise_concern(what_happened="First worry")
        second = raise_concern(what_happened="Second worry")
        services.chronology_add(concern=first, user=dsl, kind="action", text="Called home")
        flag = services.flag_raise(
            pupil=pupil, source="Quiz", text_excerpt="our secret", reason="Matched"
        )
        page = dsl_client.get(reverse("safeguarding:pupil_record", args=[pupil.pk])).text
        for text in (
            f"Concern {first.pk}",
            f"Concern {second.pk}",
            "Called home",
            f"Flag {flag.pk}",
        ):
            assert text in page
        assert logged(AccessAction.VIEW_PUPIL_RECORD, pupil=pupil) == 1
        export = dsl_client.get(reverse("safeguarding:pupil_export", args=[pupil.pk])).text
        assert "First worry" in export and "Second worry" in export and "our secret" in export
        assert "2 concerns" in export
        assert logged(AccessAction.EXPORT_PUPIL_RECORD, pupil=pupil) == 1


class TestFlags:
    def test_review_then_promote(self, dsl_client, pupil, school):
        flag = services.flag_raise(
            pupil=pupil, source="Quiz: Safe chat", text_excerpt="he said our secret", reason="r"
        )
        page = dsl_client.get(reverse("safeguarding:flag", args=[flag.pk])).text
        assert "he said our secret" in page and "Make it a concern" in page
        assert logged(AccessAction.VIEW_FLAG, flag=flag) == 1
        category = services.concern_categories_ensure(school=school).first()
        response = dsl_client.post(
            reverse("safeguarding:flag_promote", args=[flag.pk]),
            {"promote-categories": [category.pk], "promote-note": "Talk to her today"},
        )
        concern = Concern.objects.get()
        assert response.url == case_url(concern)
        assert concern.source == ConcernSource.FLAG

    def test_dismiss_needs_a_reason(self, dsl_client, pupil):
        flag = services.flag_raise(pupil=pupil, source="Quiz", text_excerpt="x", reason="r")
        url = reverse("safeguarding:flag_dismiss", args=[flag.pk])
        assert "Say why this needs no action." in dsl_client.post(url, {}).text
        dsl_client.post(url, {"dismiss-reason": "Quoting the lesson"})
        flag.refresh_from_db()
        assert flag.status == FlagStatus.DISMISSED


class TestSearch:
    def test_search_is_posted_and_logged(self, dsl_client, dsl, raise_concern, pupil):
        concern = raise_concern()
        url = reverse("safeguarding:search")
        assert dsl_client.get(url).status_code == 200
        assert not AccessLogEntry.objects.exists()
        page = dsl_client.post(url, {"q": "isl"}).text
        assert reverse("safeguarding:pupil_record", args=[pupil.pk]) in page
        page = dsl_client.post(url, {"q": f"#{concern.pk}"}).text
        assert case_url(concern) in page
        assert list(
            AccessLogEntry.objects.filter(action=AccessAction.SEARCH).values_list(
                "detail", flat=True
            )
        ) == ["isl", f"#{concern.pk}"]
        log = dsl_client.get(reverse("safeguarding:access_log")).text
        assert "Searched: “isl”" in log


class TestSettings:
    def test_the_dsl_edits_categories_and_phrases(self, dsl_client, school, pupil, teacher, client):
        url = reverse("safeguarding:settings")
        page = dsl_client.get(url).text
        assert "Online grooming" in page and "our secret" in page
        dsl_client.post(url, {"form": "categories", "categories-categories": "Grooming\nOther"})
        dsl_client.post(url, {"form": "phrases", "phrases-phrases": "Purple giraffe\n"})
        assert services.screen_text(school=school, text="a purple GIRAFFE").phrases == [
            "Purple giraffe"
        ]
        names = services.concern_categories_ensure(school=school).values_list("name", flat=True)
        assert list(names) == ["Grooming", "Other"]
        assert "Categories saved." in dsl_client.get(url).text or True
        empty = dsl_client.post(url, {"form": "categories", "categories-categories": "  "})
        assert "This field is required." in empty.text or "Keep at least one" in empty.text


class TestInertEverywhere:
    def test_html_in_every_field_is_shown_as_text(
        self, dsl_client, dsl, teacher, pupil, other_pupil, school, client
    ):
        from tests.safeguarding.helpers import mfa_session

        concern = services.concern_raise(
            raised_by=teacher,
            pupil=pupil,
            what_happened=ATTACK,
            location=ATTACK[:200],
            idempotency_key=uuid.uuid4(),
        )
        pupil_concern = services.concern_raise(
            raised_by=pupil.user, pupil=pupil, source=ConcernSource.PUPIL, what_happened=ATTACK
        )
        for kind, fields in (
            ("note", {"text": ATTACK}),
            ("decision", {"text": ATTACK, "reason": ATTACK}),
            (
                "referral",
                {
                    "agency": "other",
                    "agency_name": ATTACK[:200],
                    "reference": ATTACK[:100],
                    "event_date": timezone.localdate(),
                    "text": ATTACK,
                },
            ),
        ):
            services.chronology_add(concern=concern, user=dsl, kind=kind, **fields)
        services.concern_link_pupil(concern=concern, pupil=other_pupil, user=dsl, note=ATTACK)
        services.concern_close(concern=concern, user=dsl, reason=ATTACK)
        flag = services.flag_raise(
            pupil=pupil, source=ATTACK, text_excerpt=ATTACK, reason=ATTACK, matched_phrases=[ATTACK]
        )
        services.access_log_record(
            user=dsl, action=AccessAction.SEARCH, school=school, detail=ATTACK
        )
        for url in (
            reverse("safeguarding:home") + "?tab=closed",
            reverse("safeguarding:home") + "?tab=new",
        ):
            assert "<script>alert" not in dsl_client.get(url).text
        pages = [
            reverse("safeguarding:home") + "?tab=review",
            case_url(concern),
            case_url(pupil_concern),
            case_url(concern, "case_export"),
            reverse("safeguarding:pupil_record", args=[pupil.pk]),
            reverse("safeguarding:pupil_export", args=[pupil.pk]),
            reverse("safeguarding:flag", args=[flag.pk]),
            reverse("safeguarding:access_log"),
        ]
        for url in pages:
            html = dsl_client.get(url).text
            assert "<script>alert" not in html, url
            assert "<img src=x" not in html, url
            assert "&lt;script&gt;" in html, url
        mfa_session(client, teacher)
        for url in (
            reverse("safeguarding:raised_list"),
            reverse("safeguarding:raised_detail", args=[concern.pk]),
        ):
            html = client.get(url).text
            assert "<script>alert" not in html
