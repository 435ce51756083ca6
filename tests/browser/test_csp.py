"""The Content-Security-Policy in a real Chromium: the reading page works (highlight,
note, tags, the Aa menu) and the admin's pages render with no violation reported."""

from annotations.models import Highlight
from tests.factories import make_document

from .conftest import log_in
from .helpers import select
from .test_xss import WATCH

ARTICLE = "人工智能的安全\n监管应当跟上技术的发展，而不是扼杀创新。\n第二段说了别的事情。"


def watched(page):
    """Collects CSP violation reports and console errors (a missing favicon aside)."""
    page.console_errors = []

    def console(message):
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            page.console_errors.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.add_init_script(WATCH)
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__violations")


def test_highlighting_works_with_no_violation_reported(live_server, page, alice):
    document = make_document(ARTICLE)
    page = watched(page)
    log_in(page, live_server, alice)
    response = page.goto(live_server.url + document.get_absolute_url())
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("html.reader-ready")

    select(page, "监管应当跟上技术的发展")
    page.click("pz-highlight-menu [data-action=highlight]")
    page.wait_for_selector("#margin li.hl-item")
    assert Highlight.objects.get(user=alice).exact == "监管应当跟上技术的发展"

    page.reload()
    page.wait_for_selector("html.reader-ready")
    page.click("button[popovertarget=reading-settings]")
    assert violations(page) == []
    assert page.console_errors == []


def test_a_violation_would_be_seen(live_server, page, alice):
    """The watch above can fail: an inline handler added to the page is reported."""
    page = watched(page)
    log_in(page, live_server, alice)
    page.goto(live_server.url + "/")
    page.evaluate(
        "() => { const box = document.createElement('div');"
        " box.innerHTML = '<img src=x onerror=\"window.__pwned = 1\">';"
        " document.body.append(box); }"
    )
    page.wait_for_function("() => window.__violations.length > 0")
    assert page.evaluate("window.__pwned") is None


def test_admin_pages_render_with_no_violation_reported(live_server, page, admin_user):
    document = make_document(ARTICLE)
    page = watched(page)
    log_in(page, live_server, admin_user)
    for path in [
        "/admin/",
        "/admin/library/importbatch/add/",
        f"/admin/library/document/{document.pk}/change/",
        f"/admin/library/source/{document.current_revision.source_id}/change/",
        "/admin/auth/user/add/",
    ]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("load")
        assert violations(page) == [], path
    # The import page's drop zone is styled by its nonce'd <style>.
    page.goto(live_server.url + "/admin/library/importbatch/add/")
    style = page.eval_on_selector("[data-drop-zone]", "e => getComputedStyle(e).borderStyle")
    assert style == "dashed"
    assert page.console_errors == []
