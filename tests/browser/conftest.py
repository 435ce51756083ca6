"""Browser tests drive Debian's Chromium through Playwright (no downloaded browser)."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("PIZHU_CHROMIUM", "/usr/bin/chromium"))
# Flags for a closed network: without them Chromium keeps dialling out at start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        message = f"no Chromium at {CHROMIUM}: browser tests SKIPPED (apt-get install chromium)"
        if os.environ.get("PIZHU_REQUIRE_BROWSER"):
            pytest.fail(message.replace("SKIPPED", "required but missing"))
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, which Django's async guard
    # mistakes for async code when the test then uses the ORM. Module scope keeps the
    # switch from leaking into other tests.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def tracked(page):
    """Count the page's requests in flight, so a test can end when the server is idle."""
    page.in_flight = set()
    page.on("request", lambda request: page.in_flight.add(request))
    page.on("requestfinished", lambda request: page.in_flight.discard(request))
    page.on("requestfailed", lambda request: page.in_flight.discard(request))
    return page


def settle(page, timeout: float = 5.0) -> None:
    """Leave the page (its pagehide handlers send what they still hold) and wait until
    every request has been answered: the live server must be idle before the test
    database is flushed."""
    import time

    page.goto("about:blank")
    deadline = time.monotonic() + timeout
    while page.in_flight and time.monotonic() < deadline:
        page.wait_for_timeout(20)


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = tracked(context.new_page())
    yield page
    settle(page)
    context.close()


@pytest.fixture
def phone(chromium):
    """A phone-sized page with a touch screen (390×844, as scripts/screenshots.py)."""
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = tracked(context.new_page())
    yield page
    settle(page)
    context.close()


def log_in(page, live_server, user):
    """Give the page's browser a session for `user`, as logging in would."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
