"""The search index over documents, on SQLite (FTS5) and PostgreSQL (tsvector + GIN).

A document's title and text are folded (`chinese.search_key`) and cut into tokens
(`library/terms.py`): CJK bigrams in order, so a query of two or more characters is a
phrase of bigrams, and the set of single characters for one-character queries. Each
document is stored as `SearchPart` rows of at most PART_TOKENS tokens (PostgreSQL keeps
positions only up to 16,383 and 256 per lexeme; parts keep long articles exact), part 0
also carrying the title. On SQLite an FTS5 table indexes the rows (external content,
kept in step by triggers); on PostgreSQL the columns are tsvectors ('simple'
configuration: our tokens go in as words and come out unchanged) with GIN indexes.
Both are created by migration 0004.

A query matches a document when every term does (plain terms are looked up together,
within one part: in an article of more than 16,000 tokens they must stand that close);
a term naming an entity (奥特曼, Altman) matches every document that mentions the entity
under any alias. Results come in ranks, newest first within a rank, and a result's score
is its rank: the title holds the query as a phrase (8), the title holds every term (4),
the reader's own highlights, notes or tags match (2), the text holds the query as typed
or names the entity three times or more (1), any other match (0).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, models

from .mentions import Matcher
from .models import Document
from .reading import ORIGINAL, convert, display_config
from .terms import (
    Query,
    Term,
    characters,
    find_snippet,
    headline_end,
    leading_snippet,
    marks,
    parse_query,
)

PART_TOKENS = 16_000
# Parts overlap by this many tokens, so a phrase of up to this length is never cut.
PART_OVERLAP = 24
# Parts per document: the id of part p of document d is d * PARTS + p. Text past the
# last part (about half a million characters) is not indexed.
PARTS = 64
FTS_TABLE = "library_searchpart_fts"
# A document naming a queried entity this often is about it (tier 1).
ABOUT_MENTIONS = 3

TIER_TITLE_PHRASE = 8.0
TIER_TITLE_TERMS = 4.0
TIER_MINE = 2.0
TIER_TEXT = 1.0


class TermsField(models.TextField):
    """Index tokens: a tsvector on PostgreSQL, space-separated text for FTS5 elsewhere."""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"


class SearchPart(models.Model):
    """Up to PART_TOKENS tokens of a document's folded text (part 0 starts with the title).

    Derived data, written only by `SearchPart.objects.store` (raw SQL: the columns are
    tsvectors on PostgreSQL).
    """

    id = models.BigIntegerField(primary_key=True)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    part = models.PositiveSmallIntegerField()
    title = TermsField(blank=True)
    title_chars = TermsField(blank=True)
    body = TermsField(blank=True)
    body_chars = TermsField(blank=True)

    objects = models.Manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "part"], name="unique_search_part")
        ]

    def __str__(self) -> str:
        return f"search part {self.part} of {self.document_id}"


def split_parts(tokens: list[str]) -> list[list[str]]:
    """The tokens in overlapping parts of at most PART_TOKENS, at most PARTS of them."""
    if len(tokens) <= PART_TOKENS:
        return [tokens]
    step = PART_TOKENS - PART_OVERLAP
    return [tokens[i : i + PART_TOKENS] for i in range(0, len(tokens), step)][:PARTS]


def part_rows(document_id: int, title: list[str], body: list[str]) -> list[tuple]:
    """(id, document, part, title, title_chars, body, body_chars) rows for one document."""
    rows = []
    for number, tokens in enumerate(split_parts([*title, *body])):
        head = title if number == 0 else []
        rows.append(
            (
                document_id * PARTS + number,
                document_id,
                number,
                " ".join(head),
                " ".join(sorted(characters(head))),
                " ".join(tokens),
                " ".join(sorted(characters(tokens))),
            )
        )
    return rows


def store(entries: list[tuple[int, list[str], list[str]]]) -> None:
    """Replace the index rows of `(document id, title tokens, body tokens)` entries."""
    if not entries:
        return
    SearchPart.objects.filter(document_id__in=[pk for pk, _, _ in entries]).delete()
    rows = [row for pk, title, body in entries for row in part_rows(pk, title, body)]
    table = SearchPart._meta.db_table
    columns = "id, document_id, part, title, title_chars, body, body_chars"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement: the rows as arrays, each text made a tsvector by the server.
            sql = (
                f"INSERT INTO {table} ({columns}) "  # noqa: S608 - our names only
                "SELECT i, d, p, to_tsvector('simple', t), strip(to_tsvector('simple', tc)), "
                "to_tsvector('simple', b), strip(to_tsvector('simple', bc)) "
                "FROM unnest(%s::bigint[], %s::bigint[], %s::smallint[], %s::text[], "
                "%s::text[], %s::text[], %s::text[]) AS u(i, d, p, t, tc, b, bc)"
            )
            cursor.execute(sql, [list(column) for column in zip(*rows, strict=True)])
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s)"  # noqa: S608
            cursor.executemany(sql, rows)


# Queries ----------------------------------------------------------------------------------


def quoted(token: str) -> str:
    return token.replace("\\", "").replace("'", "").replace('"', "")


class Dialect:
    """How one database finds documents whose parts match clauses (all in one part).

    `documents` is a set (SELECT of document ids); `probe` tests the document `d` of
    the enclosing query, for reading a dense result along the index of dates.
    """

    def documents(self, *clauses: Clause) -> tuple[str, list]:
        raise NotImplementedError

    def probe(self, *clauses: Clause) -> tuple[str, list]:
        raise NotImplementedError

    def all_of(self, clauses: list[Clause]) -> tuple[str, list]:
        return self.documents(*clauses)


class Fts5(Dialect):
    def expression(self, clause: Clause) -> str:
        phrase = " ".join(quoted(t) for t in clause.tokens)
        return f'{clause.column} : "{phrase}"' + (" *" if clause.prefix else "")

    def match(self, clauses) -> str:
        return " AND ".join(self.expression(clause) for clause in clauses)

    def documents(self, *clauses):
        sql = f"SELECT rowid / {PARTS} FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"  # noqa: S608
        return sql, [self.match(clauses)]

    def probe(self, *clauses):
        sql = (
            f"EXISTS (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608
            f"AND rowid BETWEEN d.id * {PARTS} AND d.id * {PARTS} + {PARTS - 1})"
        )
        return sql, [self.match(clauses)]


class Tsvector(Dialect):
    table = "library_searchpart"

    def tsquery(self, clause: Clause) -> str:
        lexemes = [f"'{quoted(token)}'" for token in clause.tokens]
        if clause.prefix:
            lexemes[-1] += ":*"
        return " <-> ".join(lexemes)

    def match(self, clauses) -> tuple[str, list]:
        sql = " AND ".join(f"p.{clause.column} @@ %s::tsquery" for clause in clauses)
        return sql, [self.tsquery(clause) for clause in clauses]

    def documents(self, *clauses):
        where, params = self.match(clauses)
        return f"SELECT p.document_id FROM {self.table} p WHERE {where}", params  # noqa: S608

    def probe(self, *clauses):
        where, params = self.match(clauses)
        sql = f"EXISTS (SELECT 1 FROM {self.table} p WHERE p.document_id = d.id AND {where})"  # noqa: S608
        return sql, params


def dialect() -> Dialect:
    return Tsvector() if connection.vendor == "postgresql" else Fts5()


@dataclass(frozen=True)
class Clause:
    column: str
    tokens: tuple[str, ...]
    prefix: bool = False


def term_clause(term: Term, *, title: bool = False) -> Clause:
    """The column and tokens one term is looked up with."""
    if term.single:
        return Clause("title_chars" if title else "body_chars", term.tokens)
    return Clause("title" if title else "body", term.tokens, term.prefix)


@dataclass(frozen=True)
class Group:
    """Query terms that must match together: one term, or the terms of an entity's alias
    (萨姆·奥特曼, Sam Altman), which also match every document mentioning the entity."""

    terms: tuple[Term, ...]
    entities: tuple[int, ...] = ()

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple(token for term in self.terms for token in term.tokens)


def groups_of(query: Query, matcher: Matcher | None) -> list[Group]:
    """The query's terms, those that spell an entity's alias grouped with the entity."""
    spans: list[tuple[int, int, set[int]]] = []
    if matcher is not None:
        for mention in matcher.find(query.folded):
            if spans and spans[-1][:2] == (mention.start, mention.end):
                spans[-1][2].add(int(mention.entity))
            else:
                spans.append((mention.start, mention.end, {int(mention.entity)}))
    groups: list[Group] = []
    taken: dict[int, list[Term]] = {}
    for term, (start, end) in zip(query.terms, query.spans, strict=True):
        for index, (s, e, _) in enumerate(spans):
            if s <= start and end <= e:
                taken.setdefault(index, []).append(term)
                break
        else:
            groups.append(Group((term,)))
    for index, terms in sorted(taken.items()):
        groups.append(Group(tuple(terms), tuple(sorted(spans[index][2]))))
    return groups


def ids(values) -> tuple[str, list]:
    values = list(values)
    return ", ".join(["%s"] * len(values)), values


@dataclass(frozen=True)
class Condition:
    """Which documents: as a set of ids (`sql`, read whole) and as a test of the
    document `d` (`probe`, one lookup per document read along the index of dates)."""

    sql: str
    params: list
    probe: str
    probe_params: list
    indexed_text: bool = True  # False: entity rows or ids, cheap to test one by one

    def inside(self, dense: bool) -> tuple[str, list]:
        if dense:
            return self.probe, self.probe_params
        return f"d.id IN ({self.sql})", self.params

    def outside(self, dense: bool) -> tuple[str, list]:
        if dense:
            return f"NOT {self.probe}", self.probe_params
        return f"d.id NOT IN ({self.sql})", self.params


def clauses_condition(*clauses: Clause) -> Condition:
    d = dialect()
    return Condition(*d.documents(*clauses), *d.probe(*clauses))


def entity_condition(entities: list[int], *, about: bool = False) -> Condition:
    marks, values = ids(entities)
    often = " AND mentions >= %s" if about else ""
    extra = [ABOUT_MENTIONS] if about else []
    table = "library_documententity"
    return Condition(
        f"SELECT document_id FROM {table} WHERE entity_id IN ({marks}){often}",  # noqa: S608
        [*values, *extra],
        f"EXISTS (SELECT 1 FROM {table} e WHERE e.document_id = d.id "  # noqa: S608
        f"AND e.entity_id IN ({marks}){often})",
        [*values, *extra],
        indexed_text=False,
    )


def ids_condition(documents: list[int]) -> Condition:
    marks, values = ids(documents)
    sql = f"SELECT id FROM library_document WHERE id IN ({marks})"  # noqa: S608
    return Condition(sql, values, f"d.id IN ({marks})", values, indexed_text=False)


def either(first: Condition, second: Condition) -> Condition:
    return Condition(
        f"{first.sql} UNION {second.sql}",
        [*first.params, *second.params],
        f"({first.probe} OR {second.probe})",
        [*first.probe_params, *second.probe_params],
        first.indexed_text or second.indexed_text,
    )


def matched_conditions(groups: list[Group]) -> list[Condition]:
    """What a document must satisfy, one condition each: all the plain terms together in
    the index (one lookup), and each entity's documents."""
    conditions = []
    plain = [term_clause(group.terms[0]) for group in groups if not group.entities]
    if plain:
        conditions.append(clauses_condition(*plain))
    for group in groups:
        if group.entities:
            # Mentions are found wherever an alias is written (and only where it stands
            # as the entity), so the entity's documents hold every match of its alias.
            conditions.append(entity_condition(list(group.entities)))
    return conditions


