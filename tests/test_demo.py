from django.core.management import call_command

from schools.models import Pupil, StaffMembership, TeachingGroup


def counts():
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model

    return (
        get_user_model().objects.count(),
        StaffMembership.objects.count(),
        TeachingGroup.objects.count(),
        Pupil.objects.count(),
        Authenticator.objects.count(),
        tuple(TeachingGroup.objects.values_list("code", flat=True)),
        tuple(Pupil.objects.values_list("password_hash", flat=True)),
    )


def test_seed_demo_is_idempotent_and_complete(db, capsys):
    call_command("seed_demo", "--skip-curriculum")
    first = counts()
    out = capsys.readouterr().out
    call_command("seed_demo", "--skip-curriculum")
    assert counts() == first
    bands = {group.age_band for group in TeachingGroup.objects.all()}
    assert len(bands) >= 2
    assert all(group.pupils.count() >= 8 for group in TeachingGroup.objects.all())
    for role in ("teacher", "dsl", "deputy", "admin", "editor", "moderator"):
        assert f"{role}@oakfield.example" in out
    assert "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" in out
    for group in TeachingGroup.objects.all():
        assert group.code in out


def test_demo_logins_work(client, db):
    from django.urls import reverse

    from schools.demo import DEMO_PASSWORD, DEMO_PICTURE_PASSWORD

    call_command("seed_demo", "--skip-curriculum")
    response = client.post(
        reverse("account_login"), {"login": "teacher@oakfield.example", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    client.logout()
    group = TeachingGroup.objects.get(year_group=1)
    amara = group.pupils.get(display_name="Amara")
    client.post(reverse("pupil_login"), {"code": group.code})
    client.post(reverse("pupil_login_name"), {"pupil": amara.pk})
    for picture in DEMO_PICTURE_PASSWORD.split("-"):
        response = client.post(reverse("pupil_login_secret"), {"picture": picture})
    assert response.url == reverse("learn_home")


def test_the_demo_classes_have_their_modules_assigned_once(db):
    from lessons.models import Assignment

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assignments = Assignment.objects.select_related("teaching_group", "module")
    assert assignments.count() == TeachingGroup.objects.count()
    for assignment in assignments:
        assert assignment.module.age_band == assignment.teaching_group.age_band.value
        assert assignment.due_on > assignment.opens_on

    # Every section of the evidence page has something to show, and a second run added nothing.
    from django.contrib.auth import get_user_model

    from safeguarding.models import Concern
    from teacher_portal.evidence import school_evidence
    from teacher_portal.models import OnlineSafetyReview

    school = assignments.first().school
    admin = get_user_model().objects.get(email="admin@oakfield.example")
    evidence = school_evidence(school=school, user=admin)
    assert [year.year_group for year in evidence.taught] == [1, 4, 7, 10]
    assert all(m.lessons_completed for year in evidence.taught for m in year.modules)
    assert 0 < evidence.completion.whole_school.percent < 100
    assert all(year.has_answers for year in evidence.strands)
    assert len(evidence.gains) == 4 and all(g.change > 0 for g in evidence.gains)
    assert evidence.safeguarding.total == Concern.objects.filter(school=school).count() == 5
    assert evidence.safeguarding.median_to_acknowledge is not None
    assert sum(t.count for t in evidence.safeguarding.by_agency) == 2
    assert OnlineSafetyReview.objects.filter(school=school).count() == 1
