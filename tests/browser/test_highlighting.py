"""Highlighting in a real Chromium: select → highlight, notes and tags, scripts, keys."""

import time

from django.db import OperationalError

from annotations.models import Highlight, ReadingPreferences
from library.cleaning import Block
from tests.annotations.factories import make_highlight, revise
from tests.factories import make_document, make_document_from_blocks

from .conftest import log_in
from .helpers import margin_items, open_reader, painted, select, switch_script

# Astral characters before the passage: an emoji, an Extension B ideograph and the
# HKSCS character 𨋢. UTF-16 counts each of them twice; code points count them once.
ASTRAL = "😀 表情在前，𠀀 和 𨋢 都在前面。这一句要被高亮，后面还有几个字。"
QUOTE = "这一句要被高亮"


def astral_document():
    return make_document_from_blocks(
        [Block("heading", "扩展区汉字", attrs={"level": 2}), Block("paragraph", ASTRAL)]
    )


def wait_for(condition, timeout=10.0):
    """Poll the database until `condition()` holds. The live server's thread shares the
    in-memory SQLite database, whose tables are locked while it writes: try again."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OperationalError:
            pass
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the server to see the change")


def drag_select(page, text: str) -> None:
    """Select `text` with the mouse: press before its first character, release after
    its last, as a reader would."""
    box = page.evaluate(
        """(text) => {
          const walker = document.createTreeWalker(document.getElementById('article-body'),
                                                   NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(text);
            if (at === -1) continue;
            const rect = (from, to) => {
              const r = document.createRange(); r.setStart(node, from); r.setEnd(node, to);
              return r.getBoundingClientRect();
            };
            const first = rect(at, at + 1), last = rect(at + text.length - 1, at + text.length);
            return {x1: first.left + 1, y1: first.top + first.height / 2,
                    x2: last.right - 1, y2: last.top + last.height / 2};
          }
        }""",
        text,
    )
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=8)
    page.mouse.up()
    page.wait_for_selector("pz-highlight-menu:not([hidden])")


def test_a_passage_after_astral_characters_is_highlighted_at_its_code_points(
    live_server, page, alice
):
    document = astral_document()
    text = document.current_revision.text
    log_in(page, live_server, alice)
    open_reader(page, live_server.url + document.get_absolute_url())

    drag_select(page, QUOTE)
    page.click("pz-highlight-menu [data-action=highlight]")
    page.wait_for_selector("#margin li.hl-item")

    highlight = Highlight.objects.get(user=alice)
    assert (highlight.start, highlight.end) == (text.index(QUOTE), text.index(QUOTE) + len(QUOTE))
    assert highlight.exact == QUOTE
    utf16_start = len(text[: highlight.start].encode("utf-16-le")) // 2
    assert utf16_start == highlight.start + 3  # three astral characters before it

    page.reload()
    page.wait_for_selector("html.reader-ready")
    assert [p["text"] for p in painted(page)["pz-hl-1"]] == [QUOTE]
    assert margin_items(page)[0]["quote"] == QUOTE


def test_astral_characters_inside_a_highlight_count_once(live_server, page, alice):
    document = astral_document()
    text = document.current_revision.text
    log_in(page, live_server, alice)
    open_reader(page, live_server.url + document.get_absolute_url())

    select(page, "𠀀 和 𨋢")
    page.keyboard.press("h")
    page.wait_for_selector("#margin li.hl-item")

    highlight = Highlight.objects.get(user=alice)
    assert highlight.exact == "𠀀 和 𨋢"
    assert highlight.end - highlight.start == 5
    assert text[highlight.start : highlight.end] == "𠀀 和 𨋢"
    page.reload()
    page.wait_for_selector("html.reader-ready")
    assert [p["text"] for p in painted(page)["pz-hl-1"]] == ["𠀀 和 𨋢"]


def test_switching_to_traditional_and_back_keeps_every_highlight_in_place(live_server, page, alice):
    document = make_document("人工智能的发展\n" + ASTRAL + "\n开发者对这个问题说了很多。")
    make_highlight(alice, document, quote=QUOTE)
    make_highlight(alice, document, quote="开发者")
    log_in(page, live_server, alice)
    open_reader(page, live_server.url + document.get_absolute_url())
    before = painted(page)["pz-hl-1"]
    assert [p["text"] for p in before] == [QUOTE, "开发者"]

    switch_script(page, "hant")
    assert page.evaluate("document.documentElement.lang") == "zh-Hant"
    shown = painted(page)["pz-hl-1"]
    assert [(p["start"], p["end"]) for p in shown] == [(p["start"], p["end"]) for p in before]
    assert [p["text"] for p in shown] == ["這一句要被高亮", "開發者"]
    assert ReadingPreferences.objects.get(user=alice).script == "hant"

    # A passage highlighted in 繁體 is stored in the article's own script.
    select(page, "後面還有")
    page.keyboard.press("h")
    page.wait_for_function("() => document.querySelectorAll('#margin li.hl-item').length === 3")
    assert Highlight.objects.filter(user=alice, exact="后面还有").exists()

    switch_script(page, "original")
    again = painted(page)["pz-hl-1"]
    assert [p["text"] for p in again] == [QUOTE, "后面还有", "开发者"]
    assert [(p["start"], p["end"]) for p in again if p["text"] != "后面还有"] == [
        (p["start"], p["end"]) for p in before
    ]


def test_a_note_in_markdown_and_a_theme_tag(live_server, page, alice):
    document = astral_document()
    log_in(page, live_server, alice)
    open_reader(page, live_server.url + document.get_absolute_url())
    page.evaluate("window.__pwned = false")

    select(page, QUOTE)
    page.keyboard.press("n")
    page.wait_for_selector("form.hl-editor textarea:focus")
    page.keyboard.type("**要点** <img src=x onerror=window.__pwned=true> [x](javascript:alert(1))")
    page.check("form.hl-editor input[value=safety]")
    page.fill("form.hl-editor input[name=tags]", "OpenAI，对齐")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("form.hl-editor", state="detached")

    highlight = Highlight.objects.get(user=alice)
    assert highlight.note.startswith("**要点**")
    assert sorted(t.name for t in highlight.tags.all()) == ["OpenAI", "safety", "对齐"]
    note = page.locator("#margin .hl-note")
    assert note.locator("strong").inner_text() == "要点"
    assert note.locator("img, script").count() == 0
    assert note.locator("a[href^='javascript']").count() == 0
    assert page.locator("#margin .tag.theme-safety").count() == 1
    assert page.evaluate("window.__pwned") is False
    assert len(painted(page)["pz-hl-note"]) == 1


def test_keyboard_shortcuts(live_server, page, alice):
    document = make_document("标题\n第一段有关安全。\n第二段有关规模。\n第三段有关治理。")
    first = make_highlight(alice, document, quote="有关安全")
    second = make_highlight(alice, document, quote="有关规模")
    log_in(page, live_server, alice)
    open_reader(page, live_server.url + document.get_absolute_url())

    page.keyboard.press("j")
    assert [i["id"] for i in margin_items(page) if i["current"]] == [first.pk]
    page.keyboard.press("j")
    assert [i["id"] for i in margin_items(page) if i["current"]] == [second.pk]
    assert [p["text"] for p in painted(page)["pz-hl-current"]] == ["有关规模"]
    page.keyboard.press("k")
    assert [i["id"] for i in margin_items(page) if i["current"]] == [first.pk]

    page.keyboard.press("t")  # tag the current highlight
    page.wait_for_selector("form.hl-editor input[name=tags]:focus")
    page.keyboard.type("governance")
    page.keyboard.press("Enter")
    page.wait_for_selector("form.hl-editor", state="detached")
    assert [t.name for t in Highlight.objects.get(pk=first.pk).tags.all()] == ["governance"]

    page.keyboard.press("?")
    assert page.locator("dialog#shortcuts").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("dialog#shortcuts").is_visible()

    page.keyboard.press("/")
    page.wait_for_selector(".find-bar input:focus")
    page.keyboard.type("有关")
    assert page.locator(".find-bar output").inner_text() == "1 / 3"
    page.keyboard.press("Escape")
    assert page.locator(".find-bar").is_hidden()

    select(page, "第三段")
    page.keyboard.press("h")
    page.wait_for_function("() => document.querySelectorAll('#margin li.hl-item').length === 3")
    assert Highlight.objects.filter(user=alice, exact="第三段").exists()


def test_overlapping_highlights_are_drawn_at_their_depth(live_server, page, alice):
    document = make_document("标题\n甲乙丙丁戊己庚辛壬癸。")
    make_highlight(alice, document, quote="乙丙丁戊")
    make_highlight(alice, document, quote="丁戊己")
    log_in(page, live_server, alice)
    open_reader(page, live_server.url + document.get_absolute_url())
    layers = painted(page)
    assert [p["text"] for p in layers["pz-hl-1"]] == ["乙丙", "己"]
    assert [p["text"] for p in layers["pz-hl-2"]] == ["丁戊"]


def test_a_deleted_highlight_comes_back_with_undo_and_goes_without(live_server, page, alice):
    document = make_document("标题\n第一段有关安全。\n第二段有关规模。")
    kept = make_highlight(alice, document, quote="有关安全", note="留着")
    gone = make_highlight(alice, document, quote="有关规模")
    log_in(page, live_server, alice)
    open_reader(page, live_server.url + document.get_absolute_url())

    page.click(f"#highlight-{kept.pk} [data-action=delete]")
    assert [i["id"] for i in margin_items(page)] == [gone.pk]
    assert [p["text"] for p in painted(page)["pz-hl-1"]] == ["有关规模"]
    page.click(".toast [data-action=undo]")
    assert [i["id"] for i in margin_items(page)] == [kept.pk, gone.pk]
    assert [p["text"] for p in painted(page)["pz-hl-1"]] == ["有关安全", "有关规模"]

    page.click(f"#highlight-{gone.pk} [data-action=delete]")
    page.goto(live_server.url + "/")  # leaving the page commits the deletion
    wait_for(lambda: not Highlight.objects.filter(pk=gone.pk).exists())
    assert Highlight.objects.get(pk=kept.pk).note == "留着"


def test_an_orphan_is_shown_beside_the_article_and_can_be_reattached(live_server, page, alice):
    document = make_document("标题\n原来的句子，里面有一个很特别的说法。\n另一段。")
    orphan = make_highlight(alice, document, quote="很特别的说法", note="我的笔记")
    revise(document, "标题\n完全重写的段落。\n另一段，换了一个新的讲法。")
    document.after_revision()
    assert Highlight.objects.get(pk=orphan.pk).state == "orphaned"
    log_in(page, live_server, alice)
    open_reader(page, live_server.url + document.get_absolute_url())

    item = page.locator(f"#highlight-{orphan.pk}")
    assert item.is_visible()
    assert "很特别的说法" in item.inner_text() and "我的笔记" in item.inner_text()
    assert "Could not be placed" in page.locator("#margin .orphans").inner_text()
    assert painted(page)["pz-hl-1"] == []

    item.locator("[data-action=reattach]").click()
    select(page, "新的讲法")
    page.click("pz-highlight-menu [data-action=attach]")
    page.wait_for_selector(f"#highlight-{orphan.pk}:not(.orphan)")
    stored = Highlight.objects.get(pk=orphan.pk)
    assert (stored.state, stored.exact, stored.note) == ("exact", "新的讲法", "我的笔记")
    assert stored.revision_id == document.current_revision_id
    assert [p["text"] for p in painted(page)["pz-hl-1"]] == ["新的讲法"]


def test_on_a_phone_the_margin_is_a_drawer_and_touch_highlights(live_server, phone, alice):
    document = make_document("标题\n" + "很长的段落，讲人工智能的安全。" * 40 + "\n" + ASTRAL)
    make_highlight(alice, document, quote="讲人工智能的安全")
    log_in(phone, live_server, alice)
    open_reader(phone, live_server.url + document.get_absolute_url())

    assert phone.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
    assert not phone.locator("#margin").is_visible()
    assert phone.locator(".margin-toggle").inner_text().split() == ["批注", "1"]
    phone.tap(".margin-toggle")
    phone.wait_for_selector("#margin.open")
    assert phone.locator("#margin li.hl-item").is_visible()
    phone.tap("[data-action=close-margin]")

    select(phone, QUOTE)
    phone.tap("pz-highlight-menu [data-action=highlight]")
    phone.wait_for_function(
        "() => document.querySelector('.margin-toggle [data-role=count]').textContent === '2'"
    )
    wait_for(lambda: Highlight.objects.filter(user=alice, exact=QUOTE).exists())


def test_anonymous_readers_are_offered_a_login_and_keep_their_script(live_server, page):
    document = make_document("人工智能的发展\n开发者对这个问题说了很多。")
    open_reader(page, live_server.url + document.get_absolute_url())
    select(page, "开发者")
    assert page.locator("pz-highlight-menu a").inner_text() == "Log in to highlight"
    switch_script(page, "hant")
    assert "開發者" in page.locator("#article-body").inner_text()
    page.goto(live_server.url + document.get_absolute_url())
    assert "開發者" in page.locator("#article-body").inner_text()
