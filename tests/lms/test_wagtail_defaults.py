"""Wagtail's defaults for a new site are cleaned up by migrate (issue 13): the site root is
titled for Kaushal and only our roles are groups."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from wagtail.models import GroupApprovalTask, Page, Site, Workflow, WorkflowPage, WorkflowTask

from accounts.roles import Role

pytestmark = pytest.mark.django_db

cleanup_migration = importlib.import_module("lms.migrations.0001_wagtail_defaults_cleanup")


def test_migrate_leaves_only_our_roles_as_groups():
    names = set(Group.objects.values_list("name", flat=True))
    assert not names & {"Editors", "Moderators"}
    assert {role.value for role in Role} <= names


def test_site_root_is_titled_for_kaushal(client):
    root = Site.objects.get(is_default_site=True).root_page
    assert root.title == "Kaushal"
    assert "Welcome to your new Wagtail site" not in client.get("/").content.decode()


def test_cleanup_keeps_a_default_group_someone_is_in_and_its_workflow():
    from tests.question_bank.factories import user_in

    moderators = Group.objects.create(name="Moderators")
    editors = Group.objects.create(name="Editors")
    user_in(Role.TRAINER).groups.add(moderators)
    task = GroupApprovalTask.objects.create(name="Moderators approval")
    task.groups.add(moderators)
    workflow = Workflow.objects.create(name="Moderators approval")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(page=Page.get_first_root_node(), workflow=workflow)

    cleanup_migration.cleanup(django_apps, None)

    assert set(Group.objects.filter(name__in=["Editors", "Moderators"])) == {moderators}
    assert not Group.objects.filter(pk=editors.pk).exists()
    workflow.refresh_from_db()
    assert workflow.active and WorkflowPage.objects.filter(workflow=workflow).exists()


def test_cleanup_removes_unused_default_groups_with_their_workflow():
    moderators = Group.objects.create(name="Moderators")
    task = GroupApprovalTask.objects.create(name="Moderators approval")
    task.groups.add(moderators)
    workflow = Workflow.objects.create(name="Moderators approval")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(page=Page.get_first_root_node(), workflow=workflow)

    cleanup_migration.cleanup(django_apps, None)

    assert not Group.objects.filter(name="Moderators").exists()
    workflow.refresh_from_db()
    assert not workflow.active and not WorkflowPage.objects.filter(workflow=workflow).exists()


def test_wagtail_shows_people_by_their_full_name():
    from wagtail.admin.utils import get_user_display_name

    from tests.question_bank.factories import user_in

    user = user_in(Role.SSC_CURATOR, full_name="Anjali Verma", username="av-7731")
    assert get_user_display_name(user) == "Anjali Verma"
    user.full_name, user.first_name, user.last_name = "", "Anjali", "Verma"
    assert get_user_display_name(user) == "Anjali Verma"
