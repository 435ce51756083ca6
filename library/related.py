"""Related documents, found incrementally: never by comparing every pair.

Each document has features: the entities it mentions, the themes it is about, and a
sparse TF-IDF vector of its CJK bigrams and words, cut to its TERMS_KEPT strongest terms
(`DocumentTerm`, indexed by term: the postings that find candidates). How many
documents have each feature is kept in `Term` (keyed by a 64-bit hash; key 0 counts the
documents), updated as documents are indexed.

A newly indexed document finds its candidates through its rarer entities and its
stronger terms (postings of documents sharing them), scores at most CANDIDATES of them
by shared entities weighted by rarity (IDF), shared themes and the cosine of the two
vectors, and keeps the best RELATED_KEPT in both directions with a reason a reader can
check: "shares Sam Altman, Ilya Sutskever; both about governance".
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection, models

from .entities import ABOUT_HITS
from .models import Document

TERMS_KEPT = 32
RELATED_KEPT = 10
CANDIDATES = 100
# Candidates come from the best end of each posting list: the documents naming an
# entity most (every one of them for an entity in at most CANDIDATE_DOCUMENT_FREQUENCY
# documents, up to PER_RARE_ENTITY), and those weighing a term most.
CANDIDATE_DOCUMENT_FREQUENCY = 2_000
PER_RARE_ENTITY = 300
PER_COMMON_ENTITY = 50
PER_TERM = 50
ENTITY_WEIGHT = 1.0
THEME_WEIGHT = 0.5
SIMILARITY_WEIGHT = 4.0
# A cosine above this is worth naming in the reason.
SIMILAR_WORDING = 0.2
DOCUMENTS_KEY = 0  # the Term row whose count is the number of documents indexed


@lru_cache(maxsize=1 << 20)
def term_key(term: str) -> int:
    """A stable signed 64-bit key for a term (the same in every process)."""
    digest = hashlib.blake2b(term.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True) or 1


def entity_key(entity_id: int) -> int:
    return term_key(f"\x00entity:{entity_id}")


def theme_key(theme_id: int) -> int:
    return term_key(f"\x00theme:{theme_id}")


def idf(documents: int, frequency: int) -> float:
    """Smoothed inverse document frequency: always above zero, so a feature every
    document shares still counts a little (five articles all about 奥特曼 relate)."""
    return math.log(1 + documents / max(frequency, 1))


class TermQuerySet(models.QuerySet):
    def change(self, deltas: Counter[int]) -> None:
        """Add each delta to its key's document count (an upsert per key)."""
        rows = [(key, n) for key, n in deltas.items() if n]
        if not rows:
            return
        table = Term._meta.db_table
        sql = (
            f"INSERT INTO {table} (key, documents) VALUES (%s, %s) "  # noqa: S608
            f"ON CONFLICT (key) DO UPDATE SET documents = {table}.documents + excluded.documents"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    def frequencies(self, keys) -> dict[int, int]:
        """How many documents have each feature key (and key 0: how many there are)."""
        keys = list({*keys, DOCUMENTS_KEY})
        found: dict[int, int] = {}
        with connection.cursor() as cursor:
            for chunk in range(0, len(keys), 900):
                part = keys[chunk : chunk + 900]
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(
                    f"SELECT key, documents FROM {Term._meta.db_table} WHERE key IN ({marks})",  # noqa: S608
                    part,
                )
                found.update(cursor.fetchall())
        return found


class Term(models.Model):
    """How many documents have a feature (a term, an entity, a theme), by hashed key."""

    key = models.BigIntegerField(primary_key=True)
    documents = models.IntegerField(default=0)

    objects = TermQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.key}: {self.documents}"


class DocumentTerm(models.Model):
    """One of a document's strongest terms, with its TF-IDF weight (unit vector)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    term = models.BigIntegerField()
    weight = models.FloatField()

    class Meta:
        indexes = [
            models.Index(fields=["term", "-weight"], name="document_term_postings"),
            models.Index(fields=["document"], name="document_term_document"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.term} ({self.weight:.3f})"


class RelatedDocumentQuerySet(models.QuerySet):
    def of(self, document: Document):
        """What to read next after `document`, best first."""
        return (
            self.filter(document=document)
            .select_related("other")
            .only("other__title", "other__id", "score", "reason", "document_id")
            .order_by("-score", "other_id")[:RELATED_KEPT]
        )


class RelatedDocument(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="related")
    other = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reason = models.CharField(max_length=500)

    objects = RelatedDocumentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "other"], name="unique_related_pair")
        ]
        indexes = [models.Index(fields=["document", "-score"], name="related_ranked")]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.other_id}: {self.reason}"


# Features and vectors ---------------------------------------------------------------------


@dataclass
class Features:
    """What a document is compared by."""

    entities: dict[int, int]  # entity id: mentions
    themes: set[int]  # theme ids
    terms: Counter[str]  # term: occurrences

    def vector_keys(self) -> set[int]:
        """The keys whose frequencies weigh the vector and the related documents."""
        return (
            {term_key(term) for term in vector_terms(self.terms)}
            | {entity_key(e) for e in self.entities}
            | {theme_key(t) for t in self.themes}
        )

    def feature_keys(self) -> set[int]:
        """Every feature's Term key (the document count is added by the caller)."""
        return (
            {term_key(term) for term in self.terms}
            | {entity_key(e) for e in self.entities}
            | {theme_key(t) for t in self.themes}
        )


