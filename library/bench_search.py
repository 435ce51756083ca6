"""`manage.py bench search`: search latency on generated libraries next to a naive scan,
and the cost of relating one newly imported document. Speed is measured here, never
asserted by a test (STYLE.md 13).

Each library size is built in a fresh database in a child process (SQLite in a file, as
deployed, and PostgreSQL when DATABASE_URL points at one): documents are written
directly (no cleaning: `bench import` measures that), then `indexing.rebuild` derives
everything the import would (mentions, themes, search index, document frequencies,
vectors), with the seed entities and themes. Articles are made of paragraphs drawn from
a pool built from the development samples and the seeds (Simplified, Traditional and
English), so entities, themes and both scripts occur as they do in the real library.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings

SIZES = (10_000, 100_000)
POOL_PARAGRAPHS = 12_000
# 1 to 6 characters: one and two Chinese characters, names in both scripts and English,
# theme words, mixed Chinese and English.
QUERIES = [
    "曼", "安", "算力", "董事會", "奥特曼", "奧特曼", "Altman", "OpenAI", "超级对齐", "超級對齊",
    "马斯克", "微軟", "伊利亚", "治理", "GPU", "AI安全", "大模型", "非营利", "Hinton", "规模定律",
]  # fmt: skip
NEW_DOCUMENTS = 20
SITES = [f"site{i}.example" for i in range(12)]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def paragraph_pool(seed: int = 7) -> dict[str, list[str]]:
    """Paragraphs by kind ("simplified", "traditional", "english"), each new: the start
    of one sample or seed paragraph and the end of another."""
    from .benchmarks import bench_inputs, paragraph

    _, pools = bench_inputs()
    kinds: dict[str, list[str]] = {"simplified": [], "traditional": [], "english": []}
    for (language, script), lines in pools.items():
        if language == "en":
            kinds["english"].extend(lines)
        elif script == "traditional":
            kinds["traditional"].extend(lines)
        else:
            kinds["simplified"].extend(lines)
    rng = random.Random(seed)  # noqa: S311 - test data
    shares = {"simplified": 0.6, "traditional": 0.3, "english": 0.1}
    return {
        kind: [paragraph(rng, lines) for _ in range(int(POOL_PARAGRAPHS * shares[kind]))]
        for kind, lines in kinds.items()
        if lines
    }


def generated(i: int, pool: dict[str, list[str]]) -> tuple[str, str, str, str, datetime]:
    """Document `i`: (title, text, script, site, published)."""
    rng = random.Random(i)  # noqa: S311 - test data
    roll = rng.random()
    kind = "simplified" if roll < 0.6 else "traditional" if roll < 0.9 else "english"
    lines = pool.get(kind) or pool["simplified"]
    paragraphs = [rng.choice(lines) for _ in range(rng.randint(6, 18))]
    title = f"{paragraphs[0][:24].strip()} {i}"
    text = "\n\n".join([title, *paragraphs])
    published = datetime(2022, 1, 1, tzinfo=UTC) + timedelta(hours=rng.randint(0, 3 * 8760))
    script = {"english": "unknown"}.get(kind, kind)
    return title, text, script, rng.choice(SITES), published


def write_documents(start: int, count: int, pool: dict[str, list[str]]) -> list[int]:
    """Documents start … start+count-1, written directly (one revision each)."""
    from django.db import transaction

    from .models import Document, Revision

    ids = []
    batch = 1000
    for offset in range(start, start + count, batch):
        rows = [generated(i, pool) for i in range(offset, min(offset + batch, start + count))]
        with transaction.atomic():
            documents = Document.objects.bulk_create(
                Document(
                    title=title,
                    origin=f"bench/{offset + n}",
                    site=site,
                    source_site=site,
                    published_at=published,
                    language="en" if script == "unknown" else "zh",
                    original_script=script,
                )
                for n, (title, _, script, site, published) in enumerate(rows)
            )
            revisions = Revision.objects.bulk_create(
                Revision(document=document, number=1, text=text, blocks=blocks_of(text))
                for document, (_, text, _, _, _) in zip(documents, rows, strict=True)
            )
            for document, revision in zip(documents, revisions, strict=True):
                document.current_revision = revision
            Document.objects.bulk_update(documents, ["current_revision"])
        ids.extend(document.pk for document in documents)
    return ids


def blocks_of(text: str) -> list[dict]:
    blocks, position = [], 0
    for piece in text.split("\n\n"):
        blocks.append({"kind": "paragraph", "start": position, "end": position + len(piece)})
        position += len(piece) + 2
    return blocks


def load_entities() -> None:
    from .entities import Entity, Theme

    data = json.loads((settings.BASE_DIR / "seeds" / "entities.json").read_text("utf-8"))
    Theme.objects.load(data["themes"])
    Entity.objects.load(data["entities"])


def naive(text: str) -> tuple[int, list[int]]:
    """The scan an index saves: icontains over every title and text, newest first."""
    from django.db.models import Q

    from .models import Document

    found = Document.objects.filter(
        Q(title__icontains=text) | Q(current_revision__text__icontains=text)
    )
    return found.count(), list(
        found.order_by("-published_at", "-id").values_list("pk", flat=True)[:20]
    )


def time_queries(run: Callable[[str], object], rounds: int) -> dict[str, list[float]]:
    """Milliseconds per query, warm (the first run of each query is not counted)."""
    times: dict[str, list[float]] = {query: [] for query in QUERIES}
    for query in QUERIES:
        run(query)
    for _ in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            run(query)
            times[query].append((time.perf_counter() - started) * 1000)
    return times


def measure(rounds: int, naive_rounds: int) -> dict:
    """Search and naive latencies on the current database, and per-query totals."""
    from .entities import Entity
    from .search import results, search

    matcher = Entity.objects.matcher()
    totals = {}

    def indexed(query: str) -> None:
        found = search(query, matcher=Entity.objects.matcher())
        totals[query] = found.total

    def with_snippets(query: str) -> None:
        results(search(query, matcher=matcher), matcher=matcher)

    naive_totals = {}

    def scan(query: str) -> None:
        naive_totals[query] = naive(query)[0]

    return {
        "index": time_queries(indexed, rounds),
        "snippets": time_queries(with_snippets, rounds),
        "naive": time_queries(scan, naive_rounds),
        "totals": totals,
        "naive_totals": naive_totals,
    }


def relate_new(start: int, pool: dict[str, list[str]]) -> dict:
    """Index NEW_DOCUMENTS new documents one at a time, as imports do: milliseconds each,
    and how the related documents found compare with comparing every pair."""
    from .indexing import make_analyser, reindex

    analyser = make_analyser()
    per_document, related_ms, same, mass = [], [], 0, []
    for pk in write_documents(start, NEW_DOCUMENTS, pool):
        timings: dict[str, float] = {}
        started = time.perf_counter()
        reindex([pk], analyser=analyser, timings=timings)
        per_document.append((time.perf_counter() - started) * 1000)
        related_ms.append(timings.get("related", 0.0) * 1000)
        capped, exact = top_five(pk)
        same += [pk for pk, _ in capped] == [pk for pk, _ in exact]
        mass.append(sum(s for _, s in capped) / sum(s for _, s in exact) if exact else 1.0)
    return {
        "index_ms": per_document,
        "related_ms": related_ms,
        "same_top_five": same,
        "score_share": statistics.mean(mass),
    }


def top_five(pk: int) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """Document `pk`'s five most related documents as indexing finds them (capped) and
    by scoring it against every document of the library: (document, score) each."""
    from django.db import connection

    from . import related
    from .entities import ABOUT_HITS

    features, weights = related.stored_features([pk])[pk]
    frequencies = related.Term.objects.frequencies(
        [
            *weights,
            *map(related.entity_key, features.entities),
            *map(related.theme_key, features.themes),
        ]
    )
    capped = [(other, c.score) for other, c in related.best(pk, features, weights, frequencies)]
    entity_idf, theme_idf = related.idfs(features, frequencies)
    found: dict[int, related.Candidate] = {}

    def candidate(other: int) -> related.Candidate:
        return found.setdefault(other, related.Candidate(set(), set()))

    with connection.cursor() as cursor:
        if features.entities:
            sql, params = related.sql_in("entity_id", features.entities)
            cursor.execute(
                f"SELECT document_id, entity_id FROM library_documententity WHERE {sql}",  # noqa: S608
                params,
            )
            for other, entity in cursor.fetchall():
                candidate(other).entities.add(entity)
        if features.themes:
            sql, params = related.sql_in("theme_id", features.themes)
            cursor.execute(
                f"SELECT document_id, theme_id FROM library_documenttheme WHERE {sql} "  # noqa: S608
                "AND hits >= %s",
                [*params, ABOUT_HITS],
            )
            for other, theme in cursor.fetchall():
                candidate(other).themes.add(theme)
        if weights:
            sql, params = related.sql_in("term", weights)
            cursor.execute(
                f"SELECT document_id, term, weight FROM library_documentterm WHERE {sql}",  # noqa: S608
                params,
            )
            for other, key, weight in cursor.fetchall():
                candidate(other).similarity += weights[key] * weight
    found.pop(pk, None)
    scored = []
    for other, c in found.items():
        c.score = related.score(c, entity_idf, theme_idf)
        if related.worth_showing(c):
            scored.append((-c.score, other))
    exact = [(other, -negative) for negative, other in sorted(scored)[:5]]
    return capped[:5], exact


def bench_child(sizes: list[int], rounds: int, naive_rounds: int, folder: str) -> dict:
    """Build each size in turn in one fresh database and measure it."""
    from django.db import connection

    from .indexing import rebuild

    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(Path(folder) / "bench.sqlite3")
    test_name = connection.settings_dict["TEST"].get("NAME")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    report: dict = {"vendor": connection.vendor, "sizes": {}}
    try:
        load_entities()
        pool = paragraph_pool()
        written = 0
        for size in sorted(sizes):
            started = time.perf_counter()
            say(f"{connection.vendor}: writing documents {written}–{size}")
            write_documents(written, size - written, pool)
            written = size
            say(f"{connection.vendor}: indexing {size} documents")
            rebuild(relate=False, progress=Progress(size, connection.vendor))
            settle()
            build = time.perf_counter() - started
            say(f"{connection.vendor}: built {size} in {build:.0f} s; measuring")
            result = measure(rounds, naive_rounds)
            result["build_seconds"] = build
            result["characters"] = average_length()
            result.update(relate_new(10_000_000 + size, pool))
            report["sizes"][size] = result
            # The new documents stay: the next size is built on top of them.
    finally:
        connection.creation.destroy_test_db(test_name, verbosity=0)
    return report


def settle() -> None:
    """What PostgreSQL's autovacuum does by itself after a bulk load: merge the GIN
    indexes' pending entries and gather statistics (SQLite has nothing to do)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def say(line: str) -> None:
    """Progress for the terminal (the child's stderr is the command's)."""
    print(f"[{time.strftime('%H:%M:%S')}] {line}", file=sys.stderr, flush=True)


