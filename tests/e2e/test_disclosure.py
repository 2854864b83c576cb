"""A pupil types a disclosure in their own words (no listed phrase) into a quiz's free-text
question; they are told calmly that a trusted adult will read it, the DSL's email arrives at
once (the real task worker, a real SMTP server) with nothing of what was written, and the DSL
finds the flag at the top of the "Needs review" list, explained. Every page passes axe at phone
and desktop widths.
"""

from allauth.mfa.totp.internal.auth import TOTP
from playwright.sync_api import expect

from safeguarding.models import Flag
from safeguarding.services import flag_raise
from schools.models import StaffRole
from tests import factories
from tests.quizzes.helpers import SPEC, make_quiz
from tests.safeguarding.realmail import wait_for

PASSWORD = "correct-horse-battery"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
DISCLOSURE = "this guy has my pics n says hell send them to evry1 unless i pay"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def accessible_at_both_widths(page, assert_accessible, context):
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        assert_accessible(page, context=f"{context} at {size['width']} px")


def test_a_paraphrased_disclosure_reaches_the_dsl_explained(
    page, assert_accessible, login_staff, login_pupil, school, teacher, sink, worker
):
    dsl = factories.staff(school, StaffRole.DSL)
    TOTP.activate(dsl, TOTP_SECRET)
    hawks = factories.TeachingGroupFactory(
        school=school, name="Hawks", year_group=10, teachers=[teacher]
    )
    esme = factories.pupil(hawks, "Esme")
    # An earlier flag, so "at the top" means something.
    older = flag_raise(
        pupil=factories.pupil(hawks, "Noor").pupil,
        source="Earlier quiz",
        text_excerpt="it's our secret",
        reason="Matched a phrase.",
        matched_phrases=["our secret"],
    )
    questions = [q for q in SPEC["questions"] if q["id"] == "q7"]
    quiz = make_quiz(key="ages-14-16/test-lesson", age_band="14-16", questions=questions)

    # The pupil answers, in their own words, with no phrase from the school's list.
    login_pupil(page, code=hawks.code, name="Esme", password=esme.password)
    page.goto(f"/quizzes/{quiz.pk}/")
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_label("What could you say to a friend").fill(DISCLOSURE)
    page.get_by_role("button", name="Save and carry on").click()
    expect(page.locator("#feedback")).to_contain_text("Thank you for sharing your thinking.")
    # Straight after writing it, the pupil is told calmly who will read it.
    note = page.locator("[data-flagged-note]")
    expect(note).to_contain_text("A trusted adult at school will read your answer")
    expect(note).to_contain_text("it is not your fault")
    expect(note.get_by_role("heading", name="If you need help right now")).to_be_visible()
    expect(note.get_by_role("link", name="0800 1111")).to_be_visible()
    accessible_at_both_widths(page, assert_accessible, "question with the calm line")

    # The DSL is emailed at once: a link by number, nothing the pupil wrote, no name.
    flag = Flag.objects.exclude(pk=older.pk).get()
    flag_link = f"/safeguarding/flags/{flag.pk}/"

    def dsl_email():
        return [m for m in sink.messages if dsl.email in m.to and flag_link in m.body]

    wait_for(dsl_email, what="the DSL's email about the new flag", logs=worker.logs)
    [mail] = dsl_email()
    assert mail.subject == "Something needs review on Streamwise"
    for secret in ("pics", "pay", "Esme", "Hawks"):
        assert secret not in mail.raw

    # And again on the result.
    page.get_by_role("link", name="Finish").click()
    page.get_by_role("button", name="Finish and see how I did").click()
    expect(page.get_by_role("heading", name="You finished the quiz!")).to_be_visible()
    note = page.locator("[data-flagged-note]")
    expect(note).to_contain_text("A trusted adult at school will read your answer")
    expect(note).to_contain_text("you are not in trouble for telling")
    expect(note).not_to_contain_text("secret")
    accessible_at_both_widths(page, assert_accessible, "quiz result with the calm line")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state("load")
    page.context.clear_cookies()

    # The DSL finds it at the top of "Needs review", and the flag explains itself.
    login_staff(page, dsl.email, PASSWORD, totp_secret=TOTP_SECRET)
    page.goto("/safeguarding/?tab=review")
    rows = page.locator("table tbody tr")
    expect(rows.first).to_contain_text(f"Flag {flag.pk}")
    expect(rows.first).to_contain_text("Esme")
    expect(rows.nth(1)).to_contain_text(f"Flag {older.pk}")
    rows.first.get_by_role("link", name=f"Flag {flag.pk}").click()
    expect(page.get_by_role("heading", name=f"Flag {flag.pk}", level=1)).to_be_visible()
    expect(page.get_by_text("Mentions images + a threat or demand")).to_be_visible()
    expect(page.get_by_text(DISCLOSURE)).to_be_visible()
    expect(page.get_by_text("The pupil was told, calmly")).to_be_visible()
    accessible_at_both_widths(page, assert_accessible, "flag page")