@dataclass(frozen=True)
class Band:
    """Documents of one rank, read newest first; `wide` bands may hold most matches."""

    name: str
    score: float
    condition: Condition | None  # None: every match not in a band above
    wide: bool = False


def bands_of(query: Query, groups: list[Group], mine: list[int]) -> list[Band]:
    """The ranks, best first (see the module's docstring)."""
    single = len(query.terms) == 1
    bands = []
    if single:
        title = clauses_condition(term_clause(query.terms[0], title=True))
    else:
        title = clauses_condition(Clause("title", query.phrase))
    bands.append(Band("title phrase", TIER_TITLE_PHRASE, title))
    if not single:
        terms = clauses_condition(*[term_clause(term, title=True) for term in query.terms])
        bands.append(Band("title terms", TIER_TITLE_TERMS, terms))
    if mine:
        bands.append(Band("mine", TIER_MINE, ids_condition(mine)))
    entities = [e for group in groups for e in group.entities]
    if entities:
        text = entity_condition(entities, about=True)
        if not single:
            text = either(clauses_condition(Clause("body", query.phrase)), text)
        bands.append(Band("text", TIER_TEXT, text, wide=True))
        bands.append(Band("other", 0.0, None, wide=True))
    elif single:
        bands.append(Band("text", TIER_TEXT, None, wide=True))  # every match holds it as typed
    else:
        bands.append(Band("text", TIER_TEXT, clauses_condition(Clause("body", query.phrase)), True))
        bands.append(Band("other", 0.0, None, wide=True))
    return bands


