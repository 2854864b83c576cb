"""A flag keeps what the detector found (strength, explanation, concepts), and the database
refuses to change them, like everything else a flag says."""

import pytest
from django.db import DatabaseError, connection, transaction

from safeguarding.models import AppendOnlyError, Flag
from safeguarding.services import pupil_text_screen


def test_the_detectors_findings_are_kept_and_cannot_be_changed(young_pupil):
    result = pupil_text_screen(
        pupil=young_pupil.pupil,
        text="a man on my game said he will give me robux if i send a pic",
        source="Quiz “Test”, question q7",
        source_key="test:1",
    )
    assert result.flagged
    flag = Flag.objects.get()
    assert (flag.strength, flag.explanation) == (result.strength, result.explanation)
    assert flag.reason == result.explanation
    assert list(flag.concepts) == list(result.concepts)
    with pytest.raises(AppendOnlyError):
        Flag.objects.filter(pk=flag.pk).update(strength=0)
    for column, value in (("strength", 0), ("explanation", "nothing"), ("concepts", "[]")):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE safeguarding_flag SET {column} = %s WHERE id = %s",  # noqa: S608
                [value, flag.pk],
            )


def test_screening_the_same_text_twice_raises_one_flag(young_pupil):
    for _ in range(2):
        pupil_text_screen(
            pupil=young_pupil.pupil, text="i want to hurt myself", source="x", source_key="k"
        )
    assert Flag.objects.count() == 1


def test_nothing_worrying_raises_nothing(young_pupil):
    result = pupil_text_screen(
        pupil=young_pupil.pupil, text="ask a grown up first", source="x", source_key="k"
    )
    assert not result.flagged and not Flag.objects.exists()
