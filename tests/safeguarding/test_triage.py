"""Triage: landing on the inbox, the waiting count in the header, the triage order and filters,
a case's categories and assignee, and the housekeeping of corrections and access lines."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguarding import services
from safeguarding.models import (
    AccessAction,
    AccessLogEntry,
    Alert,
    AlertKind,
    ChronologyEntry,
    ConcernCategory,
    ConcernSource,
    Delivery,
    DeliveryKind,
    EntryKind,
)
from schools.models import StaffRole
from tests import factories

from .helpers import PASSWORD, TOTP_SECRET, mfa_session, run_tasks

HOME = "/safeguarding/"


def rows(page: str) -> list[str]:
    """The inbox's records in order, as "c<id>" for concerns and "f<id>" for flags."""
    table = page[page.index('<table class="triage">') :]
    return [
        f"{kind[0]}{number}"
        for kind, number in re.findall(r'href="/safeguarding/(cases|flags)/(\d+)/">', table)
    ]


def row_of(page: str, path: str) -> str:
    table = page[page.index('<table class="triage">') :]
    return table[table.index(f'href="/safeguarding{path}"') :].split("</tr>")[0]


def talk(pupil, feeling, details="I don't know what to do"):
    return services.concern_raise(
        raised_by=pupil.user, pupil=pupil, source=ConcernSource.PUPIL, feeling=feeling,
        what_happened=details,
    )  # fmt: skip


def sign_in(client, user):
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.e2e.conftest import totp_now

    TOTP.activate(user, TOTP_SECRET)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    return client.post(reverse("mfa_authenticate"), {"code": totp_now(TOTP_SECRET)})


# --- Landing and the header count ---------------------------------------------------------------


class TestLanding:
    def test_a_lead_who_also_teaches_lands_on_the_inbox_when_something_waits(
        self, client, school, group, raise_concern
    ):
        lead = factories.staff(school, StaffRole.DSL, StaffRole.TEACHER)
        raise_concern()
        response = sign_in(client, lead)
        assert response.status_code == 302
        assert response.url == reverse("safeguarding:home")

    def test_with_nothing_waiting_they_land_where_they_always_did(
        self, client, school, group, raise_concern, dsl
    ):
        lead = factories.staff(school, StaffRole.DSL, StaffRole.TEACHER)
        services.concern_acknowledge(concern=raise_concern(), user=dsl)
        response = sign_in(client, lead)
        assert response.url == reverse("home_for_user")

    def test_a_flag_to_review_is_waiting_too(self, client, school, pupil):
        lead = factories.staff(school, StaffRole.DEPUTY_DSL, StaffRole.TEACHER)
        services.flag_raise(pupil=pupil, source="Quiz 1", text_excerpt="x", reason="y")
        assert sign_in(client, lead).url == reverse("safeguarding:home")

    def test_a_teacher_is_never_sent_to_the_inbox(self, client, teacher, raise_concern):
        raise_concern()
        assert sign_in(client, teacher).url == reverse("home_for_user")

    def test_the_header_counts_what_waits_on_every_staff_page(
        self, client, school, group, raise_concern, pupil
    ):
        lead = factories.staff(school, StaffRole.DSL, StaffRole.TEACHER)
        mfa_session(client, lead)
        raise_concern()
        raise_concern()
        services.flag_raise(pupil=pupil, source="Quiz 1", text_excerpt="x", reason="y")
        page = client.get(reverse("teacher_portal:home")).text
        assert '<span class="site-nav__count">3 waiting</span>' in page

    def test_the_count_costs_two_queries_and_nothing_for_others(
        self, client, school, group, raise_concern, teacher
    ):
        lead = factories.staff(school, StaffRole.DSL, StaffRole.TEACHER)
        raise_concern()
        mfa_session(client, lead)
        with CaptureQueriesContext(connection) as with_count:
            client.get(reverse("teacher_portal:home"))
        services.concern_acknowledge(concern=raise_concern(), user=lead)
        counting = [q["sql"] for q in with_count.captured_queries if "COUNT(" in q["sql"]]
        sg_counts = [sql for sql in counting if "safeguarding_" in sql]
        assert len(sg_counts) == 2
        mfa_session(client, teacher)
        page = client.get(reverse("teacher_portal:home")).text
        assert "site-nav__count" not in page