def vector_terms(terms: Counter[str]) -> Counter[str]:
    """The terms a vector is chosen from: those the document repeats, while there are
    enough of them."""
    repeated = Counter({term: count for term, count in terms.items() if count > 1})
    return repeated if len(repeated) >= TERMS_KEPT else terms


def vector(terms: Counter[str], frequencies: dict[int, int], documents: int) -> dict[int, float]:
    """The strongest TERMS_KEPT terms by TF-IDF (log-scaled counts), as a unit vector.

    Only terms the document repeats are kept while there are enough: a bigram written
    once is mostly two words' seam (的奥, 曼说), and, being rare, would crowd out what
    the article is about while matching nothing elsewhere.
    """
    repeated = vector_terms(terms)
    weights = {}
    for term, count in repeated.items():
        key = term_key(term)
        weights[key] = (1 + math.log(count)) * idf(documents, frequencies.get(key, 1))
    strongest = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:TERMS_KEPT]
    norm = math.sqrt(sum(weight * weight for _, weight in strongest)) or 1.0
    return {key: weight / norm for key, weight in strongest}


def store_vectors(vectors: dict[int, dict[int, float]]) -> None:
    DocumentTerm.objects.filter(document_id__in=list(vectors)).delete()
    rows = [(pk, key, weight) for pk, weights in vectors.items() for key, weight in weights.items()]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO library_documentterm (document_id, term, weight) VALUES (%s, %s, %s)",
                rows,
            )


# Finding and scoring candidates -------------------------------------------------------------


@dataclass
class Candidate:
    entities: set[int]
    themes: set[int]
    similarity: float = 0.0
    score: float = 0.0


def _in(values) -> tuple[str, list]:
    values = list(values)
    return ", ".join(["%s"] * len(values)), values


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _top(sql: str, per: list[tuple[list, int]]) -> list[tuple]:
    """Rows of `sql` (taking its parameters and a LIMIT) for each parameter list, in one
    statement: every posting list is read from its best end, only as far as needed."""
    if not per:
        return []
    union = " UNION ALL ".join(
        f"SELECT * FROM ({sql} LIMIT %s) AS t{i}"  # noqa: S608 - our SQL and placeholders
        for i in range(len(per))
    )
    return _rows(union, [p for params, limit in per for p in (*params, limit)])


def candidates_of(
    pk: int,
    features: Features,
    weights: dict[int, float],
    frequencies: dict[int, int],
) -> dict[int, Candidate]:
    """Documents sharing an entity or a strong term with document `pk`: for each entity
    the documents naming it most (all of them for a rare one), for each term the
    documents weighing it most. Each comes with the entities it was found by and a
    first guess at the similarity."""
    found: dict[int, Candidate] = {}
    per_entity = [
        (
            [e, pk],
            PER_RARE_ENTITY
            if frequencies.get(entity_key(e), 0) <= CANDIDATE_DOCUMENT_FREQUENCY
            else PER_COMMON_ENTITY,
        )
        for e in features.entities
    ]
    for other, entity in _top(
        "SELECT document_id, entity_id FROM library_documententity "
        "WHERE entity_id = %s AND document_id <> %s ORDER BY mentions DESC",
        per_entity,
    ):
        found.setdefault(other, Candidate(set(), set())).entities.add(entity)
    per_term = [([key, pk], PER_TERM) for key in weights]
    for other, key, weight in _top(
        "SELECT document_id, term, weight FROM library_documentterm "
        "WHERE term = %s AND document_id <> %s ORDER BY weight DESC",
        per_term,
    ):
        candidate = found.setdefault(other, Candidate(set(), set()))
        candidate.similarity += weights[key] * weight
    return found


