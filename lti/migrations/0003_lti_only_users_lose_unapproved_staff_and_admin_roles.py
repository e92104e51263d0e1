"""Undo what launches granted before role mappings needed approval (issue 11, part 1).

Until 0002, an LTI launch claiming an LMS Administrator or ContentDeveloper role put the user in
Kaushal's Administrator or Content editor group *and* made them staff. Users who exist only
through LTI (no usable password: made by a launch or a roster) lose staff status and those two
groups; their next launch gives back whatever their platform's approved mapping says. Users
with a password of their own (made here, perhaps also launching from an LMS) are left alone.
"""

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import migrations

UNAPPROVED_GROUPS = ["Administrator", "Content editor"]


def lti_only_users_demote(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Group = apps.get_model("auth", "Group")
    users = User.objects.filter(
        lti_identities__isnull=False,
        is_superuser=False,
        password__startswith=UNUSABLE_PASSWORD_PREFIX,
    ).distinct()
    groups = list(Group.objects.filter(name__in=UNAPPROVED_GROUPS))
    for user in users:
        if groups:
            user.groups.remove(*groups)
    User.objects.filter(pk__in=users.values("pk")).update(is_staff=False)


class Migration(migrations.Migration):
    dependencies = [
        ("lti", "0002_platform_role_mapping_approved_by_kaushal_admins"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(lti_only_users_demote, migrations.RunPython.noop)]
