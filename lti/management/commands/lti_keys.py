"""Our LTI signing keys: ``status``, ``publish``, ``activate``, ``retire``, or ``rotate``.

Rotation without breaking platforms that cache our JWKS:
  manage.py lti_keys publish             # new key in the JWKS; platforms pick it up
  manage.py lti_keys activate --grace-hours 48   # sign with it; old key published 48 h more
  manage.py lti_keys retire              # drop keys whose grace period has passed (run daily)
``rotate`` does publish + activate in one go (for a first key or an emergency).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from lti.keys import tool_key_activate, tool_key_publish, tool_key_retire_expired
from lti.models import ToolKey


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "publish", "activate", "retire", "rotate"])
        parser.add_argument("--grace-hours", type=float, default=48.0)

    def handle(self, *args, action: str, grace_hours: float, **options):
        if grace_hours < 0:
            raise CommandError("--grace-hours must not be negative")
        grace = timedelta(hours=grace_hours)
        if action == "publish":
            key = tool_key_publish()
            self.stdout.write(f"published {key.kid} (not signing yet)")
        elif action == "activate":
            if not ToolKey.objects.filter(status=ToolKey.Status.NEXT).exists():
                raise CommandError("no published key to activate: run `lti_keys publish` first")
            key = tool_key_activate(grace=grace)
            self.stdout.write(f"signing with {key.kid}")
        elif action == "rotate":
            tool_key_publish()
            key = tool_key_activate(grace=grace)
            self.stdout.write(f"signing with {key.kid}")
        elif action == "retire":
            self.stdout.write(f"retired {tool_key_retire_expired()} key(s)")
        for key in ToolKey.objects.exclude(status=ToolKey.Status.RETIRED).order_by("created_at"):
            self.stdout.write(f"{key.kid}\t{key.status}\t{key.retire_after or ''}")
