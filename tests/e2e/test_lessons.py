"""A pupil logs in, completes a lesson with every activity type, leaves another halfway and
comes back to it, and completes a lesson with a quiz only once the quiz is passed. Every page
they see passes axe; answers come back without a page reload."""

import re
import shutil

import pytest
import yaml
from playwright.sync_api import expect

from lessons.loader import curriculum_load
from lessons.models import LessonProgress, ProgressStatus
from quizzes.models import Attempt, QuestionType
from quizzes.services import attempt_questions
from tests.lessons.conftest import FIXTURE_CURRICULUM
from tests.quizzes.helpers import spec


@pytest.fixture
def lessons_loaded(transactional_db):
    curriculum_load(directory=FIXTURE_CURRICULUM)


def next_step(page):
    # Wait for the navigation the click starts, not for the current page's load state
    # (which is already "loaded" when the click returns).
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Next", exact=True).click()


def mark_page(page):
    """Set a flag that only survives if the page is not reloaded."""
    page.evaluate("window.__noReload = true")


def assert_not_reloaded(page):
    assert page.evaluate("window.__noReload === true"), "the page reloaded"


def test_pupil_completes_a_lesson_and_resumes_another(
    page, assert_accessible, login_pupil, young_pupil, lessons_loaded
):
    group = young_pupil.pupil.teaching_groups.get()
    login_pupil(
        page, code=group.code, name="Isla", pictures=young_pupil.picture_password.split("-")
    )
    expect(page.get_by_role("heading", name="Test module 8-10")).to_be_visible()
    assert_accessible(page, context="my lessons")

    page.get_by_role("link", name="Start: Every activity").click()
    expect(page.get_by_role("heading", name="Our ground rules")).to_be_visible()
    assert_accessible(page, context="ground rules")
    page.get_by_role("button", name="Start the lesson").click()

    # Step 1: a story. The read-aloud button appears where speech synthesis exists.
    expect(page.get_by_text("Jas likes to draw.")).to_be_visible()
    if page.evaluate("'speechSynthesis' in window"):
        expect(page.get_by_role("button", name="Read aloud")).to_be_visible()
    assert_accessible(page, context="story step")
    next_step(page)

    # Step 2: What would you do? with a branch.
    mark_page(page)
    page.get_by_label("Reply with her town.").check()
    page.get_by_role("button", name="Choose").click()
    expect(page.get_by_text("The viewer asks for her school too.")).to_be_visible()
    page.get_by_label("Stop and tell a grown-up.").check()
    page.get_by_role("button", name="Choose").click()
    expect(page.get_by_text("That's the end of the story.")).to_be_visible()
    assert_not_reloaded(page)
    assert_accessible(page, context="what would you do")
    next_step(page)

    # Step 3: Sort it, by keyboard: focus a choice and press Space.
    mark_page(page)
    for card, group_label in [
        ("A friend says great video", "OK"),
        ("A stranger asks for a photo", "Not OK"),
        ("A new app wants your camera", "Ask a grown-up"),
    ]:
        radio = page.get_by_role("group", name=card).get_by_label(group_label, exact=True)
        radio.focus()
        page.keyboard.press("Space")
        expect(radio).to_be_checked()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_text("You sorted 3 of 3 cards the way we would.")).to_be_focused()
    assert_not_reloaded(page)
    assert_accessible(page, context="sort it")
    next_step(page)

    # Step 4: Spot the signs, with toggle buttons.
    mark_page(page)
    for author in ("Gifts4U", "X"):
        toggle = page.get_by_role("button", name=re.compile(rf"^{author} "))
        expect(toggle).to_have_attribute("aria-pressed", "false")
        toggle.click()
        expect(toggle).to_have_attribute("aria-pressed", "true")
    assert_accessible(page, context="spot the signs, tapped")
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_text("You found 2 of 2 warning signs.")).to_be_visible()
    assert_not_reloaded(page)
    assert_accessible(page, context="spot the signs, checked")
    next_step(page)

    # Step 5: True or false.
    page.get_by_role("group", name="Everyone online is who they say.").get_by_label("False").check()
    page.get_by_role("group", name="You can always tell a trusted adult.").get_by_label(
        "True"
    ).check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_text("You got 2 of 2.")).to_be_visible()
    assert_accessible(page, context="true or false")
    next_step(page)

    # Step 6: Reveal cards.
    page.get_by_role("button", name="Turn over: How old for most apps?").click()
    expect(page.get_by_text("13.", exact=True)).to_be_focused()
    page.get_by_role("button", name="Turn over: Who can you tell?").click()
    expect(page.get_by_text("You have turned over every card.")).to_be_visible()
    assert_accessible(page, context="reveal cards")
    next_step(page)

    # Step 7: key message; step 8: help and signposting, and the lesson is complete.
    expect(page.get_by_text("If something feels wrong, tell a trusted adult.")).to_be_visible()
    next_step(page)
    expect(page.get_by_text("0800 1111")).to_be_visible()
    expect(page.get_by_text("Well done! You have finished this lesson.")).to_be_visible()
    assert_accessible(page, context="help step, lesson complete")
    progress = LessonProgress.objects.get(lesson__slug="every-activity")
    assert progress.status == ProgressStatus.COMPLETED

    # A second lesson: leave halfway through…
    page.get_by_role("link", name="Back to my lessons").click()
    page.get_by_role("link", name="Start: Two activities").click()
    page.get_by_role("button", name="Start the lesson").click()
    page.get_by_label("True", exact=True).check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_text("You got 1 of 1.")).to_be_visible()
    next_step(page)
    expect(page.get_by_text("Step 2 of 3")).to_be_visible()
    page.get_by_role("link", name="My lessons").click()

    # …and come back to it.
    expect(page.get_by_role("heading", name="Carry on where you left off")).to_be_visible()
    assert_accessible(page, context="my lessons, one in progress")
    page.get_by_role("link", name="Carry on: Two activities").click()
    expect(page.get_by_text("Welcome back! Carry on where you left off.")).to_be_visible()
    expect(page.get_by_text("Step 2 of 3")).to_be_visible()
    assert_accessible(page, context="resumed lesson")
    page.get_by_role("button", name="Turn over: Block").click()
    expect(page.get_by_text("Stops them contacting you.")).to_be_visible()
    next_step(page)
    expect(page.get_by_text("Well done! You have finished this lesson.")).to_be_visible()


