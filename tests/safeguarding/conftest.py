"""Fixtures for the safeguarding tests: leads with a two-step-verified session, a clock that
can be moved forward, and concerns ready to raise."""

from __future__ import annotations

import pytest

from schools.models import StaffRole
from tests import factories

from .helpers import Clock, mfa_session


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def deputy(school):
    return factories.staff(school, StaffRole.DEPUTY_DSL)


@pytest.fixture
def dsl_client(client, dsl):
    return mfa_session(client, dsl)


@pytest.fixture
def pupil(young_pupil):
    """Isla, Year 4 (ages 8–10), in the Kestrels class the `teacher` fixture teaches."""
    return young_pupil.pupil


@pytest.fixture
def other_pupil(group):
    return factories.pupil(group, "Jack").pupil


@pytest.fixture
def infant(school, teacher):
    """A Year 1 pupil (ages 4–7)."""
    robins = factories.TeachingGroupFactory(
        school=school, name="Robins", year_group=1, teachers=[teacher]
    )
    return factories.pupil(robins, "Amara").pupil


@pytest.fixture
def far_pupil(other_school):
    group = factories.TeachingGroupFactory(school=other_school, name="Elm 4", year_group=4)
    return factories.pupil(group, "Keira").pupil


@pytest.fixture
def raise_concern(teacher, pupil):
    """Raise a staff concern (by the teacher, about Isla unless told otherwise)."""
    from safeguarding.services import concern_raise

    def make(**kwargs):
        kwargs.setdefault("raised_by", teacher)
        kwargs.setdefault("pupil", pupil)
        kwargs.setdefault("what_happened", "She said a man online asked her to keep a secret.")
        return concern_raise(**kwargs)

    return make
