"""Clean up what Wagtail's own migrations create for a new site (issue 13).

- The site's root page is titled for Kaushal, not "Welcome to your new Wagtail site!".
- Wagtail's default "Editors" and "Moderators" groups are removed when nobody is in them: our
  roles (accounts.roles) are the groups people get. Wagtail's default "Moderators approval"
  workflow (on the tree's root, approved by Moderators only) goes with them, unless a page is
  in it right now; lessons go through our own "Lesson review" workflow (content.services).
"""

from __future__ import annotations

from django.db import migrations

PLACEHOLDER_TITLE = "Welcome to your new Wagtail site!"
SITE_TITLE = "Kaushal"
DEFAULT_GROUPS = ("Editors", "Moderators")


def cleanup(apps, schema_editor) -> None:
    Site = apps.get_model("wagtailcore", "Site")
    Page = apps.get_model("wagtailcore", "Page")
    Group = apps.get_model("auth", "Group")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")
    Workflow = apps.get_model("wagtailcore", "Workflow")

    root_ids = Site.objects.values_list("root_page_id", flat=True)
    Page.objects.filter(pk__in=root_ids, title=PLACEHOLDER_TITLE).update(
        title=SITE_TITLE, draft_title=SITE_TITLE
    )

    unused = Group.objects.filter(name__in=DEFAULT_GROUPS, user__isnull=True)
    unused_ids = set(unused.values_list("pk", flat=True))
    if not unused_ids:
        return
    for task in GroupApprovalTask.objects.all():
        if not set(task.groups.values_list("pk", flat=True)) <= unused_ids:
            continue
        workflow_ids = set(WorkflowTask.objects.filter(task=task).values_list("workflow", flat=True))
        for workflow in Workflow.objects.filter(pk__in=workflow_ids):
            if WorkflowState.objects.filter(workflow=workflow, status="in_progress").exists():
                return  # someone's page is in moderation: leave Wagtail's defaults alone
        for workflow in Workflow.objects.filter(pk__in=workflow_ids):
            tasks = WorkflowTask.objects.filter(workflow=workflow).values_list("task", flat=True)
            only_default = all(
                set(GroupApprovalTask.objects.get(pk=t).groups.values_list("pk", flat=True))
                <= unused_ids
                for t in tasks
                if GroupApprovalTask.objects.filter(pk=t).exists()
            )
            if only_default:
                WorkflowPage.objects.filter(workflow=workflow).delete()
                workflow.active = False
                workflow.save(update_fields=["active"])
        task.active = False
        task.save(update_fields=["active"])
    unused.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(cleanup, migrations.RunPython.noop)]
