"""A school admin connects the school to Wonde: pastes the token, checks the first sync's
preview and applies it; the nightly sync then runs on the real task worker with a mover, a
leaver and a newcomer, and the change log shows it; a sync that fails at Wonde says why and
changes nothing. Every page passes axe at 390 px and 1280 px."""

from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect

from schools.models import Pupil, StaffRole, TeachingGroup, WondeSync
from tests import factories
from tests.safeguarding.realmail import wait_for
from tests.wonde_server import spring
from tests.wonde_server.records import TOKEN

PASSWORD = "correct-horse-battery"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WAIT = 45_000  # ms: the worker polls every 0.2 s; a sync of this school takes well under 1 s


def accessible_at_both_widths(page, assert_accessible, context):
    for size, label in ((PHONE, "390 px"), (DESKTOP, "1280 px")):
        page.set_viewport_size(size)
        assert_accessible(page, context=f"{context} ({label})")


def log_row(page, index=0):
    return page.locator("#wonde-status tbody tr").nth(index)


def test_admin_connects_wonde_checks_the_first_sync_then_nightly_syncs_run(
    page, assert_accessible, login_staff, school, wonde_server, worker
):
    # The worker process starts alongside the first page load; on a busy machine that page can
    # take longer than the usual 10 s.
    page.set_default_navigation_timeout(30_000)
    admin = factories.staff(school, StaffRole.SCHOOL_ADMIN)
    sam = factories.staff(school, StaffRole.TEACHER, email="sam.reed@oakfield.example")

    login_staff(page, admin.email, PASSWORD)
    page.wait_for_url("**/portal/")
    page.get_by_role("link", name="Import pupils from a CSV file").click()
    page.get_by_role("link", name="Wonde", exact=True).click()
    expect(page.get_by_role("heading", name="Sync with Wonde")).to_be_visible()
    accessible_at_both_widths(page, assert_accessible, "Wonde, not connected")

    # Half a token: a kind message on the form
    page.get_by_label("Wonde API token").fill("abc 123")
    page.get_by_label("Wonde school id").fill(wonde_server.school.id)
    page.get_by_role("button", name="Connect and fetch").click()
    expect(page.get_by_text("doesn't look like a whole Wonde token")).to_be_visible()
    accessible_at_both_widths(page, assert_accessible, "Wonde form with an error")

    # The whole token: the worker fetches, the page follows it, then offers the preview
    page.get_by_label("Wonde API token").fill(TOKEN)
    page.get_by_label("Wonde school id").fill(wonde_server.school.id)
    page.get_by_role("button", name="Connect and fetch").click()
    expect(page.get_by_text("Saved. We're fetching")).to_be_visible()
    check = page.get_by_role("link", name="Check the changes")
    expect(check).to_be_visible(timeout=WAIT)
    assert TOKEN not in page.content()
    expect(page.get_by_text(f"Saved, ending in …{TOKEN[-4:]}")).to_be_visible()
    accessible_at_both_widths(page, assert_accessible, "Wonde, first sync ready")
    assert not Pupil.objects.filter(school=school).exists()

    check.click()
    expect(page.get_by_role("heading", name="Check the first Wonde sync")).to_be_visible()
    expect(page.get_by_text("5 new pupils")).to_be_visible()
    expect(page.get_by_role("row", name="Isla M")).to_contain_text("New: will be added")
    expect(page.get_by_role("row", name="Sam Reed")).to_contain_text("Will teach these classes")
    accessible_at_both_widths(page, assert_accessible, "Wonde preview")
    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_text("Done: 5 added, 0 moved, 0 returned, 0 archived.")).to_be_visible()
    accessible_at_both_widths(page, assert_accessible, "Wonde preview applied")
    kestrels = TeachingGroup.objects.get(school=school, name="Kestrels")
    assert list(kestrels.teachers.all()) == [sam]

    # Next term: tonight's sync, run by the worker when its time comes (brought forward here)
    spring(wonde_server.school)
    nightly = DBTaskResult.objects.get(task_path="schools.wonde.tasks.wonde_nightly")
    DBTaskResult.objects.filter(pk=nightly.pk).update(run_after=timezone.now())
    wait_for(
        lambda: WondeSync.objects.filter(trigger=WondeSync.Trigger.NIGHTLY).exists(),
        what="the nightly task to queue a sync",
        logs=worker.logs,
    )
    page.goto("/portal/school/wonde/")
    expect(log_row(page)).to_contain_text("Nightly", timeout=WAIT)
    expect(log_row(page)).to_contain_text("Applied", timeout=WAIT)
    cells = log_row(page).locator("td")
    expect(cells.nth(2)).to_have_text("1")  # new: Mia
    expect(cells.nth(3)).to_have_text("1")  # moved: Jack
    expect(cells.nth(5)).to_have_text("1")  # leaving: Amir
    accessible_at_both_widths(page, assert_accessible, "Wonde change log")
    jack = Pupil.objects.get(school=school, display_name="Jack T")
    assert [g.name for g in jack.teaching_groups.all()] == ["Owls"]
    amir = Pupil.objects.get(school=school, display_name="Amir K")
    assert amir.archived_at is not None
    assert DBTaskResult.objects.filter(
        task_path="schools.wonde.tasks.wonde_nightly", status="READY"
    ).exists()  # tomorrow night's is scheduled

    # Wonde fails part way: the page says why, kindly, and nothing changes
    wonde_server.faults.fail = {"students:1": 503}
    page.get_by_role("button", name="Sync now").click()
    expect(page.get_by_text("Wonde had a problem on its side (error 503)").first).to_be_visible(
        timeout=WAIT
    )
    expect(log_row(page)).to_contain_text("Failed: nothing was changed")
    accessible_at_both_widths(page, assert_accessible, "Wonde failed sync")
    assert Pupil.objects.filter(school=school, archived_at__isnull=True).count() == 5
