"""The demo's content team: an editor who writes and a moderator who approves and publishes.

Wagtail's own migrations create the Editors and Moderators groups and the "Moderators approval"
workflow on the root page; this makes sure they are there (a site may have removed them) so that
an editor's "Submit to Moderators approval" always has someone who can approve it.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

WORKFLOW_NAME = "Moderators approval"
PAGE_PERMISSIONS = {
    "Editors": ["add_page", "change_page"],
    "Moderators": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}


def editorial_groups() -> dict[str, Group]:
    """The Editors and Moderators groups, with admin access and their rights on every page."""
    root = Page.get_first_root_node()
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    groups = {}
    for name, codenames in PAGE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        for codename in codenames:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            )
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
        groups[name] = group
    return groups


def moderation_workflow(moderators: Group) -> Workflow:
    """The workflow that applies to every page: one approval task for the Moderators group."""
    root = Page.get_first_root_node()
    assigned = WorkflowPage.objects.filter(page=root).select_related("workflow").first()
    if assigned is not None and assigned.workflow.active:
        workflow = assigned.workflow
    else:
        workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
        workflow.active = True
        workflow.save()
        WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
    if not workflow.tasks.exists():
        task, _ = GroupApprovalTask.objects.get_or_create(name=WORKFLOW_NAME)
        task.groups.add(moderators)
        # Written straight to the database: `workflow.workflow_tasks` is a modelcluster relation,
        # whose create() only keeps the row in memory until the workflow is saved again. A
        # workflow without its task would finish at once and publish whatever is submitted.
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow
