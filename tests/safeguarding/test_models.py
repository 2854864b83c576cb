"""The record cannot be changed or deleted, by the ORM or directly in the database."""

import pytest
from django.db import DatabaseError, connection, transaction

from safeguarding.models import (
    AccessLogEntry,
    AppendOnlyError,
    ChronologyEntry,
    Concern,
    ConcernStatus,
    Flag,
)
from safeguarding.services import access_log_record, flag_raise
from schools.models import StaffRole
from tests import factories


def test_a_chronology_entry_cannot_be_edited_or_deleted(raise_concern, dsl):
    concern = raise_concern()
    entry = concern.entries.get()
    entry.text = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.save(update_fields=["text"])
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        ChronologyEntry.objects.filter(pk=entry.pk).update(text="rewritten")
    with pytest.raises(AppendOnlyError):
        ChronologyEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.text != "rewritten"


def test_what_a_concern_says_cannot_change_but_its_status_can(raise_concern):
    concern = raise_concern()
    concern.what_happened = "something else"
    with pytest.raises(AppendOnlyError):
        concern.save()
    with pytest.raises(AppendOnlyError):
        concern.save(update_fields=["what_happened"])
    with pytest.raises(AppendOnlyError):
        concern.delete()
    with pytest.raises(AppendOnlyError):
        Concern.objects.all().delete()
    Concern.objects.filter(pk=concern.pk).update(status=ConcernStatus.OPEN)
    assert Concern.objects.get(pk=concern.pk).status == ConcernStatus.OPEN


def _sql_fails(sql, params=()):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_refuses_changes_too(raise_concern, dsl):
    concern = raise_concern()
    entry = concern.entries.get()
    access_log_record(user=dsl, action="view_case", concern=concern)
    flag = flag_raise(pupil=concern.pupil, source="Quiz", text_excerpt="x", reason="y")

    _sql_fails("UPDATE safeguarding_chronologyentry SET text = %s WHERE id = %s", ["x", entry.pk])
    _sql_fails("UPDATE safeguarding_accesslogentry SET detail = %s", ["x"])
    _sql_fails(
        "UPDATE safeguarding_concern SET what_happened = %s WHERE id = %s", ["x", concern.pk]
    )
    _sql_fails("UPDATE safeguarding_flag SET text_excerpt = %s WHERE id = %s", ["changed", flag.pk])
    # Workflow state is not content: the database lets the services move it on.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE safeguarding_concern SET status = %s WHERE id = %s", ["open", concern.pk]
        )
        cursor.execute(
            "UPDATE safeguarding_flag SET status = %s WHERE id = %s", ["dismissed", flag.pk]
        )
    if connection.vendor == "postgresql":
        _sql_fails("DELETE FROM safeguarding_chronologyentry")
        _sql_fails("DELETE FROM safeguarding_concern")
        _sql_fails("DELETE FROM safeguarding_accesslogentry")
    assert ChronologyEntry.objects.filter(pk=entry.pk, text="x").count() == 0
    assert AccessLogEntry.objects.filter(detail="x").count() == 0
    assert Flag.objects.get(pk=flag.pk).text_excerpt == "x"


def test_a_pupil_with_a_concern_cannot_be_deleted(raise_concern):
    from django.db.models import ProtectedError

    concern = raise_concern()
    with pytest.raises(ProtectedError):
        concern.pupil.delete()


class TestWhoSeesConcerns:
    def test_the_schools_leads_see_every_concern_and_nobody_else_does(
        self, raise_concern, school, other_school, dsl, deputy, teacher, school_admin
    ):
        concern = raise_concern()
        editor = factories.UserFactory()
        superuser = factories.UserFactory(is_superuser=True, is_staff=True)
        far_dsl = factories.staff(other_school, StaffRole.DSL)
        assert list(Concern.objects.visible_to(dsl)) == [concern]
        assert list(Concern.objects.visible_to(deputy)) == [concern]
        for user in (teacher, school_admin, editor, superuser, far_dsl, concern.pupil.user):
            assert not Concern.objects.visible_to(user).exists(), user

    def test_a_teacher_sees_only_the_concerns_they_raised_for_status(
        self, raise_concern, teacher, school, pupil, dsl
    ):
        mine = raise_concern()
        raise_concern(raised_by=dsl)
        assert list(Concern.objects.raised_by(teacher)) == [mine]
