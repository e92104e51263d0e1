"""The site navigation of base.html: which main pages a visitor has, by role.

Kept here rather than in the template so every page (learner, trainer, assessor, lesson) shows
the same links for the same person, and the template only draws them.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import Role, user_may_open_admin, user_roles

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_links(context) -> list[dict[str, str | bool]]:
    """[{"url", "label", "current"}] for the visitor; the current page's link is marked."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return [{"url": "/courses/", "label": _("Courses"), "current": False}]
    roles = user_roles(user)
    links = [(reverse("dashboard"), _("Dashboard")), ("/courses/", _("Courses"))]
    if roles & {Role.LEARNER, Role.TRAINER, Role.ASSESSOR, Role.ADMINISTRATOR}:
        links.append((reverse("adaptive:assessments"), _("Assessments")))
    if Role.LEARNER in roles:
        links.append((reverse("my_mastery"), _("My progress")))
    if Role.TRAINER in roles:
        links.append((reverse("trainer_batches"), _("Batches")))
    if user_may_open_admin(user):
        links.append(("/admin/", _("Authoring")))
    path = request.path
    return [
        {
            "url": url,
            "label": label,
            "current": path == url or (url != "/" and path.startswith(url)),
        }
        for url, label in links
    ]
