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


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()
