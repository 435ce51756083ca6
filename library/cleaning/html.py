"""HTML pages → a `Page`: visible text blocks with structure, links and junk evidence.

BeautifulSoup with the lxml parser reads the page. One walk over the tree produces a
piece per block element (paragraph, heading, list item, quote, table row, caption…),
collapsing whitespace the way a browser does and keeping http(s) links as offsets.
Pieces that cannot be article are marked with the structural rule that says so (hidden,
page chrome, outside the article's container, in a comments/related/share container,
mostly links); the text rules run afterwards on everything else.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from functools import lru_cache
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, ProcessingInstruction, Tag
from bs4.element import NavigableString

from .document import Link, Removal
from .metadata import parse_timestamp, strip_site_suffix
from .page import Hints, Page, Piece
from .rules import is_prose

MAX_DEPTH = 256

DROPPED = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
     "canvas", "select", "textarea", "input", "button", "head", "link", "meta", "audio",
     "video", "source", "map", "dialog"}
)  # fmt: skip
CHROME = frozenset({"nav", "header", "footer", "aside", "form", "menu"})
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
BLOCKS = frozenset(
    {"address", "article", "blockquote", "body", "center", "dd", "details", "div", "dl", "dt",
     "fieldset", "figcaption", "figure", "hgroup", "hr", "li", "main", "ol", "p", "pre",
     "section", "summary", "table", "tbody", "thead", "tfoot", "ul", "caption", "legend",
     "tr", "td", "th",
     *HEADINGS, *CHROME}
)  # fmt: skip
LAYOUT_MARKERS = BLOCKS - {"td", "th", "tr", "tbody", "thead", "tfoot", "caption"}
SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)
NUL = re.compile("\x00+")
# What a browser collapses: ASCII whitespace only. U+3000 and friends are content; a
# no-break space reads as a space.
WHITESPACE = re.compile(r"[ \t\n\r\f\v\xa0]+")
EDGE = " \u3000"
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
HIDDEN_RULE = re.compile(
    r"((?:\s*[.#][\w-]+\s*,?)+)\s*\{[^}]*?(?:display\s*:\s*none|visibility\s*:\s*hidden)",
    re.IGNORECASE,
)
HIDDEN_CLASSES = frozenset(
    {"hidden", "hide", "d-none", "sr-only", "visually-hidden", "screen-reader-text", "invisible"}
)
CLASS_TOKENS = re.compile(r"[a-z]+")
CAMEL = re.compile(r"([a-z])([A-Z])")
NEGATIVE = frozenset(
    {"comment", "comments", "reply", "replies", "related", "relate", "recommend", "recommends",
     "recommended", "recommendation", "share", "sharing", "social", "footer", "foot",
     "sidebar", "side", "aside", "nav", "navbar", "navigation", "menu", "breadcrumb",
     "breadcrumbs", "crumb", "crumbs", "ad", "ads", "advert", "adv", "advertisement",
     "banner", "sponsor", "sponsored", "promo", "promotion", "hot", "hotnews", "rank",
     "ranking", "copyright", "toolbar", "tags", "tag", "login", "subscribe", "newsletter",
     "popup", "modal", "cookie", "qrcode", "qr", "download", "reward", "widget", "more",
     "author", "authors", "byline", "dateline", "meta", "info", "pagination", "pager",
     "disclaimer", "statement",
     "notice", "follow", "recirc", "outbrain", "taboola", "trending", "popular", "masthead",
     "header", "topbar", "signup", "paywall", "gotop", "backtop", "marketing", "cta"}
)  # fmt: skip
POSITIVE = frozenset(
    {"article", "content", "post", "body", "text", "main", "entry", "story", "detail",
     "richtext", "rich", "js", "news", "artical", "txt", "con", "page", "blog", "markdown"}
)  # fmt: skip
SCORED_KINDS = frozenset({"paragraph", "quote", "list_item", "preformatted"})
PUNCTUATION = re.compile(r"[，。、；！？,.;!?]")


def contains(tag: Tag, names: frozenset[str]) -> bool:
    """Whether any element below `tag` is one of `names` (bs4's find() is slow for sets)."""
    return any(node.name in names for node in tag.descendants if isinstance(node, Tag))


REVEALED_MIN = 300  # characters of prose


def revealed_later(tag: Tag) -> bool:
    """A hidden element holding a whole article is shown by script once the page loads.

    WeChat hides `#js_content` until its script runs; “read more” pages hide the rest of
    the story. Junk that pages hide is short: menus, ad slots, keyword stuffing.
    """
    if tag.name in {"nav", "header", "footer", "aside", "form"}:
        return False
    text = tag.get_text()
    return len(text) >= REVEALED_MIN and len(PUNCTUATION.findall(text)) >= 10


class Walker:
    """One pass over the body, collecting pieces; see the module docstring."""

    def __init__(self, hidden_classes: frozenset[str]):
        self.hidden_classes = hidden_classes
        self.pieces: list[Piece] = []
        self.ancestry: list[tuple[Tag, ...]] = []  # per piece, its ancestors (outermost first)
        self.removed: list[Removal] = []
        self.elements: dict[str, list[Tag]] = defaultdict(list)
        self.dropped: dict[str, int] = defaultdict(int)
        self.offset = 0
        self.segments: list[tuple[str, str | None, bool]] = []  # text, href, in <a>
        self.stack: list[Tag] = []
        self.kind = ("paragraph", {})
        self.verdict = ""

    # The walk ------------------------------------------------------------------------

    def walk(self, node: Tag, depth: int = 0) -> None:
        for child in node.contents:
            kind = type(child)  # exact types first: this loop runs for every node
            if kind is NavigableString:
                self.segments.append((str(child), None, False))
            elif kind is Tag:
                self.enter(child, depth)
            elif isinstance(child, NavigableString) and not isinstance(child, SKIPPED_STRINGS):
                self.segments.append((str(child), None, False))
            elif isinstance(child, Tag):
                self.enter(child, depth)

    def enter(self, tag: Tag, depth: int) -> None:
        name = tag.name
        if name in INDEXED:  # metadata elements in the body (<time>, stray <meta>)
            self.elements[name].append(tag)
        if name in DROPPED:
            self.dropped[name] += 1
            return
        if name == "br":
            self.flush()
            return
        if depth >= MAX_DEPTH:
            # Deeper than any real page: keep the text, flatten the structure.
            self.segments.append((tag.get_text(" "), None, False))
            return
        verdict = self.verdict
        if not verdict:
            if self.is_hidden(tag):
                verdict = "hidden"
            elif name in CHROME:
                verdict = "page-chrome"
        if name == "a":
            self.link(tag, verdict)
            return
        if name == "pre":
            self.flush()
            self.kind_piece(tag, "preformatted", tag.get_text(), verdict)
            return
        if name == "tr" and not contains(tag, LAYOUT_MARKERS):
            # A data row: one line, cells separated by spaces. (Rows holding blocks are
            # page layout and are walked like any container.)
            self.flush()
            cells = (cell.get_text(" ") for cell in tag.find_all(["td", "th"]))
            row = " ".join(WHITESPACE.sub(" ", cell).strip(EDGE) for cell in cells)
            self.kind_piece(tag, "paragraph", row, verdict)
            return
        if name == "img":
            return
        is_block = name in BLOCKS
        saved = (self.kind, self.verdict)
        if is_block:
            self.flush()
            self.kind = self.kind_of(tag)
        self.verdict = verdict
        self.stack.append(tag)
        self.walk(tag, depth + 1)
        if is_block:
            self.flush()
        self.stack.pop()
        self.kind, self.verdict = saved

    def kind_of(self, tag: Tag) -> tuple[str, dict]:
        name = tag.name
        if name in HEADINGS:
            return "heading", {"level": HEADINGS[name]}
        if name == "blockquote":
            return "quote", {}
        if name == "li":
            return "list_item", {"ordered": tag.parent is not None and tag.parent.name == "ol"}
        if name in {"figcaption", "caption"}:
            return "image", {}
        if self.kind[0] in {"quote", "list_item", "image"}:
            return self.kind  # a <p> inside a quote or list item keeps that kind
        return "paragraph", {}

    def link(self, tag: Tag, verdict: str) -> None:
        text = tag.get_text()
        href = tag.get("href")
        # Resolved later, and only for the links that end up in the article.
        keep = href.strip() if isinstance(href, str) and href.strip() else None
        if contains(tag, BLOCKS):
            # A link wrapping blocks (a card of headline + summary): walk it as blocks.
            saved = self.verdict
            self.verdict = verdict
            self.stack.append(tag)
            self.flush()
            first = len(self.pieces)
            self.walk(tag)
            self.flush()
            for piece in self.pieces[first:]:
                piece.link_chars = len(piece.text)
            self.stack.pop()
            self.verdict = saved
            return
        self.segments.append((text, keep, True))

    def is_hidden(self, tag: Tag) -> bool:
        attrs = tag.attrs
        if not attrs:
            return False
        style = attrs.get("style")
        classes = attrs.get("class")
        hidden = (
            "hidden" in attrs
            or attrs.get("aria-hidden") == "true"
            or (isinstance(style, str) and bool(HIDDEN_STYLE.search(style)))
            or (isinstance(classes, str) and not self.hidden_classes.isdisjoint(classes.split()))
        )
        return hidden and not revealed_later(tag)

    # Pieces ----------------------------------------------------------------------------

    def kind_piece(self, tag: Tag, kind: str, text: str, verdict: str) -> None:
        if kind == "preformatted":
            text = text.strip("\n").rstrip()
        if not text.strip():
            return
        self.stack.append(tag)
        self.add(Piece(kind, text, self.offset, verdict=verdict or self.verdict))
        self.stack.pop()

    def flush(self) -> None:
        segments, self.segments = self.segments, []
        if not segments:
            return
        if len(segments) == 1 and not segments[0][2]:
            # The common case, one run of plain text (<p>text</p>): no links to track.
            text = WHITESPACE.sub(" ", segments[0][0]).strip(EDGE)
            if text.strip():
                kind, attrs = self.kind
                self.add(Piece(kind, text, self.offset, [], 0, dict(attrs), self.verdict))
            return
        parts: list[str] = []
        links: list[Link] = []
        length = link_chars = 0
        for raw, href, in_link in segments:
            text = WHITESPACE.sub(" ", raw)
            if text.startswith(" ") and (not parts or parts[-1].endswith(" ")):
                text = text[1:]
            if not text:
                continue
            if in_link:
                link_chars += len(text.strip())
                if href:
                    links.append(Link(length, length + len(text), href))
            parts.append(text)
            length += len(text)
        joined = "".join(parts)
        text = joined.strip(EDGE)
        if not text.strip():
            return
        lead = len(joined) - len(joined.lstrip(EDGE))
        links = [Link(link.start - lead, link.end - lead, link.href) for link in links]
        links = [
            Link(max(link.start, 0), min(link.end, len(text)), link.href)
            for link in links
            if link.start < len(text) and link.end > 0
        ]
        kind, attrs = self.kind
        piece = Piece(kind, text, self.offset, links, link_chars, dict(attrs), self.verdict)
        self.add(piece)

    def add(self, piece: Piece) -> None:
        self.pieces.append(piece)
        self.ancestry.append(tuple(self.stack))
        self.offset += len(piece.text) + 1


INDEXED = frozenset({"meta", "title", "base", "link", "time"})
RAW_TEXT = re.compile(
    r"<!--.*?-->|<(script|style|noscript|template|svg|math)\b([^>]*)>(.*?)</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
LD_JSON = re.compile(r"""type\s*=\s*["']?application/ld\+json""", re.IGNORECASE)


def set_aside_raw_text(text: str) -> tuple[str, dict[str, list[str]]]:
    """Take scripts, styles, inline SVG and comments out before parsing.

    They are never article text, and building a tree for them is most of the parse
    time on a heavy page. Scanning left to right, whichever opens first wins, so a
    comment holding `<script>` (or a script holding `<!--`) goes as one piece, as in a
    browser. JSON-LD (metadata) and styles (which classes the page hides) are kept.
    """
    found: dict[str, list[str]] = defaultdict(list)

    def keep(match: re.Match) -> str:
        name = (match.group(1) or "comment").lower()
        if name == "script" and LD_JSON.search(match.group(2) or ""):
            name = "ld+json"
        found[name].append(match.group(3) or "")
        return ""

    return RAW_TEXT.sub(keep, text), found


def index(soup: BeautifulSoup) -> dict[str, list[Tag]]:
    """The page's meta-ish elements by name, in one pass (each bs4 find_all is a pass)."""
    found: dict[str, list[Tag]] = defaultdict(list)
    for node in soup.descendants:
        if isinstance(node, Tag) and node.name in INDEXED:
            found[node.name].append(node)
    return found


def hidden_classes(styles: list[str]) -> frozenset[str]:
    """Classes the page's own style sheets hide (`.ad-box{display:none}`)."""
    names = set(HIDDEN_CLASSES)
    for style in styles:
        for match in HIDDEN_RULE.finditer(style):
            names.update(
                selector.strip()[1:]
                for selector in match.group(1).split(",")
                if selector.strip().startswith(".")
            )
    return frozenset(names)


def first(elements: list[Tag], attribute: str) -> str:
    """`attribute` of the first element that has it."""
    for element in elements:
        value = element.get(attribute)
        if isinstance(value, str):
            return value
    return ""


def link_is_canonical(link: Tag) -> bool:
    return "canonical" in str(link.get("rel") or "").lower().split() and bool(link.get("href"))


def head_hints(elements: dict[str, list[Tag]], ld: dict[str, str]) -> tuple[Hints, str]:
    """Title, site name, author and date as the page declares them; plus its base URL."""
    metas: dict[str, str] = {}
    for meta in elements["meta"]:
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        value = meta.get("content")
        if isinstance(key, str) and isinstance(value, str) and value.strip():
            metas.setdefault(key.strip().lower(), value.strip())
    titles = elements["title"]
    title = titles[0].get_text(" ", strip=True) if titles else ""
    site_names = tuple(
        name
        for name in (
            metas.get("og:site_name"),
            metas.get("application-name"),
            ld.get("publisher"),
            metas.get("twitter:site", "").lstrip("@"),
        )
        if name
    )
    published = None
    for key in (
        "article:published_time",
        "og:release_date",
        "datepublished",
        "publishdate",
        "pubdate",
        "publish-date",
        "ptime",
        "dc.date",
        "dc.date.issued",
        "sailthru.date",
        "parsely-pub-date",
        "date",
    ):
        if key in metas and (published := parse_timestamp(metas[key])):
            break
    if published is None and ld.get("datePublished"):
        published = parse_timestamp(ld["datePublished"])
    if published is None and (stamp := first(elements["time"], "datetime")):
        published = parse_timestamp(stamp)
    author = metas.get("author") or metas.get("article:author") or ld.get("author") or ""
    if urlsplit(author).scheme in {"http", "https"}:
        author = ""
    hints = Hints(
        title=metas.get("og:title") or metas.get("twitter:title") or ld.get("headline") or title,
        site_names=site_names,
        author=author,
        published=published,
    )
    if title and title != hints.title:
        hints.site_names = (*hints.site_names, *title_parts_outside(hints.title, title))
    base_url = next(
        (
            candidate
            for candidate in (
                first(elements["base"], "href"),
                next(
                    (str(link.get("href")) for link in elements["link"] if link_is_canonical(link)),
                    "",
                ),
                metas.get("og:url"),
            )
            if candidate and urlsplit(candidate).scheme in {"http", "https"}
        ),
        "",
    )
    return hints, base_url


def title_parts_outside(headline: str, title: str) -> tuple[str, ...]:
    """The bits of <title> around the headline: usually the site's name."""
    index = title.find(headline)
    if index < 0 or not headline:
        return ()
    rest = f"{title[:index]} {title[index + len(headline) :]}"
    return tuple(part for part in re.split(r"[\s_|｜\-–—:]+", rest) if len(part) >= 2)


def json_ld(scripts: list[str]) -> dict[str, str]:
    """headline / author / publisher / datePublished from the page's JSON-LD, if any."""
    found: dict[str, str] = {}
    for script in scripts:
        try:
            data = json.loads(script)
        except (ValueError, RecursionError):
            continue
        items = data if isinstance(data, list) else [data]
        items += [item for entry in list(items) if isinstance(entry, dict)
                  for item in entry.get("@graph", []) if isinstance(item, dict)]  # fmt: skip
        for item in items:
            if not isinstance(item, dict):
                continue
            for key in ("headline", "datePublished"):
                if isinstance(item.get(key), str):
                    found.setdefault(key, item[key])
            for key in ("author", "publisher"):
                value = item.get(key)
                value = value[0] if isinstance(value, list) and value else value
                if isinstance(value, dict):
                    value = value.get("name")
                if isinstance(value, str):
                    found.setdefault(key, value)
    return found


@lru_cache(maxsize=4096)
def hint_for(name: str, classes: str, ident: str, itemprop: str) -> float:
    if name in {"article", "main"} or itemprop == "articleBody":
        return 1.5
    # Split camelCase and snake/kebab-case: "postBody" → post, body.
    tokens = set(CLASS_TOKENS.findall(CAMEL.sub(r"\1 \2", f"{classes} {ident}").lower()))
    if tokens & NEGATIVE and not tokens & {"content", "body", "article", "text"}:
        return 0.3
    if tokens & POSITIVE:
        return 1.25
    return 1.0


def hint(tag: Tag) -> float:
    """A weight from the element's name, class and id: article-ish up, junk-ish down."""
    classes = tag.get("class") or ""
    ident = tag.get("id") or ""
    itemprop = tag.get("itemprop") or ""
    role = tag.get("role") or ""
    return hint_for(tag.name, f"{classes} {role}", str(ident), str(itemprop))


CONTAINERS = frozenset({"div", "section", "article", "main", "td", "body", "center", "font"})


def is_container(tag: Tag) -> bool:
    """Elements that may hold a whole article (not a paragraph, list or table)."""
    return tag.name in CONTAINERS or "-" in tag.name  # custom elements too


def choose_container(walker: Walker) -> set[int]:
    """The ids of the elements that hold the article (readability-style scoring)."""
    scores: dict[int, float] = defaultdict(float)
    totals: dict[int, int] = defaultdict(int)
    links: dict[int, int] = defaultdict(int)
    tags: dict[int, Tag] = {}
    for piece, ancestors in zip(walker.pieces, walker.ancestry, strict=True):
        for tag in ancestors:
            key = id(tag)
            tags[key] = tag
            totals[key] += len(piece.text)
            links[key] += piece.link_chars
        if piece.verdict or piece.kind not in SCORED_KINDS or len(piece.text) < 12:
            continue
        if piece.link_share > 0.5:
            continue
        punctuation = min(len(PUNCTUATION.findall(piece.text)), 12)
        score = (1 + punctuation + min(len(piece.text) / 50, 5)) * (1 - piece.link_share)
        containers = [tag for tag in ancestors if is_container(tag)][-4:]
        for level, tag in enumerate(reversed(containers), start=1):
            scores[id(tag)] += score / level
    if not scores:
        return set()

    def final(key: int) -> float:
        density = links[key] / totals[key] if totals[key] else 0
        return scores[key] * (1 - density) * hint(tags[key])

    top = max(scores, key=final)
    chosen = {top}
    best = final(top)
    parent = tags[top].parent
    if parent is not None:
        for sibling in parent.find_all(True, recursive=False):
            key = id(sibling)
            if key in scores and key != top:
                density = links[key] / totals[key] if totals[key] else 0
                if final(key) >= max(0.2 * best, 3) and density < 0.25:
                    chosen.add(key)
    return chosen


def mark_structure(walker: Walker, chosen: set[int], headline: str) -> None:
    """Give every piece outside the article, or in a junk container inside it, a verdict."""
    prose_in: dict[int, int] = defaultdict(int)
    article_prose = 0
    for piece, ancestors in zip(walker.pieces, walker.ancestry, strict=True):
        if not piece.verdict and piece.link_share < 0.5:
            if any(id(tag) in chosen for tag in ancestors):
                article_prose += len(piece.text)
            for tag in ancestors:
                prose_in[id(tag)] += len(piece.text)
    lead = False  # between the headline and the article body: a standfirst may sit there
    for piece, ancestors in zip(walker.pieces, walker.ancestry, strict=True):
        inside = next((i for i, tag in enumerate(ancestors) if id(tag) in chosen), None)
        if inside is not None:
            lead = False
        if piece.verdict:
            continue
        if inside is None:
            if piece.kind == "heading" and headline and piece.text == headline:
                lead = True
            elif not (lead and is_prose(piece.text) and piece.link_share < 0.3):
                piece.verdict = "outside-article"
            continue
        for tag in ancestors[inside + 1 :]:
            if hint(tag) < 1 and prose_in[id(tag)] < 0.5 * article_prose:
                piece.verdict = "boilerplate-container"
                break
        else:
            if piece.link_share > 0.5 and not (piece.kind == "heading" and piece.link_share < 1):
                piece.verdict = "link-dense"


def find_headline(walker: Walker, hints: Hints) -> str:
    """The text of the heading that is the article's title ('' if none is).

    The <h1> (or <h2>) that matches the declared title, with or without its site
    suffix; failing that, a page's only <h1>.
    """
    headings = {1: [], 2: []}
    for piece in walker.pieces:
        level = piece.attrs.get("level")
        if piece.kind == "heading" and level in headings and piece.link_share < 0.5:
            headings[level].append(piece.text)
    titles = [t for t in {hints.title, strip_site_suffix(hints.title, hints.site_names)} if t]
    for text in (*headings[1], *headings[2]):
        if any(text in title or title in text for title in titles):
            return text
    return headings[1][0] if len(headings[1]) == 1 else ""


def parse_html(text: str) -> tuple[Page, list[Removal]]:
    """Parse `text` (decoded HTML) into a `Page`; also returns the whole-element removals."""
    # The HTML parser reads NUL as U+FFFD, as the HTML standard says; Pizhu drops NUL as
    # a control character (text pages too), so it goes before parsing, audited.
    nuls = [Removal(m.group(), "control-characters", m.start()) for m in NUL.finditer(text)]
    if nuls:
        text = text.replace("\x00", "")
    # Attributes stay plain strings (class="a b" is not split into a list): faster, and
    # the walk splits only the few it reads.
    text, set_aside = set_aside_raw_text(text)
    # UTF-8 bytes with the encoding stated parse about a fifth faster than a str (lxml
    # reads str input in small re-encoded chunks); the text is already decoded right.
    soup = BeautifulSoup(
        text.encode("utf-8", "replace"),
        "lxml",
        from_encoding="utf-8",
        multi_valued_attributes=None,
    )
    walker = Walker(hidden_classes(set_aside["style"]))
    for name, contents in set_aside.items():
        if name not in {"ld+json", "comment"}:
            walker.dropped[name] += len(contents)
    if soup.body is not None:
        walker.elements = index(soup.head) if soup.head else defaultdict(list)
        walker.enter(soup.body, 0)  # the body itself is a candidate container
    else:
        walker.walk(soup)
        walker.elements = index(soup)
    walker.flush()
    hints, base_url = head_hints(walker.elements, json_ld(set_aside["ld+json"]))
    hints.base_url = base_url
    hints.headline = find_headline(walker, hints)
    mark_structure(walker, choose_container(walker), hints.headline)
    removed = [
        Removal(text=f"<{name}> ×{count}", rule="script-style", start=-1)
        for name, count in sorted(walker.dropped.items())
    ]
    return Page(walker.pieces, hints, is_html=True), nuls + removed