def score_candidates(
    pk: int,
    features: Features,
    weights: dict[int, float],
    frequencies: dict[int, int],
    found: dict[int, Candidate],
) -> list[tuple[int, Candidate]]:
    """The best RELATED_KEPT of the candidates, each compared in full: every shared
    entity and theme, and the cosine over both documents' kept terms."""
    documents = frequencies.get(DOCUMENTS_KEY, 1)
    entity_idf = {e: idf(documents, frequencies.get(entity_key(e), 1)) for e in features.entities}
    theme_idf = {t: idf(documents, frequencies.get(theme_key(t), 1)) for t in features.themes}

    def partial(candidate: Candidate) -> float:
        return (
            sum(entity_idf[e] for e in candidate.entities)
            + SIMILARITY_WEIGHT * candidate.similarity
        )

    # The best CANDIDATES by what is known so far get the full comparison.
    ranked = sorted(found.items(), key=lambda item: (-partial(item[1]), item[0]))[:CANDIDATES]
    shortlist = {other: Candidate(set(), set()) for other, _ in ranked}
    if not shortlist:
        return []
    # Read by document (each table's index on it), the other side filtered here: asking
    # for "these documents and these terms" lets the database pick the term index and
    # read every posting of every term.
    ids_marks, ids = _in(shortlist)
    if features.entities:
        for other, entity in _rows(
            f"SELECT document_id, entity_id FROM library_documententity "  # noqa: S608
            f"WHERE document_id IN ({ids_marks})",
            ids,
        ):
            if entity in features.entities:
                shortlist[other].entities.add(entity)
    if features.themes:
        for other, theme, hits in _rows(
            f"SELECT document_id, theme_id, hits FROM library_documenttheme "  # noqa: S608
            f"WHERE document_id IN ({ids_marks})",
            ids,
        ):
            if theme in features.themes and hits >= ABOUT_HITS:
                shortlist[other].themes.add(theme)
    if weights:
        for other, key, weight in _rows(
            f"SELECT document_id, term, weight FROM library_documentterm "  # noqa: S608
            f"WHERE document_id IN ({ids_marks})",
            ids,
        ):
            if key in weights:
                shortlist[other].similarity += weights[key] * weight
    scored = []
    for other, candidate in shortlist.items():
        candidate.score = (
            ENTITY_WEIGHT * sum(entity_idf[e] for e in candidate.entities)
            + THEME_WEIGHT * sum(theme_idf[t] for t in candidate.themes)
            + SIMILARITY_WEIGHT * candidate.similarity
        )
        if candidate.entities or candidate.themes or candidate.similarity >= SIMILAR_WORDING / 2:
            scored.append((other, candidate))
    scored.sort(key=lambda item: (-item[1].score, item[0]))
    return scored[:RELATED_KEPT]


def reason(
    candidate: Candidate,
    entity_names: dict[int, str],
    theme_names: dict[int, str],
    entity_idf: dict[int, float],
) -> str:
    """Why two documents are related, in words: rarest shared entities first."""
    parts = []
    if candidate.entities:
        names = sorted(
            candidate.entities, key=lambda e: (-entity_idf.get(e, 0), entity_names.get(e, ""))
        )
        shown = [entity_names.get(e, str(e)) for e in names[:3]]
        more = len(names) - len(shown)
        parts.append("shares " + ", ".join(shown) + (f" and {more} more" if more > 0 else ""))
    if candidate.themes:
        themes = sorted(theme_names.get(t, str(t)) for t in candidate.themes)
        parts.append("both about " + ", ".join(themes))
    if candidate.similarity >= SIMILAR_WORDING:
        parts.append(f"similar wording ({candidate.similarity:.0%})")
    return "; ".join(parts)[:500] or "similar wording"


def relate(
    pk: int,
    features: Features,
    weights: dict[int, float],
    frequencies: dict[int, int],
    names: tuple[dict[int, str], dict[int, str]],
) -> list[RelatedDocument]:
    """Find and store document `pk`'s related documents, both ways (its features and
    vector already stored, `frequencies` current). Returns its own rows."""
    found = candidates_of(pk, features, weights, frequencies)
    best = score_candidates(pk, features, weights, frequencies, found)
    documents = frequencies.get(DOCUMENTS_KEY, 1)
    entity_idf = {e: idf(documents, frequencies.get(entity_key(e), 1)) for e in features.entities}
    rows = []
    for other, candidate in best:
        why = reason(candidate, names[0], names[1], entity_idf)
        score = round(candidate.score, 4)
        rows.append(RelatedDocument(document_id=pk, other_id=other, score=score, reason=why))
        rows.append(RelatedDocument(document_id=other, other_id=pk, score=score, reason=why))
    RelatedDocument.objects.filter(models.Q(document_id=pk) | models.Q(other_id=pk)).delete()
    RelatedDocument.objects.bulk_create(rows)
    return [row for row in rows if row.document_id == pk]
