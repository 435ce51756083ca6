"""Benchmarks that `manage.py bench NAME` runs; each prints a table, measured in one process.

Speed is measured here and never asserted by a timed unit test (STYLE.md 13).
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Count

from .chinese import detect_script
from .cleaning import Rejected, clean
from .cleaning.evaluate import Sample, Score, load_samples, pooled, score

SAMPLES = settings.BASE_DIR / "tests" / "library" / "samples"


@dataclass
class Run:
    tool: str
    scores: dict[str, Score]
    seconds: float
    pages: int

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def pizhu_text(sample: Sample) -> str:
    try:
        return clean(sample.path.read_bytes(), filename=sample.path.name).text
    except Rejected:
        return ""


def trafilatura_text(sample: Sample) -> str:
    import trafilatura  # a development dependency: the baseline

    text = trafilatura.extract(
        sample.path.read_bytes(), include_comments=False, include_tables=True, deduplicate=False
    )
    return text or ""


def subsets(samples: list[Sample]) -> dict[str, list[Sample]]:
    html = [s for s in samples if s.is_html]
    return {
        "Chinese HTML": [s for s in html if s.language != "en"],
        "English HTML": [s for s in html if s.language == "en"],
        "all HTML": html,
        "plain text": [s for s in samples if not s.is_html],
    }


def measure(tools: dict[str, Callable[[Sample], str]], groups, repeat: int) -> list[Run]:
    """Score each tool, then time them over the HTML pages in alternating rounds.

    Alternating keeps the comparison fair when the machine's speed drifts; each round
    times one tool over every page, and the fastest round counts (the usual way to
    discount noise from other processes).
    """
    pages = groups["all HTML"]
    runs = []
    for tool, extract in tools.items():
        texts = {s.name: extract(s) for s in pages}  # also warms caches before timing
        if tool == "pizhu":  # trafilatura reads HTML only
            texts.update({s.name: extract(s) for s in groups["plain text"]})
        scores = {
            name: pooled([score(texts[s.name], s.gold, s.language) for s in group])
            for name, group in groups.items()
            if group and all(s.name in texts for s in group)
        }
        runs.append(Run(tool, scores, float("inf"), len(pages)))
    for _ in range(repeat):
        for run in runs:
            extract = tools[run.tool]
            started = time.perf_counter()
            for sample in pages:
                extract(sample)
            run.seconds = min(run.seconds, time.perf_counter() - started)
    return runs


def cleaning(write: Callable[[str], None], *, samples: Path = SAMPLES, repeat: int = 3) -> None:
    """Pizhu's cleaner against trafilatura on the development set: quality and speed."""
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    found = load_samples(samples)
    groups = subsets(found)
    write(
        f"Cleaning {len(found)} pages from {samples} "
        f"({', '.join(f'{name}: {len(group)}' for name, group in groups.items())}), "
        f"best of {repeat} alternating rounds, one process.\n"
    )
    runs = measure({"pizhu": pizhu_text, "trafilatura": trafilatura_text}, groups, repeat)
    write(f"| {'pages':<12} | {'tool':<11} | precision | recall |    F1 |")
    write(f"|{'-' * 14}|{'-' * 13}|----------:|-------:|------:|")
    for name in groups:
        for run in runs:
            if name in run.scores:
                s = run.scores[name]
                write(
                    f"| {name:<12} | {run.tool:<11} | {s.precision:9.3f} | {s.recall:6.3f} "
                    f"| {s.f1:5.3f} |"
                )
    write("")
    write(f"| {'tool':<11} | HTML pages/s | ms/page |")
    write(f"|{'-' * 13}|-------------:|--------:|")
    for run in runs:
        write(f"| {run.tool:<11} | {run.rate:12.1f} | {1000 / run.rate:7.1f} |")


# `bench import`: the whole import pipeline against the cleaner alone -------------------

