"""Benchmarks that `manage.py bench NAME` runs; each prints a table, measured in one process.

Speed is measured here and never asserted by a timed unit test (STYLE.md 13).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

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
