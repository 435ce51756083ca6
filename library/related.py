"""Related documents, found incrementally: never by comparing every pair.

Each document has features: the entities it mentions, the themes it is about, and a
sparse TF-IDF vector of its CJK bigrams and words, cut to its TERMS_KEPT strongest terms
(`DocumentTerm`, indexed by term: the postings that find candidates). How many
documents have each feature is kept in `Term` (keyed by a 64-bit hash; key 0 counts the
documents), updated as documents are indexed.

A newly indexed document reads a fixed number of posting lists from their best end (its
rarest entities, its strongest terms), keeps the SHORTLIST candidates with the highest
upper bound on their score, and scores those in full: shared entities weighted by rarity
(IDF), shared themes and the cosine of the two vectors. The best RELATED_KEPT are kept
in both directions with a reason a reader can check: "shares Sam Altman, Ilya
Sutskever; both about governance". The work per document does not grow with the
library.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection, models

from . import bulk
from .entities import ABOUT_HITS, DocumentEntity, DocumentTheme
from .models import Document

TERMS_KEPT = 32
RELATED_KEPT = 10
# Candidates come from the best end of a few posting lists: the documents naming each of
# the ENTITY_POSTINGS rarest entities most (PER_ENTITY of them) and those weighing each
# of the TERM_POSTINGS strongest terms most (PER_TERM). The SHORTLIST with the highest
# upper bound on their score are compared in full.
ENTITY_POSTINGS = 6
PER_ENTITY = 64
TERM_POSTINGS = 12
PER_TERM = 32
SHORTLIST = 50
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
        bulk.add(Term, "key", "documents", [(key, n) for key, n in deltas.items() if n])

    def frequencies(self, keys) -> dict[int, int]:
        """How many documents have each feature key (and key 0: how many there are)."""
        return bulk.lookup(Term, "key", "documents", {*keys, DOCUMENTS_KEY})


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
            models.Index(fields=["document", "term"], name="document_term_lookup"),
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
    bulk.insert(DocumentTerm, ["document", "term", "weight"], rows)


def stored_features(documents: list[int]) -> dict[int, tuple[Features, dict[int, float]]]:
    """The features and vectors indexing stored for `documents` (the terms' counts are
    not stored: they are left empty), in three statements."""
    found = {pk: (Features({}, set(), Counter()), {}) for pk in documents}
    entities = DocumentEntity.objects.filter(document_id__in=documents)
    for pk, entity, mentions in entities.values_list("document_id", "entity_id", "mentions"):
        found[pk][0].entities[entity] = mentions
    themes = DocumentTheme.objects.filter(document_id__in=documents, hits__gte=ABOUT_HITS)
    for pk, theme in themes.values_list("document_id", "theme_id"):
        found[pk][0].themes.add(theme)
    terms = DocumentTerm.objects.filter(document_id__in=documents)
    for pk, key, weight in terms.values_list("document_id", "term", "weight"):
        found[pk][1][key] = weight
    return found


# Finding and scoring candidates -------------------------------------------------------------


@dataclass
class Candidate:
    entities: set[int]
    themes: set[int]
    similarity: float = 0.0
    score: float = 0.0


def sql_in(column: str, values) -> tuple[str, list]:
    """`column IN (…values)`: on PostgreSQL one array parameter (`= ANY`), which spares
    the server parsing and planning hundreds of parameters per statement."""
    values = list(values)
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass(frozen=True)
class Posting:
    """One posting list to read from its best end: an entity's documents (most mentions
    first) or a term's (highest weight first), at most `limit` of them."""

    kind: str  # "entity" or "term"
    key: int  # entity id or term key
    limit: int
    # What sharing this feature adds to a score (a term's: times the other's weight).
    value: float


POSTING_SQL = {
    "entity": "SELECT document_id, entity_id, mentions FROM library_documententity "
    "WHERE entity_id = %s AND document_id <> %s ORDER BY mentions DESC",
    "term": "SELECT document_id, term, weight FROM library_documentterm "
    "WHERE term = %s AND document_id <> %s ORDER BY weight DESC",
}


