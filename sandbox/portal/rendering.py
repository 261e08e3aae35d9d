"""Templates: one Jinja2 environment per language, shared layout globals, and the response helpers."""

from __future__ import annotations

import functools
import json
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse, RedirectResponse, Response

from sandbox.portal import i18n, sessions
from sandbox.portal.auth import ROLE_NAMES
from sandbox.portal.nav import nav_for

TEMPLATES = Path(__file__).parent / "templates"


@functools.cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(("html",)),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["tojson_attr"] = lambda value: json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return env


def language(request: Request) -> str:
    return i18n.choose(request.query_params.get("lang"), request.cookies.get(i18n.COOKIE))


def gettext(request: Request, message: str) -> str:
    return str(i18n.translations(language(request)).ugettext(message))


def with_query(request: Request, **changes: str | None) -> str:
    """The current URL with some query parameters changed (pagination, language switch)."""
    params = {k: v for k, v in request.query_params.items() if k not in changes}
    params |= {k: v for k, v in changes.items() if v is not None}
    return request.url.path + ("?" + urlencode(params) if params else "")


def render(request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200) -> Response:
    lang = language(request)
    session: sessions.Session = request.state.portal_session
    key = request.app.state.portal_config.session_key
    flashes = session.flash
    if flashes:  # shown once
        request.state.portal_session = session = replace(session, flash=[])
    page = environment(lang).get_template(template)
    body = page.render(
        request=request,
        lang=lang,
        html_lang=i18n.html_lang(lang),
        session=session,
        role_name=ROLE_NAMES.get(session.role or "", ("", ""))[0 if lang == "en" else 1],
        nav=nav_for(session.role, request.url.path),
        csrf=sessions.csrf_token(session, key),
        flashes=flashes,
        with_query=functools.partial(with_query, request),
        hub_login=bool(request.app.state.portal_config.hub_url),
        **(context or {}),
    )
    response = HTMLResponse(body, status_code=status)
    if request.query_params.get("lang") in i18n.LANGS:
        response.set_cookie(i18n.COOKIE, lang, max_age=365 * 86400, path="/portal", samesite="lax", httponly=True)
    return response


def redirect(path: str) -> Response:
    return RedirectResponse(path, status_code=303)


def paginate(request: Request, rows: list[Any], per_page: int = 25) -> dict[str, Any]:
    """One page of ``rows`` (``?page=N``, 1-based) with what the pager macro needs."""
    raw = request.query_params.get("page", "1")
    pages = max(1, -(-len(rows) // per_page))
    page = min(int(raw), pages) if raw.isdigit() and 0 < int(raw) < 10**6 else 1
    return {"rows": rows[(page - 1) * per_page : page * per_page], "page": page, "pages": pages, "total": len(rows)}
