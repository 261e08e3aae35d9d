"""Fixtures for the portal tests: one home and one running server for all of them (it opens real services,
which takes seconds); each test gets fresh browsers (cookie jars), and tests make their own grants."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from portal_support import Portal, browser, login, make_home, portal_server, tokens_for


@pytest.fixture(scope="session")
def portal_home(tmp_path_factory: pytest.TempPathFactory, tiny_warehouse: Path) -> Portal:
    settings = make_home(tmp_path_factory.mktemp("portal-home"), tiny_warehouse)
    return Portal(settings=settings, tokens=tokens_for(settings))


@pytest.fixture(scope="session")
def portal_url(portal_home: Portal) -> Iterator[str]:
    with portal_server(portal_home.settings) as url:
        yield url


@pytest.fixture
def client(portal_url: str) -> Iterator[httpx.Client]:
    """A new browser (empty cookie jar) on the module's server."""
    with browser(portal_url) as fresh:
        yield fresh


@pytest.fixture
def browsers(portal_url: str) -> Iterator[Callable[[str | None], httpx.Client]]:
    """Factory: a new browser, signed in with the given token (or anonymous); all closed afterwards."""
    opened: list[httpx.Client] = []

    def make(token: str | None = None) -> httpx.Client:
        fresh = browser(portal_url)
        opened.append(fresh)
        if token is not None:
            assert login(fresh, token).status_code == 303
        return fresh

    yield make
    for each in opened:
        each.close()
