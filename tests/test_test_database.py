"""The test database keeps what migrations created even after a transactional test's flush."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import Locale, Page, Site

from accounts.roles import Role


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_wagtail_basics_and_role_groups_in_place():
    call_command("flush", interactive=False, verbosity=0)
    assert Locale.objects.exists()
    assert Page.get_first_root_node() is not None
    assert Site.objects.get(is_default_site=True).root_page.depth == 2
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}
