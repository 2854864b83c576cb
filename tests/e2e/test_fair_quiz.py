"""An 8–10 pupil answers an ordering and a matching question with cards, by keyboard alone; the
answers stored are the ones given; the card screens pass axe at phone and desktop widths."""

from playwright.sync_api import expect

from quizzes.models import Answer, Attempt
from tests import factories
from tests.quizzes.helpers import make_quiz, options, question

TELL = "Tell a trusted adult"
STEPS = [TELL, "Keep the messages (not pictures)", "Report it to the app", "Block the account"]
PAIRS = [
    ("Block", "Stops that account contacting you"),
    ("Report", "Lets the app check and take action"),
    ("Tell", "Gets a trusted adult to help you"),
]
QUESTIONS = [
    {
        "type": "ordering",
        "id": "order",
        "strand": "online_relationships",
        "text": "Something online worries you. What comes first?",
        "accept": "starts_with_first",
        "items": STEPS,
        "feedback": "Tell a trusted adult first. They can help with the rest.",
    },
    {
        "type": "matching",
        "id": "match",
        "strand": "privacy_security",
        "text": "Match each step to what it does.",
        "pairs": [{"left": left, "right": right} for left, right in PAIRS],
        "feedback": "Each step helps, and telling is the most important.",
    },
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def both_widths(page, assert_accessible, context: str):
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        assert_accessible(page, context=f"{context} at {size['width']} px")


def press(page, locator, key="Enter"):
    locator.focus()
    page.keyboard.press(key)


def test_ordering_and_matching_with_cards_by_keyboard(page, assert_accessible, login_pupil, group):
    quiz = make_quiz(questions=QUESTIONS, attempts_allowed="unlimited")
    credentials = factories.pupil(group, "Noor")
    pictures = credentials.picture_password.split("-")
    login_pupil(page, code=group.code, name="Noor", pictures=pictures)
    page.goto(f"/quizzes/{quiz.pk}/")
    press(page, page.get_by_role("button", name="Start the quiz"))
    expect(page.get_by_text("Question 1 of 2")).to_be_visible()

    # 1. Ordering: cards with Move up / Move down, no dropdowns in sight.
    expect(page.get_by_label("Number 1", exact=True)).to_be_hidden()
    cards = page.locator(".quiz-cards__list .quiz-card-button")
    expect(cards).to_have_count(4)
    both_widths(page, assert_accessible, "ordering with cards")
    shown = [text.strip() for text in cards.all_inner_texts()]
    assert sorted(shown) == sorted(STEPS)
    # "Tell a trusted adult" up to the top, one Enter per place; focus follows the card.
    if shown.index(TELL) == 0:  # shuffled to the top already: down one place first
        press(page, page.get_by_role("button", name=f"Move “{TELL}” down"))
        expect(cards.nth(1)).to_have_text(TELL)
        shown = [text.strip() for text in cards.all_inner_texts()]
    press(page, page.get_by_role("button", name=f"Move “{TELL}” up"))
    for _ in range(shown.index(TELL) - 1):
        page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(f"“{TELL}” is now number 1.")
    expect(cards.first).to_have_text(TELL)
    # Swap the last two by picking one up and choosing the other (Space works too).
    last_two = [cards.nth(2).inner_text(), cards.nth(3).inner_text()]
    press(page, cards.nth(3), "Space")
    expect(cards.nth(3)).to_have_attribute("aria-pressed", "true")
    both_widths(page, assert_accessible, "ordering with a card picked up")
    press(page, cards.nth(2))
    expect(cards.nth(2)).to_have_text(last_two[1])
    expect(cards.nth(3)).to_have_text(last_two[0])
    final = [text.strip() for text in cards.all_inner_texts()]
    press(page, page.get_by_role("button", name="Check my answer"))
    expect(page.locator("#feedback")).to_contain_text("Yes! Well done.")
    expect(page.locator("#feedback")).to_contain_text(
        f"Any order that starts with “{TELL}” is right"
    )
    both_widths(page, assert_accessible, "ordering feedback")

    attempt = Attempt.objects.get(quiz=quiz)
    ordering = question(quiz, "order")
    by_text = {o.text: o.pk for o in options(ordering)}
    stored = Answer.objects.get(attempt=attempt, question=ordering).response
    assert stored == [by_text[text] for text in final]
    assert stored[0] == by_text[TELL]

    # 2. Matching: pick a card up, then choose its place.
    press(page, page.get_by_role("link", name="Next question"))
    expect(page.get_by_text("Question 2 of 2")).to_be_visible()
    pool = page.locator(".quiz-cards__pool .quiz-card-button")
    expect(pool).to_have_count(3)
    both_widths(page, assert_accessible, "matching with cards")
    for left, right in PAIRS:
        press(page, page.get_by_role("button", name=right, exact=True))
        press(page, page.get_by_role("button", name=f"{left}:"))
        expect(page.get_by_role("button", name=f"{left}: {right}")).to_be_focused()
    expect(pool).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("Every card is placed.")
    both_widths(page, assert_accessible, "matching with every card placed")
    press(page, page.get_by_role("button", name="Check my answer"))
    expect(page.locator("#feedback")).to_contain_text("Yes! Well done.")

    matching = question(quiz, "match")
    by_left = {o.text: o for o in options(matching)}
    stored = Answer.objects.get(attempt=attempt, question=matching).response
    assert {(left, right) for left, right in stored} == {
        (by_left[left].pk, by_left[left].pk) for left, _right in PAIRS
    }
    both_widths(page, assert_accessible, "matching feedback")


def test_cards_can_be_dragged_with_a_mouse(page, login_pupil, group):
    quiz = make_quiz(questions=QUESTIONS, attempts_allowed="unlimited")
    credentials = factories.pupil(group, "Ola")
    login_pupil(page, code=group.code, name="Ola", pictures=credentials.picture_password.split("-"))
    page.set_viewport_size({"width": 1280, "height": 1600})  # no scrolling in mid-drag
    page.goto(f"/quizzes/{quiz.pk}/")
    page.get_by_role("button", name="Start the quiz").click()

    cards = page.locator(".quiz-cards__list .quiz-card-button")
    expect(cards).to_have_count(4)
    first = cards.first.inner_text()
    moving = cards.nth(2).inner_text()
    cards.nth(2).drag_to(cards.first)
    expect(cards.first).to_have_text(moving)
    expect(cards.nth(2)).to_have_text(first)

    page.goto(page.url.replace("/questions/1/", "/questions/2/"))
    left, right = PAIRS[0]
    page.get_by_role("button", name=right, exact=True).drag_to(
        page.get_by_role("button", name=f"{left}:")
    )
    expect(page.get_by_role("button", name=f"{left}: {right}")).to_be_visible()
    expect(page.locator(".quiz-cards__pool .quiz-card-button")).to_have_count(2)
