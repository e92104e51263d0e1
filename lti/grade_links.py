"""The LTI side of ``adaptive.grades``: an attempt's grade links are the resource links of its
assessment the candidate launched from (``services._links_for``), and their ScorePosts.
Registered in ``LtiConfig.ready``."""

from __future__ import annotations

from dataclasses import replace

from adaptive.grades import GradeLink
from adaptive.models import Attempt

from . import services
from .models import LaunchTarget, ResourceLink, ScorePost


def _key(attempt: Attempt) -> str:
    return f"adaptive-attempt-{attempt.pk}"  # as adaptive.delivery._grade_payload names it


class LtiGradeLinks:
    def links(self, attempts: list[Attempt]) -> dict[int, list[GradeLink]]:
        posts: dict[str, list[ScorePost]] = {}
        for post in ScorePost.objects.filter(
            attempt_key__in=[_key(a) for a in attempts]
        ).select_related("resource_link__registration"):
            posts.setdefault(post.attempt_key, []).append(post)
        out: dict[int, list[GradeLink]] = {}
        linked = set(
            ResourceLink.objects.filter(
                target__target_type=LaunchTarget.TargetType.ASSESSMENT,
                target__target_key__in={a.assessment.slug for a in attempts if a.assessment},
            ).values_list("target__target_key", flat=True)
        )  # one query, so that a page of unlinked attempts asks nothing more
        for attempt in attempts:
            sent = posts.get(_key(attempt), [])
            if sent:
                out[attempt.pk] = [self._link(p) for p in sent]
                continue
            if attempt.assessment is None or attempt.assessment.slug not in linked:
                continue
            links = services._links_for(attempt.user, attempt.assessment.slug)
            if links:
                out[attempt.pk] = [
                    GradeLink(f"{link.registration}: {link}", "not sent yet") for link in links
                ]
        return out

    def send_again(self, attempt: Attempt) -> list[GradeLink]:
        """Idempotent: only a failed post is queued again; a pending, sending or sent one is
        left alone, so a second click while the grade is on its way queues nothing."""
        posts = list(ScorePost.objects.filter(attempt_key=_key(attempt)))
        queued = {
            post.pk
            for post in posts
            if post.status == ScorePost.Status.FAILED
            and services.score_post_retry(score_post_id=post.pk)
        }
        if not posts and attempt.assessment is not None and attempt.percent is not None:
            posts = services.grade_publish(
                user=attempt.user,
                resource_link_or_assessment_key=attempt.assessment.slug,
                score_given=attempt.percent,
                score_maximum=100.0,
                attempt_key=_key(attempt),
            )
            queued = {post.pk for post in posts}
        if not posts:
            return []
        return [
            replace(self._link(post), queued_now=post.pk in queued)
            for post in ScorePost.objects.filter(pk__in=[p.pk for p in posts])
            .select_related("resource_link__registration")
            .order_by("pk")
        ]

    @staticmethod
    def _link(post: ScorePost) -> GradeLink:
        return GradeLink(
            f"{post.resource_link.registration}: {post.resource_link}",
            post.get_status_display(),
            post.last_error,
        )
