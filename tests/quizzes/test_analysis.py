"""Item analysis and the knowledge map, with known answers and exact numbers."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from wagtail.models import Page, ReferenceIndex

from quizzes import analysis, services
from quizzes.models import Quiz, Shows
from schools.services import NewPupil, pupils_bulk_create
from tests import factories
from tests.quizzes.helpers import make_quiz, options, question, take

User = get_user_model()


def fresh(user):
    """The same user as a new object, so per-request caches start empty."""
    return User.objects.get(pk=user.pk)


def keep_the_secret(quiz):
    return {"option": options(question(quiz, "q1"))[1].pk}


def ask_them_why(quiz):
    return {"option": options(question(quiz, "q1"))[2].pk}


@pytest.fixture
def seeded(quiz, group, school, teacher):
    """Kestrels: five pupils with known answers, and a pupil of another class.

    Ava: everything right (100). Ben: q1 "Keep the secret", q2 only the address (4/6, 67).
    Cal: q1 "Keep the secret", q3 wrong, q4 reversed (3/6, 50). Dev: started, not finished.
    Eli: first go 1/6; second go only q1 wrong, "Ask them why" (5/6, 83) — best counts.
    """
    p = {name: factories.pupil(group, name).pupil for name in ["Ava", "Ben", "Cal", "Dev", "Eli"]}
    take(p["Ava"], quiz)
    take(p["Ben"], quiz, answers={"q1": keep_the_secret(quiz)}, wrong_keys=["q2"])
    take(p["Cal"], quiz, answers={"q1": keep_the_secret(quiz)}, wrong_keys=["q3", "q4"])
    services.attempt_start(pupil=p["Dev"], quiz=quiz)
    take(p["Eli"], quiz, wrong_keys=["q1", "q2", "q3", "q4", "q5"])
    take(p["Eli"], quiz, answers={"q1": ask_them_why(quiz)})
    other_class = factories.TeachingGroupFactory(school=school, name="Owls", year_group=4)
    outsider = factories.pupil(other_class, "Zed").pupil
    take(outsider, quiz, wrong_keys=["q1", "q2", "q3", "q4", "q5", "q6"])
    return p


def test_scores_and_pass_rate(seeded, quiz, group, teacher):
    report = analysis.quiz_class_report(quiz=quiz, group=group, user=teacher)
    assert [r.pupil.display_name for r in report.pupils] == ["Ava", "Ben", "Cal", "Dev", "Eli"]
    assert [(r.counted.score if r.counted else None) for r in report.pupils] == [
        100,
        67,
        50,
        None,
        83,
    ]
    assert [r.attempts_used for r in report.pupils] == [1, 1, 1, 0, 2]
    assert [r.in_progress for r in report.pupils] == [False, False, False, True, False]
    assert report.finished == 4
    assert report.average_score == 75  # (100 + 67 + 50 + 83) / 4
    assert report.passed == 3
    assert report.pass_rate == 75


def test_item_analysis(seeded, quiz, group, teacher):
    report = analysis.quiz_class_report(quiz=quiz, group=group, user=teacher)
    items = {item.question.key: item for item in report.items}
    summary = {
        key: (item.percent_correct, item.correct, item.common_wrong, item.common_wrong_count)
        for key, item in items.items()
    }
    assert summary == {
        "q1": (25, 1, "Keep the secret", 2),
        "q2": (75, 3, "Your home address", 1),
        "q3": (75, 3, "True", 1),
        "q4": (75, 3, "Tell a trusted adult → Report them → Block them", 1),
        "q5": (100, 4, "", 0),
        "q6": (100, 4, "", 0),
        "q7": (None, 0, "", 0),
    }
    assert items["q7"].answered == 4
    assert all(item.skipped == 0 for item in report.items)


def test_skipped_questions_are_counted(quiz, group, teacher):
    pupil = factories.pupil(group, "Fay").pupil
    take(pupil, quiz, skip=["q1"])
    report = analysis.quiz_class_report(quiz=quiz, group=group, user=teacher)
    q1 = next(i for i in report.items if i.question.key == "q1")
    assert (q1.skipped, q1.percent_correct, q1.common_wrong) == (1, 0, "")


def test_an_empty_class(quiz, group, teacher):
    report = analysis.quiz_class_report(quiz=quiz, group=group, user=teacher)
    assert (report.finished, report.average_score, report.pass_rate) == (0, None, None)


def test_knowledge_map(seeded, quiz, group, teacher):
    kmap = analysis.knowledge_map(group=group, user=teacher)
    strands = [s.value for s in kmap.strands]
    cells = {
        row.pupil.display_name: {
            strands[i]: cell.level for i, cell in enumerate(row.cells) if cell.level is not None
        }
        for row in kmap.rows
    }
    S, D, M = Shows.SECURE, Shows.DEVELOPING, Shows.MISCONCEPTION
    assert cells == {
        "Ava": {
            "online_relationships": S,
            "privacy_security": S,
            "online_bullying": S,
            "managing_information": S,
        },
        "Ben": {
            "online_relationships": M,
            "privacy_security": D,
            "online_bullying": S,
            "managing_information": S,
        },
        "Cal": {
            "online_relationships": M,
            "privacy_security": M,
            "online_bullying": D,
            "managing_information": S,
        },
        "Dev": {},
        "Eli": {
            "online_relationships": D,
            "privacy_security": S,
            "online_bullying": S,
            "managing_information": S,
        },
    }
    ben = next(r for r in kmap.rows if r.pupil.display_name == "Ben")
    relationships = ben.cells[strands.index("online_relationships")]
    assert dict(relationships.counts) == {"misconception": 1, "secure": 1}

    by_strand = {s.value: (s.secure, s.developing, s.misconception) for s in kmap.strands}
    assert by_strand["online_relationships"] == (1, 1, 2)
    assert by_strand["privacy_security"] == (2, 1, 1)
    assert by_strand["online_bullying"] == (3, 1, 0)
    assert by_strand["managing_information"] == (4, 0, 0)
    assert by_strand["health_wellbeing"] == (0, 0, 0)  # free text shows nothing

    gaps = kmap.gaps
    assert [g.value for g in gaps] == [
        "online_relationships",
        "privacy_security",
        "online_bullying",
    ]
    relationships = gaps[0]
    assert [(c.text, c.quiz_title, c.pupils) for c in relationships.clusters] == [
        (question(quiz, "q1").text, "Test lesson", 2)
    ]
    assert [q.title for q in relationships.quizzes] == ["Test lesson"]


def test_the_map_names_quizzes_and_lessons_for_each_gap(seeded, quiz, group, teacher):
    elsewhere = make_quiz(key="m/older", title="Older lesson", age_band="14-16")
    another = make_quiz(key="m/another", title="Another 8-10 lesson")
    root = Page.get_first_root_node()
    lesson = root.add_child(instance=Page(title="People who pretend", slug="people-who-pretend"))
    page_type = ContentType.objects.get_for_model(Page)
    ReferenceIndex.objects.create(
        content_type=page_type,
        base_content_type=page_type,
        object_id=str(lesson.pk),
        to_content_type=ContentType.objects.get_for_model(Quiz),
        to_object_id=str(another.pk),
        model_path="quiz",
        content_path="quiz",
        content_path_hash=uuid.uuid4(),
    )
    kmap = analysis.knowledge_map(group=group, user=teacher)
    links = kmap.gaps[0].quizzes
    assert [(q.title, [p.title for p in q.pages]) for q in links] == [
        ("Another 8-10 lesson", ["People who pretend"]),
        ("Test lesson", []),
    ]
    assert elsewhere.title not in [q.title for q in links]


def _class_of(size, school, teacher, quiz):
    group = factories.TeachingGroupFactory(
        school=school, name=f"Class of {size}", year_group=4, teachers=[teacher]
    )
    pupils = pupils_bulk_create(
        school=school,
        pupils=[NewPupil(f"P{size}-{n}", 4, group) for n in range(size)],
    )
    for n, pupil in enumerate(pupils):
        take(pupil, quiz, wrong_keys=["q1"] if n % 2 else ["q2", "q4"])
    return group


@pytest.mark.parametrize("size", [3, 30])
def test_item_analysis_takes_a_fixed_number_of_queries(
    size, school, teacher, quiz, django_assert_num_queries
):
    group = _class_of(size, school, teacher, quiz)
    user = fresh(teacher)
    # is-a-pupil check and roles (scoping), pupils, questions, options, attempts, answers
    with django_assert_num_queries(7):
        report = analysis.quiz_class_report(quiz=quiz, group=group, user=user)
    assert report.finished == size


@pytest.mark.parametrize("size", [3, 30])
def test_knowledge_map_takes_a_fixed_number_of_queries(
    size, school, teacher, quiz, django_assert_num_queries
):
    group = _class_of(size, school, teacher, quiz)
    user = fresh(teacher)
    # roles, pupils, attempts, answers, quizzes for gaps, reference index, pages
    with django_assert_num_queries(7):
        kmap = analysis.knowledge_map(group=group, user=user)
    assert len(kmap.rows) == size


@pytest.mark.parametrize("size", [3, 30])
def test_the_report_pages_take_a_fixed_number_of_queries(
    size, school, teacher, quiz, django_assert_num_queries
):
    group = _class_of(size, school, teacher, quiz)
    client = Client()
    client.force_login(teacher)
    client.get(f"/quizzes/{quiz.pk}/classes/{group.pk}/analysis/")  # warm caches
    # session, user, roles, is-a-pupil check, class, quiz, the report's 5, staff menu's 3
    # (permissions twice, and whether they run a trust)
    with django_assert_num_queries(14):
        response = client.get(f"/quizzes/{quiz.pk}/classes/{group.pk}/analysis/")
    assert response.status_code == 200
    # session, user, roles, is-a-pupil check, class, the map's 5, staff menu's 3
    with django_assert_num_queries(13):
        response = client.get(f"/quizzes/classes/{group.pk}/knowledge-map/")
    assert response.status_code == 200


def test_teachers_see_only_their_classes(seeded, quiz, school, client):
    stranger = factories.staff(school, username="other-teacher@school.example")
    client.force_login(stranger)
    group = seeded["Ava"].teaching_groups.get()
    assert client.get(f"/quizzes/{quiz.pk}/classes/{group.pk}/analysis/").status_code == 404
    assert client.get(f"/quizzes/classes/{group.pk}/knowledge-map/").status_code == 404
    assert client.get(f"/quizzes/classes/{group.pk}/").status_code == 404


def test_pupils_and_other_staff_cannot_open_reports(seeded, quiz, group, school, client, dsl):
    client.force_login(seeded["Ava"].user)
    assert client.get(f"/quizzes/{quiz.pk}/classes/{group.pk}/analysis/").status_code == 403
    client.force_login(dsl)  # a DSL who is not a teacher
    assert client.get(f"/quizzes/classes/{group.pk}/knowledge-map/").status_code == 403


def test_the_analysis_page_shows_the_numbers(seeded, quiz, group, teacher_client):
    body = teacher_client.get(f"/quizzes/{quiz.pk}/classes/{group.pk}/analysis/").content.decode()
    assert "4 / 5" in body
    assert "75%" in body
    assert "Keep the secret" in body
    assert "25%" in body
    assert "Cal" in body and "Zed" not in body


def test_the_knowledge_map_page(seeded, quiz, group, teacher_client):
    response = teacher_client.get(f"/quizzes/classes/{group.pk}/knowledge-map/")
    body = response.content.decode()
    assert "Misconception" in body
    assert "Where to teach next" in body
    assert "Test lesson" in body
    assert "Zed" not in body