def postings_of(
    features: Features,
    weights: dict[int, float],
    entity_idf: dict[int, float],
    frequencies: dict[int, int],
) -> list[Posting]:
    """The posting lists that find a document's candidates: those of its rarest entities
    and of its strongest terms that some other document has too, each read only as far
    as its limit.

    A common entity (OpenAI, in half the library) or a weak term finds nothing a rarer
    one would not, and its postings grow with the library; capping both keeps the work
    per document the same at any size.
    """
    shared = [e for e in features.entities if frequencies.get(entity_key(e), 0) > 1]
    rare = sorted(shared, key=lambda e: (-entity_idf[e], e))[:ENTITY_POSTINGS]
    common = [key for key in weights if frequencies.get(key, 0) > 1]
    strong = sorted(common, key=lambda key: (-weights[key], key))[:TERM_POSTINGS]
    return [Posting("entity", e, PER_ENTITY, entity_idf[e]) for e in rare] + [
        Posting("term", key, PER_TERM, weights[key]) for key in strong
    ]


def read_postings(pk: int, postings: list[Posting]) -> list[list[tuple]]:
    """Every posting's rows `(document, feature, value)`, best first, in one statement."""
    if not postings:
        return []
    union = " UNION ALL ".join(
        f"SELECT {i}, t{i}.* FROM ({POSTING_SQL[p.kind]} LIMIT %s) AS t{i}"  # noqa: S608
        for i, p in enumerate(postings)
    )
    params = [value for p in postings for value in (p.key, pk, p.limit)]
    found: list[list[tuple]] = [[] for _ in postings]
    for index, *row in _rows(union, params):
        found[index].append(tuple(row))
    for rows in found:  # UNION ALL keeps no order: the best end first again
        rows.sort(key=lambda row: -row[2])
    return found


def shortlist(
    postings: list[Posting],
    rows: list[list[tuple]],
    features: Features,
    entity_idf: dict[int, float],
    theme_idf: dict[int, float],
) -> list[int]:
    """The SHORTLIST of the candidates the postings found with the highest upper bound
    on their score.

    What a candidate shares in entities and themes is summed exactly (one statement).
    Its similarity is bounded by what the term postings showed, plus, for each term
    posting cut at its limit without it, that term at the weight where reading stopped.
    The terms that found no candidates can add the same to every candidate, so they do
    not change the order.
    """
    similarity: dict[int, float] = {}  # the bound, before SIMILARITY_WEIGHT
    unseen = 0.0  # what the cut-short term postings may still add
    for posting, found in zip(postings, rows, strict=True):
        if posting.kind == "entity":
            for other, _, _ in found:
                similarity.setdefault(other, 0.0)
            continue
        most = posting.value * found[-1][2] if len(found) >= posting.limit else 0.0
        unseen += most
        for other, _, weight in found:
            # Seen in this posting: what it adds is known, not a maybe.
            similarity[other] = similarity.get(other, 0.0) + posting.value * weight - most
    shares = shared_scores(features, entity_idf, theme_idf, list(similarity))
    bound = {
        other: shares.get(other, 0.0) + SIMILARITY_WEIGHT * (partial + unseen)
        for other, partial in similarity.items()
    }
    return sorted(bound, key=lambda other: (-bound[other], other))[:SHORTLIST]


def shared_scores(
    features: Features,
    entity_idf: dict[int, float],
    theme_idf: dict[int, float],
    others: list[int],
) -> dict[int, float]:
    """What the entities and themes `others` share with a document add to their scores,
    summed by the database in one statement (through each table's (document, feature)
    index)."""
    parts, params = [], []
    for table, column, weight, idf_of, extra in (
        ("library_documententity", "entity_id", ENTITY_WEIGHT, entity_idf, ""),
        ("library_documenttheme", "theme_id", THEME_WEIGHT, theme_idf, " AND hits >= %s"),
    ):
        if not idf_of or not others:
            continue
        cases = " ".join(["WHEN %s THEN %s"] * len(idf_of))
        ids, id_params = sql_in("document_id", others)
        wanted, values = sql_in(column, idf_of)
        parts.append(
            f"SELECT document_id, CASE {column} {cases} END AS gain FROM {table} "  # noqa: S608
            f"WHERE {ids} AND {wanted}{extra}"
        )
        params += [p for key, value in idf_of.items() for p in (key, weight * value)]
        params += [*id_params, *values, *([ABOUT_HITS] if extra else [])]
    if not parts:
        return {}
    union = " UNION ALL ".join(parts)
    sql = f"SELECT document_id, SUM(gain) FROM ({union}) AS shared GROUP BY document_id"  # noqa: S608
    return {other: float(gain) for other, gain in _rows(sql, params)}  # PostgreSQL: numeric


