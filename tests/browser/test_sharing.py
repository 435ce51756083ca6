"""Sharing in a real Chromium: bob reads alice's library-shared highlight with her name,
drawn apart from his own, replies to it, and cannot edit it."""

from annotations.models import Reply, Sharing
from tests.annotations.factories import ARTICLE, make_highlight, share
from tests.factories import make_document

from .conftest import log_in
from .helpers import open_reader
from .test_highlighting import wait_for

OTHERS_PAINTED = """
() => [...(CSS.highlights.get('pz-hl-other') ?? [])].map((range) => range.toString())
"""


def test_bob_sees_alices_shared_highlight_replies_and_cannot_edit_it(live_server, page, alice, bob):
    document = make_document(ARTICLE)
    shared = share(make_highlight(alice, document, note="**她的笔记**"), Sharing.LIBRARY)
    alices_reply = shared.replies.create(user=alice, body="欢迎讨论")
    make_highlight(bob, document, quote="奥特曼表示")
    log_in(page, live_server, bob)
    open_reader(page, live_server.url + document.get_absolute_url())

    item = page.locator(f"#margin li.hl-item[data-id='{shared.pk}']")
    assert "others" in item.get_attribute("class")
    assert item.locator(".hl-byline .author").text_content() == "alice"
    assert item.locator(".hl-note strong").text_content() == "她的笔记"
    assert item.locator("[data-action=edit]").is_hidden()
    assert item.locator("[data-action=delete]").is_hidden()
    assert page.evaluate(OTHERS_PAINTED) == ["监管应当跟上技术的发展"]
    own = page.locator("#margin li.hl-item:not(.others)")
    assert own.locator("[data-action=edit]").is_visible()
    theirs = item.locator(f"li.reply#reply-{alices_reply.pk}")
    assert theirs.locator(".author").text_content() == "alice"
    assert theirs.locator("[data-action=reply-edit]").is_hidden()

    # The "n" shortcut on someone else's highlight goes to the reply box, not an editor.
    item.locator(".hl-quote").click()
    page.keyboard.press("n")
    assert page.locator("#margin form.hl-editor").count() == 0
    box = item.locator("form.reply-form textarea")
    assert box.evaluate("element => element === document.activeElement")

    box.fill("我同意 <b>不是粗体</b>")
    item.locator("form.reply-form button[type=submit]").click()
    wait_for(lambda: Reply.objects.filter(highlight=shared, user=bob).exists())
    reply = item.locator("li.reply").nth(1)
    reply.wait_for()
    assert reply.locator(".author").text_content() == "bob"
    assert "<b>不是粗体</b>" not in reply.locator(".hl-note").inner_html()
    assert reply.locator("[data-action=reply-edit]").is_visible()

    # Even a hand-made request cannot change alice's highlight.
    status = page.evaluate(
        """async (id) => {
          const config = document.getElementById('pz-reader-config');
          const token = JSON.parse(config.textContent).csrfToken;
          const response = await fetch(`/api/highlights/${id}/`, {
            method: 'PATCH',
            headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
            body: JSON.stringify({version: 2, note: '改了'}),
          });
          return response.status;
        }""",
        shared.pk,
    )
    assert status == 404
    shared.refresh_from_db()
    assert shared.note == "**她的笔记**"


def test_the_owner_shares_from_the_editor(live_server, page, alice, bob):
    from tests.annotations.factories import make_group

    document = make_document(ARTICLE)
    group = make_group(alice, bob, name="读书会")
    highlight = make_highlight(alice, document)
    log_in(page, live_server, alice)
    open_reader(page, live_server.url + document.get_absolute_url())
    item = page.locator(f"#margin li.hl-item[data-id='{highlight.pk}']")
    item.locator("[data-action=edit]").click()
    page.select_option("#margin form.hl-editor select[name=sharing]", f"group:{group.pk}")
    page.click("#margin form.hl-editor button[type=submit]")

    def shared_with_group():
        highlight.refresh_from_db()
        return highlight.sharing == Sharing.GROUP and highlight.group_id == group.pk

    wait_for(shared_with_group)
    item.locator(".sharing-badge").wait_for()
    assert "读书会" in item.locator(".sharing-badge").text_content()
