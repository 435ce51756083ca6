"""Derived data of documents: mentions, themes, suggested passages, the search index and
related documents. Rebuilt only by explicit calls (STYLE.md 4):

* `index_document` runs after each new revision (settings.PIZHU_AFTER_REVISION);
* the import pipeline indexes the documents each chunk created (`Importer.compare`;
  the worker queues `tasks.index_documents` for it);
* `manage.py index_documents` re-indexes chosen documents or rebuilds everything.

`reindex` handles a few documents incrementally: it reads each one once
(`library/analysis.py`), replaces its rows, moves the document frequencies by what
changed, and relates it to the library (`library/related.py`). Writers take turns
(`lock`), so two workers indexing at once count every document once. `rebuild` does the
whole library in passes, so every vector is weighed with the final frequencies.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone

from . import bulk, related, search
from .analysis import Analyser, Analysis, term_counts
from .chinese import search_key
from .entities import (
    ABOUT_HITS,
    DocumentEntity,
    DocumentTheme,
    Entity,
    Mention,
    Theme,
    ThemePassage,
)
from .models import Document, Revision
from .terms import tokens

CHUNK = 200


class IndexedDocument(models.Model):
    """Which revision of a document its derived data describes, and its folded title."""

    document = models.OneToOneField(
        Document, primary_key=True, on_delete=models.CASCADE, related_name="index_state"
    )
    revision = models.ForeignKey(Revision, null=True, on_delete=models.SET_NULL, related_name="+")
    title_key = models.CharField(max_length=500, db_index=True)
    indexed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.document_id} indexed at revision {self.revision_id}"


def make_analyser() -> Analyser:
    """An analyser with the library's current entities and theme keywords."""
    return Analyser(Entity.objects.aliases(), Theme.objects.keyword_aliases())


@dataclass
class Item:
    document: Document
    analysis: Analysis
    features: related.Features


def analyse(documents: list[Document], analyser: Analyser, themes: dict[str, Theme]) -> list[Item]:
    items = []
    for document in documents:
        analysis = analyser.analyse(document.title, document.current_revision.text)
        about = {
            themes[name].pk
            for name, hits in analysis.theme_hits.items()
            if hits >= ABOUT_HITS and name in themes
        }
        features = related.Features(
            entities={int(e): n for e, n in analysis.entity_counts.items()},
            themes=about,
            terms=analysis.term_counts,
        )
        items.append(Item(document, analysis, features))
    return items


def previous_keys(documents: list[Document]) -> dict[int, set[int]]:
    """The feature keys each already indexed document added to the frequencies."""
    states = {
        state.document_id: state
        for state in IndexedDocument.objects.filter(document__in=documents).select_related(
            "revision"
        )
    }
    keys: dict[int, set[int]] = {pk: set() for pk in states}
    for pk, entity in DocumentEntity.objects.filter(document_id__in=list(states)).values_list(
        "document_id", "entity_id"
    ):
        keys[pk].add(related.entity_key(entity))
    for pk, theme in DocumentTheme.objects.filter(
        document_id__in=list(states), hits__gte=ABOUT_HITS
    ).values_list("document_id", "theme_id"):
        keys[pk].add(related.theme_key(theme))
    for pk, state in states.items():
        text = state.revision.text if state.revision else ""
        words = [*tokens(state.title_key), *tokens(search_key(text))]
        keys[pk] |= {related.term_key(term) for term in term_counts(words)}
    return keys


def write(items: list[Item], themes: dict[str, Theme]) -> None:
    """Replace the mentions, entity and theme rows, passages, search rows and state."""
    ids = [item.document.pk for item in items]
    theme_ids = {name: theme.pk for name, theme in themes.items()}
    for model in (Mention, DocumentEntity, DocumentTheme, ThemePassage, IndexedDocument):
        model.objects.filter(document_id__in=ids).delete()
    mentions, entities, scores, passages, states = [], [], [], [], []
    now = timezone.now()
    for item in items:
        document, analysis = item.document, item.analysis
        pk, revision = document.pk, document.current_revision_id
        mentions.extend((pk, revision, int(m.entity), m.start, m.end) for m in analysis.mentions)
        entities.extend((pk, e, n) for e, n in item.features.entities.items())
        scores.extend(
            (pk, theme_ids[name], hits, analysis.theme_score(name))
            for name, hits in analysis.theme_hits.items()
            if name in theme_ids
        )
        passages.extend(
            (pk, revision, theme_ids[p.theme], p.start, p.end, p.hits)
            for p in analysis.passages
            if p.theme in theme_ids
        )
        states.append((pk, revision, search_key(document.title).strip()[:500], now))
    bulk.insert(Mention, ["document", "revision", "entity", "start", "end"], mentions)
    bulk.insert(DocumentEntity, ["document", "entity", "mentions"], entities)
    bulk.insert(DocumentTheme, ["document", "theme", "hits", "score"], scores)
    bulk.insert(ThemePassage, ["document", "revision", "theme", "start", "end", "hits"], passages)
    bulk.insert(IndexedDocument, ["document", "revision", "title_key", "indexed_at"], states)
    search.store([(i.document.pk, i.analysis.title_tokens, i.analysis.tokens) for i in items])


def names() -> tuple[dict[int, str], dict[int, str]]:
    """Entity and theme names by id, for the reasons of related documents."""
    return (
        dict(Entity.objects.values_list("pk", "name")),
        dict(Theme.objects.values_list("pk", "name")),
    )


def loaded(documents: Iterable[Document | int]) -> list[Document]:
    ids = [d.pk if isinstance(d, Document) else d for d in documents]
    return list(
        Document.objects.filter(pk__in=ids, current_revision__isnull=False)
        .select_related("current_revision")
        .order_by("pk")
    )


