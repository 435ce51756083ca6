"""What the browser tests do on the reading page, in the page's own terms."""

from library.reading import SCRIPTS

# Selects `text` (its first occurrence in the article body) as a user would: a DOM range
# over the text nodes, set as the window's selection; selectionchange follows.
SELECT = """
(text) => {
  const body = document.getElementById('article-body');
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(text);
    if (at === -1) continue;
    node.parentElement.scrollIntoView({ block: 'center' });
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + text.length);
    const selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return true;
  }
  return false;
}
"""

# The text drawn in each depth of highlight (CSS Custom Highlight API), and as offsets.
PAINTED = """
async () => {
  const { Blocks } = await import('/static/js/offsets.js');
  const blocks = new Blocks(document.getElementById('article-body'));
  const out = {};
  for (const name of ['pz-hl-1', 'pz-hl-2', 'pz-hl-3', 'pz-hl-current', 'pz-hl-note']) {
    const layer = CSS.highlights.get(name);
    out[name] = layer ? [...layer].map((range) => ({
      text: range.toString(),
      start: blocks.offsetAt(range.startContainer, range.startOffset, 'start'),
      end: blocks.offsetAt(range.endContainer, range.endOffset, 'end'),
    })).sort((a, b) => a.start - b.start) : [];
  }
  return out;
}
"""


def select(page, text: str) -> None:
    assert page.evaluate(SELECT, text), f"{text!r} is not on the page"
    page.wait_for_selector("pz-highlight-menu:not([hidden])")


def painted(page) -> dict:
    return page.evaluate(PAINTED)


def open_reader(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("html.reader-ready")


def switch_script(page, script: str) -> None:
    assert script in SCRIPTS
    page.click("button[popovertarget=reading-settings]")
    with page.expect_navigation():
        page.check(f"input[name=script][value='{script}']")
    page.wait_for_selector("html.reader-ready")


def margin_items(page) -> list[dict]:
    return page.eval_on_selector_all(
        "#margin li.hl-item",
        """items => items.map(li => ({
            id: Number(li.dataset.id), start: Number(li.dataset.start),
            end: Number(li.dataset.end), quote: li.querySelector('.hl-quote').textContent,
            current: li.classList.contains('current'), orphan: li.classList.contains('orphan'),
        }))""",
    )