@dataclass(frozen=True)
class Hit:
    document_id: int
    score: float


@dataclass
class Found:
    """One page of results and how many there are in all."""

    total: int
    hits: list[Hit]
    query: Query
    entities: list[int]


# A result holding more than this share of the library is read along the index of dates,
# testing each document in turn, instead of gathering every match and sorting them.
DENSE_SHARE = 0.05
DENSE_MINIMUM = 2_000


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def count(conditions: list[Condition], mine: list[int], restrict: tuple[str, list] | None) -> int:
    """How many documents match: counted on the index itself when nothing restricts it."""
    matched = " INTERSECT ".join(
        f"SELECT * FROM ({c.sql}) AS g{i}"  # noqa: S608 - our SQL and placeholders
        for i, c in enumerate(conditions)
    )
    params = [p for c in conditions for p in c.params]
    if mine:
        marks, values = ids(mine)
        matched = f"SELECT * FROM ({matched}) AS m UNION SELECT id FROM library_document WHERE id IN ({marks})"  # noqa: E501, S608
        params = [*params, *values]
    if restrict is None:
        sql = f"SELECT COUNT(*) FROM (SELECT DISTINCT * FROM ({matched}) AS m) AS c"  # noqa: S608
        return _fetch(sql, params)[0][0]
    sql = f"SELECT COUNT(*) FROM library_document d WHERE d.id IN ({matched}) AND {restrict[0]}"  # noqa: S608
    return _fetch(sql, [*params, *restrict[1]])[0][0]


