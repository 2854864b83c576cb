""" "Talk to someone": calm, every field optional, one tap is enough, and easy to leave."""

import uuid

import pytest
from django.urls import reverse

from safeguarding.models import Concern, ConcernSource

TALK = reverse("safeguarding:talk")
SENT = reverse("safeguarding:talk_sent")


@pytest.fixture
def pupil_client(client, pupil):
    client.force_login(pupil.user)
    return client


def test_the_page_offers_feelings_as_pictures_and_simple_choices(pupil_client):
    page = pupil_client.get(TALK)
    assert page.status_code == 200
    html = page.text
    for label in ("Worried", "Sad", "Scared", "Something online", "I don&#x27;t mind"):
        assert label in html
    assert 'src="/static/safeguarding/feelings/worried.svg" alt=""' in html
    assert 'for="feeling-worried"' in html  # the picture's name comes from its label
    assert "Hide this page" in html
    assert reverse("times_tables") in html  # the neutral address, not /safeguarding/…
    assert 'name="submission"' in html
    assert "<script" not in html.split("</main>")[0]  # no inline script in the page body


def test_one_tap_with_nothing_filled_in_raises_a_concern(pupil_client, pupil, dsl):
    response = pupil_client.post(TALK, {})
    assert response.status_code == 303 and response.url == SENT
    concern = Concern.objects.get()
    assert (concern.pupil, concern.source, concern.what_happened) == (
        pupil,
        ConcernSource.PUPIL,
        "",
    )


def test_what_the_pupil_chose_is_kept(pupil_client, pupil, dsl):
    pupil_client.post(
        TALK,
        {
            "feeling": "scared",
            "about": "someone_online",
            "details": "Someone in a game keeps asking for photos.",
            "talk_to": "teacher",
            "submission": str(uuid.uuid4()),
        },
    )
    concern = Concern.objects.get()
    assert (concern.feeling, concern.about, concern.talk_to) == (
        "scared",
        "someone_online",
        "teacher",
    )
    assert concern.what_happened == "Someone in a game keeps asking for photos."


def test_double_submit_raises_one_concern(pupil_client, dsl):
    data = {"feeling": "sad", "submission": str(uuid.uuid4())}
    assert pupil_client.post(TALK, data).status_code == 303
    assert pupil_client.post(TALK, data).status_code == 303
    assert Concern.objects.count() == 1


def test_nonsense_choices_are_refused_kindly(pupil_client, dsl):
    response = pupil_client.post(TALK, {"feeling": "<b>evil</b>", "about": "x"})
    assert response.status_code == 200
    assert not Concern.objects.exists()


def test_huge_text_gets_a_clear_message_and_is_kept(pupil_client, settings, dsl):
    settings.STREAMWISE_SAFEGUARDING_PUPIL_TEXT_MAX_CHARS = 500
    text = "help " * 200
    response = pupil_client.post(TALK, {"details": text, "feeling": "worried"})
    assert response.status_code == 200
    assert "Please make it shorter" in response.text
    assert text.strip() in response.text  # nothing the child typed is lost
    assert 'value="worried" checked' in response.text
    assert not Concern.objects.exists()


def test_script_in_every_field_is_inert(pupil_client, dsl):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = pupil_client.post(
        TALK, {"details": attack, "feeling": attack, "about": attack, "talk_to": attack}
    )
    assert "<script>alert" not in response.text
    assert "<img src=x" not in response.text
    assert "&lt;script&gt;" in response.text


def test_what_happens_next_with_childline_and_ceop_for_8_plus(pupil_client):
    page = pupil_client.get(SENT).text
    assert "What happens next" in page
    assert 'href="tel:08001111"' in page and "0800 1111" in page
    assert "CEOP" in page and "ceop.police.uk" in page
    assert "Hide this page" in page


def test_young_children_get_simple_words_and_no_ceop(client, infant, dsl):
    client.force_login(infant.user)
    talk = client.get(TALK).text
    assert "A grown-up at school can help" in talk
    assert "band-4-7" in talk
    assert client.post(TALK, {}).status_code == 303
    sent = client.get(SENT).text
    assert "0800 1111" in sent
    assert "CEOP" not in sent


@pytest.mark.parametrize("fixture", ["older_pupil"])
def test_older_pupils_get_the_page_too(client, request, fixture, dsl):
    pupil = request.getfixturevalue(fixture).pupil
    client.force_login(pupil.user)
    assert "band-11-13" in client.get(TALK).text
    client.post(TALK, {"details": "x"})
    assert "CEOP" in client.get(SENT).text


def test_only_pupils_use_this_page(client, teacher):
    assert client.get(TALK).status_code == 302  # to the login page
    client.force_login(teacher)
    assert client.get(TALK).status_code == 403
    assert client.post(TALK, {}).status_code == 403
    assert not Concern.objects.exists()


def test_the_quick_exit_page_is_neutral_and_open_to_all(client):
    page = client.get(reverse("safeguarding:quick_exit"))
    assert page.status_code == 200
    assert "Times tables" in page.text and "<td>144</td>" in page.text
    for word in ("safeguard", "talk to someone", "worr", "concern", "help"):
        assert word not in page.text.lower()


def test_the_quick_exit_can_point_elsewhere(pupil_client, settings):
    settings.STREAMWISE_QUICK_EXIT_URL = "https://www.bbc.co.uk/weather"
    assert 'href="https://www.bbc.co.uk/weather"' in pupil_client.get(TALK).text


def test_every_pupil_page_links_to_talk_to_someone(pupil_client):
    home = pupil_client.get(reverse("learn_home"))
    assert home.status_code == 200
    assert f'href="{TALK}"' in home.text
