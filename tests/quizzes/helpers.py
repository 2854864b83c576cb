"""A quiz spec with one question of every type, and helpers to answer it right or wrong."""

import copy

from quizzes import services
from quizzes.models import Question, QuestionType

SPEC = {
    "title": "Check what you learned",
    "pass_mark": 60,
    "attempts_allowed": 2,
    "questions": [
        {
            "type": "single_choice",
            "id": "q1",
            "strand": "online_relationships",
            "text": "Someone you only know online asks you to keep a secret. What is best?",
            "options": [
                {
                    "text": "Tell a trusted adult",
                    "correct": True,
                    "shows": "secure",
                    "feedback": "Yes. A trusted adult can help.",
                },
                {
                    "text": "Keep the secret",
                    "correct": False,
                    "shows": "misconception",
                    "feedback": "Secrets that feel bad are OK to tell.",
                },
                {
                    "text": "Ask them why",
                    "correct": False,
                    "shows": "developing",
                    "feedback": "Good thinking, but a trusted adult can help more.",
                },
            ],
        },
        {
            "type": "multiple_select",
            "id": "q2",
            "strand": "privacy_security",
            "text": "Which of these should stay private?",
            "options": [
                {
                    "text": "Your home address",
                    "correct": True,
                    "shows": "secure",
                    "feedback": "Yes.",
                },
                {"text": "Your password", "correct": True, "shows": "secure", "feedback": "Yes."},
                {
                    "text": "Your favourite colour",
                    "correct": False,
                    "shows": "developing",
                    "feedback": "That one is fine to share.",
                },
                {
                    "text": "Nothing, it's all fine to share",
                    "correct": False,
                    "shows": "misconception",
                    "feedback": "Some things are private.",
                },
            ],
        },
        {
            "type": "true_false",
            "id": "q3",
            "strand": "privacy_security",
            "text": "A profile picture always shows who someone really is.",
            "answer": False,
            "feedback": "Pictures can be copied from anywhere.",
            "shows_if_wrong": "misconception",
        },
        {
            "type": "ordering",
            "id": "q4",
            "strand": "online_bullying",
            "text": "Put the steps in order.",
            "items": ["Block them", "Report them", "Tell a trusted adult"],
            "feedback": "Block, report, tell.",
        },
        {
            "type": "matching",
            "id": "q5",
            "strand": "managing_information",
            "text": "Match each setting to what it does.",
            "pairs": [
                {"left": "Private account", "right": "Only people you accept see your videos"},
                {"left": "Comments off", "right": "Nobody can write under your videos"},
                {"left": "Block", "right": "That person cannot contact you"},
            ],
            "feedback": "Settings help you stay in control.",
        },
        {
            "type": "scenario",
            "id": "q6",
            "strand": "online_relationships",
            "scenario": "Jas is live. A stranger offers her points for a private chat.",
            "text": "What should Jas do?",
            "options": [
                {
                    "text": "Say no and tell her mum",
                    "correct": True,
                    "shows": "secure",
                    "feedback": "Yes. Jas keeps the chat public and tells someone.",
                },
                {
                    "text": "Go to the private chat",
                    "correct": False,
                    "shows": "misconception",
                    "feedback": "Points can be a way to get Jas somewhere private.",
                },
            ],
        },
        {
            "type": "free_text",
            "id": "q7",
            "strand": "health_wellbeing",
            "text": "What could you say to a friend who is worried about a message?",
        },
    ],
}


def spec(**changes) -> dict:
    data = copy.deepcopy(SPEC)
    data.update(changes)
    return data


def make_quiz(key="ages-8-10/test-lesson", title="Test lesson", age_band="8-10", **changes):
    return services.quiz_upsert_from_spec(
        key=key, title=title, spec=spec(**changes), age_band=age_band
    )


def question(quiz, key) -> Question:
    return Question.objects.prefetch_related("options").get(quiz=quiz, key=key)


def options(q):
    return sorted(q.options.all(), key=lambda o: o.sort_order)


def right(q) -> dict:
    """The raw answer form data that is right for a question."""
    opts = options(q)
    if q.kind in (QuestionType.SINGLE_CHOICE, QuestionType.SCENARIO):
        return {"option": next(o.pk for o in opts if o.correct)}
    if q.kind == QuestionType.MULTIPLE_SELECT:
        return {"options": [o.pk for o in opts if o.correct]}
    if q.kind == QuestionType.TRUE_FALSE:
        return {"answer": q.answer}
    if q.kind == QuestionType.ORDERING:
        return {"order": [o.pk for o in opts]}
    if q.kind == QuestionType.MATCHING:
        return {"pairs": {str(o.pk): o.pk for o in opts}}
    return {"text": "I would tell them to talk to a grown-up."}


def wrong(q) -> dict:
    """A wrong answer (the first wrong option; a reversed order; rotated pairs)."""
    opts = options(q)
    if q.kind in (QuestionType.SINGLE_CHOICE, QuestionType.SCENARIO):
        return {"option": next(o.pk for o in opts if not o.correct)}
    if q.kind == QuestionType.MULTIPLE_SELECT:
        return {"options": [opts[0].pk]}
    if q.kind == QuestionType.TRUE_FALSE:
        return {"answer": not q.answer}
    if q.kind == QuestionType.ORDERING:
        return {"order": [o.pk for o in reversed(opts)]}
    if q.kind == QuestionType.MATCHING:
        rotated = opts[1:] + opts[:1]
        return {"pairs": {str(o.pk): r.pk for o, r in zip(opts, rotated, strict=True)}}
    return {"text": ""}


def take(pupil, quiz, *, answers: dict[str, dict] | None = None, wrong_keys=(), skip=()):
    """Start, answer and submit an attempt. By default every question is answered right;
    `wrong_keys` are answered wrong, `skip` not at all, `answers` with the raw data given."""
    attempt = services.attempt_start(pupil=pupil, quiz=quiz)
    for q in services.attempt_questions(attempt):
        if q.key in skip:
            continue
        if answers and q.key in answers:
            raw = answers[q.key]
        else:
            raw = wrong(q) if q.key in wrong_keys else right(q)
        services.answer_save(attempt=attempt, question=q, raw=raw)
    return services.attempt_submit(attempt=attempt).attempt
