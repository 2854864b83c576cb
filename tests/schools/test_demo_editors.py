"""The demo's content team on a site without Wagtail's own moderation workflow: the one the demo
builds must hold its approval task, or an editor's submission would be published at once (and,
as they may not publish, refused)."""

from django.contrib.auth.models import Group
from wagtail.models import GroupApprovalTask, Page, Task, Workflow, WorkflowState

from schools.demo_editors import editorial_groups, moderation_workflow
from tests import factories


def test_a_rebuilt_workflow_keeps_the_submission_waiting_for_a_moderator(db):
    # What a site that removed Wagtail's defaults has (and what a flushed test database has).
    Workflow.objects.all().delete()
    Task.objects.all().delete()
    Group.objects.filter(name__in=["Editors", "Moderators"]).delete()

    groups = editorial_groups()
    workflow = moderation_workflow(groups["Moderators"])

    workflow.refresh_from_db()
    (task,) = workflow.tasks.all()
    assert list(GroupApprovalTask.objects.get(pk=task.pk).groups.all()) == [groups["Moderators"]]

    editor = factories.UserFactory()
    editor.groups.add(groups["Editors"])
    page = Page.get_first_root_node().get_children().first().specific
    assert page.permissions_for_user(editor).can_submit_for_moderation()
    page.save_revision(user=editor)
    state = workflow.start(page, editor)

    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.pk == task.pk
    assert moderation_workflow(groups["Moderators"]).tasks.count() == 1  # run again: no repeat
