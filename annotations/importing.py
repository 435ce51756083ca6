"""Importing W3C Web Annotation JSON-LD back as highlights: a Pizhu export (from this
library or another) or another tool's annotations.

Plain functions, as library/importing.py (STYLE.md's one exception to "logic lives on
models"): every annotation in the file is accounted for as created, re-anchored,
orphaned, duplicate or rejected, with a reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http.request import split_domain_port, validate_host
from django.urls import Resolver404, resolve
from django.utils import timezone
from taggit.models import Tag

from library.models import Document, Revision, web_url

from . import anchoring, schemas, webannotation
from .models import (
    MAX_NOTE_LENGTH,
    MAX_QUOTE_LENGTH,
    Highlight,
    State,
    TaggedHighlight,
    tags_named,
)
from .webannotation import Exported, Unreadable


class Status(StrEnum):
    CREATED = "created"
    REANCHORED = "re-anchored"
    ORPHANED = "orphaned"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass(frozen=True)
class ItemResult:
    """What became of one annotation of the file (`index` counts from 0)."""

    index: int
    id: str
    status: Status
    reason: str = ""
    document: int | None = None
    highlight: int | None = None
    matched_by: str = ""  # "sha256", "origin" or "url": how its document was found

    def as_json(self) -> dict:
        return {
            "index": self.index,
            "id": self.id,
            "status": str(self.status),
            "reason": self.reason,
            "document": self.document,
            "highlight": self.highlight,
            "matched_by": self.matched_by,
        }


@dataclass(frozen=True)
class Report:
    items: list[ItemResult]
    dry_run: bool = False

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(map(str, Status), 0)
        for item in self.items:
            counts[item.status] += 1
        return counts

    def as_json(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "counts": self.counts,
            "items": [item.as_json() for item in self.items],
        }


def parse(data: bytes) -> list[Exported | Unreadable]:
    """The annotations in a JSON(-LD) file's bytes, each read or the reason it is not.

    Raises Unreadable when the file as a whole is no Web Annotation data.
    """
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise Unreadable("the file is not UTF-8 text") from None
    except (ValueError, RecursionError) as invalid:
        raise Unreadable(f"the file is not JSON ({invalid})") from None
    return webannotation.read_each(parsed)


def allowed_host(netloc: str) -> bool:
    """Whether `netloc` names this Pizhu by its ALLOWED_HOSTS (never by a "*")."""
    domain, _ = split_domain_port(netloc)
    hosts = [host for host in settings.ALLOWED_HOSTS if host != "*"]
    if settings.DEBUG and not hosts:
        hosts = [".localhost", "127.0.0.1", "[::1]"]
    return bool(domain) and validate_host(domain, hosts)


def restore(
    items: Iterable[Exported | Unreadable],
    user,
    *,
    dry_run: bool = False,
    is_local: Callable[[str], bool] = allowed_host,
    progress: Callable[[ItemResult], None] | None = None,
) -> Report:
    """Make `user`'s highlights of the annotations `items`, in one transaction.

    Each annotation's document is found by the raw page's hash in its target's `via`,
    else by the page it was scraped from (`via` or `source`), else by its Pizhu URL when
    that is this site (`is_local(netloc)`). The quote is placed on the document's
    current text by its offsets, else re-anchored by quote (anchoring.py); a quote not
    found is kept as an orphan. An annotation already here (the same document, quote
    and creation time; without a time, the same quote and note) is a duplicate, so
    importing a file twice creates nothing. With `dry_run` nothing is kept.
    """
    importer = _Importer(user, is_local)
    results = []
    with transaction.atomic():
        for index, item in enumerate(items):
            result = importer.take(index, item)
            results.append(result)
            if progress is not None:
                progress(result)
        if dry_run:
            transaction.set_rollback(True)
            results = [
                replace(result, highlight=None) if result.highlight in importer.made else result
                for result in results
            ]
    return Report(results, dry_run=dry_run)


@dataclass(frozen=True)
class _Fields:
    exact: str
    prefix: str
    suffix: str
    note: str
    tags: list[str]
    start: int | None
    end: int | None
    created: datetime | None
    modified: datetime | None


@dataclass(frozen=True)
class _Known:
    pk: int
    created: datetime
    exact: str
    note: str


def checked(item: Exported) -> _Fields:
    """The annotation's values as a highlight may hold them; raises ValidationError."""
    problems = []

    def check(name: str, value, check):
        try:
            return check(value)
        except ValidationError as invalid:
            problems.extend(f"{name}: {message}" for message in invalid.messages)
            return None

    fields = _Fields(
        exact=check("quote", item.exact, lambda v: schemas.text(v, max_length=MAX_QUOTE_LENGTH)),
        prefix=check("prefix", item.prefix[-anchoring.CONTEXT :], schemas.CHECKS["prefix"]),
        suffix=check("suffix", item.suffix[: anchoring.CONTEXT], schemas.CHECKS["suffix"]),
        note=check("note", item.note, lambda v: schemas.text(v, max_length=MAX_NOTE_LENGTH)),
        tags=check("tags", list(item.tags), schemas.tag_list),
        start=item.start,
        end=item.end,
        created=item.created,
        modified=item.modified,
    )
    if fields.exact is not None and not fields.exact.strip():
        problems.append("quote: only spaces")
    if problems:
        raise ValidationError(problems)
    return fields