def forget(documents: Iterable[Document | int]) -> None:
    """Drop the derived rows of documents that have no text (any more)."""
    ids = [d.pk if isinstance(d, Document) else d for d in documents]
    for model in (Mention, DocumentEntity, DocumentTheme, ThemePassage, IndexedDocument):
        model.objects.filter(document_id__in=ids).delete()
    related.DocumentTerm.objects.filter(document_id__in=ids).delete()
    search.SearchPart.objects.filter(document_id__in=ids).delete()


def reindex(
    documents: Iterable[Document | int],
    *,
    analyser: Analyser | None = None,
    timings: dict[str, float] | None = None,
) -> int:
    """Index `documents` against the library as it is: returns how many were indexed.

    `timings`, when given, gets the seconds spent reading the documents ("analysis"),
    writing their rows ("rows") and on related documents ("related": frequencies,
    vectors, candidates and scores), added to what it holds (`bench search` reads it).
    """
    clock = Clock(timings)
    wanted = list(documents)
    found = loaded(wanted)
    missing = {d.pk if isinstance(d, Document) else d for d in wanted} - {d.pk for d in found}
    if missing:
        forget(missing)
    if not found:
        return 0
    themes = {theme.name: theme for theme in Theme.objects.all()}
    analyser = analyser or make_analyser()
    items = analyse(found, analyser, themes)
    clock.lap("analysis")
    with transaction.atomic():
        lock()
        before = previous_keys(found)
        deltas: Counter[int] = Counter()
        for item in items:
            pk = item.document.pk
            old = before.get(pk)
            new = item.features.feature_keys()
            if old is None:
                deltas[related.DOCUMENTS_KEY] += 1
                old = set()
            deltas.update(new - old)
            deltas.subtract(old - new)
        related.Term.objects.change(deltas)
        clock.lap("related")
        write(items, themes)
        clock.lap("rows")
        frequencies = related.Term.objects.frequencies(
            key for item in items for key in item.features.vector_keys()
        )
        documents = frequencies.get(related.DOCUMENTS_KEY, 1)
        vectors = {
            item.document.pk: related.vector(item.features.terms, frequencies, documents)
            for item in items
        }
        related.store_vectors(vectors)
        related.relate(
            [(item.document.pk, item.features, vectors[item.document.pk]) for item in items],
            frequencies,
            names(),
        )
        clock.lap("related")
    clock.lap("rows")  # the commit
    return len(items)


# Any number: the PostgreSQL advisory lock that makes index writers take turns.
INDEX_LOCK = 0x7069_7A68


def lock() -> None:
    """Wait for any other transaction that is indexing, inside the caller's transaction.

    Frequencies move by what changed since a document was last indexed, so two workers
    indexing at once must not both start from the same "before". SQLite transactions
    already take the write lock at BEGIN (settings: IMMEDIATE); PostgreSQL takes an
    advisory lock until the commit.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INDEX_LOCK])


def stale(documents: Iterable[int]) -> list[int]:
    """Those of `documents` whose derived data does not describe their current revision."""
    ids = list(documents)
    current = Document.objects.filter(pk__in=ids, index_state__revision_id=F("current_revision_id"))
    done = set(current.values_list("pk", flat=True))
    return [pk for pk in ids if pk not in done]


class Clock:
    """Adds the time since the last lap to a named total, when there are totals to keep."""

    def __init__(self, totals: dict[str, float] | None):
        self.totals = totals
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        if self.totals is None:
            return
        now = time.perf_counter()
        self.totals[name] = self.totals.get(name, 0.0) + now - self.last
        self.last = now


def index_document(document: Document) -> None:
    """After a new revision (settings.PIZHU_AFTER_REVISION): index it again."""
    reindex([document])


def rebuild(
    *, progress: Callable[[int], None] | None = None, relate: bool = True, chunk: int = CHUNK
) -> int:
    """Index the whole library from scratch; returns how many documents were indexed.

    Pass one writes each document's rows and counts the document frequencies; pass two
    weighs every vector with the final counts; then each document is related in turn,
    from its stored features.
    `progress` hears how many documents each chunk of pass one did.
    """
    with_text = Document.objects.filter(current_revision__isnull=False).order_by("pk")
    ids = list(with_text.values_list("pk", flat=True))
    forget(Document.objects.filter(current_revision__isnull=True).values_list("pk", flat=True))
    themes = {theme.name: theme for theme in Theme.objects.all()}
    analyser = make_analyser()
    related.Term.objects.all().delete()
    related.DocumentTerm.objects.all().delete()
    related.RelatedDocument.objects.all().delete()
    frequencies: Counter[int] = Counter({related.DOCUMENTS_KEY: len(ids)})
    for start in range(0, len(ids), chunk):
        with transaction.atomic():
            lock()
            items = analyse(loaded(ids[start : start + chunk]), analyser, themes)
            write(items, themes)
        for item in items:
            frequencies.update(item.features.feature_keys())
        if progress:
            progress(len(items))
    related.Term.objects.change(frequencies)
    counts = dict(frequencies)
    for start in range(0, len(ids), chunk):
        with transaction.atomic():
            lock()
            items = analyse(loaded(ids[start : start + chunk]), analyser, themes)
            related.store_vectors(
                {
                    item.document.pk: related.vector(item.features.terms, counts, len(ids))
                    for item in items
                }
            )
    if relate:
        labels = names()
        for start in range(0, len(ids), chunk):
            with transaction.atomic():
                lock()
                stored = related.stored_features(ids[start : start + chunk])
                related.relate(
                    [(pk, features, weights) for pk, (features, weights) in stored.items()],
                    counts,
                    labels,
                )
    return len(ids)
