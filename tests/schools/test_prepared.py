"""Queries compiled once per process (schools.prepared) give what the ORM gives (issue 16)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from schools.models import Pupil
from schools.prepared import PreparedQuery
from schools.sessions import SessionStore
from schools.views import PUPIL_BACKEND
from tests import factories

User = get_user_model()


def _accounts():
    return PreparedQuery(
        lambda pk: User.objects.select_related("pupil").filter(pk=pk), pk=User._meta.pk
    )


def test_the_rows_and_their_related_row_are_the_orms(
    group, other_school, django_assert_num_queries
):
    first = factories.pupil(group, display_name="Ada").pupil.user
    second = factories.pupil(
        factories.TeachingGroupFactory(school=other_school), display_name="Ben"
    ).pupil.user
    query = _accounts()
    for account in (first, second):  # compiled once, run with each value
        with django_assert_num_queries(1):
            (found,) = query.fetch(pk=account.pk)
            assert found.pupil.display_name == account.pupil.display_name
        expected = User.objects.get(pk=account.pk)
        for field in User._meta.concrete_fields:
            assert getattr(found, field.attname) == getattr(expected, field.attname)
        assert found._state.adding is False and found._state.db == "default"
    assert query.fetch(pk=second.pk + 1000) == []


def test_a_parameter_the_query_never_uses_is_refused(db):
    unused = PreparedQuery(
        lambda pk, name: Pupil.objects.filter(pk=pk),
        pk=Pupil._meta.pk,
        name=Pupil._meta.get_field("display_name"),
    )
    with pytest.raises(ImproperlyConfigured, match="name"):
        unused.fetch(pk=1, name="Ada")


def test_a_parameter_of_an_unknown_kind_is_refused(db):
    flag = PreparedQuery(
        lambda active: User.objects.filter(is_active=active),
        active=User._meta.get_field("is_active"),
    )
    with pytest.raises(ImproperlyConfigured, match="BooleanField"):
        flag.fetch(active=True)


def test_the_session_store_reads_live_sessions_and_never_expired_ones(db):
    store = SessionStore()
    store["colour"] = "green"
    store.create()
    assert SessionStore(store.session_key).load() == {"colour": "green"}
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None  # as Django's store: a new key on the next save
    assert SessionStore("no-such-session-key-at-all-here").load() == {}


def test_a_pupil_logged_out_cannot_come_back_with_the_old_cookie(group):
    client = Client()
    client.force_login(factories.pupil(group).pupil.user, backend=PUPIL_BACKEND)
    cookie = client.cookies["sessionid"].value
    assert client.get(reverse("learn_home")).status_code == 200
    client.post(reverse("pupil_logout"))
    client.cookies["sessionid"] = cookie
    assert client.get(reverse("learn_home")).status_code == 302