# --- The triage list ----------------------------------------------------------------------------


@pytest.fixture
def mixed_inbox(school, group, dsl, raise_concern, pupil):
    """One of each kind of record, raised oldest first in the reverse of triage order."""
    jack = factories.pupil(group, "Jack").pupil
    made = {}
    made["ok"] = talk(pupil, "ok", "Just wanted to say hi")
    made["flag"] = services.flag_raise(
        pupil=jack, source="Quiz 2", text_excerpt="he has my pics", reason="phrase"
    )
    made["staff"] = raise_concern(pupil=jack)
    made["worried"] = talk(jack, "worried")
    made["scared"] = talk(pupil, "scared", "someone online says he will send my photos")
    made["danger"] = raise_concern(immediate_danger=True)
    return made


class TestTriageList:
    def test_order_danger_then_feelings_then_staff_and_flags_then_ok(self, dsl_client, mixed_inbox):
        m = mixed_inbox
        page = dsl_client.get(HOME).text
        assert rows(page) == [
            f"c{m['danger'].pk}",
            f"c{m['scared'].pk}",
            f"c{m['worried'].pk}",
            f"c{m['staff'].pk}",
            f"f{m['flag'].pk}",
            f"c{m['ok'].pk}",
        ]

    def test_longest_waiting_first_within_a_step(self, dsl_client, pupil):
        first = talk(pupil, "scared")
        second = talk(pupil, "scared")
        assert rows(dsl_client.get(HOME).text) == [f"c{first.pk}", f"c{second.pk}"]

    def test_a_stronger_flag_comes_before_an_older_weaker_one(self, dsl_client, pupil):
        weak = services.flag_raise(
            pupil=pupil, source="Quiz", text_excerpt="a", reason="b", strength=1
        )
        strong = services.flag_raise(
            pupil=pupil,
            source="Quiz",
            text_excerpt="c",
            reason="d",
            strength=4,
            explanation="Mentions images + a threat or demand.",
        )
        page = dsl_client.get(HOME, {"status": "review"}).text
        assert rows(page) == [f"f{strong.pk}", f"f{weak.pk}"]

    def test_each_row_shows_source_year_feeling_categories_and_an_excerpt(
        self, dsl_client, mixed_inbox, dsl
    ):
        m = mixed_inbox
        services.concern_categories_ensure(school=m["scared"].school)
        category = ConcernCategory.objects.get(school=m["scared"].school, name="Online grooming")
        services.concern_categories_change(concern=m["scared"], user=dsl, categories=[category])
        page = dsl_client.get(HOME + "?status=open").text
        row = row_of(page, f"/cases/{m['scared'].pk}/")
        assert "The pupil" in row and "Year 4" in row and "Scared" in row
        assert "Online grooming" in row
        assert "someone online says he will send my photos" in row
        flag_row = row_of(dsl_client.get(HOME).text, f"/flags/{m['flag'].pk}/")
        assert "Screening: Quiz 2" in flag_row and "he has my pics" in flag_row

    def test_a_long_text_is_cut_to_an_excerpt(self, dsl_client, pupil):
        talk(pupil, "sad", "word " * 200 + "THE-END")
        page = dsl_client.get(HOME).text
        assert "THE-END" not in page and "word word" in page

    def test_the_query_count_does_not_grow_with_the_rows(
        self, dsl_client, group, raise_concern, pupil, dsl
    ):
        category = services.concern_categories_ensure(school=pupil.school).first()

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert dsl_client.get(HOME).status_code == 200
            return len(captured)

        raise_concern(categories=[category])
        services.flag_raise(pupil=pupil, source="Quiz", text_excerpt="a", reason="b")
        few = queries()
        for n in range(12):
            other = factories.pupil(group, f"Child {n}").pupil
            raise_concern(pupil=other, categories=[category])
            talk(other, "scared")
            services.flag_raise(pupil=other, source="Quiz", text_excerpt="a", reason="b")
        assert queries() == few
        assert few <= 20