@dataclass(frozen=True)
class _Placement:
    selector: anchoring.Selector
    state: str
    score: float | None
    status: Status
    reason: str


def place(fields: _Fields, text: str) -> _Placement:
    """Where the annotation goes in `text`: at its offsets, else by its quote, else an
    orphan that keeps the file's quote and offsets."""
    start, end = fields.start, fields.end
    # Offsets a database integer cannot hold are no offsets: the quote places it.
    given = start is not None and end is not None and start < end <= schemas.MAX_INTEGER
    if not given:
        start, end = 0, len(fields.exact)
    old = anchoring.Selector(start, end, fields.exact, fields.prefix, fields.suffix)
    anchor = anchoring.reanchor(old, text)
    if anchor.state != anchoring.ORPHANED and anchor.end - anchor.start <= MAX_QUOTE_LENGTH:
        selector = anchoring.make_selector(text, anchor.start, anchor.end)
        if given and (selector.start, selector.end, selector.exact) == (start, end, old.exact):
            return _Placement(selector, State.EXACT, None, Status.CREATED, "")
        was = f"the file said {start}–{end}" if given else "the file gave no offsets"
        how = f"similar text ({anchor.score:.0%})" if anchor.state == State.FUZZY else "its quote"
        reason = f"placed at {selector.start}–{selector.end} by {how}; {was}"
        score = anchor.score if anchor.state == State.FUZZY else None
        return _Placement(selector, anchor.state, score, Status.REANCHORED, reason)
    orphan = anchoring.Selector(start, end, fields.exact, fields.prefix, fields.suffix)
    reason = "the quote is not in the document's current text: kept as could not be placed"
    return _Placement(orphan, State.ORPHANED, None, Status.ORPHANED, reason)


