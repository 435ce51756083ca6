"""Notes are Markdown, rendered to a small, sanitised subset of HTML.

Two independent layers: cmark-gfm (GitHub's C implementation) in its default safe mode
leaves raw HTML out and blanks `javascript:`-style link targets; then nh3 (the Ammonia
sanitiser) keeps only the tags and attributes in the allowlists below, links only to
http(s) and mailto, every link `rel="nofollow noopener noreferrer"`. The browser
rebuilds the result node by node through the same allowlist (static/js/safe-html.js)
rather than assigning innerHTML.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlencode

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options
from django.utils.safestring import SafeString, mark_safe

TAGS = {
    "p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def _keep(element: str, attribute: str, value: str) -> str | None:
    # cmark blanks an unsafe link target to href=""; a link to nowhere is dropped.
    if attribute == "href" and not value.strip():
        return None
    return value


# `[[title]]` links another document by its title (annotations/links.py); code spans and
# fenced code are left as they are.
_WIKI_OR_CODE = re.compile(r"(```.*?```|`[^`\n]*`)|\[\[([^\[\]\n]{1,300})\]\]", re.DOTALL)
FOLLOW_URL = "/links/follow/"


def _markdown_link(match: re.Match) -> str:
    if match.group(1) or not match.group(2).strip():
        return match.group(0)
    title = match.group(2).strip()
    label = re.sub(r"([\\`*_{}()#+!<>|~-])", r"\\\1", title)
    return f"[{label}]({FOLLOW_URL}?{urlencode({'title': title})})"


def with_title_links(text: str) -> str:
    """`[[title]]` written as a Markdown link to the document of that title."""
    return _WIKI_OR_CODE.sub(_markdown_link, text) if "[[" in text else text


@lru_cache(maxsize=4096)
def _render(text: str) -> str:
    text = with_title_links(text)
    html = cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_HARDBREAKS)
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
        attribute_filter=_keep,
    ).strip()


def render_note(text: str) -> SafeString:
    """`text` (Markdown) as sanitised HTML, safe to put in a page as it is."""
    if not text.strip():
        return mark_safe("")
    # The sanitiser's output contains only allowlisted tags and escaped text.
    return mark_safe(_render(text))  # noqa: S308