def compare(
    features: Features, weights: dict[int, float], others: list[int]
) -> dict[int, Candidate]:
    """What `others` share with a document: entities, themes it is about, and the cosine
    of the two term vectors, read in one statement through each table's document index."""
    found = {other: Candidate(set(), set()) for other in others}
    if not others:
        return found
    parts, params = [], []
    for kind, table, column, value, wanted, extra in (
        (0, "library_documententity", "entity_id", "0.0", features.entities, ""),
        (1, "library_documenttheme", "theme_id", "0.0", features.themes, " AND hits >= %s"),
        (2, "library_documentterm", "term", "weight", weights, ""),
    ):
        if not wanted:
            continue
        ids, id_params = sql_in("document_id", others)
        keys, key_params = sql_in(column, wanted)
        parts.append(
            f"SELECT {kind}, document_id, {column}, {value} FROM {table} "  # noqa: S608
            f"WHERE {ids} AND {keys}{extra}"
        )
        params += [*id_params, *key_params, *([ABOUT_HITS] if extra else [])]
    if not parts:
        return found
    for kind, other, key, weight in _rows(" UNION ALL ".join(parts), params):
        candidate = found[other]
        if kind == 0:
            candidate.entities.add(key)
        elif kind == 1:
            candidate.themes.add(key)
        else:
            candidate.similarity += weights[key] * weight
    return found


def score(candidate: Candidate, entity_idf: dict[int, float], theme_idf: dict[int, float]) -> float:
    """How strongly two documents are related, from what they share."""
    return (
        ENTITY_WEIGHT * sum(entity_idf[e] for e in candidate.entities)
        + THEME_WEIGHT * sum(theme_idf[t] for t in candidate.themes)
        + SIMILARITY_WEIGHT * candidate.similarity
    )


def worth_showing(candidate: Candidate) -> bool:
    return bool(
        candidate.entities or candidate.themes or candidate.similarity >= SIMILAR_WORDING / 2
    )


def best(
    pk: int, features: Features, weights: dict[int, float], frequencies: dict[int, int]
) -> list[tuple[int, Candidate]]:
    """Document `pk`'s RELATED_KEPT most related documents, best first: the shortlist
    of its capped postings, each compared in full. Three statements."""
    entity_idf, theme_idf = idfs(features, frequencies)
    postings = postings_of(features, weights, entity_idf, frequencies)
    rows = read_postings(pk, postings)
    others = shortlist(postings, rows, features, entity_idf, theme_idf)
    scored = []
    for other, candidate in compare(features, weights, others).items():
        candidate.score = score(candidate, entity_idf, theme_idf)
        if worth_showing(candidate):
            scored.append((other, candidate))
    scored.sort(key=lambda item: (-item[1].score, item[0]))
    return scored[:RELATED_KEPT]


def idfs(
    features: Features, frequencies: dict[int, int]
) -> tuple[dict[int, float], dict[int, float]]:
    """The rarity weight of each of a document's entities and themes."""
    documents = frequencies.get(DOCUMENTS_KEY, 1)
    return (
        {e: idf(documents, frequencies.get(entity_key(e), 1)) for e in features.entities},
        {t: idf(documents, frequencies.get(theme_key(t), 1)) for t in features.themes},
    )


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
    documents: list[tuple[int, Features, dict[int, float]]],
    frequencies: dict[int, int],
    names: tuple[dict[int, str], dict[int, str]],
) -> dict[int, list[tuple[int, Candidate]]]:
    """Find and store the related documents of `(pk, features, vector)` entries, both
    ways (their features and vectors already stored, `frequencies` current).

    Each document costs two statements whatever the library's size; the rows of all of
    them are replaced together. Returns each document's best, best first.
    """
    rows: dict[tuple[int, int], tuple[float, str]] = {}
    found = {}
    for pk, features, weights in documents:
        found[pk] = best(pk, features, weights, frequencies)
        entity_idf, _ = idfs(features, frequencies)
        for other, candidate in found[pk]:
            why = reason(candidate, names[0], names[1], entity_idf)
            value = round(candidate.score, 4)
            rows[pk, other] = rows[other, pk] = (value, why)
    ids = [pk for pk, _, _ in documents]
    RelatedDocument.objects.filter(
        models.Q(document_id__in=ids) | models.Q(other_id__in=ids)
    ).delete()
    bulk.insert(
        RelatedDocument,
        ["document", "other", "score", "reason"],
        [(pk, other, value, why) for (pk, other), (value, why) in rows.items()],
    )
    return found
