"""A 4-7 pupil taps "Read aloud" on a lesson step and hears the narration file (its audio
element's time moves on); where there is neither a narration file nor a device voice, the page
says read-aloud isn't available. The tap is real: Chromium keeps its autoplay policy."""

import shutil

import pytest
from playwright.sync_api import expect

from lessons import narration
from lessons.loader import curriculum_load
from lessons.models import LessonPage
from tests import factories

REAL_CURRICULUM = narration.Path(narration.__file__).parent / "curriculum"

NO_DEVICE_VOICE = """
delete window.speechSynthesis;
delete window.SpeechSynthesisUtterance;
"""


@pytest.fixture
def infant(transactional_db, school, teacher, tmp_path):
    shutil.copy(REAL_CURRICULUM / "ages-4-7.yaml", tmp_path / "ages-4-7.yaml")
    curriculum_load(directory=tmp_path)
    group = factories.TeachingGroupFactory(
        school=school, name="Ladybirds", year_group=1, teachers=[teacher]
    )
    return group, factories.pupil(group, "Milly")


@pytest.fixture
def step_audio(infant):
    """The narration of the first lesson's first step, made with espeak-ng for this test."""
    if not shutil.which("espeak-ng"):
        pytest.fail("espeak-ng is missing: `make install` installs it.")
    lesson = LessonPage.objects.live().filter(title="Ask first").get().specific
    step = lesson.steps[0]
    text = narration.step_text(lesson, step)
    target = narration.AUDIO_DIR / narration.audio_name(text, "4-7")
    made = not target.exists()
    if made:
        narration.AUDIO_DIR.mkdir(parents=True, exist_ok=True)
        target.write_bytes(narration.wav_to_mp3(narration.synthesise_wav(text, speed=125)))
    yield target
    if made:
        target.unlink(missing_ok=True)


def open_first_step(page, login_pupil, infant):
    group, credentials = infant
    login_pupil(
        page, code=group.code, name="Milly", pictures=credentials.picture_password.split("-")
    )
    page.get_by_role("link", name="Start: Ask first").click()
    page.get_by_role("button", name="Start the lesson").click()
    expect(page.get_by_role("heading", name="Meet Milo")).to_be_visible()


def wait_until_playing(page, seconds=0.5):
    # Polled from here: the page's CSP forbids the eval that wait_for_function would use.
    for _ in range(150):
        if page.evaluate("document.querySelector('audio').currentTime") > seconds:
            return
        page.wait_for_timeout(100)
    raise AssertionError("the narration did not play")


def test_pupil_taps_read_aloud_and_hears_the_narration(
    page, assert_accessible, login_pupil, infant, step_audio
):
    open_first_step(page, login_pupil, infant)
    audio = page.locator("audio[data-read-aloud-audio]")
    expect(audio).to_have_count(1)
    # Nothing plays before the tap.
    assert page.evaluate("document.querySelector('audio').paused")
    page.get_by_role("button", name="Read aloud").click()
    expect(audio).to_be_visible()
    wait_until_playing(page)
    expect(page.get_by_role("button", name="Stop reading")).to_have_attribute(
        "aria-pressed", "true"
    )
    # The text on the page is the transcript: it is still all there.
    expect(page.get_by_text("Milo has a toy dinosaur called Rex.")).to_be_visible()
    assert_accessible(page, context="step with narration playing")
    page.get_by_role("button", name="Stop reading").click()
    assert page.evaluate("document.querySelector('audio').paused")


def test_without_a_file_or_a_device_voice_the_page_says_so(
    page, assert_accessible, login_pupil, infant, step_audio
):
    page.context.add_init_script(NO_DEVICE_VOICE)
    open_first_step(page, login_pupil, infant)
    step_audio.unlink()  # the narration file goes missing after the page was served
    page.get_by_role("button", name="Read aloud").click()
    expect(page.get_by_text("Read-aloud isn't available on this device.")).to_be_visible()
    expect(page.get_by_role("button", name="Read aloud")).to_be_hidden()
    assert_accessible(page, context="read-aloud not available")

    # A step with no narration at all says so straight away.
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Read-aloud isn't available on this device.")).to_be_visible()


@pytest.fixture
def quiz_audio(infant):
    """A 4-7 quiz attempt whose first question shows its options back to front, and the
    narration files of that question (made with espeak-ng for this test)."""
    from quizzes import services as quiz_services
    from tests.quizzes.helpers import make_quiz

    if not shutil.which("espeak-ng"):
        pytest.fail("espeak-ng is missing: `make install` installs it.")
    group, credentials = infant
    quiz = make_quiz(key="ages-4-7/test-lesson", age_band="4-7", feedback="at_end")
    attempt = quiz_services.attempt_start(pupil=credentials.pupil, quiz=quiz)
    first = quiz_services.attempt_questions(attempt)[0]
    shown = sorted(first.options.all(), key=lambda o: (o.sort_order, o.pk))[::-1]
    attempt.option_orders = {**attempt.option_orders, str(first.pk): [o.pk for o in shown]}
    attempt.save(update_fields=["option_orders"])
    made = []
    names = []
    for part in narration.question_parts(first, shown):
        target = narration.AUDIO_DIR / narration.audio_name(part, "4-7")
        names.append(target.name)
        if not target.exists():
            narration.AUDIO_DIR.mkdir(parents=True, exist_ok=True)
            target.write_bytes(narration.wav_to_mp3(narration.synthesise_wav(part, speed=125)))
            made.append(target)
    yield attempt, shown, names
    for target in made:
        target.unlink(missing_ok=True)


def test_a_quiz_question_is_read_in_the_order_on_screen(page, login_pupil, infant, quiz_audio):
    group, credentials = infant
    attempt, shown, names = quiz_audio
    login_pupil(
        page, code=group.code, name="Milly", pictures=credentials.picture_password.split("-")
    )
    page.goto(f"/quizzes/attempts/{attempt.pk}/questions/1/")
    form = page.locator(".quiz-card form").inner_text()
    places = [form.index(option.text) for option in shown]
    assert places == sorted(places)  # the options are on screen back to front

    page.get_by_role("button", name="Read aloud").click()
    heard = []
    for _ in range(300):  # up to 30 s: the question, then each option in turn
        src = page.evaluate("document.querySelector('audio[data-read-aloud-audio]').src")
        name = src.rsplit("/", 1)[-1]
        if not heard or heard[-1] != name:
            heard.append(name)
        paused = page.evaluate("document.querySelector('audio[data-read-aloud-audio]').paused")
        if paused and len(heard) > 1 and name == names[0]:
            break
        page.wait_for_timeout(100)
    # Played through in screen order, then ready to start again from the question.
    assert heard == [*names, names[0]]
    expect(page.get_by_role("button", name="Read aloud")).to_have_attribute("aria-pressed", "false")
