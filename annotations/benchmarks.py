"""`manage.py bench reading`: the reading page with 0, 100 and 1,000 highlights next to
the bare page, and re-anchoring 1,000 highlights after a new revision.

Everything runs inside one transaction that is rolled back: the database is left as it
was. Times are the server's (the Django test client calls the view stack directly, no
network); each is the best and the median of `repeat` rounds after a warm-up.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from itertools import cycle

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from library.cleaning import Block, Cleaned, Metadata, assemble, clean_text
from library.models import Document, Script, Source

from .anchoring import make_selector
from .models import THEME_TAGS, Highlight, ReadingPreferences, TaggedHighlight, tags_named

NOTES = [
    "",
    "",
    "",
    "这里说的是**对齐**问题，和 [论文](https://arxiv.org/abs/2203.02155) 一致。",
    "",
    "要点：\n- 算力\n- 数据\n- 人才",
    "",
    "短评",
]


def _paragraphs() -> list[str]:
    paragraphs = []
    for path in sorted((settings.BASE_DIR / "seeds").glob("*.txt")):
        text = clean_text(path.read_text(encoding="utf-8")).text
        paragraphs += [p for p in text.split("\n\n") if len(p) > 20]
    return paragraphs


def article_blocks(characters: int, *, lead: str = "", every: int = 0) -> list[Block]:
    """Seed paragraphs, a heading every eight, until the text has `characters` code
    points. `lead` adds a first paragraph; `every` > 0 edits every n-th paragraph."""
    blocks = [Block("paragraph", lead)] if lead else []
    length = len(lead) + 2 if lead else 0
    paragraphs = _paragraphs()
    for n, paragraph in enumerate(cycle(paragraphs)):
        if (n // len(paragraphs)) % 2:
            # The seeds come round again: reversed, so no passage occurs twice.
            paragraph = paragraph[::-1]
        if n % 8 == 0:
            blocks.append(Block("heading", f"第{n // 8 + 1}部分", attrs={"level": 2}))
            length += len(blocks[-1].text) + 2
        if every and n % every == every - 1:
            # Ten characters in the middle rewritten; every third time, forty cut.
            middle = len(paragraph) // 2
            cut = 40 if (n // every) % 3 == 0 else 10
            paragraph = paragraph[:middle] + "（此处有改动）" + paragraph[middle + cut :]
        blocks.append(Block("paragraph", paragraph))
        length += len(paragraph) + 2
        if length >= characters + (len(lead) + 2 if lead else 0):
            break
    return blocks


def article(characters: int, *, lead: str = "", every: int = 0) -> Cleaned:
    """A Cleaned article of `characters` code points (plus the `lead` paragraph)."""
    limit = characters + (len(lead) + 2 if lead else 0)
    text, layout = assemble(article_blocks(characters, lead=lead, every=every))
    metadata = Metadata(title="基准：长文")
    return Cleaned(text=text[:limit], blocks=_cut(layout, limit), metadata=metadata, removed=[])


def make_article(characters: int) -> Document:
    cleaned = article(characters)
    source, _ = Source.objects.store(cleaned.text.encode(), filename="bench.txt")
    document = Document.objects.create_from(cleaned, source=source)
    Document.objects.filter(pk=document.pk).update(original_script=Script.SIMPLIFIED)
    document.refresh_from_db()
    return document


def _cut(layout: list[dict], characters: int) -> list[dict]:
    kept = []
    for block in layout:
        if block["start"] >= characters:
            break
        kept.append({**block, "end": min(block["end"], characters)})
    return kept


def add_highlights(document: Document, user, count: int) -> None:
    """`count` highlights spread over the text, one in five overlapping the next, a
    quarter with notes, two in five with a theme."""
    if count == 0:
        return
    revision = document.current_revision
    text = revision.text
    blocks = [b for b in revision.blocks if b["end"] - b["start"] > 12]
    highlights = []
    for k in range(count):
        block = blocks[k * len(blocks) // count]
        span = block["end"] - block["start"]
        start = block["start"] + (k * 37) % max(1, span - 12)
        length = 6 + (k * 7) % 30 + (15 if k % 5 == 0 else 0)
        end = min(start + length, block["end"])
        if not text[start:end].strip():
            continue
        selector = make_selector(text, start, end)
        highlights.append(
            Highlight(
                user=user,
                document=document,
                note=NOTES[k % len(NOTES)],
                **Highlight.placed_at(revision, selector),
            )
        )
    created = Highlight.objects.bulk_create(highlights)
    themes = tags_named(list(THEME_TAGS))
    TaggedHighlight.objects.bulk_create(
        TaggedHighlight(content_object=h, tag=themes[i % len(themes)])
        for i, h in enumerate(created)
        if i % 5 < 2
    )


@dataclass
class Scenario:
    """One way of requesting the page: a logged-in reader, with or without the layer."""

    name: str
    highlights: str
    client: Client
    layers: list[str] | None = None
    times: list[float] = field(default_factory=list)
    queries: int = 0
    kb: float = 0.0

    def request(self, url: str):
        layers = settings.PIZHU_READING_LAYERS if self.layers is None else self.layers
        with override_settings(PIZHU_READING_LAYERS=layers):
            started = time.perf_counter()
            response = self.client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        return response, elapsed


def measure(scenarios: list[Scenario], url: str, repeat: int) -> None:
    """Warm each scenario up and count its queries, then time them in alternating
    rounds (one request of each per round), so a machine whose speed drifts during the
    run favours none of them."""
    for scenario in scenarios:
        with CaptureQueriesContext(connection) as queries:
            response, _ = scenario.request(url)
        scenario.queries, scenario.kb = len(queries), len(response.content) / 1024
    for _ in range(repeat):
        for scenario in scenarios:
            scenario.times.append(scenario.request(url)[1])


def reading(write, *, repeat: int = 5, characters: int = 50_000, counts=(0, 100, 1000), **_):
    repeat = max(repeat, 3)
    with (
        override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False),
        transaction.atomic(),
    ):
        try:
            _reading(write, repeat, characters, counts)
        finally:
            transaction.set_rollback(True)


def _reading(write, repeat: int, characters: int, counts) -> None:
    users = get_user_model().objects
    document = make_article(characters)
    revision = document.current_revision
    url = document.get_absolute_url()
    readers = {}
    for count in counts:
        reader = users.create_user(f"bench-reader-{count}-{time.monotonic_ns()}")
        add_highlights(document, reader, count)
        readers[count] = reader
    top = max(counts)

    def client_for(reader) -> Client:
        client = Client()
        client.force_login(reader)
        return client

    scenarios = [Scenario("bare page (no annotation layer)", "—", client_for(readers[top]), [])]
    for count in counts:
        scenarios.append(Scenario("with annotations", f"{count:,}", client_for(readers[count])))
    in_hant = users.create_user(f"bench-reader-hant-{time.monotonic_ns()}")
    ReadingPreferences.objects.create(user=in_hant, script="hant")
    add_highlights(document, in_hant, top)
    scenarios.append(Scenario("with annotations, shown in 繁體", f"{top:,}", client_for(in_hant)))
    measure(scenarios, url, repeat)
    bare = scenarios[0]
    rows = [
        (
            s.name,
            s.highlights,
            {
                "best": min(s.times),
                "median": statistics.median(s.times),
                "queries": s.queries,
                "kb": s.kb,
                "ratio": min(s.times) / min(bare.times),
            },
        )
        for s in scenarios
    ]

    blocks = len(revision.blocks)
    write(
        f"Reading page: {len(revision.text):,} characters in {blocks} blocks, "
        f"{connection.vendor}, best and median of {repeat} alternating rounds after a warm-up\n"
    )
    header = ("page", "highlights", "best ms", "median ms", "× bare", "queries", "KB")
    widths = (31, 10, 7, 9, 6, 7, 5)
    titles = [f"{header[0]:<{widths[0]}}"]
    titles += [f"{h:>{w}}" for h, w in zip(header[1:], widths[1:], strict=True)]
    write("| " + " | ".join(titles) + " |")
    write(
        "|" + "|".join("-" * (w + 1) + ("-" if i == 0 else ":") for i, w in enumerate(widths)) + "|"
    )
    for name, count, result in rows:
        cells = (
            name,
            count,
            f"{result['best']:.1f}",
            f"{result['median']:.1f}",
            f"{result['ratio']:.2f}",
            str(result["queries"]),
            f"{result['kb']:.0f}",
        )
        aligned = [f"{cells[0]:<{widths[0]}}"]
        aligned += [f"{cell:>{w}}" for cell, w in zip(cells[1:], widths[1:], strict=True)]
        write("| " + " | ".join(aligned) + " |")

    write("")
    reanchor_rounds(write, document, readers[top], repeat, characters)


def reanchor_rounds(write, document: Document, reader, repeat: int, characters: int) -> None:
    """Each round starts from the first text with the reader's highlights on it, writes
    a new revision (a paragraph added at the top, every 10th paragraph edited in its
    middle) and times re-anchoring the highlights onto it."""
    base = article(characters)
    times = []
    counts: dict[str, int] = {}
    total = 0
    for round_ in range(repeat):
        if round_:
            document.add_revision(base, source=None)
        Highlight.objects.filter(document=document).delete()
        add_highlights(document, reader, 1000)
        total = Highlight.objects.filter(document=document).count()
        lead = f"第{round_ + 1}次修订：编者在文章开头加了一段说明，其余内容大体不变。"
        edited = article(characters, lead=lead, every=10)
        document.add_revision(edited, source=None)
        started = time.perf_counter()
        counts = Highlight.objects.reanchor(document)
        times.append((time.perf_counter() - started) * 1000)
    summary = ", ".join(f"{n:,} {state}" for state, n in counts.items())
    write(
        f"Re-anchoring {total:,} highlights onto a new revision ({len(edited.text):,} "
        f"characters): best {min(times):.0f} ms, median {statistics.median(times):.0f} ms "
        f"over {repeat} revisions ({summary})"
    )
