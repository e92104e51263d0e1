"""Our RSA signing keys and the JWKS we publish.

Rotation happens in three steps so that no platform ever sees a signature it cannot check:
publish a NEXT key (in the JWKS, not signing) -> activate it (it signs; the old ACTIVE key becomes
RETIRING and stays published for a grace period) -> retire keys whose grace period is over.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import transaction
from django.utils import timezone
from jwcrypto.jwk import JWK

from .models import ToolKey

PUBLISHED = (ToolKey.Status.NEXT, ToolKey.Status.ACTIVE, ToolKey.Status.RETIRING)


def _new_key_pair() -> tuple[str, str, dict]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    kid = uuid.uuid4().hex
    jwk = json.loads(JWK.from_pem(pem.encode()).export_public())
    jwk.update({"kid": kid, "alg": "RS256", "use": "sig"})
    return kid, pem, jwk


@transaction.atomic
def tool_key_publish() -> ToolKey:
    """Create the next key and publish it, without signing with it yet."""
    existing = ToolKey.objects.filter(status=ToolKey.Status.NEXT).first()
    if existing:
        return existing
    kid, pem, jwk = _new_key_pair()
    return ToolKey.objects.create(kid=kid, private_key_pem=pem, public_jwk=jwk)


@transaction.atomic
def tool_key_activate(*, grace: timedelta = timedelta(days=2)) -> ToolKey:
    """Sign with the NEXT key from now on; the old key stays published for ``grace``."""
    next_key = (
        ToolKey.objects.select_for_update().filter(status=ToolKey.Status.NEXT).first()
        or tool_key_publish()
    )
    now = timezone.now()
    ToolKey.objects.filter(status=ToolKey.Status.ACTIVE).update(
        status=ToolKey.Status.RETIRING, retire_after=now + grace
    )
    next_key.status = ToolKey.Status.ACTIVE
    next_key.activated_at = now
    next_key.save(update_fields=["status", "activated_at"])
    return next_key


@transaction.atomic
def tool_key_retire_expired(*, now=None) -> int:
    """Stop publishing RETIRING keys whose grace period is over; returns how many."""
    now = now or timezone.now()
    return ToolKey.objects.filter(status=ToolKey.Status.RETIRING, retire_after__lte=now).update(
        status=ToolKey.Status.RETIRED
    )


def tool_key_active() -> ToolKey:
    """The signing key, created on first use so a fresh install works without a command."""
    key = ToolKey.objects.filter(status=ToolKey.Status.ACTIVE).first()
    if key is None:
        tool_key_publish()
        key = tool_key_activate()
    return key


def tool_jwks() -> dict:
    """The public keys platforms verify our messages and token requests with."""
    tool_key_active()
    keys = ToolKey.objects.filter(status__in=PUBLISHED).order_by("created_at")
    return {"keys": [k.public_jwk for k in keys]}
