"""Attacks on the portal over real HTTP: forged forms, tampered cookies, revoked tokens, script injection,
open redirects — and the strict headers every page carries."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import httpx
from portal_support import Portal, csrf_of, grant_token

import audit
from sandbox.grants.bootstrap import grant_service
from sandbox.portal import sessions

Browsers = Callable[[str | None], httpx.Client]
TEMPLATES = Path(sessions.__file__).parent / "templates"


def test_every_page_carries_strict_headers_and_a_locked_down_cookie(portal_home: Portal, client: httpx.Client) -> None:
    page = client.get("/portal/login")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"
    assert page.headers["cache-control"] == "no-store"
    cookie = page.headers["set-cookie"]
    assert cookie.startswith(f"{sessions.COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/portal" in cookie


def test_the_json_api_neither_sets_nor_reads_the_portal_cookie(portal_home: Portal, browsers: Browsers) -> None:
    client = browsers(portal_home.tokens["enterprise"])
    answer = client.get("/v1/whoami")  # the session cookie is no bearer token
    assert answer.status_code == 401
    assert "set-cookie" not in answer.headers and "content-security-policy" not in answer.headers


def test_templates_have_no_inline_script_style_or_event_handler() -> None:
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
        assert not re.search(r"\sstyle=", text), template
        assert not re.search(r"\son[a-z]+=", text), template
        assert "|safe" not in text, template


def test_a_form_without_the_session_csrf_token_changes_nothing(portal_home: Portal, browsers: Browsers) -> None:
    victim = grant_token(portal_home.settings, user="csrf-victim", enterprise="ent-c")
    with grant_service(portal_home.settings) as service:
        jti = service.verify(victim).jti
    admin = browsers(portal_home.tokens["admin"])
    other = browsers(None)
    other_csrf = csrf_of(other.get("/portal/login"))
    for data in ({"reason": "x"}, {"reason": "x", "csrf": ""}, {"reason": "x", "csrf": other_csrf}):
        answer = admin.post(f"/portal/admin/grants/{jti}/revoke", data=data)
        assert answer.status_code == 403 and "portal.csrf" in answer.text
    with grant_service(portal_home.settings) as service:
        assert service.verify(victim).jti == jti  # still valid: nothing was revoked


def test_a_revoked_token_ends_the_portal_session_at_once(portal_home: Portal, browsers: Browsers) -> None:
    token = grant_token(portal_home.settings, user="soon-gone", enterprise="ent-r")
    client = browsers(token)
    assert client.get("/portal/me").status_code == 200
    with grant_service(portal_home.settings) as service:
        service.revoke(service.verify(token).jti, by="test")
    answer = client.get("/portal/me")
    assert answer.status_code == 303 and "reason=expired" in answer.headers["location"]
    assert client.get("/portal/me").status_code == 303  # the session itself was dropped


def test_a_tampered_cookie_is_an_anonymous_browser(portal_home: Portal, browsers: Browsers) -> None:
    client = browsers(portal_home.tokens["enterprise"])
    value = client.cookies[sessions.COOKIE]
    body, mac = value.split(".")
    client.cookies.set(sessions.COOKIE, f"{body}.{mac[:-2]}AA", path="/portal")
    assert client.get("/portal/me").status_code == 303


def test_a_bad_token_is_refused_with_one_message_and_audited(portal_home: Portal, client: httpx.Client) -> None:
    page = client.get("/portal/login")
    staff = portal_home.tokens["auditor"]
    for token in ("not-a-token", staff[:-3] + "AAA", "x" * 5000):
        answer = client.post("/portal/login", data={"token": token, "csrf": csrf_of(page), "next": "/portal/"})
        assert answer.status_code == 401 and 'data-testid="login-failed"' in answer.text
    assert client.get("/portal/audit/events").status_code == 303
    with audit.open_log(portal_home.settings.audit_url) as log:
        refused = [e for e in log.iter_events(audit.EventFilter(type="login")) if e.event.outcome == "refused"]
    assert len(refused) >= 3
    assert all(staff[:20] not in str(e.event.detail) for e in refused)  # the log never holds the token


def test_a_login_form_from_another_site_is_refused(portal_home: Portal, client: httpx.Client) -> None:
    answer = client.post("/portal/login", data={"token": portal_home.tokens["admin"], "next": "/portal/"})
    assert answer.status_code == 403 and "portal.csrf" in answer.text
    assert client.get("/portal/admin/grants").status_code == 303


def test_after_login_an_outside_next_is_ignored(portal_home: Portal, client: httpx.Client) -> None:
    page = client.get("/portal/login")
    data = {"token": portal_home.tokens["auditor"], "csrf": csrf_of(page), "next": "//evil.example/x"}
    answer = client.post("/portal/login", data=data)
    assert answer.status_code == 303 and answer.headers["location"] == "/portal/audit/events"


def test_text_from_users_is_escaped_not_run(portal_home: Portal, browsers: Browsers) -> None:
    auditor = browsers(portal_home.tokens["auditor"])
    payload = '<script>alert("x")</script>'
    listing = auditor.get("/portal/audit/events", params={"actor": payload})
    assert listing.status_code == 200
    assert payload not in listing.text and "&lt;script&gt;" in listing.text
    # the search itself is an audit.read event whose detail holds the filter: its page escapes it too
    with audit.open_log(portal_home.settings.audit_url) as log:
        reads = [e for e in log.iter_events(audit.EventFilter(type="audit.read")) if payload in str(e.event.detail)]
    detail = auditor.get(f"/portal/audit/events/{reads[-1].seq}")
    assert detail.status_code == 200 and payload not in detail.text
    assert "\\u003cscript\\u003e" in detail.text  # JSON-escaped inside the <pre>


def test_static_files_stay_inside_their_folder(client: httpx.Client) -> None:
    assert client.get("/portal/static/portal.js").status_code == 200
    for path in ("../app.py", "..%2fapp.py", "%2e%2e/%2e%2e/settings.py", "vendor/../../sessions.py"):
        assert client.get(f"/portal/static/{path}").status_code == 404, path
