"""This deployment's Ed25519 signing key and the fingerprints peers check out of band."""

from __future__ import annotations

import base64
import functools
import hashlib

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from joserfc.jwk import OKPKey
from joserfc.jws import JWSRegistry

ALGORITHM = "Ed25519"  # JWS "alg" (RFC 9864): EdDSA on the Ed25519 curve


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@functools.cache
def _seed() -> bytes:
    configured = settings.FEDERATION_SIGNING_KEY
    if configured:
        seed = unb64(configured)
        if len(seed) != 32:
            raise ValueError("FEDERATION_SIGNING_KEY must be 32 bytes, base64url-encoded.")
        return seed
    # Without a configured key the deployment signs with one derived from SECRET_KEY:
    # stable across processes, but it changes when SECRET_KEY does (docs/operations.md).
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"chapter-directory federation signing key").derive(
                    settings.SECRET_KEY.encode())


def private_key() -> OKPKey:
    return OKPKey.import_key(Ed25519PrivateKey.from_private_bytes(_seed()))


def public_raw(key: Ed25519PublicKey | None = None) -> bytes:
    key = key or Ed25519PrivateKey.from_private_bytes(_seed()).public_key()
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_jwk() -> dict:
    return {"kty": "OKP", "crv": "Ed25519", "x": b64(public_raw()), "alg": ALGORITHM,
            "use": "sig"}


def fingerprint(raw_public_key: bytes) -> str:
    """SHA-256 of the raw public key, as lowercase hex: what admins compare by phone."""
    return hashlib.sha256(raw_public_key).hexdigest()


def grouped(fingerprint_hex: str) -> str:
    """The fingerprint in groups of four, easier to read out."""
    return " ".join(fingerprint_hex[i:i + 4] for i in range(0, len(fingerprint_hex), 4))


def normalized(fingerprint_text: str) -> str:
    return "".join(fingerprint_text.split()).replace(":", "").lower()


def own_fingerprint() -> str:
    return fingerprint(public_raw())


def verifying_key(raw_public_key: bytes) -> OKPKey:
    return OKPKey.import_key(Ed25519PublicKey.from_public_bytes(raw_public_key))


def feed_registry() -> JWSRegistry:
    """What a peer's feed page may be: our one algorithm, up to FEDERATION_MAX_FEED_BYTES
    (joserfc's own default stops at 128 kB, about 250 records)."""
    registry = JWSRegistry(algorithms=[ALGORITHM])
    registry.max_payload_length = settings.FEDERATION_MAX_FEED_BYTES
    return registry