class TestFilters:
    def test_by_status_category_class_year_source_and_dates(
        self, dsl_client, dsl, school, teacher, raise_concern, pupil
    ):
        hawks = factories.TeachingGroupFactory(
            school=school, name="Hawks", year_group=9, teachers=[teacher]
        )
        quinn = factories.pupil(hawks, "Quinn").pupil
        services.concern_categories_ensure(school=school)
        grooming = ConcernCategory.objects.get(school=school, name="Online grooming")
        bullying = ConcernCategory.objects.get(school=school, name="Online bullying")
        old = raise_concern(categories=[grooming])
        recent = raise_concern(pupil=quinn, categories=[bullying])
        pupil_raised = talk(quinn, "sad")
        flag = services.flag_raise(pupil=quinn, source="Quiz", text_excerpt="a", reason="b")

        def shown(query):
            response = dsl_client.get(HOME + "?" + query)
            assert response.status_code == 200, (query, response.status_code)
            return set(rows(response.text))

        assert shown(f"category={grooming.pk}") == {f"c{old.pk}"}
        assert shown(f"group={hawks.pk}") == {f"c{recent.pk}", f"c{pupil_raised.pk}", f"f{flag.pk}"}
        assert shown("year_group=9&source=staff") == {f"c{recent.pk}"}
        assert shown("source=pupil") == {f"c{pupil_raised.pk}"}
        assert shown("source=screening") == {f"f{flag.pk}"}
        assert shown("status=review") == {f"f{flag.pk}"}
        today = timezone.localdate()
        everything = {f"c{old.pk}", f"c{recent.pk}", f"c{pupil_raised.pk}", f"f{flag.pk}"}
        assert shown(f"since={today.isoformat()}&until={today.isoformat()}") == everything
        assert shown(f"since={(today + timedelta(days=1)).isoformat()}") == set()
        assert shown(f"until={(today - timedelta(days=1)).isoformat()}") == set()
        services.concern_acknowledge(concern=old, user=dsl)
        assert shown("status=open") == {f"c{old.pk}"}
        assert f"c{old.pk}" not in shown("status=waiting")

    def test_assigned_to_me(self, dsl_client, dsl, raise_concern):
        mine, other = raise_concern(), raise_concern()
        services.concern_assign(concern=mine, user=dsl, assignee=dsl)
        page = dsl_client.get(HOME + "?status=open&assigned=me").text
        assert rows(page) == [f"c{mine.pk}"]
        page = dsl_client.get(HOME + "?status=waiting&assigned=nobody").text
        assert rows(page) == [f"c{other.pk}"]
        services.concern_close(concern=mine, user=dsl, reason="Done")
        page = dsl_client.get(HOME + "?status=all&assigned=me").text
        assert rows(page) == [f"c{mine.pk}"] and "Every concern" in page
        assert 'href="?status=all&amp;assigned=me"' in page

    def test_bad_or_foreign_values_get_a_clear_message_not_an_error(
        self, dsl_client, raise_concern, other_school
    ):
        raise_concern()
        foreign = services.concern_categories_ensure(school=other_school).first()
        for query in (
            f"category={foreign.pk}",
            "category=99999999999999999999999",
            "group=abc",
            "since=yesterday",
            "status=everything",
        ):
            response = dsl_client.get(HOME + "?" + query)
            assert response.status_code == 200, query
            assert "Select a valid choice" in response.text or "Enter a valid date" in (
                response.text
            ), query
        response = dsl_client.get(HOME + "?since=2030-01-02&until=2030-01-01")
        assert "Choose an end date on or after the start date." in response.text

    def test_the_filter_form_sends_ids_and_choices_only(self, dsl_client, raise_concern):
        raise_concern()
        page = dsl_client.get(HOME).text
        form = page[page.index('<form method="get"') :].split("</form>")[0]
        names = set(re.findall(r'name="([^"]+)"', form))
        assert names == {
            "status", "category", "group", "year_group", "source", "since", "until", "assigned"
        }  # fmt: skip
        assert 'type="text"' not in form and "<textarea" not in form

    def test_search_is_still_written_to_the_access_log(self, dsl_client):
        dsl_client.post(reverse("safeguarding:search"), {"q": "Isla"})
        assert AccessLogEntry.objects.filter(action=AccessAction.SEARCH).count() == 1


