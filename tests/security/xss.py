"""The stored-XSS payload table, and `plant()`, which pushes every payload through every
way text gets into Pizhu: imported HTML (title, author, source site, body text, raw
markup, links) and plain text, upload file names, notes (Markdown), replies, tag names
and reading-group names.

A payload that ran would set `window.__pwned` (the canary) or open a dialog; the tests
(tests/security/test_stored_xss.py on the server's HTML, tests/browser/test_xss.py in
Chromium) check that nothing ran and that the text still shows literally.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from annotations.models import ReadingPreferences
from annotations.schemas import normalize_tag
from library.importing import Item, process_batch, take_in
from library.indexing import reindex
from library.models import Document, ImportBatch
from tests.annotations.factories import make_group, make_highlight, share

# name → text. Each runs `window.__pwned = name` (and alerts) if it ever executes.
PAYLOADS: dict[str, str] = {
    "script": "<script>window.__pwned='script';alert(1)</script>",
    "img-onerror": "<img src=x onerror=\"window.__pwned='img';alert(1)\">",
    "javascript-url": "<a href=\"javascript:window.__pwned='js'\">js-link</a>",
    "data-url": '<a href="data:text/html,<script>alert(1)</script>">data-link</a>',
    "svg-onload": "<svg onload=\"window.__pwned='svg'\"><circle r=9></svg>",
    "mathml": (
        "<math><mtext><table><mglyph><style><img src=x "
        "onerror=\"window.__pwned='math'\"></style></mglyph></table></mtext></math>"
    ),
    "css-overlay": (
        '<div style="position:fixed;inset:0;z-index:99999;background:red">overlay</div>'
    ),
    "close-script-in-json": "</script><script>window.__pwned='json'</script>",
    "bidi-override": "invoice\u202egnp.exe",
    "template-syntax": "{{ request.user.password }}{% csrf_token %}{{7*7}}",
    "attribute-break": '"><img src=x onerror="window.__pwned=\'attr\'">',
    "iframe-srcdoc": "<iframe srcdoc=\"<script>parent.__pwned='iframe'</script>\"></iframe>",
}

# Markdown-only ways in for notes and replies: links and autolinks with bad schemes.
MARKDOWN_PAYLOADS: dict[str, str] = {
    "md-javascript-link": "[md-js](javascript:window.__pwned='mdjs')",
    "md-data-link": "[md-data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "md-autolink": "<javascript:window.__pwned='auto'>",
    "md-image": "![img](javascript:window.__pwned='mdimg')",
    "md-html-inline": "text <img src=x onerror=\"window.__pwned='mdinline'\"> more",
}

# Raw markup that must never come through unescaped, whatever the page.
DANGEROUS = [
    "<script>window.__pwned",
    "<script>alert",
    "<img src=x",
    "<svg onload",
    "<math>",
    "<iframe",
    '<div style="position:fixed',
    'href="javascript:',
    'href="data:',
    'src="javascript:',
]

ENTITY_SENTENCE = "OpenAI 的标记句子 XSSMARK 在这里。"


@dataclass
class Planted:
    """Where the payloads went, for the tests to visit."""

    html_document: Document
    text_document: Document
    batch: ImportBatch
    highlight: object
    group: object
    tags: list[str] = field(default_factory=list)

    def reader_pages(self) -> dict[str, str]:
        html_doc, text_doc = self.html_document.pk, self.text_document.pk
        return {
            "document list": "/",
            "reading page (html import)": f"/documents/{html_doc}/",
            "reading page (text import)": f"/documents/{text_doc}/",
            "search results": "/search/?q=XSSMARK",
            "my highlights": "/highlights/",
            "my highlights, by tag": f"/highlights/?tag={self.tags[0]}",
            "theme page": "/themes/safety/",
            "entity page": "/entities/openai/",
            "group page": f"/groups/{self.group.pk}/",
            "group list": "/groups/",
        }

    def admin_pages(self) -> dict[str, str]:
        return {
            "admin documents": "/admin/library/document/",
            "admin document": f"/admin/library/document/{self.html_document.pk}/change/",
            "admin sources": "/admin/library/source/",
            "admin import batch": f"/admin/library/importbatch/{self.batch.pk}/change/",
            "admin highlights": "/admin/annotations/highlight/",
            "admin tags": "/admin/taggit/tag/",
            "admin groups": "/admin/annotations/readinggroup/",
            "admin replies": "/admin/annotations/reply/",
            "admin reply": f"/admin/annotations/reply/{self.highlight.replies.first().pk}/change/",
        }


def html_page() -> bytes:
    """A scraped page carrying every payload as text (escaped in the source, so the
    article shows it) and as live markup (which the cleaner must drop)."""
    title = html.escape(PAYLOADS["script"] + " XSSMARK 标题")
    author = html.escape(PAYLOADS["attribute-break"], quote=True)
    site = html.escape(PAYLOADS["img-onerror"], quote=True)
    paragraphs = "".join(
        f"<p>第{n}段，XSSMARK {name}：{html.escape(text)}。这是一段足够长的正文，"
        f"用来让容器打分，包含逗号、句号，以及安全与监管。</p><p>{text} 原样的标记{n}。</p>"
        for n, (name, text) in enumerate(PAYLOADS.items())
    )
    links = (
        "<p>链接：<a href=\"javascript:window.__pwned='href'\">坏链接一</a>，"
        '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">坏链接二</a>，'
        "<a href=\"  JaVaScRiPt:window.__pwned='href2'\">坏链接三</a>，"
        '<a href="https://example.org/ok">好链接</a>。这是一段足够长的正文，包含逗号。</p>'
    )
    return (
        "<html><head>"
        f'<meta charset="utf-8"><title>{title}</title>'
        f'<meta name="author" content="{author}">'
        f'<meta property="og:site_name" content="{site}">'
        f"</head><body><article><h1>{title}</h1>"
        f"<p>{html.escape(ENTITY_SENTENCE)}这是一段足够长的正文，包含逗号、句号。</p>"
        f"{paragraphs}{links}</article></body></html>"
    ).encode()


def text_page() -> bytes:
    # The plain-text cleaner drops leftover markup (its `markup-fragment` rule), so only
    # the payloads that are not tags survive here as text; none may run either way.
    lines = [f"{PAYLOADS['close-script-in-json']} XSSMARK 纯文本"]
    lines += [f"XSSMARK {name}：{text}" for name, text in PAYLOADS.items()]
    return "\n\n".join(lines).encode()


def accepted_tags() -> list[str]:
    """The payloads that are valid tag names (bidi overrides and long ones are refused)."""
    names = []
    for text in PAYLOADS.values():
        try:
            names.append(normalize_tag(text))
        except ValidationError:
            continue
    return names


def plant(alice, admin_user) -> Planted:
    """Import, annotate, tag, reply and share with every payload; return the places."""
    from tests.library.indexed import load_entities

    load_entities()
    batch = ImportBatch.objects.create(created_by=admin_user)
    items = [
        Item(f"{PAYLOADS['attribute-break']}.html", "xss/page.html", html_page()),
        Item(f"{PAYLOADS['template-syntax']}.txt", "xss/page.txt", text_page()),
        Item(PAYLOADS["svg-onload"], "xss/empty.html", b""),  # rejected, its name listed
    ]
    take_in(batch, items)
    process_batch(batch, worker="xss-test")
    html_document, text_document = Document.objects.order_by("pk")
    reindex([html_document, text_document])
    tags = accepted_tags()
    note = "\n\n".join([*PAYLOADS.values(), *MARKDOWN_PAYLOADS.values()])
    highlight = make_highlight(
        alice, html_document, quote="XSSMARK 在这里", note=note, tags=[*tags, "safety"]
    )
    for text in [*PAYLOADS.values(), *MARKDOWN_PAYLOADS.values()]:
        highlight.replies.create(user=alice, body=text)
    group = make_group(alice, name=PAYLOADS["img-onerror"])
    share(highlight, "group", group=group)
    make_highlight(alice, text_document, quote="XSSMARK 纯文本", note=PAYLOADS["script"])
    return Planted(html_document, text_document, batch, highlight, group, tags)


def read_in(user, script: str) -> None:
    """Set the reader's display script (原文, 繁體 …), as the Aa menu does."""
    preferences = ReadingPreferences.objects.for_user(user)
    preferences.change(script=script)
