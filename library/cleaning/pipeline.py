"""The cleaner's entry point: raw bytes in, `Cleaned` out.

HTML and plain text both become a `Page` of pieces; then, in order:
1. span repairs inside pieces (control characters, pinyin artifacts, caption markers,
   leaked markup), each removed span audited;
2. a verdict per piece: the structural rule the HTML walk found, else the first text
   rule in `rules.classify` that matches;
3. metadata from the head of the page (datelines, bylines), which leaves the text;
4. regions: everything after an end-of-article notice, and the headlines that follow a
   "相关推荐" heading;
5. plain text only: transcripts are joined into paragraphs, numbered section heads
   become headings.
Any rule can be switched off by name (`disabled`), which is how an admin re-cleans a
site whose articles a rule wrongly trims.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import replace
from datetime import datetime
from pathlib import PurePath
from urllib.parse import urljoin, urlsplit

from ..chinese import converter, detect_language, detect_script
from .document import Block, Cleaned, Link, Metadata, Removal, assemble
from .encoding import decode, utf16_without_bom
from .html import parse_html
from .metadata import (
    byline_author,
    find_date,
    parse_timestamp,
    source_field,
    strip_site_suffix,
)
from .page import Page, Piece
from .pinyin import pinyin_artifacts
from .rules import (
    CAPTION_MARKER,
    CHANNEL_INTRO,
    CHANNEL_NAME,
    CHANNEL_OUTRO,
    END_MARKERS,
    FORUM_META,
    MARKUP,
    RULES,
    TEXT_END_MARKERS,
    WEIBO_DATELINE,
    classify,
    editor_name,
    fold,
    han_count,
    is_prose,
)
from .text import CONTROL, guess_title, is_headline, is_transcript, join_phrases, text_page

CLEANER_VERSION = "0.2.0"

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx", ".jsp"}
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SNIFF = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta)\b", re.IGNORECASE | re.DOTALL
)
MAX_INPUT_BYTES = 10 * 1024 * 1024
TIME_LIMIT = 20.0  # seconds per page
HEAD_PIECES = 6  # how far into the page a dateline or byline may sit
OUTRO_LINES = 8  # how far from the end of a transcript its sign-off may start
BOILERPLATE_MAX = 200  # site-repeated lines longer than this are content, not chrome
BOILERPLATE_SHARE = 0.3  # and a page that shares more than this is a near-duplicate

# Platform notices that name the platform: the page came from there.
SITE_SIGNATURES = (
    (re.compile(r"自媒体平台“?(网易号|搜狐号|百家号|企鹅号|头条号|大鱼号|一点号)"), None),
    (re.compile(r"uploaded and posted by a user of NetEase Hao", re.I), "网易号"),
    (re.compile(r"(搜狐号)系信息发布平台"), None),
    (re.compile(r"本文不构成个人投资建议[，,]也未考虑到个别用户特殊的投资目标"), "华尔街见闻"),
)
MARKUP_HINT = re.compile(r"[<>=&]")
AUTHOR_BEFORE_ICONS = re.compile(r"^(.{2,24}?)\s*incentive-icons")
SPEAKER = re.compile(r"我是\s*([^\s，,。!！]{1,8})\s*$")
NUMBERED_HEAD = re.compile(
    r"^(?:\d\ufe0f?\u20e3|[一二三四五六七八九十]{1,3}[、.．]|第[一二三四五六七八九十\d]{1,3}[部分章节点个]|"
    r"(?:last\s+)?topic\s*\d*\s*[:：]|part\s+\d+\b|[(（][一二三四五六七八九十]{1,3}[)）])",
    re.IGNORECASE,
)


def is_body_prose(text: str) -> bool:
    """Prose that is a paragraph of the article, not a headline with a comma in it."""
    return is_prose(text) and (len(text) > 40 or bool(re.search(r"[。！？.!?]$", text)))


class Rejected(ValueError):
    """The input cannot be cleaned; `str(error)` is the reason shown to the admin."""


def looks_like_html(data: bytes, filename: str) -> bool:
    if PurePath(filename).suffix.lower() in HTML_SUFFIXES:
        return True
    head = data[:1024].replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xff\xfe")
    return bool(HTML_SNIFF.match(head))


def clean(
    data: bytes,
    *,
    filename: str = "",
    disabled: frozenset[str] = frozenset(),
    boilerplate: frozenset[str] = frozenset(),
    max_bytes: int = MAX_INPUT_BYTES,
    time_limit: float = TIME_LIMIT,
) -> Cleaned:
    """Decode and clean one scraped file into canonical text, blocks and metadata.

    `disabled` names rules (see `rules.RULES`) not to apply; `boilerplate` holds the
    fingerprints of lines seen on many pages of the same site. Raises `Rejected` (with a
    reason for the import report) for input it cannot or must not handle.
    """
    if len(data) > max_bytes:
        raise Rejected(f"file is larger than the {max_bytes}-byte limit")
    suffix = PurePath(filename).suffix.lower()
    html = looks_like_html(data, filename)
    if not html and suffix not in TEXT_SUFFIXES:
        raise Rejected(f"unsupported file type {suffix!r}")
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff")) or utf16_without_bom(data)
    if not utf16 and data[:4096].count(b"\x00") > 16:
        raise Rejected("binary file: it holds NUL bytes, not text")
    started = time.monotonic()
    decoded = decode(data)
    if html:
        page, removed = parse_html(decoded.text)
    else:
        page, removed = text_page(decoded.text), []
    cleaner = Cleaner(page, disabled=disabled, boilerplate=boilerplate)
    cleaned = cleaner.run(removed)
    if time.monotonic() - started > time_limit:
        raise Rejected(f"cleaning took longer than the {time_limit:.0f}-second limit")
    return replace(cleaned, encoding=decoded.encoding, encoding_confidence=decoded.confidence)


def clean_text(text: str, *, encoding: str = "", confidence: float = 1.0) -> Cleaned:
    """Clean already-decoded plain text (social posts, articles, transcripts)."""
    cleaned = Cleaner(text_page(text)).run([])
    return replace(cleaned, encoding=encoding, encoding_confidence=confidence)


def fingerprint(text: str) -> str:
    """A short, script-independent fingerprint of one line, for site boilerplate."""
    return hashlib.blake2b(fold(text).encode(), digest_size=8).hexdigest()


class Cleaner:
    """Runs the rules over one page; see the module docstring for the order."""

    def __init__(
        self,
        page: Page,
        *,
        disabled: frozenset[str] = frozenset(),
        boilerplate: frozenset[str] = frozenset(),
    ):
        unknown = set(disabled) - set(RULES)
        if unknown:
            raise ValueError(f"unknown rules: {sorted(unknown)}")
        self.page = page
        self.disabled = disabled
        self.boilerplate = boilerplate
        self.removed: list[Removal] = []
        self.title = ""
        self.author = page.hints.author
        self.published = page.hints.published
        self.sites: list[str] = list(page.hints.site_names[:1])
        self.is_transcript = False
        self.forum_title = ""

    def on(self, rule: str) -> bool:
        return rule not in self.disabled

    def drop(self, piece: Piece, rule: str) -> None:
        # A repaired piece is audited as it stood in the input, repairs and all.
        self.removed.append(Removal(piece.original or piece.text, rule, piece.start))
        piece.verdict = rule

    # 1. span repairs ---------------------------------------------------------------

    def repair(self, piece: Piece) -> Piece:
        spans: list[tuple[int, int, str]] = [
            (m.start(), m.end(), "control-characters") for m in CONTROL.finditer(piece.text)
        ]
        if self.on("pinyin-artifact"):
            spans += [
                (r.start, r.start + len(r.text), r.rule) for r in pinyin_artifacts(piece.text)
            ]
        if self.on("caption-marker") and (marker := CAPTION_MARKER.match(piece.text)):
            spans.append((0, marker.end(), "caption-marker"))
        if not self.page.is_html and self.on("markup-fragment") and MARKUP_HINT.search(piece.text):
            spans += [(m.start(), m.end(), "markup-fragment") for m in MARKUP.finditer(piece.text)]
        if not spans:
            return piece
        return self.cut(piece, spans)

    def cut(self, piece: Piece, spans: list[tuple[int, int, str]]) -> Piece:
        """`piece` without `spans` (relative offsets), audited; links move with the text."""
        kept: list[str] = []
        cursor = 0
        shifts: list[tuple[int, int]] = []  # (old offset, characters removed before it)
        removed_so_far = 0
        repairs = []
        for start, end, rule in sorted(spans):
            if end <= cursor:
                continue
            start = max(start, cursor)
            repairs.append(Removal(piece.text[start:end], rule, piece.start + start))
            kept.append(piece.text[cursor:start])
            removed_so_far += end - start
            shifts.append((end, removed_so_far))
            cursor = end
        kept.append(piece.text[cursor:])
        joined = "".join(kept)
        text = joined.strip()
        lead = len(joined) - len(joined.lstrip())

        def moved(offset: int) -> int:
            before = max((n for old, n in shifts if old <= offset), default=0)
            return min(max(offset - before - lead, 0), len(text))

        links = [Link(moved(link.start), moved(link.end), link.href) for link in piece.links]
        links = [link for link in links if link.end > link.start]
        return replace(piece, text=text, links=links, repairs=repairs, original=piece.text)

    # 2-5. the run ------------------------------------------------------------------

    def run(self, removed: list[Removal]) -> Cleaned:
        self.removed.extend(removed)
        pieces = []
        for piece in map(self.repair, self.page.pieces):
            if piece.text:
                pieces.append(piece)
            else:  # nothing but repairs: audit them now
                self.removed.extend(piece.repairs)
        for piece in pieces:
            self.judge(piece)
        self.site_boilerplate(pieces)
        self.head(pieces)
        self.regions(pieces)
        kept = [piece for piece in pieces if not piece.verdict]
        for piece in kept:
            self.removed.extend(piece.repairs)
        if not self.page.is_html:
            kept = self.transcript(kept)
        blocks = self.blocks(kept)
        if not blocks:
            raise Rejected("no article text found: everything on the page is navigation or junk")
        text, layout = assemble(blocks)
        title = self.title_for(blocks)
        metadata = Metadata(
            title=title,
            source_site=self.source_site(),
            author=self.author[:200],
            published=self.published,
            language=detect_language(text),
            script=detect_script(text),
        )
        self.removed.sort(key=lambda r: r.start)
        return Cleaned(
            text=text,
            blocks=layout,
            metadata=metadata,
            removed=self.removed,
            fingerprints=tuple(
                fingerprint(p.text) for p in pieces if len(p.text) <= BOILERPLATE_MAX
            ),
        )

    def source_site(self) -> str:
        """The site names found, each once whatever its script (“网易号” = “網易號”)."""
        names: dict[str, str] = {}
        for site in self.sites:
            if site:
                names.setdefault(fold(site), site)
        return " / ".join(names.values())[:200]

    def judge(self, piece: Piece) -> None:
        if piece.verdict:
            if self.on(piece.verdict):
                self.drop(piece, piece.verdict)
                return
            piece.verdict = ""
        if piece.kind == "preformatted":
            return
        rule = classify(piece.text, link_share=piece.link_share)
        if rule == "navigation" and piece.kind == "heading":
            rule = None
        if rule and self.on(rule):
            self.note(piece, rule)
            self.drop(piece, rule)
        elif self.on("byline") and editor_name(piece.text):
            self.drop(piece, "byline")

    def note(self, piece: Piece, rule: str) -> None:
        """Metadata that junk lines carry: the platform in its disclaimer, the author card."""
        # t2s keeps every offset, so a match's span names the site in the page's own script.
        simplified = converter("t2s").convert(piece.text)
        for pattern, site in SITE_SIGNATURES:
            if match := pattern.search(simplified):
                if site:
                    self.sites.append(site)
                else:  # the platform named in the page's own spelling comes first
                    self.sites.insert(0, piece.text[match.start(1) : match.end(1)])
        match = AUTHOR_BEFORE_ICONS.match(piece.text) if rule == "author-card" else None
        if match and not self.author:
            self.author = match.group(1).strip()

    def site_boilerplate(self, pieces: list[Piece]) -> None:
        if not self.boilerplate or not self.on("site-boilerplate"):
            return
        live = [p for p in pieces if not p.verdict]
        repeated = [
            p
            for p in live
            if len(p.text) <= BOILERPLATE_MAX and fingerprint(p.text) in self.boilerplate
        ]
        total = sum(len(p.text) for p in live)
        if sum(len(p.text) for p in repeated) <= BOILERPLATE_SHARE * total:
            for piece in repeated:
                self.drop(piece, "site-boilerplate")

    def head(self, pieces: list[Piece]) -> None:
        """Datelines and bylines at the top of the article become metadata.

        The window is the few pieces before the first prose paragraph, junk or not: a
        date often shares its line with a share bar.
        """
        first_prose = next(
            (
                i
                for i, p in enumerate(pieces)
                if not p.verdict and p.kind != "heading" and is_body_prose(p.text)
            ),
            len(pieces),
        )
        start = max(0, first_prose - HEAD_PIECES) if self.page.is_html else 0
        for piece in pieces[start:first_prose]:
            if len(piece.text) > 100:
                continue
            if self.forum_header(piece):
                continue
            if WEIBO_DATELINE.match(fold(piece.text)) and not piece.verdict:
                if self.on("dateline"):
                    self.drop(piece, "dateline")
                continue
            if author := byline_author(piece.text):
                self.author = self.author or author
                if not piece.verdict and self.on("byline"):
                    self.drop(piece, "byline")
                continue
            found = find_date(piece.text)
            if found is None:
                continue
            date, (begin, end) = found
            rest = f"{piece.text[:begin]} {piece.text[end:]}"
            self.published = self.published or date
            if site := source_field(rest):
                self.sites.append(site)
            for part in rest.split():  # “来源：证券时报网 作者：李明远”
                if (author := byline_author(part)) and not self.author:
                    self.author = author
            if piece.verdict or (len(rest.strip()) > 40 and han_count(rest) > 16):
                continue
            name = rest.split()[0] if rest.split() else ""
            if not self.page.is_html and han_count(name) >= 2:
                self.sites.append(name)  # “鳳凰科技 2024-12-07 01:33:17”
            if self.on("dateline"):
                self.drop(piece, "dateline")

    def forum_header(self, piece: Piece) -> bool:
        """Bulletin-board headers (作者 / 看板 / 標題 / 時間) carry the post's metadata."""
        folded = fold(piece.text)
        if not FORUM_META.match(folded) or folded.startswith(("推", "嘘", "→", "※")):
            return False
        label, _, value = piece.text.partition(" ")
        value = value.strip()
        kind = fold(label)
        if kind == "作者":
            self.author = self.author or value.split()[0]
        elif kind == "标题":
            self.forum_title = value
        elif kind == "时间" and (found := parse_timestamp(value) or self.english_date(value)):
            self.published = self.published or found
        return True

    @staticmethod
    def english_date(value: str):
        try:
            return datetime.strptime(" ".join(value.split()), "%a %b %d %H:%M:%S %Y")
        except ValueError:
            return None

    def regions(self, pieces: list[Piece]) -> None:
        """Drop what follows an end-of-article notice, and headline lists after a heading."""
        markers = {"disclaimer", "risk-notice", "comment-prompt"}
        live = [p for p in pieces if not p.verdict or p.verdict in markers]
        if self.on("after-article"):
            for index, piece in enumerate(live):
                folded = fold(piece.text)
                if END_MARKERS.search(folded) or (
                    not self.page.is_html and TEXT_END_MARKERS.search(folded)
                ):
                    rest = live[index + 1 :]
                    if not self.prose_run(rest):
                        for later in rest:
                            if not later.verdict:
                                self.note(later, "after-article")
                                self.drop(later, "after-article")
                    break
        if self.on("related-list"):
            live = [p for p in pieces if not p.verdict or p.verdict == "related-list"]
            in_list = False
            for piece in live:
                if piece.verdict == "related-list":
                    in_list = len(piece.text) <= 20  # a heading, not an in-body link line
                elif in_list and self.listed(piece):
                    self.drop(piece, "related-list")
                else:
                    in_list = False

    def listed(self, piece: Piece) -> bool:
        """Whether `piece` reads like an entry of a headline list (title, source, time)."""
        if is_prose(piece.text):
            return False
        if self.page.is_html:
            # In HTML the entries are links; a heading or plain text ends the list.
            return piece.kind != "heading" and (piece.link_share >= 0.5 or len(piece.text) <= 20)
        return True

    @staticmethod
    def prose_run(pieces: list[Piece]) -> bool:
        """Whether two prose lines in a row follow: then the notice sat mid-article."""
        run = 0
        for piece in pieces:
            prose = not piece.verdict and is_prose(piece.text) and "。" in piece.text
            run = run + 1 if prose else 0
            if run >= 2:
                return True
        return False

    def transcript(self, kept: list[Piece]) -> list[Piece]:
        """Intro and outro of a video transcript; the phrases are joined in `blocks`."""
        blank_lines = sum(1 for piece in kept if piece.attrs.get("after_blank"))
        self.is_transcript = is_transcript([piece.text for piece in kept], blank_lines)
        if not self.is_transcript:
            return kept
        for piece in kept[:3]:
            if self.on("channel-intro") and CHANNEL_INTRO.search(fold(piece.text)):
                if match := CHANNEL_NAME.search(piece.text):
                    self.sites.append(match.group(1))
                if (match := SPEAKER.search(piece.text)) and not self.author:
                    self.author = match.group(1)
                self.drop(piece, "channel-intro")
        # The sign-off runs from its first line (“好了，本期视频就到这里”) to the end.
        tail = kept[-OUTRO_LINES:]
        start = next((i for i, p in enumerate(tail) if CHANNEL_OUTRO.search(fold(p.text))), None)
        if start is not None and self.on("channel-outro"):
            for piece in tail[start:]:
                self.drop(piece, "channel-outro")
        return [piece for piece in kept if not piece.verdict]

    def blocks(self, kept: list[Piece]) -> list[Block]:
        if not kept:
            return []
        if self.page.is_html:
            blocks = [Block(p.kind, p.text, p.attrs, self.web_links(p.links)) for p in kept]
            return self.without_repeated_title(blocks)
        if self.is_transcript:
            return join_phrases([piece.text for piece in kept])
        blocks = []
        for index, piece in enumerate(kept):
            if index == 0 and is_headline(piece.text) and not re.search(r"[。！!]$", piece.text):
                blocks.append(Block("heading", piece.text, {"level": 1}))
            elif NUMBERED_HEAD.match(piece.text) and len(piece.text) <= 48:
                blocks.append(Block("heading", piece.text, {"level": 2}))
            else:
                blocks.append(Block("paragraph", piece.text))
        return blocks

    @property
    def headline(self) -> str:
        """The page's <h1>, with the same span repairs as the text (pinyin artifacts…)."""
        headline = self.page.hints.headline
        return self.repair(Piece("heading", headline, -1)).text if headline else ""

    def web_links(self, links: list[Link]) -> tuple[Link, ...]:
        """The links resolved against the page's URL; only http(s) ones survive."""
        resolved = []
        for link in links:
            try:
                url = urljoin(self.page.hints.base_url, link.href)
            except ValueError:  # e.g. a malformed IPv6 host
                continue
            if urlsplit(url).scheme in {"http", "https"}:
                resolved.append(Link(link.start, link.end, url))
        return tuple(resolved)

    def without_repeated_title(self, blocks: list[Block]) -> list[Block]:
        headline = self.headline
        if not headline or not self.on("duplicate-title"):
            return blocks
        seen = False
        result = []
        for block in blocks:
            if block.text == headline:
                if seen:
                    self.removed.append(Removal(block.text, "duplicate-title", -1))
                    continue
                seen = True
            result.append(block)
        if not seen:
            result.insert(0, Block("heading", headline, {"level": 1}))
        else:
            # The headline leads the article even when the page put a kicker above it.
            index = next(i for i, b in enumerate(result) if b.text == headline)
            if index and index <= 3:
                result.insert(0, result.pop(index))
        return result

    def title_for(self, blocks: list[Block]) -> str:
        hints = self.page.hints
        if hints.headline:
            return self.headline
        if hints.title:
            return strip_site_suffix(hints.title, (*hints.site_names, *self.sites))
        if self.forum_title:
            return self.forum_title
        return guess_title(blocks[0].text)
