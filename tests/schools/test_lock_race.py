"""The per-pupil lock under many wrong guesses sent at once (threads, each with its own database
connection): no more than the limit are ever checked. Row locking is what is tested, so this
runs on PostgreSQL (DATABASE_URL); SQLite runs one writer at a time and is skipped."""

import threading
import time

import pytest
from django.db import connection

from schools import services
from schools.services import PupilLoginResult, pupil_login_check
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent row updates need PostgreSQL (set DATABASE_URL).")


@pytest.fixture
def counted_checks(monkeypatch):
    """Count every secret that is actually checked; each check takes a little while, as a
    password hash does, so that guesses really overlap."""
    real = services._secret_matches
    checked = []
    lock = threading.Lock()

    def counting(pupil, secret):
        with lock:
            checked.append(secret)
        time.sleep(0.05)
        return real(pupil, secret)

    monkeypatch.setattr(services, "_secret_matches", counting)
    return checked


def guess_all_at_once(pupil, secrets_):
    barrier = threading.Barrier(len(secrets_))
    results, errors = [], []

    def guess(secret):
        try:
            barrier.wait()
            results.append(pupil_login_check(pupil=pupil, secret=secret))
        except Exception as error:  # collected for the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(secret,)) for secret in secrets_]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results


@pytest.mark.parametrize(("year_group", "guesses"), [(4, 40), (8, 30)])
def test_guesses_sent_at_once_check_no_more_than_the_limit(
    counted_checks, settings, year_group, guesses
):
    settings.STREAMWISE_PUPIL_LOGIN_MAX_FAILURES = 5
    school = factories.SchoolFactory(name="Race", slug="race")
    group = factories.TeachingGroupFactory(school=school, name="Racers", year_group=year_group)
    credentials = factories.pupil(group, "Robin", year_group=year_group)
    pupil = credentials.pupil
    right = credentials.picture_password or credentials.password
    wrong = [f"wrong-guess-{n}" for n in range(guesses)]

    results = guess_all_at_once(pupil, wrong)

    assert len(results) == guesses
    assert len(counted_checks) <= 5, f"{len(counted_checks)} of {guesses} guesses were checked"
    assert PupilLoginResult.OK not in results
    assert results.count(PupilLoginResult.WRONG) + 1 >= len(counted_checks) > 0
    pupil.refresh_from_db()
    assert pupil.is_locked
    # Locked means locked: even the right secret is not checked now.
    assert pupil_login_check(pupil=pupil, secret=right) == PupilLoginResult.LOCKED
    assert len(counted_checks) <= 5
