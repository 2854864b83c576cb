import pytest

from safeguarding.screening import DEFAULT_SCREENING_PHRASES, match_phrases, normalise
from safeguarding.services import screen_text, screening_phrases_set


def test_a_default_phrase_matches(school):
    assert screen_text(school=school, text="He said it was our secret.").phrases == ["our secret"]


def test_a_near_miss_does_not_match(school):
    # "our secrets" is not "our secret", and "secretary" is not "secret": whole words only.
    assert screen_text(school=school, text="The secretary keeps our secrets safe.").phrases == []
    assert match_phrases(phrases=["secret"], text="Ask the school secretary") == []


@pytest.mark.parametrize(
    "text",
    [
        "DON'T TELL ANYONE!!!",
        "don’t   tell\nanyone",
        "He said:don't-tell-anyone...",
        "Dont tell anyone ok",
    ],
)
def test_case_punctuation_and_spacing_are_ignored(school, text):
    assert "don't tell anyone" in screen_text(school=school, text=text).phrases


def test_several_phrases_come_back_in_list_order_once_each(school):
    found = screen_text(
        school=school,
        text="I'm scared. He sent me a gift card and said it's our secret, our secret!",
    ).phrases
    assert found == ["our secret", "sent me a gift", "gift card", "i'm scared"]


def test_empty_text_matches_nothing(school):
    assert screen_text(school=school, text="").phrases == []
    assert screen_text(school=school, text="   \n ").phrases == []


def test_the_schools_own_list_replaces_the_defaults(school, dsl):
    screening_phrases_set(school=school, phrases=["Purple Giraffe", "", "purple giraffe"], user=dsl)
    assert screen_text(school=school, text="a PURPLE giraffe!").phrases == ["Purple Giraffe"]
    assert screen_text(school=school, text="it's our secret").phrases == []


def test_other_schools_keep_the_defaults(school, other_school, dsl):
    screening_phrases_set(school=school, phrases=["purple giraffe"], user=dsl)
    assert screen_text(school=other_school, text="it's our secret").phrases == ["our secret"]


def test_defaults_cover_the_areas_dsls_asked_for():
    text = " | ".join(DEFAULT_SCREENING_PHRASES)
    for phrase in (
        "our secret",
        "sent me a gift",
        "asked me to show",
        "threatened me",
        "i'm scared",
    ):
        assert phrase in text
    assert normalise("I'm") == " im "