class _Importer:
    """One import run: caches each document found and the highlights already on it."""

    def __init__(self, user, is_local: Callable[[str], bool]):
        self.user = user
        self.is_local = is_local
        self.documents: dict[tuple, tuple[Document | None, str]] = {}
        self.known: dict[int, list[_Known]] = {}
        self.made: set[int] = set()
        self.tag_lists: dict[tuple[str, ...], list[Tag]] = {}

    def take(self, index: int, item: Exported | Unreadable) -> ItemResult:
        if isinstance(item, Unreadable):
            return ItemResult(index, item.id, Status.REJECTED, str(item))
        try:
            fields = checked(item)
        except ValidationError as invalid:
            return ItemResult(index, item.id, Status.REJECTED, "; ".join(invalid.messages))
        document, matched_by = self.document_for(item)
        if document is None:
            reason = f"no document in this library matches {item.source}"
            return ItemResult(index, item.id, Status.REJECTED, reason)
        found = {"document": document.pk, "matched_by": matched_by}
        revision = document.current_revision
        if revision is None:
            return ItemResult(index, item.id, Status.REJECTED, "the document has no text", **found)
        placement = place(fields, revision.text)
        duplicate = self.duplicate(document, fields, placement)
        if duplicate is not None:
            reason = f"already here as highlight {duplicate}"
            return ItemResult(
                index, item.id, Status.DUPLICATE, reason, highlight=duplicate, **found
            )
        if placement.status == Status.ORPHANED:
            # An orphan keeps the revision its offsets point into, when the file names it.
            revision = self.revision_named(document, item) or revision
        highlight = self.create(document, revision, fields, placement)
        return ItemResult(
            index, item.id, placement.status, placement.reason, highlight=highlight.pk, **found
        )

    def document_for(self, item: Exported) -> tuple[Document | None, str]:
        key = (item.source, item.via)
        if key not in self.documents:
            self.documents[key] = self.find(item)
        return self.documents[key]

    def find(self, item: Exported) -> tuple[Document | None, str]:
        documents = Document.objects.visible_to(self.user).select_related("current_revision")
        for iri in item.via:
            if digest := webannotation.hash_of(iri):
                ids = set(
                    Revision.objects.filter(source__sha256=digest)
                    .order_by()
                    .values_list("document_id", flat=True)[:2]
                )
                if len(ids) == 1 and (document := documents.filter(pk=ids.pop()).first()):
                    return document, "sha256"
        for url in (*item.via, item.source):
            if web_url(url) and (document := documents.with_origin(url).first()):
                return document, "origin"
        parts = urlsplit(item.source)
        if parts.scheme in {"http", "https"} and self.is_local(parts.netloc):
            try:
                match = resolve(parts.path)
            except Resolver404:
                match = None
            pk = match.kwargs["pk"] if match and match.view_name == "library:document-detail" else 0
            if pk and (document := documents.filter(pk=pk).first()):
                return document, "url"
        return None, ""

    def tags(self, fields: _Fields) -> list[Tag]:
        key = tuple(fields.tags)
        if key not in self.tag_lists:
            self.tag_lists[key] = tags_named(fields.tags)
        return self.tag_lists[key]

    def revision_named(self, document: Document, item: Exported) -> Revision | None:
        """The document's revision made from the raw bytes the annotation names."""
        digests = [digest for iri in item.via if (digest := webannotation.hash_of(iri))]
        if not digests:
            return None
        revisions = Revision.objects.filter(document=document, source__sha256__in=digests)
        return revisions.defer("text", "blocks", "removed", "fingerprints").first()

    def duplicate(self, document: Document, fields: _Fields, placement: _Placement) -> int | None:
        if document.pk not in self.known:
            rows = Highlight.objects.visible_to(self.user).for_document(document)
            self.known[document.pk] = [
                _Known(*row) for row in rows.values_list("pk", "created", "exact", "note")
            ]
        quotes = {fields.exact, placement.selector.exact}
        for known in self.known[document.pk]:
            if known.exact in quotes and (
                known.created == fields.created
                if fields.created is not None
                else known.note == fields.note
            ):
                return known.pk
        return None

    def create(self, document, revision, fields: _Fields, placement: _Placement) -> Highlight:
        created = fields.created or timezone.now()
        highlight = Highlight.objects.create(
            user=self.user,
            document=document,
            note=fields.note,
            state=placement.state,
            score=placement.score,
            created=created,
            updated=fields.modified or created,
            **Highlight.placed_at(revision, placement.selector),
        )
        if fields.tags:
            # A new highlight has no tags yet: one insert, with the tags looked up once
            # per run (taggit's set() costs five queries a highlight).
            TaggedHighlight.objects.bulk_create(
                TaggedHighlight(content_object=highlight, tag=tag) for tag in self.tags(fields)
            )
        highlight.index()
        self.made.add(highlight.pk)
        self.known[document.pk].append(_Known(highlight.pk, created, highlight.exact, fields.note))
        return highlight
