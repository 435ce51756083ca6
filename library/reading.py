"""The reading page's view of a revision: its blocks in the reader's script, and contents.

Display scripts use OpenCC's character-level configs, which map one code point to one
code point (DESIGN.md), so a converted block keeps its `data-start`/`data-end` and every
highlight offset stays valid in every script. A conversion that changed the length
would move highlights; it is refused (the original text is shown instead).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace

from .chinese import converter
from .models import Document, RenderedBlock, Revision, Script, Segment, group_lists

ORIGINAL = "original"
SCRIPTS = {
    ORIGINAL: "原文",
    "hans": "简体",
    "hant": "繁體",
    "hant-tw": "繁體(台灣)",
    "hant-hk": "繁體(香港)",
}
# The language tag each script declares, so browsers pick matching CJK glyphs.
SCRIPT_LANGS = {
    "hans": "zh-Hans",
    "hant": "zh-Hant",
    "hant-tw": "zh-Hant-TW",
    "hant-hk": "zh-Hant-HK",
}

# A table of contents is worth showing from this many headings in this many characters.
TOC_MIN_HEADINGS = 2
TOC_MIN_CHARACTERS = 3_000


def display_config(script: str, original: str) -> str | None:
    """The OpenCC config that shows a text written in `original` script in `script`.

    None when the text is shown as written: the reader asked for the original, the text
    is not Chinese, or it is already in that script.
    """
    if script not in SCRIPTS or script == ORIGINAL or original == Script.UNKNOWN:
        return None
    from_simplified = original != Script.TRADITIONAL  # simplified or mixed
    if script == "hans":
        return None if original == Script.SIMPLIFIED else "t2s"
    if script == "hant":
        return "s2t" if from_simplified else None
    region = script.removeprefix("hant-")
    return f"s2{region}" if from_simplified else f"t2{region}"


def convert(text: str, config: str | None) -> str:
    """`text` in the display script of `config`, always the same number of code points.

    The whole text is converted at once, so OpenCC sees phrases across block edges;
    should a conversion ever change the length, the text is returned unconverted.
    """
    if config is None:
        return text
    converted = converter(config).convert(text)
    return converted if len(converted) == len(text) else text


@dataclass(frozen=True)
class Heading:
    start: int
    level: int
    text: str

    @property
    def anchor(self) -> str:
        return f"h-{self.start}"


TAGS = {"heading": "h2", "quote": "blockquote", "preformatted": "pre", "image": "figure"}


@dataclass(frozen=True)
class ShownBlock:
    """A block as the page writes it: its element, offsets, text segments, whether it
    opens or closes a list, and its canonical text when the page shows another script."""

    block: RenderedBlock
    opens_list: bool
    closes_list: bool
    is_title: bool = False

    @property
    def start(self) -> int:
        return self.block.start

    @property
    def end(self) -> int:
        return self.block.end

    @property
    def kind(self) -> str:
        return self.block.kind

    @property
    def segments(self) -> list[Segment]:
        return self.block.segments

    @property
    def tag(self) -> str:
        if self.is_title:
            return "h1"
        if self.block.kind == "heading":
            return f"h{self.block.level}"
        if self.block.kind == "list_item":
            return "li"
        return TAGS.get(self.block.kind, "p")

    @property
    def anchor(self) -> str:
        return f"h-{self.block.start}" if self.block.kind == "heading" else ""

    @property
    def original(self) -> str:
        return self.block.attrs.get("original", "")


def in_page_order(blocks: list[RenderedBlock]) -> list[ShownBlock]:
    """The blocks with each run of list items marked, so the page wraps it in <ul>."""
    shown = []
    for group_kind, group in group_lists(blocks):
        for i, block in enumerate(group):
            is_list = group_kind == "list"
            shown.append(ShownBlock(block, is_list and i == 0, is_list and i == len(group) - 1))
    return shown


@dataclass(frozen=True)
class ReadingView:
    """What the reading page shows of a revision in one script."""

    script: str
    lang: str
    title: str
    blocks: list[ShownBlock]
    headings: list[Heading]
    show_contents: bool
    # The first block is the headline itself: the page shows it as the title, not twice.
    title_in_body: bool = False

    @property
    def script_label(self) -> str:
        return SCRIPTS[self.script]


def shown_blocks(revision: Revision, config: str | None) -> list[RenderedBlock]:
    """The revision's blocks, their text converted by `config`; offsets unchanged.

    A block whose shown text differs from its canonical text carries the canonical text
    in `attrs["original"]`: the browser quotes a highlight in the canonical script.
    """
    blocks = revision.rendered_blocks()
    shown = convert(revision.text, config)
    if shown is revision.text or shown == revision.text:
        return blocks
    result = []
    for block in blocks:
        cursor = block.start
        segments = []
        for segment in block.segments:
            end = cursor + len(segment.text)
            segments.append(Segment(shown[cursor:end], segment.href))
            cursor = end
        attrs = block.attrs
        if shown[block.start : block.end] != revision.text[block.start : block.end]:
            attrs = {**attrs, "original": revision.text[block.start : block.end]}
        result.append(replace(block, segments=segments, attrs=attrs))
    return result


def reading_view(document: Document, revision: Revision | None, script: str) -> ReadingView:
    """The blocks, language and contents of the reading page of `revision` in `script`."""
    script = script if script in SCRIPTS else ORIGINAL
    config = display_config(script, document.original_script)
    lang = SCRIPT_LANGS[script] if config else document.html_lang
    title = convert(document.title, config)
    if revision is None:
        return ReadingView(script, lang, title, [], [], False)
    blocks = shown_blocks(revision, config)
    headings = [
        Heading(block.start, block.level, "".join(segment.text for segment in block.segments))
        for block in blocks
        if block.kind == "heading"
    ]
    shown = in_page_order(blocks)
    title_in_body = bool(shown) and is_headline(blocks[0], title)
    if title_in_body:
        shown[0] = replace(shown[0], is_title=True)
        headings = headings[1:]
    long_enough = len(revision.text) >= TOC_MIN_CHARACTERS
    show_contents = long_enough and len(headings) >= TOC_MIN_HEADINGS
    return ReadingView(script, lang, title, shown, headings, show_contents, title_in_body)


def is_headline(block: RenderedBlock, title: str) -> bool:
    """Whether `block` is a heading that says the title (both shown in one script)."""
    if block.kind != "heading" or not title:
        return False
    text = "".join(segment.text for segment in block.segments)
    return loose(text) == loose(title)


def loose(text: str) -> str:
    """`text` compared loosely: NFKC (full-width punctuation), no spaces, casefolded,
    without the punctuation that ends it (a headline may end in "：" that a title drops)."""
    folded = "".join(unicodedata.normalize("NFKC", text).split()).casefold()
    while folded and unicodedata.category(folded[-1]).startswith("P"):
        folded = folded[:-1]
    return folded