class Where:
    """SQL conditions joined by AND, with their parameters in order."""

    def __init__(self):
        self.parts: list[str] = []
        self.params: list = []

    def add(self, sql: str, params: list) -> None:
        self.parts.append(sql)
        self.params.extend(params)

    @property
    def sql(self) -> str:
        return " AND ".join(self.parts) or "1 = 1"


def newest_first(dense: bool) -> tuple[str, str]:
    """How to order by date, newest first, and (SQLite, dense results) the index that
    reads documents in that order (migration 0004 creates it on both databases)."""
    if connection.vendor == "postgresql":
        return "d.published_at DESC NULLS LAST, d.id DESC", ""
    return "d.published_at DESC, d.id DESC", " INDEXED BY library_document_newest" if dense else ""


def search(
    text: str,
    *,
    within=None,
    mine: list[int] | tuple[int, ...] = (),
    matcher: Matcher | None = None,
    offset: int = 0,
    limit: int = 20,
) -> Found:
    """Documents matching `text`, best first: `limit` of them from `offset`, and the total.

    `within` (a Document queryset) holds the filters and the reader's view of the
    library; `mine` are documents where the reader's own highlights, notes or tags
    match (they are found and ranked as such); `matcher` finds entity aliases in the
    query (Entity.objects.matcher()). An empty query lists `within`, newest first.

    The total is one count on the index; a page is read rank by rank, newest first
    within a rank. When the matches are a good share of the library they are read
    along the index of dates, each document tested as it comes, so a query matching
    most of the library costs no more than one matching a little of it.
    """
    query = parse_query(text)
    mine = sorted(set(mine))
    restrict = None
    if within is not None:
        sql, values = within.order_by().values("pk").query.sql_with_params()
        restrict = (f"d.id IN ({sql})", list(values))
    if not query:
        conditions, bands, groups = [], [Band("all", 0.0, None, wide=True)], []
        total = _fetch(
            f"SELECT COUNT(*) FROM library_document d WHERE {restrict[0] if restrict else '1 = 1'}",  # noqa: S608
            restrict[1] if restrict else [],
        )[0][0]
        documents = total
    else:
        groups = groups_of(query, matcher)
        conditions = matched_conditions(groups)
        bands = bands_of(query, groups, mine)
        total = count(conditions, mine, restrict)
        # The number of documents indexed, kept by library/related.py (Term key 0).
        counted = _fetch("SELECT documents FROM library_term WHERE key = 0", [])
        documents = counted[0][0] if counted else total
    dense = total >= max(DENSE_MINIMUM, DENSE_SHARE * documents)
    hits: list[Hit] = []
    skip, need = offset, limit
    above: list[Condition] = []
    for band in bands:
        if need <= 0 or total == 0:
            break
        wide = dense and band.wide
        where = Where()
        if band.condition is not None:
            where.add(*band.condition.inside(wide))
        if band.wide:
            terms = [condition.inside(wide) for condition in conditions]
        elif band.name == "mine":
            terms = []  # the reader's own matches are matches
        else:
            # A title band needs no test of the indexed terms: part 0 of a document holds
            # its title's tokens too. Entities are tested one document at a time.
            terms = [c.inside(True) for c in conditions if not c.indexed_text]
        if terms:
            sql = " AND ".join(part for part, _ in terms)
            values = [p for _, part_params in terms for p in part_params]
            if mine and band.wide:
                # The reader's own documents match even where the terms do not.
                marks, mine_params = ids(mine)
                sql = f"(({sql}) OR d.id IN ({marks}))"
                values = [*values, *mine_params]
            where.add(sql, values)
        for condition in above:
            where.add(*condition.outside(wide))
        if restrict is not None:
            where.add(*restrict)
        params = where.params
        order, hint = newest_first(wide)
        base = f"FROM library_document d{hint} WHERE {where.sql}"
        shown = [
            pk
            for (pk,) in _fetch(
                f"SELECT d.id {base} ORDER BY {order} LIMIT %s OFFSET %s",
                [*params, need, skip],
            )
        ]
        if len(shown) < need and skip:
            [(in_band,)] = _fetch(f"SELECT COUNT(*) {base}", params)
            skip = max(0, skip - in_band)
        else:
            skip = 0
        hits.extend(Hit(pk, float(band.score)) for pk in shown)
        need -= len(shown)
        if band.condition is not None:
            above.append(band.condition)
    return Found(total, hits, query, [e for group in groups for e in group.entities])