IMPORT_SIZES = (1_000, 10_000)
SEEDS = settings.BASE_DIR / "seeds"
_PARAGRAPH = re.compile(r"(<p\b[^>]*>)(.*?)(</p>)", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_TITLE = re.compile(r"(<title\b[^>]*>)(.*?)(</title>)", re.IGNORECASE | re.DOTALL)
_SELF_URL = re.compile(r"<(?:link|meta)\b[^>]*(?:canonical|og:url)[^>]*>", re.IGNORECASE)
_URL = re.compile(r"https?://[^\"'\s>]+")
_SENTENCE = re.compile(r"(?<=[。！？!?.])\s*")


@dataclass(frozen=True)
class Template:
    name: str
    text: str
    encoding: str
    is_html: bool
    kind: tuple[str, str]  # (language, script): which paragraphs fit it


def bench_inputs(samples: Path = SAMPLES) -> tuple[list[Template], dict[tuple, list[str]]]:
    """Page templates (the samples) and paragraph pools by language and script.

    Pools hold the gold paragraphs of the samples and the seeds' paragraphs.
    """
    templates: list[Template] = []
    pools: dict[tuple, list[str]] = {}
    for sample in load_samples(samples):
        kind = (sample.language, sample.meta.get("script") or "")
        encoding = sample.meta.get("encoding") or "utf-8"
        text = sample.path.read_bytes().decode(encoding, "replace")
        templates.append(Template(sample.path.name, text, encoding, sample.is_html, kind))
        lines = [line for line in sample.gold.splitlines() if len(line) >= 30]
        pools.setdefault(kind, []).extend(lines)
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        kind = ("zh", detect_script(text))
        pools.setdefault(kind, []).extend(line for line in text.splitlines() if len(line) >= 30)
        templates.append(Template(path.name, text, "utf-8", False, kind))
    return templates, pools


def paragraph(rng: random.Random, pool: list[str]) -> str:
    """A new paragraph: the start of one pool paragraph and the end of another."""
    first, second = rng.choice(pool), rng.choice(pool)
    head = _SENTENCE.split(first)
    tail = _SENTENCE.split(second)
    return "".join(head[: max(1, len(head) // 2)] + tail[len(tail) // 2 :])


def generated_page(i: int, templates: list[Template], pools: dict) -> tuple[str, bytes]:
    """Page `i`: a sample's layout and chrome with new article paragraphs, a new title
    and its own URL, so no two pages are duplicates."""
    rng = random.Random(i)  # noqa: S311 - test data, not secrets
    template = templates[i % len(templates)]
    pool = pools.get(template.kind) or pools[("zh", "simplified")]
    if not template.is_html:
        lines = [f"{rng.choice(pool)[:24]} {i}"]
        lines += [paragraph(rng, pool) for _ in range(rng.randint(6, 16))]
        return f"{i:06d}.txt", "\n".join(lines).encode(template.encoding)

    def new_paragraph(match: re.Match) -> str:
        if len(_TAG.sub("", match.group(2)).strip()) < 20:
            return match.group(0)
        return match.group(1) + html.escape(paragraph(rng, pool)) + match.group(3)

    def new_url(match: re.Match) -> str:
        return _URL.sub(lambda url: f"{url.group(0)}-{i}", match.group(0))

    text = _PARAGRAPH.sub(new_paragraph, template.text)
    text = _TITLE.sub(lambda m: f"{m.group(1)}{m.group(2)} {i}{m.group(3)}", text, count=1)
    text = _SELF_URL.sub(new_url, text)
    return f"{i:06d}.html", text.encode(template.encoding, "xmlcharrefreplace")


def write_pages(folder: Path, count: int, samples: Path = SAMPLES) -> list[Path]:
    templates, pools = bench_inputs(samples)
    paths = []
    for i in range(count):
        name, data = generated_page(i, templates, pools)
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    return paths


def peak_memory_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def clean_pages(paths: list[Path]) -> dict:
    """The cleaner alone over `paths` (read from disk as the import reads them)."""
    started, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        with contextlib.suppress(Rejected):
            clean(path.read_bytes(), filename=path.name)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu": time.process_time() - cpu, "peak_mib": peak_memory_mib()}


def import_pages(paths: list[Path]) -> dict:
    """Import `paths` into a fresh database as the admin's upload and the worker do: the
    batch taken in, then one database worker in this process running the queue until it
    is empty (import slices and the indexing tasks they queue).

    Returns the seconds of taking in plus the import tasks ("import"), of the indexing
    tasks ("index"), both from the task rows' start and finish times, and from taking in
    to an empty queue ("total")."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from .bench_search import load_entities
    from .importing import read_paths, take_in
    from .models import ImportBatch
    from .tasks import enqueue

    # A real database: for SQLite a file (WAL, as configured), not Django's in-memory
    # test database, whose size would count as the importer's memory.
    test = connection.settings_dict["TEST"]
    test["NAME"] = (
        str(settings.DATA_DIR / "bench.sqlite3") if connection.vendor == "sqlite" else "pizhu_bench"
    )
    test_name = test["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        load_entities()  # the seed entities and themes, as `load_seeds` leaves them
        started, cpu = time.perf_counter(), time.process_time()
        batch = ImportBatch.objects.create(via=ImportBatch.Via.COMMAND)
        take_in(batch, read_paths(paths))
        taken, taken_cpu = time.perf_counter() - started, time.process_time() - cpu
        enqueue(batch)
        with task_cpu() as cpu_spent:
            run_queue()
        total = time.perf_counter() - started
        spent: dict[str, float] = {}
        for path, began, ended in DBTaskResult.objects.values_list(
            "task_path", "started_at", "finished_at"
        ):
            name = path.rsplit(".", 1)[-1]
            spent[name] = spent.get(name, 0.0) + (ended - began).total_seconds()
        counts = batch.progress().counts
        tasks = dict(
            DBTaskResult.objects.values_list("task_path").annotate(n=Count("pk")).order_by()
        )
        failed = DBTaskResult.objects.exclude(status="SUCCESSFUL").count()
    finally:
        connection.creation.destroy_test_db(test_name, verbosity=0)
    return {
        "import": taken + spent.get("import_batch", 0.0),
        "index": spent.get("index_documents", 0.0),
        "import_cpu": taken_cpu + cpu_spent.get("import_batch", 0.0),
        "index_cpu": cpu_spent.get("index_documents", 0.0),
        "total": total,
        "peak_mib": peak_memory_mib(),
        "counts": counts,
        "tasks": tasks,
        "failed_tasks": failed,
    }


@contextlib.contextmanager
def task_cpu():
    """This process's CPU seconds in each kind of task (by name) while inside: what the
    import costs whatever else the machine is doing, less the database server's share."""
    from django_tasks_db.compat import task_finished, task_started

    spent: dict[str, float] = {}
    began: dict[str, float] = {}

    def started(sender, task_result, **kwargs):
        began[task_result.id] = time.process_time()

    def finished(sender, task_result, **kwargs):
        name = task_result.task.name
        spent[name] = spent.get(name, 0.0) + time.process_time() - began.pop(task_result.id)

    task_started.connect(started, dispatch_uid="bench-task-cpu-started")
    task_finished.connect(finished, dispatch_uid="bench-task-cpu-finished")
    try:
        yield spent
    finally:
        task_started.disconnect(dispatch_uid="bench-task-cpu-started")
        task_finished.disconnect(dispatch_uid="bench-task-cpu-finished")


def run_queue() -> None:
    """django-tasks' database worker, in this process, until the queue is empty."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="bench",
        excluded_queue_names=[],
    ).run()


def bench_child(job: str, folder: str, count: int) -> dict:
    """One measurement in a fresh process, so each peak memory figure is its own."""
    paths = sorted(Path(folder).iterdir())[:count]
    return clean_pages(paths) if job == "clean" else import_pages(paths)


CHILD = (
    "import json, os, sys\n"
    "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'library.settings')\n"
    "import django\n"
    "django.setup()\n"
    "from django.conf import settings\n"
    "settings.DEBUG = False  # measure production behaviour: no query log\n"
    "from library.benchmarks import bench_child\n"
    "print(json.dumps(bench_child(*json.loads(sys.argv[1]))))\n"
)


def run_child(job: str, folder: Path, count: int, database_url: str | None) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["PIZHU_DATA_DIR"] = str(folder.parent)  # SQLite: a file beside the pages
    if database_url:
        env["DATABASE_URL"] = database_url
    arguments = json.dumps([job, str(folder), count])
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", CHILD, arguments],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"bench {job} on {count} pages failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def import_(
    write: Callable[[str], None],
    *,
    samples: Path = SAMPLES,
    repeat: int = 1,
    sizes: tuple[int, ...] | None = None,
    databases: tuple[str, ...] | None = None,
) -> None:
    """Documents per second and peak memory of the whole import next to the cleaner alone.

    Pages are generated from the samples and seeds (new paragraphs, titles and URLs on
    each sample's layout). Every figure comes from a fresh process on one core: the
    cleaner alone, then the import into a new database with the seed entities and
    themes, on SQLite and, when DATABASE_URL points at PostgreSQL, on PostgreSQL too.
    The import is measured in three ways: importing (reading files, keeping bytes,
    cleaning, writing documents, revisions, items and near-duplicate sketches), indexing
    (the tasks it queues: mentions, themes, search index, related documents) and both
    from start to an empty queue. Rates are wall-clock; "import/cleaner (CPU)" compares
    the CPU seconds of this process instead, which other work on the machine does not
    change (on PostgreSQL it leaves out the server's share). `repeat` is not used:
    importing the same pages twice measures duplicates, not imports.
    """
    sizes = (
        sizes
        or tuple(int(size) for size in os.environ.get("PIZHU_BENCH_SIZES", "").split(",") if size)
        or IMPORT_SIZES
    )
    postgres = os.environ.get("DATABASE_URL", "")
    if databases is None:
        databases = ("sqlite", "postgresql") if postgres.startswith("postgres") else ("sqlite",)
    with tempfile.TemporaryDirectory(prefix="pizhu-bench-") as scratch:
        folder = Path(scratch) / "pages"
        folder.mkdir()
        write_pages(folder, max(sizes), samples)
        size = sum(path.stat().st_size for path in folder.iterdir())
        write(
            f"Import of {max(sizes)} generated pages ({size / max(sizes) / 1024:.1f} KiB "
            f"average) from {samples} and seeds/; one process per row, one core.\n"
        )
        write(
            "| database   |  pages | cleaner pages/s | import docs/s | import/cleaner "
            "| indexing docs/s | end to end docs/s | end to end/cleaner "
            "| import/cleaner (CPU) | cleaner peak MiB | import peak MiB |"
        )
        write(
            "|------------|-------:|----------------:|--------------:|---------------:"
            "|----------------:|------------------:|-------------------:"
            "|---------------------:|-----------------:|----------------:|"
        )
        rates: dict[tuple[str, int], tuple[float, float, float]] = {}
        for count in sizes:
            alone = run_child("clean", folder, count, None)
            for database in databases:
                url = postgres if database == "postgresql" else None
                result = run_child("import", folder, count, url)
                if result["failed_tasks"] or result["counts"]["failed"]:
                    raise RuntimeError(f"bench import on {database} failed: {result}")
                if result["counts"]["created"] < 0.95 * count:  # a few samples are refused
                    raise RuntimeError(f"only {result['counts']} of {count} imported")
                cleaner = count / alone["seconds"]
                rate = count / result["import"]
                indexing = count / result["index"] if result["index"] else float("inf")
                whole = count / result["total"]
                rates[database, count] = (rate, indexing, whole)
                write(
                    f"| {database:<10} | {count:>6} | {cleaner:15.1f} | {rate:13.1f} "
                    f"| {rate / cleaner:13.0%} | {indexing:15.1f} | {whole:17.1f} "
                    f"| {whole / cleaner:18.0%} | {alone['cpu'] / result['import_cpu']:20.0%} "
                    f"| {alone['peak_mib']:16.0f} "
                    f"| {result['peak_mib']:15.0f} |"
                )
        write("")
        if len(sizes) > 1:
            small, large = min(sizes), max(sizes)
            for database in databases:
                ratios = [
                    f"{name} {big / little:.0%}"
                    for name, big, little in zip(
                        ("import", "indexing", "end to end"),
                        rates[database, large],
                        rates[database, small],
                        strict=True,
                    )
                ]
                write(
                    f"{database}: throughput at {large} as a share of that at {small}: "
                    + ", ".join(ratios)
                    + "."
                )
