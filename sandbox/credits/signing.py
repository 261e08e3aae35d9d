"""Signing statements (canonical JSON + detached Ed25519) and certificates (compact JWS, EdDSA).

Pure apart from the keys handed in: the bureau key is loaded by the service's composition root.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from typing import Any

import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sandbox.credits.errors import signature_invalid
from sandbox.grants.keys import b64url, key_id

CERTIFICATE_TYP = "qdn-certificate+jwt"


def canonical(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the bytes that are hashed and signed."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def digest(value: Any) -> str:
    return "sha256:" + hashlib.sha256(canonical(value)).hexdigest()


def sign_document(body: Mapping[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """``{"body", "hash", "alg", "kid", "signature"}``: the signature covers the canonical body bytes."""
    data = canonical(dict(body))
    return {
        "body": dict(body),
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "alg": "Ed25519",
        "kid": key_id(key.public_key()),
        "signature": b64url(key.sign(data)),
    }


def verify_document(document: Mapping[str, Any], public_key: Ed25519PublicKey) -> dict[str, Any]:
    """The body of a signed document, or ``CreditError`` ``credits.signature_invalid``."""
    try:
        body = document["body"]
        data = canonical(body)
        if document["hash"] != "sha256:" + hashlib.sha256(data).hexdigest():
            raise signature_invalid("hash")
        public_key.verify(_unb64(str(document["signature"])), data)
    except (KeyError, TypeError, ValueError, InvalidSignature):
        raise signature_invalid("signature") from None
    return dict(body)


def sign_jws(payload: Mapping[str, Any], key: Ed25519PrivateKey) -> str:
    headers = {"kid": key_id(key.public_key()), "typ": CERTIFICATE_TYP}
    return jwt.encode(dict(payload), key, algorithm="EdDSA", headers=headers)


def verify_jws(token: str, public_key: Ed25519PublicKey) -> dict[str, Any]:
    """The payload of a certificate JWS; only EdDSA with our type header is accepted."""
    try:
        header = jwt.get_unverified_header(token)
        if header.get("typ") != CERTIFICATE_TYP or header.get("alg") != "EdDSA":
            raise signature_invalid("header")
        payload = jwt.decode(
            token, public_key, algorithms=["EdDSA"], options={"require": ["iat", "jti", "sub"], "verify_aud": False}
        )
    except jwt.PyJWTError:
        raise signature_invalid("signature") from None
    return dict(payload)


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
