"""What only a browser shows: the reading page's offsets as the browser counts them."""

from library.cleaning import Block
from tests.factories import make_document, make_document_from_blocks

# Code points, as DESIGN.md requires: [...s].length, never s.length (UTF-16 units).
BLOCKS_AS_SEEN = """
() => [...document.querySelectorAll('#article-body [data-start]')].map(el => ({
  start: Number(el.dataset.start),
  end: Number(el.dataset.end),
  codePoints: [...el.textContent].length,
  text: el.textContent,
}))
"""


def test_the_browser_counts_the_same_code_points_as_the_server(live_server, page):
    # From blocks: the cleaner would (rightly) drop the leaked markup from plain text.
    texts = ["😀 表情在前", "𠀀 和 𨋢 是扩展区汉字", "<b>不是标签</b>", "最后一段，奥特曼说。"]
    document = make_document_from_blocks([Block("paragraph", text) for text in texts])
    text = document.current_revision.text
    page.goto(live_server.url + document.get_absolute_url())
    blocks = page.evaluate(BLOCKS_AS_SEEN)
    assert len(blocks) == 4
    for block in blocks:
        assert block["end"] - block["start"] == block["codePoints"]
        assert text[block["start"] : block["end"]] == block["text"]
    assert blocks[2]["text"] == "<b>不是标签</b>"
    assert page.locator("#article-body b").count() == 0


def test_the_reading_page_fits_a_phone_screen(live_server, page):
    document = make_document("标题\n" + "很长的段落" * 200 + "\nhttps://example.com/" + "a" * 300)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server.url + document.get_absolute_url())
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