# --- Categories and assignment on a case --------------------------------------------------------


class TestCategories:
    def test_a_pupils_concern_gets_categories_with_a_chronology_entry_each_time(
        self, dsl_client, dsl, pupil
    ):
        concern = talk(pupil, "scared")
        case = reverse("safeguarding:case", args=[concern.pk])
        assert "<dd>—</dd>" in dsl_client.get(case).text.split("Categories</dt>")[1][:20]
        grooming, other = (
            ConcernCategory.objects.get(school=pupil.school, name=name)
            for name in ("Online grooming", "Other")
        )
        url = reverse("safeguarding:case_categories", args=[concern.pk])
        response = dsl_client.post(url, {"categories-categories": [grooming.pk]})
        assert response.status_code == 303
        dsl_client.post(url, {"categories-categories": [grooming.pk]})  # a double submit
        dsl_client.post(url, {"categories-categories": [other.pk]})
        entries = list(concern.entries.filter(kind=EntryKind.CATEGORIES_CHANGED))
        assert [e.text for e in entries] == [
            "Categories changed from “none” to “Online grooming”.",
            "Categories changed from “Online grooming” to “Other”.",
        ]
        assert all(e.author == dsl for e in entries)
        page = dsl_client.get(case).text
        assert "Other</dd>" in page
        assert concern.categories.get() == other

    def test_categories_of_another_school_are_refused(self, dsl_client, pupil, other_school):
        concern = talk(pupil, "sad")
        foreign = services.concern_categories_ensure(school=other_school).first()
        url = reverse("safeguarding:case_categories", args=[concern.pk])
        response = dsl_client.post(url, {"categories-categories": [foreign.pk]})
        assert response.status_code == 200
        assert "Select a valid choice" in response.text
        assert not concern.categories.exists()

    def test_the_service_refuses_non_leads(self, teacher, pupil):
        concern = talk(pupil, "sad")
        with pytest.raises(Exception, match="safeguarding leads"):
            services.concern_categories_change(concern=concern, user=teacher, categories=[])


class TestAssignment:
    def test_assigning_to_the_deputy_records_alerts_and_emails_once(
        self, dsl_client, dsl, deputy, raise_concern, settings
    ):
        concern = raise_concern(what_happened="A secret about Isla")
        run_tasks()
        mail.outbox.clear()
        url = reverse("safeguarding:case_assign", args=[concern.pk])
        response = dsl_client.post(url, {"assign-assignee": deputy.pk})
        assert response.status_code == 303
        dsl_client.post(url, {"assign-assignee": deputy.pk})  # a double submit
        concern.refresh_from_db()
        assert concern.assigned_to == deputy
        entry = concern.entries.get(kind=EntryKind.ASSIGNED)
        assert entry.text == f"Assigned to {deputy.get_full_name()}."
        assert Alert.objects.filter(recipient=deputy, kind=AlertKind.ASSIGNED).count() == 1
        run_tasks()
        assert [m.to for m in mail.outbox] == [[deputy.email]]
        message = mail.outbox[0]
        assert message.subject == "A safeguarding case has been assigned to you"
        assert f"/safeguarding/cases/{concern.pk}/" in message.body
        assert "Isla" not in message.body + message.subject
        assert "secret" not in message.body

        # Back to the DSL and to the deputy again: the deputy is alerted, not emailed again.
        dsl_client.post(url, {"assign-assignee": dsl.pk})
        dsl_client.post(url, {"assign-assignee": deputy.pk})
        texts = list(concern.entries.filter(kind=EntryKind.ASSIGNED).values_list("text", flat=True))
        assert texts[-1] == f"Assigned to {deputy.get_full_name()} (was {dsl.get_full_name()})."
        assert Delivery.objects.filter(kind=DeliveryKind.ASSIGNED).count() == 1
        assert Alert.objects.filter(recipient=deputy, kind=AlertKind.ASSIGNED).count() == 2
        # Nobody: the form's empty choice.
        dsl_client.post(url, {"assign-assignee": ""})
        concern.refresh_from_db()
        assert concern.assigned_to is None

    def test_only_a_lead_of_the_school_can_be_chosen(
        self, dsl_client, dsl, teacher, raise_concern, other_school
    ):
        concern = raise_concern()
        far_lead = factories.staff(other_school, StaffRole.DSL)
        url = reverse("safeguarding:case_assign", args=[concern.pk])
        for chosen in (teacher, far_lead):
            response = dsl_client.post(url, {"assign-assignee": chosen.pk})
            assert response.status_code == 200
            assert "Select a valid choice" in response.text
        with pytest.raises(Exception, match="DSL or deputy"):
            services.concern_assign(concern=concern, user=dsl, assignee=teacher)
        concern.refresh_from_db()
        assert concern.assigned_to is None


