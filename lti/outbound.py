"""Where the tool may send a request (or a browser) on a platform's word, and how much it reads.

A launch carries service addresses (AGS ``lineitems``/``lineitem``, NRPS
``context_memberships_url``, a deep linking ``deep_link_return_url``) and service answers carry
more (a created line item's ``id``, ``Link: rel=next``). Our workers send them the tool's access
token, so a rogue or compromised platform could otherwise point them at Redis on 127.0.0.1, the
cloud metadata service on 169.254.169.254, a host on the private network, or another platform.
An address is used only when

- it is https (http too when the registration's own URLs are http: a local or test platform),
- its host and port are those of the registration's issuer, OIDC authentication or token URL,
  or in the registration's ``service_hosts`` list an administrator set (Blackboard and Canvas
  serve AGS/NRPS from the institution's host, not the issuer's),
- and it does not lie on a private, loopback or link-local address unless the registration's
  own URLs do too (a platform on the same private network).

Answers are read with a size limit and a deadline, never following redirects (see
``lti.connector``), so neither a huge body nor a slow drip can exhaust a worker.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from .models import PlatformRegistration

OUTSIDE_HOST = "The LMS gave a service address outside its own host: not used"
PRIVATE_ADDRESS = "The LMS gave a service address on a private or local network: not used"
NOT_HTTPS = "The LMS gave a service address that is not https: not used"
NOT_A_URL = "The LMS gave a service address that is not a URL: not used"
URL_MAX_LENGTH = 500  # the URL fields of ResourceLink, Batch and LineItem


class ServiceAddressRefusedError(Exception):
    """A platform-given address we will not send anything to; ``reason`` is for people."""

    def __init__(self, reason: str, url: object):
        shown = repr(url)[:200]
        super().__init__(f"{reason} ({shown}).")
        self.reason = reason
        self.url = url


class AnswerTooLargeError(Exception):
    pass


class AnswerTooSlowError(Exception):
    pass


@dataclass(frozen=True)
class Origin:
    host: str
    port: int | None  # None: any port (an administrator's entry without one)


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def _host(hostname: str) -> str:
    return hostname.lower().rstrip(".")


def _origin_of(url: str) -> Origin | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return Origin(_host(parts.hostname), port or _default_port(parts.scheme.lower()))


def _own_urls(registration: PlatformRegistration) -> list[str]:
    return [registration.issuer, registration.auth_login_url, registration.auth_token_url]


def service_host_entry_valid(entry: object) -> bool:
    """An administrator's allowed-host entry: ``host``, ``host:port`` or ``*.domain``."""
    if not isinstance(entry, str) or not entry or len(entry) > 255:
        return False
    name, _, port = entry.partition(":")
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        return False
    name = name.removeprefix("*.")
    labels = name.split(".")
    return all(label and all(c.isalnum() or c == "-" for c in label) for label in labels)


def _entry_matches(entry: str, origin: Origin) -> bool:
    name, _, port = entry.lower().partition(":")
    if port and int(port) != origin.port:
        return False
    if name.startswith("*."):
        return origin.host.endswith(name[1:])
    return origin.host == name


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The addresses a host name stands for (itself when it is an IP literal); [] when it does
    not resolve (the request would then fail on its own)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return []
    out = []
    for info in infos:
        try:
            out.append(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]))
        except ValueError:
            continue
    return out


def _literal(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        return []


def _is_local(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Loopback, private, link-local (cloud metadata), shared, reserved or multicast."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def host_is_local(host: str) -> bool:
    """The host is, or resolves to, a private, loopback or link-local address."""
    return any(_is_local(a) for a in _addresses(_host(host)))


def registration_is_local(registration: PlatformRegistration, *, resolve: bool = True) -> bool:
    """The registration's own URLs lie on a private, loopback or link-local address."""
    lookup = _addresses if resolve else _literal
    for url in _own_urls(registration):
        origin = _origin_of(url)
        if origin and any(_is_local(a) for a in lookup(origin.host)):
            return True
    return False


def service_url_check(url: object, *, registration: PlatformRegistration, resolve: bool = True):
    """Raise ServiceAddressRefusedError unless ``url`` is one of ``registration``'s own service
    addresses (see the module doc). ``resolve=False`` (at launch) checks IP literals only; a
    request checks what the host name resolves to as well."""
    if not isinstance(url, str) or not url or len(url) > URL_MAX_LENGTH:
        raise ServiceAddressRefusedError(NOT_A_URL, url)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise ServiceAddressRefusedError(NOT_A_URL, url) from exc
    scheme = parts.scheme.lower()
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise ServiceAddressRefusedError(NOT_A_URL, url)
    own_schemes = {urlsplit(u).scheme.lower() for u in _own_urls(registration)}
    allowed_schemes = {"https", "http"} if "http" in own_schemes else {"https"}
    if scheme not in allowed_schemes:
        raise ServiceAddressRefusedError(NOT_HTTPS if scheme == "http" else NOT_A_URL, url)
    origin = _origin_of(url)
    assert origin is not None  # a hostname was checked above
    own = {o for o in (_origin_of(u) for u in _own_urls(registration)) if o}
    listed = [e for e in registration.service_hosts or [] if service_host_entry_valid(e)]
    if origin not in own and not any(_entry_matches(e, origin) for e in listed):
        raise ServiceAddressRefusedError(OUTSIDE_HOST, url)
    lookup = _addresses if resolve else _literal
    if any(_is_local(a) for a in lookup(origin.host)) and not registration_is_local(
        registration, resolve=resolve
    ):
        raise ServiceAddressRefusedError(PRIVATE_ADDRESS, url)


def body_read(response: requests.Response, *, max_bytes: int, seconds: float) -> bytes:
    """The whole body of a streamed answer, at most ``max_bytes`` and within ``seconds``
    (a per-read timeout alone lets a slow drip go on for ever). The body is kept on the
    response, so ``.json()`` and ``.text`` work afterwards."""
    deadline = time.monotonic() + seconds
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise AnswerTooLargeError(f"the answer is larger than {max_bytes} bytes")
    body = bytearray()
    for chunk in response.iter_content(64 * 1024):
        body += chunk
        if len(body) > max_bytes:
            raise AnswerTooLargeError(f"the answer is larger than {max_bytes} bytes")
        if time.monotonic() > deadline:
            raise AnswerTooSlowError(f"the answer took longer than {seconds:g} s")
    response._content = bytes(body)
    return response._content
