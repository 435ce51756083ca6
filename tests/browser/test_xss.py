"""Stored XSS in a real Chromium: every payload pushed through every way text gets in
(tests/security/xss.py), every page where it shows loaded, with a canary: a payload that
ran would set `window.__pwned` or open a dialog. Run with the Content-Security-Policy
enforced (no violation may be reported either) and switched off (escaping alone must
hold). The text must still show literally."""

import pytest

from tests.security.xss import PAYLOADS, plant, read_in

from .conftest import log_in

# Installed before any page script: collects CSP violation reports.
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""

OVERLAID = """() => [...document.querySelectorAll('body *')].some((element) => {
  const style = getComputedStyle(element);
  return style.position === 'fixed' && Number(style.zIndex) >= 99999;
})"""


@pytest.fixture(params=["policy enforced", "policy off"])
def policy(request, settings):
    if request.param == "policy off":
        settings.CONTENT_SECURITY_POLICY = None
    return request.param


def watched(page):
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(WATCH)
    return page


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    page.wait_for_load_state("load")
    page.wait_for_timeout(150)  # let module scripts and image errors run
    assert page.evaluate("window.__pwned") is None, (url, page.evaluate("window.__pwned"))
    assert page.dialogs == [], (url, page.dialogs)
    assert page.evaluate("window.__violations") == [], url
    assert not page.evaluate(OVERLAID), url


def shown_text(page, selector: str = "body") -> str:
    return page.eval_on_selector(selector, "element => element.textContent")


def test_reader_pages_run_no_payload_and_show_it_literally(
    live_server, page, alice, admin_user, policy
):
    planted = plant(alice, admin_user)
    page = watched(page)
    log_in(page, live_server, alice)
    for path in planted.reader_pages().values():
        visit(page, live_server.url + path)
    reading = live_server.url + planted.reader_pages()["reading page (html import)"]
    visit(page, reading)
    page.wait_for_selector("html.reader-ready")
    article = shown_text(page, "#article-body")
    for name, payload in PAYLOADS.items():
        assert payload in article, name
    visit(page, live_server.url + f"/groups/{planted.group.pk}/")
    assert PAYLOADS["img-onerror"] in shown_text(page)
    visit(page, live_server.url + "/highlights/")
    for tag in planted.tags:
        assert tag in shown_text(page), tag


def test_the_reading_page_in_traditional_script_runs_no_payload(
    live_server, page, alice, admin_user, policy
):
    planted = plant(alice, admin_user)
    read_in(alice, "hant")
    page = watched(page)
    log_in(page, live_server, alice)
    for where in ("reading page (html import)", "reading page (text import)", "search results"):
        visit(page, live_server.url + planted.reader_pages()[where])
    page.goto(live_server.url + planted.reader_pages()["reading page (html import)"])
    page.wait_for_selector("html.reader-ready")
    article = shown_text(page, "#article-body")
    assert PAYLOADS["template-syntax"] in article
    assert PAYLOADS["bidi-override"] in article


def test_admin_pages_run_no_payload(live_server, page, alice, admin_user, policy):
    planted = plant(alice, admin_user)
    page = watched(page)
    log_in(page, live_server, admin_user)
    for path in planted.admin_pages().values():
        visit(page, live_server.url + path)
    visit(page, live_server.url + planted.admin_pages()["admin import batch"])
    names = shown_text(page)
    assert PAYLOADS["svg-onload"] in names
    assert PAYLOADS["template-syntax"] in names
