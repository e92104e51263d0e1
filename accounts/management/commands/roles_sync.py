from django.core.management.base import BaseCommand

from accounts.roles import roles_sync


class Command(BaseCommand):
    help = "Create or update the role groups (SSC curator, trainer, ...) and their permissions."

    def handle(self, *args, **options) -> None:
        for role, group in roles_sync().items():
            self.stdout.write(f"{role.value}: {group.permissions.count()} permissions")
