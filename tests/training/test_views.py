import csv
import io
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from schools.models import StaffRole
from tests import factories
from training import services
from training.models import CourseAssignment, CourseCompletion, PartOneSignoff

from .conftest import right_answers


def test_a_teacher_takes_a_course_passes_and_downloads_the_certificate(client, courses, teacher):
    course = courses[1]
    client.force_login(teacher)
    page = client.get(reverse("training:course", args=[course.slug]))
    assert page.status_code == 200
    assert reverse("safeguarding:raise") in page.content.decode()  # the concern form, linked
    activity = next(iter(course.activities.values()))
    answered = client.post(
        reverse("training:course_activity", args=[course.slug, activity.id]),
        {"scene": "start", "choice": "0"},
        HTTP_HX_REQUEST="true",
    )
    assert answered.status_code == 200
    result = client.post(reverse("training:quiz", args=[course.slug]), right_answers(course))
    assert "You passed with 100%" in result.content.decode()
    completion = CourseCompletion.objects.get(user=teacher)
    pdf = client.get(reverse("training:certificate", args=[completion.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(pdf.content)).pages
    text = " ".join(" ".join(p.extract_text().split()) for p in pages)
    for expected in (teacher.get_full_name(), "receiving and recording a disclosure"):
        assert expected in text
    assert completion.expires_on.strftime("%-d %B %Y") in text


def test_a_certificate_is_only_for_its_owner(client, courses, school, teacher):
    completion = CourseCompletion.objects.create(
        user=teacher,
        school=school,
        course=courses[0],
        passed_on=timezone.localdate(),
        expires_on=timezone.localdate() + timedelta(days=365),
        score=100,
    )
    colleague = factories.staff(school, StaffRole.SCHOOL_ADMIN, StaffRole.DSL)
    client.force_login(colleague)
    assert client.get(reverse("training:certificate", args=[completion.pk])).status_code == 404


def test_the_staff_home_asks_for_part_one_until_signed(client, school, teacher):
    services.settings_update(
        school=school, renewal_months=12, part_one_version="September 2025", part_one_due_on=None
    )
    client.force_login(teacher)
    prompt = "I have read Keeping Children Safe in Education Part one (September 2025)"
    assert prompt in client.get(reverse("teacher_portal:home")).content.decode()
    response = client.post(reverse("training:part_one_sign"), follow=True)
    assert "You have confirmed" in response.content.decode()
    assert PartOneSignoff.objects.filter(user=teacher, version="September 2025").exists()
    assert prompt not in client.get(reverse("teacher_portal:home")).content.decode()


def test_exports_follow_the_filter_and_are_safe_in_a_spreadsheet(client, courses, school):
    admin = factories.staff(school, StaffRole.SCHOOL_ADMIN)
    sly = factories.staff(school, StaffRole.TEACHER, first_name="=HYPERLINK(1)", last_name="x")
    done = factories.staff(school, StaffRole.TEACHER, first_name="Dana", last_name="Done")
    today = timezone.localdate()
    CourseCompletion.objects.create(
        user=done,
        school=school,
        course=courses[0],
        passed_on=today,
        expires_on=today + timedelta(days=365),
        score=100,
    )
    CourseAssignment.objects.create(
        school=school, course=courses[0], audience="all", due_on=today - timedelta(days=1)
    )
    client.force_login(admin)
    query = f"?status=overdue&course={courses[0].slug}"
    page = client.get(reverse("training:school") + query).content.decode()
    assert "=HYPERLINK(1) x" in page and "Dana Done" not in page
    response = client.get(reverse("training:school_export", args=["csv"]) + query)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = [row[0] for row in rows[1:]]
    assert "'=HYPERLINK(1) x" in names and "Dana Done" not in names
    assert rows[0][:3] == ["Name", "Email address", courses[0].title]
    response = client.get(reverse("training:school_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=HYPERLINK(1) x" in cells and "Dana Done" in cells
    assert sly.email in [row[1] for row in sheet.iter_rows(values_only=True)]


def test_a_dsl_assigns_a_course_to_teachers(client, courses, school, dsl):
    client.force_login(dsl)
    due = timezone.localdate() + timedelta(days=30)
    response = client.post(
        reverse("training:assign"),
        {"course": courses[2].slug, "audience": "teacher", "due_on": due.isoformat()},
    )
    assert response.status_code == 302
    assignment = CourseAssignment.objects.get()
    assert (assignment.school, assignment.course, assignment.due_on) == (school, courses[2], due)
    late = client.post(
        reverse("training:assign"),
        {"course": courses[2].slug, "audience": "teacher", "due_on": "2020-01-01"},
    )
    assert "Choose a date from today on." in late.content.decode()
    assert CourseAssignment.objects.count() == 1


def test_only_a_school_admin_changes_the_settings(client, school, dsl, school_admin):
    client.force_login(dsl)
    assert client.get(reverse("training:settings")).status_code == 403
    client.force_login(school_admin)
    response = client.post(
        reverse("training:settings"),
        {"renewal_months": "24", "part_one_version": "September 2025", "part_one_due_on": ""},
    )
    assert response.status_code == 302
    saved = services.settings_for(school)
    assert (saved.renewal_months, saved.part_one_version) == (24, "September 2025")


def test_the_editors_preview_shows_the_steps_and_posts_nowhere(rf, courses, school_admin):
    course = courses[0]
    request = rf.get("/admin/pages/preview/")
    request.user = school_admin
    response = course.serve_preview(request, "")
    response.render()
    html = response.content.decode()
    assert "How grooming on a live stream works" in html
    assert "hx-post" not in html and "pass mark 80%" in html