def test_activities_work_without_javascript(browser, live_server, lessons_loaded, young_pupil):
    """With scripts off, every activity is a plain form that posts and shows the step again."""
    from django.test import Client

    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    client = Client()
    client.force_login(young_pupil.pupil.user)
    cookie = client.cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
    page = context.new_page()
    try:
        page.goto("/test-8-10/every-activity/step/4/")
        page.get_by_label("private chat for coins?", exact=False).check()
        page.get_by_label("don't tell your mum", exact=False).check()
        page.get_by_role("button", name="Check my answers").click()
        expect(page.get_by_text("You found 2 of 2 warning signs.")).to_be_visible()
        assert re.search(r"/step/4/#activity-", page.url)
    finally:
        context.close()


def _answer_whatever_is_on_the_step(page):
    """Answer each activity on the current step (not necessarily correctly)."""
    for activity in page.locator(".activity--what_would_you_do").all():
        for answered in range(1, 8):  # a branching story: keep choosing until it ends
            if activity.get_by_text("That's the end of the story").count():
                break
            form = activity.locator("form").last
            form.locator("input[type=radio]").first.check()
            form.get_by_role("button").click()
            expect(activity.locator(".scene--answered")).to_have_count(answered)
    for activity in page.locator(".activity--sort_it, .activity--true_or_false").all():
        for group in activity.locator(".segmented-field").all():
            group.locator("input[type=radio]").first.check()
        activity.get_by_role("button", name="Check my answers").click()
        expect(activity.locator(".activity__score")).to_be_visible()
    for activity in page.locator(".activity--spot_the_signs").all():
        activity.locator(".chat__toggle").first.click()
        activity.get_by_role("button", name="Check my answers").click()
        expect(activity.locator(".activity__score")).to_be_visible()
    turn_over = page.get_by_role("button", name=re.compile("^Turn over"))
    for remaining in range(turn_over.count() - 1, -1, -1):
        turn_over.first.click()
        expect(turn_over).to_have_count(remaining)