# --- Housekeeping -------------------------------------------------------------------------------


class TestHousekeeping:
    def test_correct_this_entry_only_on_entries_people_wrote(
        self, dsl_client, dsl, raise_concern, clock
    ):
        concern = raise_concern()
        clock.advance(minutes=60)
        services.concern_escalate_if_unacknowledged(concern_id=concern.pk)
        services.chronology_add(concern=concern, user=dsl, kind=EntryKind.NOTE, text="Rang mum")
        page = dsl_client.get(reverse("safeguarding:case", args=[concern.pk])).text
        correctable = set(re.findall(r"/entries/(\d+)/correct/", page))
        entries = {e.kind: str(e.pk) for e in concern.entries.all()}
        assert entries[EntryKind.NOTE] in correctable
        assert entries[EntryKind.RAISED] in correctable
        assert entries[EntryKind.ESCALATED] not in correctable
        assert entries[EntryKind.ACKNOWLEDGED] not in correctable
        escalated = concern.entries.get(kind=EntryKind.ESCALATED)
        url = reverse("safeguarding:case_entry_correct", args=[concern.pk, escalated.pk])
        assert dsl_client.get(url).status_code == 404
        assert dsl_client.post(url, {"text": "x"}).status_code == 404
        with pytest.raises(ValidationError):
            services.chronology_add(
                concern=concern, user=dsl, kind=EntryKind.CORRECTION, text="x", corrects=escalated
            )
        assert not ChronologyEntry.objects.filter(kind=EntryKind.CORRECTION).exists()

    def test_one_viewed_line_per_visit_not_per_form_post(
        self, dsl_client, dsl, raise_concern, clock
    ):
        concern, other = raise_concern(), raise_concern()
        case = reverse("safeguarding:case", args=[concern.pk])
        dsl_client.get(case)
        views = AccessLogEntry.objects.filter(action=AccessAction.VIEW_CASE, concern=concern)
        assert views.count() == 1
        bad = dsl_client.post(
            reverse("safeguarding:case_entry_add", args=[concern.pk]),
            {"form": "entry", "entry-kind": "note", "entry-text": ""},
        )
        assert bad.status_code == 200 and "Write the details." in bad.text
        dsl_client.post(
            reverse("safeguarding:case_assign", args=[concern.pk]), {"assign-assignee": "x"}
        )
        # A saved form sends the DSL back to the case: still the same visit.
        saved = dsl_client.post(
            reverse("safeguarding:case_assign", args=[concern.pk]), {"assign-assignee": dsl.pk}
        )
        dsl_client.get(saved.url)
        entry = concern.entries.first()
        dsl_client.get(reverse("safeguarding:case_entry_correct", args=[concern.pk, entry.pk]))
        assert views.count() == 1
        # Another case, then back: a new visit; and so is coming back much later.
        dsl_client.get(reverse("safeguarding:case", args=[other.pk]))
        dsl_client.get(case)
        assert views.count() == 2
        clock.advance(minutes=29)
        assert dsl_client.get(case).status_code == 200
        assert views.count() == 2
        clock.advance(minutes=2)
        assert dsl_client.get(case).status_code == 200
        assert views.count() == 3
