"""Scoring a cleaner against gold article text: character/word precision, recall and F1.

Chinese pages are scored on Han characters (plus any Latin words they hold, so English
junk on a Chinese page still counts against precision); English pages on words. Both
sides are compared as bags, so line breaks and block boundaries do not matter.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

TOKEN = {
    "zh": re.compile(
        r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]|[A-Za-z0-9]+"
    ),
    "en": re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['’][A-Za-z]+)?"),
}
INPUT_SUFFIXES = (".html", ".htm", ".txt")


@dataclass(frozen=True)
class Sample:
    name: str
    path: Path
    gold: str
    meta: dict

    @property
    def language(self) -> str:
        return self.meta.get("language") or "zh"

    @property
    def is_html(self) -> bool:
        return self.path.suffix != ".txt"

    @property
    def site(self) -> str:
        return self.meta.get("site") or self.meta.get("source_site") or ""


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    matched: int
    predicted: int
    expected: int


def tokens(text: str, language: str) -> Counter:
    pattern = TOKEN["en" if language == "en" else "zh"]
    if language == "en":
        return Counter(word.lower() for word in pattern.findall(text))
    return Counter(pattern.findall(text))


def score(predicted: str, gold: str, language: str) -> Score:
    """Bag-of-tokens precision, recall and F1 of `predicted` against `gold`."""
    got, want = tokens(predicted, language), tokens(gold, language)
    matched = sum((got & want).values())
    n_got, n_want = sum(got.values()), sum(want.values())
    precision = matched / n_got if n_got else (1.0 if not n_want else 0.0)
    recall = matched / n_want if n_want else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, matched, n_got, n_want)


def pooled(scores: list[Score]) -> Score:
    """Micro-averaged score over many pages (every token weighs the same)."""
    matched = sum(s.matched for s in scores)
    got = sum(s.predicted for s in scores)
    want = sum(s.expected for s in scores)
    precision = matched / got if got else 0.0
    recall = matched / want if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, matched, got, want)


def load_samples(folder: Path) -> list[Sample]:
    """Every `<name>.html|.txt` in `folder` with its `<name>.gold.txt` and `<name>.meta.json`."""
    samples = []
    for path in sorted(folder.iterdir()):
        if path.suffix not in INPUT_SUFFIXES or path.name.endswith(".gold.txt"):
            continue
        name = path.name[: -len(path.suffix)]
        gold = folder / f"{name}.gold.txt"
        meta = folder / f"{name}.meta.json"
        if not gold.exists():
            continue
        samples.append(
            Sample(
                name=name,
                path=path,
                gold=gold.read_text(encoding="utf-8"),
                meta=json.loads(meta.read_text(encoding="utf-8")) if meta.exists() else {},
            )
        )
    return samples