def _pass_the_quiz(page, *, pupil, quiz):
    """Answer every question of the pupil's open attempt right (the database knows what is
    right), skipping the free-text reflection, then hand the quiz in."""
    attempt = Attempt.objects.open().get(pupil=pupil, quiz=quiz)
    questions = attempt_questions(attempt)
    for number, question in enumerate(questions, start=1):
        expect(page.get_by_text(f"Question {number} of {len(questions)}")).to_be_visible()
        options = sorted(question.options.all(), key=lambda o: o.sort_order)
        if question.kind == QuestionType.FREE_TEXT:
            page.get_by_role("link", name="Skip this question").click()
            continue
        if question.kind == QuestionType.TRUE_FALSE:
            page.get_by_label("True" if question.answer else "False", exact=True).check()
        elif question.kind == QuestionType.ORDERING:
            cards = page.locator(".quiz-cards__list .quiz-card-button")
            for place, option in enumerate(options, start=1):
                if not cards.count():  # ages 11+: a select for each place
                    select = page.get_by_label(f"Number {place}", exact=True)
                    select.select_option(label=option.text)
                elif cards.nth(place - 1).inner_text() != option.text:  # cards: tap, then swap
                    cards.filter(has_text=re.compile(f"^{re.escape(option.text)}$")).click()
                    cards.nth(place - 1).click()
        elif question.kind == QuestionType.MATCHING:
            pool = page.locator(".quiz-cards__pool")
            for option in options:
                if not pool.count():
                    page.get_by_label(option.text, exact=True).select_option(label=option.match)
                    continue
                pool.get_by_role("button", name=option.match, exact=True).click()
                name = re.compile(f"^{re.escape(option.text)}: ")
                page.locator(".quiz-cards__targets").get_by_role("button", name=name).click()
        else:
            for option in options:
                if option.correct:
                    page.get_by_label(option.text, exact=True).check()
        page.get_by_role("button", name="Check my answer").click()
        expect(page.locator("#feedback")).to_be_visible()
        last = number == len(questions)
        page.get_by_role("link", name="Finish" if last else "Next question", exact=True).click()
    page.get_by_role("button", name="Finish and see how I did").click()
    expect(page.get_by_role("heading", name="You finished the quiz!")).to_be_visible()


def _skip_the_whole_quiz(page):
    """Hand the quiz in without answering anything (a score of 0: not a pass)."""
    # Each skip loads a new page: wait for it before looking for the next link, so a page
    # still loading is never taken for the end of the quiz.
    total = int(re.search(r"of (\d+)", page.locator("#quiz-count").inner_text()).group(1))
    for number in range(1, total + 1):
        expect(page.locator("#quiz-count")).to_have_text(f"Question {number} of {total}")
        page.get_by_role("link", name="Skip this question").click()
    page.get_by_role("button", name="Finish and see how I did").click()
    expect(page.get_by_role("heading", name="You finished the quiz!")).to_be_visible()


def _card_status(page, title: str):
    return page.locator(".lesson-card", has=page.get_by_role("heading", name=title))


@pytest.fixture
def quiz_curriculum(transactional_db, tmp_path):
    """The test curriculum, with the quizzes app's test quiz at the end of "Two activities"
    (seven questions, two goes, 60% to pass)."""
    directory = tmp_path / "curriculum"
    shutil.copytree(FIXTURE_CURRICULUM, directory)
    path = directory / "ages-8-10.yaml"
    data = yaml.safe_load(path.read_text())
    data["lessons"][1]["quiz"] = spec()
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    curriculum_load(directory=directory)


