"""Hub users to portal roles, and the PKCE pair the portal sends to the hub."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest

from sandbox.portal.hub_oauth import pkce_pair, role_of


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ({"name": "a", "groups": ["auditors"]}, ("auditor", None)),
        ({"name": "a", "groups": ["reviewers"]}, ("reviewer", None)),
        ({"name": "a", "groups": ["departments", "dept-D05"]}, ("department", "D05")),
        ({"name": "a", "groups": ["enterprise"]}, ("enterprise", None)),
        ({"name": "a", "groups": ["admin", "reviewers"]}, ("admin", None)),
        ({"name": "a", "groups": ["operators"]}, ("admin", None)),
        ({"name": "a", "groups": [], "admin": True}, ("admin", None)),
        ({"name": "a", "groups": ["auditors", "enterprise"]}, ("auditor", None)),
        ({"name": "a", "groups": ["reviewers", "dept-D01", "departments"]}, ("reviewer", None)),
    ],
)
def test_the_strongest_staff_group_decides_the_role(user: dict[str, Any], expected: tuple[str, str | None]) -> None:
    assert role_of(user) == expected


@pytest.mark.parametrize(
    "user",
    [
        {"name": "a", "groups": []},
        {"name": "a"},
        {"name": "a", "groups": ["departments"]},  # no department code
        {"name": "a", "groups": ["departments", "dept-D01", "dept-D02"]},  # ambiguous: refused, not guessed
        {"name": "a", "groups": ["dept-D01"]},  # a code without the departments group
        {"name": "a", "groups": ["departments", "dept-../x"]},
        {"name": "a", "groups": ["Auditors", "admins"]},  # near misses
        {"name": "a", "groups": [], "admin": "true"},  # only a real boolean counts
    ],
)
def test_without_a_clear_role_the_hub_login_is_refused(user: dict[str, Any]) -> None:
    assert role_of(user) is None


def test_the_pkce_challenge_is_the_s256_of_the_verifier() -> None:
    verifier, challenge = pkce_pair()
    assert 43 <= len(verifier) <= 128
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert challenge == digest
    assert pkce_pair()[0] != verifier