class Progress:
    def __init__(self, total: int, vendor: str):
        self.total, self.vendor, self.done, self.shown = total, vendor, 0, 0

    def __call__(self, count: int) -> None:
        self.done += count
        if self.done - self.shown >= 10_000 or self.done == self.total:
            self.shown = self.done
            say(f"{self.vendor}: indexed {self.done} of {self.total}")


def average_length() -> float:
    from django.db.models import Avg
    from django.db.models.functions import Length

    from .models import Revision

    return Revision.objects.aggregate(n=Avg(Length("text")))["n"] or 0.0


CHILD = (
    "import json, os, sys\n"
    "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'library.settings')\n"
    "import django\n"
    "django.setup()\n"
    "from library.bench_search import bench_child\n"
    "print(json.dumps(bench_child(*json.loads(sys.argv[1]))))\n"
)


def run_child(sizes, rounds, naive_rounds, database_url: str | None) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    if database_url:
        env["DATABASE_URL"] = database_url
    with tempfile.TemporaryDirectory(prefix="pizhu-bench-search-") as folder:
        env["PIZHU_DATA_DIR"] = folder
        arguments = json.dumps([list(sizes), rounds, naive_rounds, folder])
        done = subprocess.run(  # noqa: S603 - our own interpreter and code
            [sys.executable, "-c", CHILD, arguments],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
    if done.returncode:
        raise RuntimeError("bench search failed (its error is above)")
    return json.loads(done.stdout.strip().splitlines()[-1])


def search(
    write: Callable[[str], None],
    *,
    repeat: int = 3,
    sizes: tuple[int, ...] | None = None,
    databases: tuple[str, ...] | None = None,
    naive_rounds: int = 1,
    **options,
) -> None:
    """p50/p95 search latency of QUERIES at each size, next to a naive icontains scan of
    the same data in the same process, and the cost of indexing a new document."""
    sizes = (
        sizes
        or tuple(int(size) for size in os.environ.get("PIZHU_BENCH_SIZES", "").split(",") if size)
        or SIZES
    )
    postgres = os.environ.get("DATABASE_URL", "")
    if databases is None:
        wanted = os.environ.get("PIZHU_BENCH_DATABASES", "")
        databases = tuple(name for name in wanted.split(",") if name) or (
            ("sqlite", "postgresql") if postgres.startswith("postgres") else ("sqlite",)
        )
    write(
        f"Search: {len(QUERIES)} queries of 1–6 characters ({', '.join(QUERIES)}), "
        f"{repeat} warm rounds each (naive scan: {naive_rounds}); one process per database.\n"
    )
    reports = {}
    for database in databases:
        url = postgres if database == "postgresql" else None
        reports[database] = run_child(sizes, repeat, naive_rounds, url)
    write(
        "| database   |    docs | avg chars | build s | search p50 ms | search p95 ms "
        "| + snippets p95 ms | naive p50 ms | naive p95 ms | naive/search (p50) "
        "| new doc: index p50 ms | related p50 / p95 ms | related = all pairs (top 5) |"
    )
    write(
        "|------------|--------:|----------:|--------:|--------------:|--------------:"
        "|------------------:|-------------:|-------------:|-------------------:"
        "|----------------------:|---------------------:|----------------------------:|"
    )
    for database, report in reports.items():
        for size, result in sorted(report["sizes"].items(), key=lambda item: int(item[0])):
            index = [t for times in result["index"].values() for t in times]
            snippets = [t for times in result["snippets"].values() for t in times]
            scan = [t for times in result["naive"].values() for t in times]
            ratio = statistics.median(scan) / statistics.median(index)
            write(
                f"| {database:<10} | {int(size):>7} | {result['characters']:9.0f} "
                f"| {result['build_seconds']:7.0f} | {percentile(index, 0.5):13.1f} "
                f"| {percentile(index, 0.95):13.1f} | {percentile(snippets, 0.95):17.1f} "
                f"| {percentile(scan, 0.5):12.0f} | {percentile(scan, 0.95):12.0f} "
                f"| {ratio:17.0f}× | {percentile(result['index_ms'], 0.5):21.1f} "
                f"| {percentile(result['related_ms'], 0.5):8.1f} / "
                f"{percentile(result['related_ms'], 0.95):<9.1f} "
                f"| {result['same_top_five']:>2} of {NEW_DOCUMENTS}, "
                f"{result['score_share']:6.1%} of score |"
            )
    write("")
    for database, report in reports.items():
        size, result = max(report["sizes"].items(), key=lambda item: int(item[0]))
        write(f"{database} at {int(size)} documents, per query (median ms; results found):")
        write("| query | search ms | naive ms | search finds | naive finds |")
        write("|-------|----------:|---------:|-------------:|------------:|")
        for query in QUERIES:
            write(
                f"| {query} | {statistics.median(result['index'][query]):.1f} "
                f"| {statistics.median(result['naive'][query]):.0f} "
                f"| {result['totals'].get(query, 0)} | {result['naive_totals'].get(query, 0)} |"
            )
        write("")
    write(
        "Search finds more than the scan: it folds scripts (奥特曼 finds 奧特曼) and names "
        "(Altman finds 奥特曼 through the entity); the scan matches the bytes typed."
    )