def test_a_lesson_with_a_quiz_is_complete_only_once_the_quiz_is_passed(
    page, assert_accessible, login_pupil, young_pupil, quiz_curriculum
):
    pupil = young_pupil.pupil
    login_pupil(
        page,
        code=pupil.teaching_groups.get().code,
        name="Isla",
        pictures=young_pupil.picture_password.split("-"),
    )
    page.get_by_role("link", name="Start: Two activities").click()
    page.get_by_role("button", name="Start the lesson").click()
    page.get_by_label("True", exact=True).check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_text("You got 1 of 1.")).to_be_visible()
    next_step(page)
    page.get_by_role("button", name="Turn over: Block").click()
    expect(page.get_by_text("Stops them contacting you.")).to_be_visible()
    next_step(page)

    # The last step: every activity done, but the lesson waits for the quiz.
    expect(page.get_by_text("0800 1111")).to_be_visible()
    expect(page.get_by_role("heading", name="Quiz time")).to_be_visible()
    expect(page.get_by_text("Well done! You have finished this lesson.")).to_have_count(0)
    assert_accessible(page, context="last step, quiz to take")
    progress = LessonProgress.objects.get(pupil=pupil, lesson__slug="two-activities")
    assert progress.status == ProgressStatus.IN_PROGRESS

    # A first go that does not reach the pass mark.
    page.get_by_role("link", name="Take the quiz").click()
    expect(page.get_by_role("heading", name="Check what you learned")).to_be_visible()
    page.get_by_role("button", name="Start the quiz").click()
    _skip_the_whole_quiz(page)
    assert_accessible(page, context="quiz result, not passed")
    page.get_by_role("link", name="Back to the lesson").click()
    expect(page.get_by_role("heading", name="Getting help")).to_be_visible()
    expect(page.get_by_text("Good try! Have another go at the quiz")).to_be_visible()
    expect(page.get_by_text("Well done! You have finished this lesson.")).to_have_count(0)
    assert_accessible(page, context="last step after a first go at the quiz")
    page.get_by_role("link", name="My lessons", exact=True).click()
    expect(_card_status(page, "Two activities")).to_contain_text("In progress")

    # A retake within the limit passes, and now the lesson is complete.
    page.get_by_role("link", name=re.compile("^Carry on: Two activities")).first.click()
    page.get_by_role("link", name="Have another go at the quiz").click()
    page.get_by_role("button", name="Have another go").click()
    _pass_the_quiz(page, pupil=pupil, quiz=progress.lesson.quiz)
    expect(page.get_by_text("You got 6 out of 6.")).to_be_visible()
    assert_accessible(page, context="quiz result, passed")
    page.get_by_role("link", name="Back to the lesson").click()
    expect(page.get_by_text("Well done! You have finished this lesson.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("quiz"))).to_have_count(0)
    assert_accessible(page, context="last step, lesson complete after the quiz")
    progress.refresh_from_db()
    assert progress.status == ProgressStatus.COMPLETED
    page.get_by_role("link", name="My lessons", exact=True).click()
    expect(_card_status(page, "Two activities")).to_contain_text("Completed")
    assert_accessible(page, context="my lessons, quiz lesson complete")


@pytest.mark.parametrize(
    ("year_group", "band"), [(1, "4-7"), (4, "8-10"), (7, "11-13"), (10, "14-16")]
)
def test_a_pupil_in_each_age_band_completes_a_real_lesson(
    page, assert_accessible, login_pupil, school, year_group, band
):
    """The real curriculum: log in, open the module, do its first lesson, pass the lesson's quiz
    and see the lesson complete; axe throughout."""
    from h5p.demo import load_h5p_demo
    from lessons.loader import CURRICULUM_DIR, curriculum_files
    from tests import factories

    if not curriculum_files(CURRICULUM_DIR):
        pytest.skip("lessons/curriculum/ has no YAML files yet")
    load_h5p_demo()  # some lessons embed the demo H5P activities
    curriculum_load(directory=CURRICULUM_DIR)
    group = factories.TeachingGroupFactory(
        school=school, name=f"Y{year_group}", year_group=year_group
    )
    credentials = factories.pupil(group, "Robin")
    if credentials.picture_password:
        login_pupil(
            page, code=group.code, name="Robin", pictures=credentials.picture_password.split("-")
        )
    else:
        login_pupil(page, code=group.code, name="Robin", password=credentials.password)
    assert page.evaluate(f"document.body.classList.contains('band-{band}')")

    page.locator(".module-section h2 a").first.click()
    assert_accessible(page, context=f"{band} module page")
    page.locator(".lesson-card .button").first.click()
    assert_accessible(page, context=f"{band} ground rules")
    page.get_by_role("button", name="Start the lesson").click()
    for _ in range(20):
        _answer_whatever_is_on_the_step(page)
        assert_accessible(page, context=f"{band} {page.url}")
        if not page.get_by_role("button", name="Next", exact=True).count():
            break
        next_step(page)
    expect(page.get_by_text("0800 1111")).to_be_visible()
    expect(page.get_by_text("Well done! You have finished this lesson.")).to_have_count(0)

    lesson = LessonProgress.objects.get(pupil=credentials.pupil).lesson
    page.get_by_role("link", name="Take the quiz").click()
    assert_accessible(page, context=f"{band} quiz start page")
    page.get_by_role("button", name="Start the quiz").click()
    _pass_the_quiz(page, pupil=credentials.pupil, quiz=lesson.quiz)
    assert_accessible(page, context=f"{band} quiz result")
    page.get_by_role("link", name="Back to the lesson").click()
    expect(page.get_by_text("Well done! You have finished this lesson.")).to_be_visible()
    assert LessonProgress.objects.get(pupil=credentials.pupil).is_completed