# Results as readers see them ---------------------------------------------------------------


@dataclass
class Result:
    """A found document with its title and snippet in the reader's script.

    `marks` are (start, end) offsets into `snippet` (and `title_marks` into `title`) of
    the words that matched: the conversion is one code point for one, so they hold.
    """

    document: Document
    score: float
    title: str
    title_marks: list[tuple[int, int]]
    snippet: str
    marks: list[tuple[int, int]]
    clipped_start: bool = False
    clipped_end: bool = False


def needles_of(found: Found, matcher: Matcher | None) -> list[str]:
    """What to mark: the query's words, and every alias of an entity the query named."""
    needles = list(found.query.needles)
    if matcher is not None and found.entities:
        wanted = {str(pk) for pk in found.entities}
        needles += [key for key, alias in matcher.entities.items() if alias.entity in wanted]
    return sorted(set(needles), key=len, reverse=True)


def results(
    found: Found, *, script: str = ORIGINAL, matcher: Matcher | None = None
) -> list[Result]:
    """The page of `found` as results, in the order found: one query for the texts."""
    documents = Document.objects.select_related("current_revision").in_bulk(
        [hit.document_id for hit in found.hits]
    )
    needles = needles_of(found, matcher)
    shown = []
    for hit in found.hits:
        document = documents.get(hit.document_id)
        if document is None:
            continue
        config = display_config(script, document.original_script)
        text = document.current_revision.text if document.current_revision else ""
        snippet = None
        if needles:
            after_headline = headline_end(text, document.title)
            snippet = find_snippet(text, needles, skip=after_headline) or find_snippet(
                text, needles
            )
        snippet = snippet or leading_snippet(text)
        shown.append(
            Result(
                document=document,
                score=hit.score,
                title=convert(document.title, config),
                title_marks=marks(document.title, needles) if needles else [],
                snippet=convert(text[snippet.start : snippet.end], config),
                marks=[(s - snippet.start, e - snippet.start) for s, e in snippet.marks],
                clipped_start=snippet.clipped_start,
                clipped_end=snippet.clipped_end,
            )
        )
    return shown


def titles(text: str, *, limit: int = 8) -> list[Document]:
    """Documents whose title holds every term of `text`, newest first (link autocomplete)."""
    query = parse_query(text)
    if not query:
        return []
    sql, params = dialect().all_of([term_clause(term, title=True) for term in query.terms])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.id FROM library_document d WHERE d.id IN ({sql}) "  # noqa: S608
            "ORDER BY d.published_at DESC NULLS LAST, d.id DESC LIMIT %s",
            [*params, limit],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
    found = Document.objects.only("pk", "title").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]
