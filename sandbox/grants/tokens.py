"""EdDSA JWTs: sign typed claims, verify a presented token into typed claims or a coded refusal.

Verification order matters for what a forger learns: structure, then the header's ``alg`` (checked by us,
before any key is touched, so ``none``/HS256/RS256 never reach a verifier), then ``kid``, then the
signature, and only then the claims. Refusals never echo token contents.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Mapping
from typing import Any, Final

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from jwt.exceptions import InvalidJTIError, InvalidSubjectError
from jwt.types import Options

from sandbox.errors import GrantError
from sandbox.grants.claims import (
    REGISTERED_CLAIMS,
    Claims,
    Kind,
    claims_from_payload,
    invalid_claim,
    missing_claim,
)

ALGORITHM: Final = "EdDSA"
DEFAULT_ISSUER: Final = "qdn-data-bureau"
DEFAULT_AUDIENCE: Final = "qdn-sandbox"
DEFAULT_LEEWAY_SECONDS: Final = 30
MAX_TOKEN_LENGTH: Final = 16 * 1024  # far above any grant we issue; bounds parsing work

_MESSAGES: Final[Mapping[str, tuple[str, str]]] = {
    "token.malformed": ("The token is not a well-formed JWT.", "令牌不是格式正确的 JWT。"),
    "token.alg_not_allowed": (
        "The token's signing algorithm is not allowed; only EdDSA tokens from the bureau are accepted.",
        "令牌的签名算法不被允许；仅接受本局签发的 EdDSA 令牌。",
    ),
    "token.unknown_key": (
        "The token names no signing key of the bureau (kid missing or unknown).",
        "令牌未指明本局的签名密钥（kid 缺失或未知）。",
    ),
    "token.bad_signature": (
        "The token's signature does not verify: it was altered or not signed by the bureau.",
        "令牌签名校验失败：令牌已被篡改或并非本局签发。",
    ),
    "token.expired": ("The token has expired.", "令牌已过期。"),
    "token.not_yet_valid": ("The token is not valid yet.", "令牌尚未生效。"),
    "token.wrong_audience": (
        "The token was issued for another audience.",
        "令牌的受众（aud）不是本平台。",
    ),
    "token.wrong_issuer": ("The token was issued by another issuer.", "令牌的签发者（iss）不是本局。"),
    "token.wrong_kind": (
        "This kind of token is not accepted here (authorization vs. staff login).",
        "此处不接受该类型的令牌（授权令牌与工作人员登录令牌不可混用）。",
    ),
    "token.revoked": ("The token has been revoked.", "令牌已被撤销。"),
    "token.unknown_grant": (
        "The token is not in the bureau's register of issued tokens.",
        "该令牌不在本局的签发登记中。",
    ),
}


def token_error(code: str) -> GrantError:
    """The refusal for ``code``, with its fixed bilingual message."""
    en, zh = _MESSAGES[code]
    return GrantError(en, zh, code=code)


def sign(claims: Claims, key: Ed25519PrivateKey, kid: str) -> str:
    """Encode ``claims`` as a compact EdDSA JWT whose header names ``kid``."""
    return jwt.encode(claims.to_payload(), key, algorithm=ALGORITHM, headers={"kid": kid, "typ": "JWT"})


def verify(
    token: str,
    keys: Mapping[str, Ed25519PublicKey],
    *,
    audience: str = DEFAULT_AUDIENCE,
    issuer: str = DEFAULT_ISSUER,
    now: float | None = None,
    leeway: float = DEFAULT_LEEWAY_SECONDS,
    is_revoked: Callable[[str], bool],
    kind: Kind | None = None,
) -> Claims:
    """Verify ``token`` against the bureau's public ``keys`` (kid → key) and return its typed claims.

    ``is_revoked(jti)`` is consulted last, only for a token that is otherwise valid; it may itself
    raise a ``GrantError`` (e.g. for a jti that was never issued). ``kind`` restricts the token type.
    """
    header = _header(token)
    if header.get("alg") != ALGORITHM:
        raise token_error("token.alg_not_allowed")
    kid = header.get("kid")
    if not isinstance(kid, str) or kid not in keys:
        raise token_error("token.unknown_key")
    payload = _decode(token, keys[kid], audience=audience, issuer=issuer)
    claims = claims_from_payload(payload)
    if kind is not None and claims.kind != kind:
        raise token_error("token.wrong_kind")
    _check_times(claims, time.time() if now is None else now, leeway)
    if is_revoked(claims.jti):
        raise token_error("token.revoked")
    return claims


def _header(token: str) -> dict[str, Any]:
    # Parsed by hand so that alg and kid are judged by us, before pyjwt applies its own header rules.
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 2:
        raise token_error("token.malformed")
    segment = token.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except ValueError:  # bad base64, bad UTF-8 and bad JSON are all ValueErrors
        raise token_error("token.malformed") from None
    if not isinstance(header, dict):
        raise token_error("token.malformed")
    return header


def _decode(token: str, key: Ed25519PublicKey, *, audience: str, issuer: str) -> dict[str, Any]:
    # Times are checked by _check_times against an injectable clock; pyjwt only reads its own.
    options: Options = {
        "require": list(REGISTERED_CLAIMS),
        "verify_exp": False,
        "verify_nbf": False,
        "verify_iat": False,
        "strict_aud": True,
    }
    try:
        return jwt.decode(token, key, algorithms=[ALGORITHM], audience=audience, issuer=issuer, options=options)
    except jwt.InvalidSignatureError:
        raise token_error("token.bad_signature") from None
    except jwt.InvalidAlgorithmError:
        raise token_error("token.alg_not_allowed") from None
    except jwt.MissingRequiredClaimError as exc:
        raise missing_claim(exc.claim) from None
    except jwt.InvalidAudienceError:
        raise token_error("token.wrong_audience") from None
    except jwt.InvalidIssuerError:
        raise token_error("token.wrong_issuer") from None
    except InvalidSubjectError:
        raise invalid_claim("sub") from None
    except InvalidJTIError:
        raise invalid_claim("jti") from None
    except jwt.PyJWTError:
        raise token_error("token.malformed") from None


def _check_times(claims: Claims, now: float, leeway: float) -> None:
    if claims.exp <= now - leeway:
        raise token_error("token.expired")
    if claims.nbf > now + leeway or claims.iat > now + leeway:
        raise token_error("token.not_yet_valid")
