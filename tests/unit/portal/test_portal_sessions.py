"""Session cookies, CSRF tokens, redirect targets: what a forged, tampered or stale value gets."""

from __future__ import annotations

import base64
from dataclasses import replace

import pytest

from sandbox.portal import sessions
from sandbox.portal.auth import safe_next

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def signed_in(now: float = 1_000.0) -> sessions.Session:
    return sessions.fresh(3600, now=now, role="auditor", user="aud-one", token="t0k")


def test_when_a_session_round_trips_then_every_field_survives() -> None:
    session = replace(signed_in(), flash=[("ok", "Grant revoked.")], oauth={"state": "s", "verifier": "v"})
    assert sessions.decode(sessions.encode(session, KEY), KEY, now=1_500.0) == session


def test_when_the_body_is_changed_then_the_cookie_is_ignored() -> None:
    body, mac = sessions.encode(signed_in(), KEY).split(".")
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    for index in (0, 12, len(raw) - 1):  # nonce, ciphertext, tag
        changed = bytearray(raw)
        changed[index] ^= 1
        forged = base64.urlsafe_b64encode(bytes(changed)).rstrip(b"=").decode()
        assert sessions.decode(f"{forged}.{mac}", KEY, now=1_500.0) is None
        assert sessions.decode(f"{forged}.{sessions._mac(KEY, forged)}", KEY, now=1_500.0) is None  # even re-MACed


def test_the_cookie_does_not_show_the_token_or_the_role() -> None:
    session = replace(signed_in(), token="eyJhbGciOiJFZERTQSJ9.secret-part.sig")
    body = sessions.encode(session, KEY).split(".")[0]
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    assert b"secret-part" not in raw and b"auditor" not in raw
    assert sessions.encode(session, KEY) != sessions.encode(session, KEY)  # a fresh nonce each time


@pytest.mark.parametrize("value", ["", "abc", "a.b.c", "x" * 5000, "e30.", ".", "e30.AAAA"])
def test_when_the_cookie_is_garbage_then_there_is_no_session(value: str) -> None:
    assert sessions.decode(value, KEY) is None


def test_when_signed_with_another_key_then_the_cookie_is_ignored() -> None:
    assert sessions.decode(sessions.encode(signed_in(), OTHER_KEY), KEY, now=1_500.0) is None


def test_when_the_session_has_expired_then_it_is_gone() -> None:
    cookie = sessions.encode(signed_in(now=1_000.0), KEY)
    assert sessions.decode(cookie, KEY, now=1_000.0 + 3599) is not None
    assert sessions.decode(cookie, KEY, now=1_000.0 + 3601) is None


def test_csrf_tokens_are_bound_to_the_session_and_the_key() -> None:
    one, two = signed_in(), signed_in()
    token = sessions.csrf_token(one, KEY)
    assert sessions.csrf_ok(one, KEY, token)
    assert not sessions.csrf_ok(two, KEY, token)  # another browser's token
    assert not sessions.csrf_ok(one, OTHER_KEY, token)
    assert not sessions.csrf_ok(one, KEY, None)
    assert not sessions.csrf_ok(one, KEY, "")
    assert not sessions.csrf_ok(one, KEY, token[:-1])


def test_a_login_gets_a_new_session_id_so_an_old_csrf_token_dies() -> None:
    anonymous = sessions.fresh(3600)
    after = sessions.fresh(3600, role="admin", user="adm", token="t")
    assert anonymous.sid != after.sid
    assert not sessions.csrf_ok(after, KEY, sessions.csrf_token(anonymous, KEY))


@pytest.mark.parametrize(
    ("asked", "expected"),
    [
        ("/portal/audit/events?type=query", "/portal/audit/events?type=query"),
        ("//evil.example/portal/", "/portal/"),
        ("/portal//evil.example", "/portal/"),
        ("https://evil.example/portal/", "/portal/"),
        ("/portal\\@evil.example", "/portal/"),
        ("/v1/query", "/portal/"),
        (None, "/portal/"),
        ("", "/portal/"),
    ],
)
def test_after_login_the_browser_only_goes_back_inside_the_portal(asked: str | None, expected: str) -> None:
    assert safe_next(asked) == expected
