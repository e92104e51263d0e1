"""A rogue platform's service addresses get nothing from our workers (SSRF).

A signed launch from a registered platform names where grades (AGS) and rosters (NRPS) go; our
Celery workers call those addresses with the tool's access token. A rogue or compromised platform
points them at Redis on loopback, the cloud metadata service, a private host or another
platform's host (here: a trap server on another port that records every request). The launch
still works for learning; the grade and the roster say why they are not exchanged; the trap and
every other foreign address receive nothing, not through a redirect, a next-page link or a line
item id either. Answers are read with a size limit, and paging stops.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock
from urllib.parse import urlsplit

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from lti import outbound, services
from lti.connector import ServicePermanentError
from lti.models import Batch, LineItem, PlatformRegistration, PlatformUser, ResourceLink, ScorePost
from tests.adaptive.assessment_factories import approver, small_bank  # noqa: F401  (fixtures)
from tests.lti.conftest import launch, platform, registration  # noqa: F401  (fixtures)
from tests.lti.platform import LaunchSpec
from tests.question_bank.factories import asc_q0202  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
ASSESSMENT = {"target_type": "assessment", "target_key": "pv-final"}
NRPS_MEDIA = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"


class Trap:
    """Another host (port) on loopback that records whatever reaches it, bearer token included."""

    def __init__(self):
        self.hits: list[tuple[str, str, str]] = []
        trap = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _record(self):
                trap.hits.append((self.command, self.path, self.headers.get("Authorization", "")))
                body = b'{"members": [], "id": "x"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):  # noqa: N802 - http.server's name
                self._record()

            def do_POST(self):  # noqa: N802
                self._record()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self):
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def trap():
    t = Trap()
    yield t
    t.close()


@pytest.fixture
def outbound_urls():
    """Every URL any outbound HTTP request of the process goes to."""
    sent: list[str] = []
    send = requests.adapters.HTTPAdapter.send

    def recording(self, request, *args, **kwargs):
        sent.append(request.url)
        return send(self, request, *args, **kwargs)

    with mock.patch.object(requests.adapters.HTTPAdapter, "send", recording):
        yield sent


def rogue_services(platform, *, lineitems=None, lineitem=None, memberships=None):  # noqa: F811
    def apply(claims):
        if lineitems is not None or lineitem is not None:
            claims[AGS_CLAIM] = {
                "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
                **({"lineitems": lineitems} if lineitems is not None else {}),
                **({"lineitem": lineitem} if lineitem is not None else {}),
            }
        if memberships is not None:
            claims[NRPS_CLAIM] = {
                "context_memberships_url": memberships,
                "service_versions": ["2.0"],
            }
        return claims

    platform.mutate_claims = apply


def publish(capture, user, attempt_key: str = "attempt-1") -> ScorePost:
    with capture(execute=True):
        (post,) = services.grade_publish(
            user=user,
            resource_link_or_assessment_key="pv-final",
            score_given=7,
            score_maximum=10,
            attempt_key=attempt_key,
        )
    post.refresh_from_db()
    return post


def learner_of(client, platform):  # noqa: F811
    response = launch(client, platform, LaunchSpec(sub="learner-7", custom=ASSESSMENT))
    assert response.status_code == 302, response.content.decode()[:500]  # learning goes on
    return PlatformUser.objects.get(sub="learner-7").user


ROGUE_ADDRESSES = [
    "http://127.0.0.1:6379/",  # Redis on the worker's own loopback
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",  # cloud metadata
    "http://10.0.0.5/ags/lineitems",  # a host on the private network
    "http://[::1]:8000/ags",  # loopback again, in IPv6
    "https://other-platform.example.org/ags/lineitems",  # another platform's host
    "https://127.0.0.1.nip.io/ags",  # a name for loopback
    "http://user:pass@127.0.0.1/ags",  # credentials smuggled in the URL
    "javascript:alert(1)",
    "file:///etc/passwd",
    "not a url",
    "https://x.example/" + "a" * 600,  # longer than the column holding it
]


@pytest.mark.parametrize("address", ROGUE_ADDRESSES)
def test_a_rogue_grade_service_address_gets_no_request_and_the_grade_says_why(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
    django_capture_on_commit_callbacks,
    outbound_urls,
    caplog,
    address,
):
    rogue_services(platform, lineitems=address, lineitem=address)
    learner = learner_of(client, platform)
    link = ResourceLink.objects.get()
    assert (link.ags_lineitems_url, link.ags_lineitem_url) == ("", "")
    assert "service address" in link.ags_refusal and "not used" in link.ags_refusal
    assert any("address refused" in r.getMessage() for r in caplog.records)
    sent_before = list(outbound_urls)

    post = publish(django_capture_on_commit_callbacks, learner)

    assert post.status == ScorePost.Status.FAILED
    assert "The LMS gave a service address" in post.last_error
    assert outbound_urls == sent_before  # not even a token request
    assert not platform.scores


def test_another_platforms_host_on_the_same_machine_gets_nothing(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
    django_capture_on_commit_callbacks,
    trap,
):
    rogue_services(platform, lineitems=f"{trap.url}/ags/lineitems")
    learner = learner_of(client, platform)

    post = publish(django_capture_on_commit_callbacks, learner)

    assert post.status == ScorePost.Status.FAILED
    assert outbound.OUTSIDE_HOST in post.last_error
    assert trap.hits == []


def test_the_assessor_sees_why_the_grade_was_not_sent(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
    small_bank,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from django.utils import timezone

    from accounts.roles import Role
    from adaptive.models import Attempt, Mode
    from tests.adaptive.assessment_factories import assessment_make
    from tests.question_bank.factories import user_in

    rogue_services(platform, lineitems="http://169.254.169.254/latest/meta-data/")
    learner = learner_of(client, platform)
    assessment = assessment_make(slug="pv-final")
    attempt = Attempt.objects.create(
        user=learner, mode=Mode.SUMMATIVE, qualification_pack_code="ASC/Q0202",
        assessment=assessment, finished_at=timezone.now(), percent=75.0, passed=True,
        raw_score=3, max_score=4,
    )  # fmt: skip
    publish(django_capture_on_commit_callbacks, learner, f"adaptive-attempt-{attempt.pk}")
    assessor = user_in(Role.ASSESSOR)  # the creator reads the LMS's candidates (no centre)
    assessment.created_by = assessor
    assessment.save(update_fields=["created_by"])
    client.force_login(assessor)

    page = client.get(f"/admin/assessment-results/{assessment.pk}/").content.decode()

    assert "outside its own host: not used" in page


def test_a_rogue_roster_address_gets_no_request_and_the_batch_says_why(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
    outbound_urls,
    admin_client,
):
    rogue_services(platform, memberships="http://169.254.169.254/latest/meta-data/")
    launch(client, platform, LaunchSpec(sub="trainer-1", roles=("instructor",)))
    batch = Batch.objects.get()
    assert batch.context_memberships_url == ""
    assert outbound.OUTSIDE_HOST in batch.roster_refusal
    sent_before = list(outbound_urls)

    with pytest.raises(ServicePermanentError, match="outside its own host: not used"):
        services.batch_roster_sync(batch=batch)
    response = admin_client.post(
        "/django-admin/lti/batch/",
        {"action": "sync_roster", "_selected_action": [batch.pk]},
        follow=True,
    )

    assert "outside its own host: not used" in response.content.decode()
    assert outbound_urls == sent_before


def test_the_admin_sees_why_a_links_grade_service_is_not_used(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
    admin_client,
):
    rogue_services(platform, lineitems="http://169.254.169.254/latest/meta-data/")
    learner_of(client, platform)
    link = ResourceLink.objects.get()

    listing = admin_client.get("/django-admin/lti/resourcelink/").content.decode()
    page = admin_client.get(f"/django-admin/lti/resourcelink/{link.pk}/change/").content.decode()

    for html in (listing, page):
        assert "outside its own host: not used" in html


def test_a_later_good_launch_clears_the_refusal(client, platform, registration):  # noqa: F811
    rogue_services(platform, lineitems="http://10.0.0.5/x", memberships="http://10.0.0.5/m")
    launch(client, platform, LaunchSpec(sub="trainer-1", roles=("instructor",)))
    platform.mutate_claims = lambda claims: claims
    launch(client, platform, LaunchSpec(sub="trainer-1", roles=("instructor",)))
    link, batch = ResourceLink.objects.get(), Batch.objects.get()
    assert link.ags_lineitems_url.startswith(platform.url) and link.ags_refusal == ""
    assert batch.context_memberships_url.startswith(platform.url) and batch.roster_refusal == ""


def test_a_host_the_administrator_listed_is_used(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
    django_capture_on_commit_callbacks,
    trap,
):
    """Blackboard and Canvas serve AGS from the institution's host, not the issuer's."""
    registration.service_hosts = [urlsplit(trap.url).netloc]
    registration.save()
    rogue_services(platform, lineitem=f"{trap.url}/ags/lineitems/1")
    learner = learner_of(client, platform)
    assert ResourceLink.objects.get().ags_lineitem_url == f"{trap.url}/ags/lineitems/1"

    publish(django_capture_on_commit_callbacks, learner)

    assert [(m, p) for m, p, _ in trap.hits] == [("POST", "/ags/lineitems/1/scores")]
    assert trap.hits[0][2].startswith("Bearer ")


@pytest.mark.parametrize("endpoint", ["/token", "/ags/course-42/lineitems"])
def test_a_redirect_from_the_platform_is_not_followed(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
    django_capture_on_commit_callbacks,
    trap,
    endpoint,
):
    learner = learner_of(client, platform)

    def redirect(method, path):
        if path == endpoint:
            return 307, {"Location": f"{trap.url}/stolen"}, ""
        return None

    platform.fault = redirect

    post = publish(django_capture_on_commit_callbacks, learner)

    assert post.status == ScorePost.Status.FAILED
    assert "redirect (HTTP 307)" in post.last_error and "not followed" in post.last_error
    assert trap.hits == []


def test_a_line_item_id_on_a_foreign_host_is_not_used(
    client,
    platform,  # noqa: F811
    registration,  # noqa: F811
    django_capture_on_commit_callbacks,
    trap,
):
    learner = learner_of(client, platform)

    def foreign_id(method, path):
        if method == "POST" and path == "/ags/course-42/lineitems":
            body = json.dumps({"id": f"{trap.url}/lineitems/1", "scoreMaximum": 10})
            return 201, {"Content-Type": "application/vnd.ims.lis.v2.lineitem+json"}, body
        return None

    platform.fault = foreign_id

    post = publish(django_capture_on_commit_callbacks, learner)

    assert post.status == ScorePost.Status.FAILED
    assert outbound.OUTSIDE_HOST in post.last_error
    assert not LineItem.objects.exists()
    assert trap.hits == []


@pytest.fixture
def batch(client, platform, registration):  # noqa: F811
    launch(client, platform, LaunchSpec(sub="trainer-1", roles=("instructor",)))
    return Batch.objects.get()


def test_a_next_page_on_a_foreign_host_is_not_followed(platform, batch, trap):  # noqa: F811
    def foreign_next(method, path):
        if path.startswith("/NRPS/"):
            headers = {"Content-Type": NRPS_MEDIA, "Link": f'<{trap.url}/page2>; rel="next"'}
            return 200, headers, json.dumps({"members": []})
        return None

    platform.fault = foreign_next
    memberships_before = list(Batch.objects.values_list("memberships__user", flat=True))

    with pytest.raises(ServicePermanentError, match="outside its own host"):
        services.batch_roster_sync(batch=batch)

    assert trap.hits == []
    assert list(Batch.objects.values_list("memberships__user", flat=True)) == memberships_before


def test_endless_paging_stops(platform, batch, settings):  # noqa: F811
    settings.LTI_SERVICE_MAX_PAGES = 5
    served = []

    def endless(method, path):
        if path.startswith("/NRPS/"):
            served.append(path)
            following = f"{platform.url}/NRPS/course-42/Memberships/{len(served)}"
            headers = {"Content-Type": NRPS_MEDIA, "Link": f"<{following}>; rel=next"}
            return 200, headers, json.dumps({"members": []})
        return None

    platform.fault = endless

    with pytest.raises(ServicePermanentError, match="more than 5 pages"):
        services.batch_roster_sync(batch=batch)
    assert len(served) == 5


def test_a_huge_roster_answer_is_not_read_into_memory(platform, batch, settings):  # noqa: F811
    settings.LTI_SERVICE_MAX_BYTES = 10_000

    def huge(method, path):
        if path.startswith("/NRPS/"):
            members = [{"user_id": f"u{n}", "roles": []} for n in range(2000)]
            return 200, {"Content-Type": NRPS_MEDIA}, json.dumps({"members": members})
        return None

    platform.fault = huge

    with pytest.raises(ServicePermanentError, match="larger than 10000 bytes"):
        services.batch_roster_sync(batch=batch)
    assert not PlatformUser.objects.exclude(sub="trainer-1").exists()


def test_a_roster_that_is_not_json_is_a_clear_failure(platform, batch):  # noqa: F811
    platform.fault = lambda m, p: (
        (200, {"Content-Type": NRPS_MEDIA}, "<html>") if "NRPS" in p else None
    )
    with pytest.raises(ServicePermanentError, match="did not answer JSON"):
        services.batch_roster_sync(batch=batch)


def test_every_service_call_has_a_timeout(platform, batch, settings):  # noqa: F811
    settings.LTI_SERVICE_TIMEOUT_SECONDS = 3
    seen = []
    real = requests.Session.request

    def spy(self, method, url, **kwargs):
        seen.append((url, kwargs.get("timeout"), kwargs.get("allow_redirects")))
        return real(self, method, url, **kwargs)

    with mock.patch.object(requests.Session, "request", spy):
        services.batch_roster_sync(batch=batch)
    assert seen and all(timeout == 3 and follow is False for _, timeout, follow in seen)
    assert {urlsplit(url).path for url, _, _ in seen} >= {"/token", "/NRPS/course-42/Memberships"}


# -- the rule itself, on names that do not resolve here ------------------------------------------


def moodle(**fields) -> PlatformRegistration:
    defaults = {
        "issuer": "https://moodle.example.org",
        "client_id": "c1",
        "auth_login_url": "https://moodle.example.org/mod/lti/auth.php",
        "auth_token_url": "https://moodle.example.org/mod/lti/token.php",
        "key_set_url": "https://moodle.example.org/mod/lti/certs.php",
    }
    return PlatformRegistration(**{**defaults, **fields})


def resolving(table: dict[str, str]):
    def getaddrinfo(host, *args, **kwargs):
        return [(2, 1, 6, "", (table[host], 0))]

    return mock.patch("lti.outbound.socket.getaddrinfo", getaddrinfo)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://moodle.example.org/mod/lti/services.php/2/lineitems", None),
        ("https://MOODLE.example.org./mod/lti/services.php/2/lineitems", None),
        ("https://moodle.example.org:443/x", None),
        ("https://moodle.example.org:8443/x", outbound.OUTSIDE_HOST),
        ("http://moodle.example.org/x", outbound.NOT_HTTPS),
        ("https://moodle.example.org.evil.net/x", outbound.OUTSIDE_HOST),
        ("https://evil.net/moodle.example.org/x", outbound.OUTSIDE_HOST),
        ("https://moodle.example.org@evil.net/x", outbound.NOT_A_URL),
        ("https://evil.net#@moodle.example.org/x", outbound.OUTSIDE_HOST),
        ("https://school.blackboard.com/learn/api/v1/lti/x", outbound.OUTSIDE_HOST),
        ("gopher://moodle.example.org/x", outbound.NOT_A_URL),
        ("https://moodle.example.org:99999/x", outbound.NOT_A_URL),
    ],
)
def test_a_service_address_must_be_the_registrations_own(url, reason):
    reg = moodle()
    with resolving({"moodle.example.org": "93.184.215.14"}):
        if reason is None:
            outbound.service_url_check(url, registration=reg)
        else:
            with pytest.raises(outbound.ServiceAddressRefusedError) as refused:
                outbound.service_url_check(url, registration=reg)
            assert refused.value.reason == reason


def test_a_listed_host_that_resolves_to_a_private_address_is_refused():
    """DNS can point a public-looking name at the private network or the metadata service."""
    reg = moodle(service_hosts=["grades.example.org", "*.example.net"])
    table = {
        "moodle.example.org": "93.184.215.14",
        "grades.example.org": "169.254.169.254",
        "a.example.net": "151.101.1.69",
    }
    with resolving(table):
        outbound.service_url_check("https://a.example.net/x", registration=reg)
        with pytest.raises(outbound.ServiceAddressRefusedError) as refused:
            outbound.service_url_check("https://grades.example.org/x", registration=reg)
    assert refused.value.reason == outbound.PRIVATE_ADDRESS
    with pytest.raises(outbound.ServiceAddressRefusedError):
        outbound.service_url_check("https://example.net/x", registration=reg)


def test_a_platform_on_the_private_network_may_use_its_own_private_host():
    reg = moodle(
        issuer="https://lms.college.internal",
        auth_login_url="https://lms.college.internal/auth",
        auth_token_url="https://lms.college.internal/token",
    )
    with resolving({"lms.college.internal": "10.1.2.3"}):
        outbound.service_url_check("https://lms.college.internal/ags", registration=reg)
        with pytest.raises(outbound.ServiceAddressRefusedError) as refused:
            outbound.service_url_check("https://10.1.2.4/ags", registration=reg)
    assert refused.value.reason == outbound.OUTSIDE_HOST


@pytest.mark.parametrize("address", ["::ffff:127.0.0.1", "::1", "fd00::1", "100.64.0.1", "0.0.0.0"])
def test_every_kind_of_local_address_counts_as_local(address):
    reg = moodle(service_hosts=["grades.example.org"])
    table = {"moodle.example.org": "93.184.215.14", "grades.example.org": address}
    with resolving(table), pytest.raises(outbound.ServiceAddressRefusedError) as refused:
        outbound.service_url_check("https://grades.example.org/x", registration=reg)
    assert refused.value.reason == outbound.PRIVATE_ADDRESS


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        (["school.blackboard.com", "lms.example.org:8443", "*.instructure.com"], True),
        (["https://school.blackboard.com/"], False),
        (["lms.example.org:0"], False),
        ("school.blackboard.com", False),
        ([""], False),
    ],
)
def test_the_admin_form_accepts_only_host_names(value, valid):
    from lti.admin import PlatformRegistrationForm

    data = {
        "name": "Blackboard",
        "issuer": "https://blackboard.com",
        "client_id": "abc",
        "auth_login_url": "https://developer.blackboard.com/api/v1/gateway/oidcauth",
        "auth_token_url": "https://developer.blackboard.com/api/v1/gateway/oauth2/jwttoken",
        "key_set_url": "https://developer.blackboard.com/api/v1/management/applications/a/jwks.json",
        "deployment_ids": '["d1"]',
        "service_hosts": json.dumps(value),
        "is_active": True,
        "instructor_role": "Trainer",
        "content_developer_role": "Learner",
        "administrator_role": "Learner",
    }
    form = PlatformRegistrationForm(data=data)
    assert form.is_valid() is valid, form.errors


@given(st.text(max_size=80), st.sampled_from(["https://", "http://", ""]))
@settings(max_examples=300, deadline=None)
def test_any_text_is_refused_cleanly_or_is_on_the_registrations_own_origin(tail, scheme):
    """Property: whatever a platform sends, the check refuses it with a reason, or it is an
    https URL on moodle.example.org:443; it never raises anything else."""
    reg = moodle()
    url = scheme + tail
    with resolving({"moodle.example.org": "93.184.215.14"}):
        try:
            outbound.service_url_check(url, registration=reg, resolve=False)
        except outbound.ServiceAddressRefusedError as refused:
            assert refused.reason.startswith("The LMS gave a service address")
            return
    parts = urlsplit(url)
    assert parts.scheme.lower() == "https"
    assert (parts.hostname or "").rstrip(".") == "moodle.example.org"
    assert (parts.port or 443) == 443
    assert parts.username is None


@given(
    st.sampled_from(["moodle.example.org", "moodle.example.org.", "MOODLE.EXAMPLE.ORG"]),
    st.text(alphabet=st.characters(codec="ascii", exclude_characters="#?@\\"), max_size=40),
)
@settings(max_examples=100, deadline=None)
def test_any_path_on_the_registrations_own_host_is_accepted(host, path):
    reg = moodle()
    with resolving({"moodle.example.org": "93.184.215.14"}):
        outbound.service_url_check(
            f"https://{host}/{path.lstrip('/')}", registration=reg, resolve=False
        )
