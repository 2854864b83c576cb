"""A pupil takes a quiz with every question type, sees feedback, retakes it within the limit,
and a teacher reads the class's results; every page passes axe."""

import re

from playwright.sync_api import expect

from tests import factories
from tests.quizzes.helpers import make_quiz

PASSWORD = "correct-horse-battery"


def check_answer(page, assert_accessible, *, heading: str, expect_text: str, context: str):
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator("#feedback")).to_contain_text(expect_text)
    expect(page.get_by_text(heading)).to_be_visible()
    assert_accessible(page, context=f"{context} with feedback")


def test_a_pupil_takes_every_question_type_and_retakes_within_the_limit(
    page, assert_accessible, login_pupil, login_staff, group
):
    quiz = make_quiz()  # 8–10, two goes allowed, feedback after each question
    credentials = factories.pupil(group, "Isla")
    login_pupil(
        page, code=group.code, name="Isla", pictures=credentials.picture_password.split("-")
    )

    page.goto(f"/quizzes/{quiz.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check what you learned")
    assert_accessible(page, context="quiz start page")
    page.get_by_role("button", name="Start the quiz").click()

    # 1. Single choice, answered wrong: kind feedback and the answer to remember.
    expect(page.get_by_text("Question 1 of 7")).to_be_visible()
    assert_accessible(page, context="single choice question")
    page.get_by_label("Keep the secret").check()
    check_answer(
        page,
        assert_accessible,
        heading="Good try. Here is something to remember.",
        expect_text="Secrets that feel bad are OK to tell.",
        context="single choice",
    )
    page.get_by_role("link", name="Next question").click()

    # 2. Multiple select.
    expect(page.get_by_text("Question 2 of 7")).to_be_visible()
    page.get_by_label("Your home address").check()
    page.get_by_label("Your password").check()
    assert_accessible(page, context="multiple select question")
    check_answer(
        page, assert_accessible, heading="Yes! Well done.", expect_text="Yes.", context="multi"
    )
    page.get_by_role("link", name="Next question").click()

    # 3. True or false.
    page.get_by_label("False").check()
    check_answer(
        page,
        assert_accessible,
        heading="Yes! Well done.",
        expect_text="Pictures can be copied from anywhere.",
        context="true or false",
    )
    page.get_by_role("link", name="Next question").click()

    # 4. Ordering, with cards (ages 8–10): tap a card, then the card to swap it with.
    assert_accessible(page, context="ordering question")
    cards = page.locator(".quiz-cards__list .quiz-card-button")
    for place, text in enumerate(["Block them", "Report them", "Tell a trusted adult"]):
        if cards.nth(place).inner_text() != text:
            cards.filter(has_text=text).click()
            cards.nth(place).click()
        expect(cards.nth(place)).to_have_text(text)
    check_answer(
        page,
        assert_accessible,
        heading="Yes! Well done.",
        expect_text="Block, report, tell.",
        context="ordering",
    )
    page.get_by_role("link", name="Next question").click()

    # 5. Matching, with cards: tap a card, then the place where it goes.
    assert_accessible(page, context="matching question")
    for left, right in [
        ("Private account", "Only people you accept see your videos"),
        ("Comments off", "Nobody can write under your videos"),
        ("Block", "That person cannot contact you"),
    ]:
        page.get_by_role("button", name=right, exact=True).click()
        page.get_by_role("button", name=f"{left}:").click()
    check_answer(
        page,
        assert_accessible,
        heading="Yes! Well done.",
        expect_text="Settings help you stay in control.",
        context="matching",
    )
    page.get_by_role("link", name="Next question").click()

    # 6. Scenario, answered with the keyboard alone.
    expect(page.get_by_text("Jas is live.")).to_be_visible()
    assert_accessible(page, context="scenario question")
    page.get_by_label("Say no and tell her mum").focus()
    page.keyboard.press("Space")
    expect(page.get_by_label("Say no and tell her mum")).to_be_checked()
    page.get_by_role("button", name="Check my answer").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#feedback")).to_contain_text("Jas keeps the chat public")
    page.get_by_role("link", name="Next question").click()

    # 7. Free-text reflection: not marked, just thanked.
    page.get_by_label("What could you say to a friend").fill("Tell a grown-up you trust.")
    assert_accessible(page, context="free text question")
    page.get_by_role("button", name="Save and carry on").click()
    expect(page.locator("#feedback")).to_contain_text("Thank you for sharing your thinking.")
    assert_accessible(page, context="free text thanks")
    page.get_by_role("link", name="Finish").click()

    expect(page.get_by_text("You have answered every question.")).to_be_visible()
    assert_accessible(page, context="finish page")
    page.get_by_role("button", name="Finish and see how I did").click()
    expect(page.get_by_text("You got 5 out of 6.")).to_be_visible()
    expect(page.get_by_role("heading", name="Things to remember")).to_be_visible()
    assert_accessible(page, context="result page")

    # A second go (the limit is two), passing on most questions.
    page.get_by_role("button", name="Have another go").click()
    expect(page.get_by_text("Question 1 of 7")).to_be_visible()
    page.get_by_label("Tell a trusted adult").check()
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator("#feedback")).to_contain_text("Yes! Well done.")
    page.goto(re.sub(r"questions/\d+/.*$", "finish/", page.url))
    expect(page.get_by_text("You skipped 6 questions.")).to_be_visible()
    assert_accessible(page, context="finish page with skipped questions")
    page.get_by_role("button", name="Finish and see how I did").click()
    expect(page.get_by_text("You got 1 out of 6.")).to_be_visible()
    expect(page.get_by_text("You skipped this one.").first).to_be_visible()
    assert_accessible(page, context="second result page")
    expect(page.get_by_role("button", name="Have another go")).to_have_count(0)

    page.goto(f"/quizzes/{quiz.pk}/")
    expect(page.get_by_text("You have had all your goes at this quiz.")).to_be_visible()
    expect(page.get_by_role("button", name="Start the quiz")).to_have_count(0)
    assert_accessible(page, context="quiz page after the limit")

    # The teacher sees the best go (83%) in the item analysis and the knowledge map.
    page.get_by_role("button", name="Log out").click()
    teacher = group.teachers.get()
    login_staff(page, teacher.email, PASSWORD)
    page.goto(f"/quizzes/classes/{group.pk}/")
    assert_accessible(page, context="class quizzes")
    page.get_by_role("link", name="Scores and item analysis").click()
    expect(page.get_by_text("Keep the secret")).to_be_visible()
    expect(page.get_by_role("cell", name="83%", exact=True)).to_be_visible()
    assert_accessible(page, context="item analysis")
    page.get_by_role("link", name="See the class's knowledge map").click()
    expect(page.get_by_role("heading", name="Where to teach next")).to_be_visible()
    assert_accessible(page, context="knowledge map")
