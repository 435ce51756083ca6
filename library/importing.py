"""The import pipeline: raw bytes in, one result per item out.

Plain functions (STYLE.md's one exception to "logic lives on models"): each item is
accounted for as created / updated / duplicate / rejected / failed, with a reason.

A batch runs in two steps. `take_in` reads files, folders and zip archives and keeps the
raw bytes of every item (content-addressed Sources) with one ImportItem each, before
anything is cleaned. `process_batch` then cleans the pending items in order, writing each
document, its revision and the item's result in one transaction, so a worker that dies
mid-batch leaves every item either done or pending, and the next worker goes on from
there (`library/tasks.py`).
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from pathlib import Path, PurePath
from typing import IO
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, reset_queries, transaction
from django.db.models import F
from django.utils import timezone

from . import archives
from . import similarity as minhash
from .cleaning import Cleaned, Rejected, clean
from .cleaning.pipeline import TEXT_SUFFIXES, looks_like_html
from .indexing import IndexedDocument, reindex
from .models import (
    BOILERPLATE_MIN_PAGES,
    BOILERPLATE_MIN_SHARE,
    BOILERPLATE_SAMPLE,
    Document,
    DocumentMerge,
    ImportBatch,
    ImportItem,
    ItemStatus,
    NearDuplicate,
    Revision,
    SiteRules,
    Sketch,
    Source,
    origin_key,
    site_of,
    storable,
    web_url,
)

log = logging.getLogger(__name__)


class Status(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"
    FAILED = "failed"


@dataclass(frozen=True)
class ItemResult:
    name: str
    status: Status
    reason: str = ""
    document: int | None = None

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "status": str(self.status),
            "reason": self.reason,
            "document": self.document,
        }


def encoding_warning(cleaned: Cleaned) -> str:
    """A note for the report when the decode was a guess a human should check."""
    if not cleaned.low_confidence:
        return ""
    confidence = f"{cleaned.encoding_confidence:.2f}"
    return f"low-confidence decode as {cleaned.encoding} ({confidence}): check the text"


def joined(*notes: str) -> str:
    return "; ".join(note for note in notes if note)


# Bad input ------------------------------------------------------------------------------

# Formats that are never a scraped page, by their first bytes, with the name to report.
BINARY_SIGNATURES = (
    (b"\x1f\x8b", "a gzip file"),
    (b"PK\x03\x04", "a zip archive"),
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"BZh", "a bzip2 file"),
    (b"\xfd7zXZ\x00", "an xz file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a program"),
    (b"SQLite format 3\x00", "a database file"),
    (b"\xd0\xcf\x11\xe0", "an Office document"),
)
# A decode that had to replace more than this share of characters was not text.
MAX_UNDECODABLE_SHARE = 0.1


def refusal(data: bytes) -> str:
    """Why bytes are refused before they are kept or cleaned, or ""."""
    limit = settings.PIZHU_MAX_IMPORT_BYTES
    if len(data) > limit:
        return f"file is larger than {limit} bytes"
    if not data.strip():
        return "empty file"
    return ""


def page_like(data: bytes, name: str) -> bool:
    """Whether the name (or the first bytes) says page: other types the cleaner refuses."""
    return looks_like_html(data[:1024], name) or PurePath(name).suffix.lower() in TEXT_SUFFIXES


def not_text(data: bytes, cleaned: Cleaned | None = None) -> str:
    """Why bytes that were given as a page are something else, or ""."""
    for signature, kind in BINARY_SIGNATURES:
        if data.startswith(signature):
            return f"binary file: this is {kind}, not a page"
    if cleaned is not None and cleaned.text:
        undecodable = cleaned.text.count("\ufffd") / len(cleaned.text)
        if undecodable > MAX_UNDECODABLE_SHARE:
            return (
                f"binary or undecodable file: {undecodable:.0%} of the characters "
                f"could not be decoded (best guess {cleaned.encoding})"
            )
    return ""


# Where a page comes from --------------------------------------------------------------

_CANONICAL = re.compile(
    rb"<link\b[^>]*?\brel\s*=\s*[\"']?canonical\b[^>]*>|"
    rb"<meta\b[^>]*?\bproperty\s*=\s*[\"']?og:url\b[^>]*>",
    re.IGNORECASE,
)
_URL_ATTRIBUTE = re.compile(
    rb"\b(?:href|content)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.IGNORECASE
)
_HEAD_BYTES = 64 * 1024


def page_url(data: bytes, name: str) -> str:
    """The http(s) URL a page states for itself (canonical link or og:url), or "".

    A stated URL is a better origin than a file name: it survives renamed files and new
    scrapes, and names the site before cleaning. A URL that is only a site's home page
    (some sites point every page there) says nothing and is ignored.
    """
    head = data[:_HEAD_BYTES]
    if not looks_like_html(head, name):
        return ""
    for tag in _CANONICAL.finditer(head):
        attribute = _URL_ATTRIBUTE.search(tag.group(0))
        if not attribute:
            continue
        raw = next(group for group in attribute.groups() if group is not None)
        url = html.unescape(raw.decode("utf-8", "replace")).strip()
        parts = urlsplit(url)
        if web_url(url) and parts.hostname and (parts.path.strip("/") or parts.query):
            return url[:1000]
    return ""


# What a batch is made of ----------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One file to import: its bytes (None if refused while reading) or why it was refused."""

    name: str
    location: str
    data: bytes | None
    reason: str = ""

    @cached_property
    def origin(self) -> str:
        if self.data is None:
            return self.location
        return page_url(self.data, self.name) or self.location


def archive_limits() -> archives.Limits:
    return archives.Limits(
        members=settings.PIZHU_ARCHIVE_MAX_MEMBERS,
        member_bytes=settings.PIZHU_MAX_IMPORT_BYTES,
        total_bytes=settings.PIZHU_ARCHIVE_MAX_BYTES,
        ratio=settings.PIZHU_ARCHIVE_MAX_RATIO,
    )


def read_file(name: str, fileobj: IO[bytes], size: int) -> Iterator[Item]:
    """The items in one file: itself, or each member when it is a zip archive.

    Archive members are named `archive.zip/member/name.html`; the name is metadata only.
    """
    head = fileobj.read(4)
    fileobj.seek(0)
    if archives.is_zip(head):
        try:
            for member in archives.members(fileobj, archive_limits()):
                yield Item(
                    f"{name}/{member.name}", f"{name}/{member.name}", member.data, member.reason
                )
        except archives.ArchiveError as error:
            yield Item(name, name, None, f"archive refused: {error}")
        return
    if size > settings.PIZHU_MAX_IMPORT_BYTES:
        yield Item(name, name, None, f"file is larger than {settings.PIZHU_MAX_IMPORT_BYTES} bytes")
        return
    yield Item(name, name, fileobj.read())


def read_paths(paths: Iterable[Path]) -> Iterator[Item]:
    """Files, folders (recursively, in name order) and zip archives, one item per file."""
    for path in paths:
        if path.is_symlink() and not path.exists():
            yield Item(path.name, path.as_posix(), None, "broken symbolic link")
        elif path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file())
            yield from read_paths(files)
        elif path.is_file():
            with path.open("rb") as fileobj:
                yield from read_file(path.as_posix(), fileobj, path.stat().st_size)
        else:
            yield Item(path.name, path.as_posix(), None, "no such file")


def read_uploads(files: Iterable) -> Iterator[Item]:
    """Uploaded files (Django UploadedFile), archives unpacked in memory."""
    for upload in files:
        yield from read_file(upload.name, upload.file, upload.size)


def chunks(items: Iterable[Item], *, count: int = 100, size: int = 32 * 1024 * 1024):
    """Groups of items, bounded in number and in bytes, so memory stays flat."""
    group: list[Item] = []
    held = 0
    for item in items:
        group.append(item)
        held += len(item.data or b"")
        if len(group) >= count or held >= size:
            yield group
            group, held = [], 0
    if group:
        yield group


def take_in(batch: ImportBatch, items: Iterable[Item]) -> int:
    """Keep the raw bytes of `items` and add them to `batch` as pending items.

    Items refused while reading (archive caps, links, empty or huge files) are recorded
    as rejected right away. Returns how many items were added.
    """
    added = 0
    user = batch.created_by
    for group in chunks(items):
        with transaction.atomic():
            rows = []
            stored = store_sources(group, user)
            now = timezone.now()
            for offset, item in enumerate(group):
                reason = item.reason or (refusal(item.data) if item.data is not None else "")
                source = None if reason else stored[hashlib.sha256(item.data).hexdigest()]
                rows.append(
                    ImportItem(
                        batch=batch,
                        position=batch.total + offset,
                        name=storable(item.name)[:500],
                        origin=origin_key(item.origin),
                        source=source,
                        status=ItemStatus.REJECTED if reason else ItemStatus.PENDING,
                        reason=reason,
                        finished_at=now if reason else None,
                    )
                )
            ImportItem.objects.bulk_create(rows)
            batch.total += len(group)
            ImportBatch.objects.filter(pk=batch.pk).update(total=batch.total)
            added += len(group)
    return added


def store_sources(group: list[Item], user) -> dict[str, Source]:
    """Sources for the storable items of `group`, by SHA-256: found, else created."""
    wanted: dict[str, Item] = {}
    for item in group:
        if item.data is not None and not item.reason and not refusal(item.data):
            wanted.setdefault(hashlib.sha256(item.data).hexdigest(), item)
    found = Source.objects.defer("data").in_bulk(list(wanted), field_name="sha256")
    new = [
        Source(
            sha256=digest,
            data=item.data,
            size=len(item.data),
            filename=storable(item.name)[:500],
            origin=origin_key(item.origin),
            imported_by=user if user and user.is_authenticated else None,
        )
        for digest, item in wanted.items()
        if digest not in found
    ]
    try:
        with transaction.atomic():
            Source.objects.bulk_create(new)
    except IntegrityError:  # another import stored some of them meanwhile
        for source in new:
            found[source.sha256], _ = Source.objects.store(
                source.data, filename=source.filename, origin=source.origin, user=user
            )
        return found
    found.update((source.sha256, source) for source in new)
    return found


# Cleaning and writing one item -----------------------------------------------------------


class SiteSample:
    """The fingerprints of a site's most recent pages, as `site_boilerplate` counts them.

    Loaded once per run and kept current as the run imports pages, instead of reading
    up to 50 revisions' fingerprints back from the database for every page.
    """

    def __init__(self, site: str):
        rows = (
            Document.objects.of_site(site)
            .filter(current_revision__isnull=False)
            .order_by("-id")
            .values_list("id", "current_revision__fingerprints")[:BOILERPLATE_SAMPLE]
        )
        self.pages: dict[int, frozenset[str]] = {}
        self.counts: Counter[str] = Counter()
        self._boilerplate: frozenset[str] | None = None
        for document_id, fingerprints in sorted(rows):
            self.add(document_id, fingerprints)

    def add(self, document_id: int, fingerprints: Iterable[str]) -> None:
        if document_id in self.pages:
            self.counts.subtract(self.pages.pop(document_id))
        elif len(self.pages) >= BOILERPLATE_SAMPLE:
            oldest = min(self.pages)
            if document_id < oldest:
                return  # not among the most recent pages
            self.counts.subtract(self.pages.pop(oldest))
        self.pages[document_id] = frozenset(fingerprints)
        self.counts.update(self.pages[document_id])
        self._boilerplate = None

    def boilerplate(self) -> frozenset[str]:
        if self._boilerplate is None:
            needed = max(BOILERPLATE_MIN_PAGES, BOILERPLATE_MIN_SHARE * len(self.pages))
            self._boilerplate = frozenset(f for f, n in self.counts.items() if n >= needed)
        return self._boilerplate


class Importer:
    """One import run: per-site rules and boilerplate are read once and kept current.

    `site` and `tags` are a batch's source site (for pages whose origin is no URL) and
    the tags every new or revised document gets. `index` is given the documents each
    chunk created, for their search index and cross-links (`indexing.reindex`: here and
    now; `tasks.index_later`: by a queued task).
    """

    def __init__(
        self,
        *,
        user=None,
        site: str = "",
        tags: Iterable[str] = (),
        index: Callable[[list[int]], object] = reindex,
    ):
        self.user = user
        self.index = index
        self.site = site
        self.tags = sorted(set(tags))
        self.rules: dict[str, frozenset[str]] = {}
        self.samples: dict[str, SiteSample] = {}
        self.by_source: dict[int, int | None] = {}  # source id: document with that source
        self.by_origin: dict[str, int | None] = {}  # origin: document with that origin
        self.decoded: list[Source] = []
        self.unsketched: list[tuple[int, int | None, str]] = []  # (document, revision, text)
        self.unindexed: list[int] = []  # documents created since the last compare()
        self.reasons: dict[int, tuple[int, str]] = {}  # document: (its item, item's reason)

    def site_for(self, origin: str) -> str:
        return site_of(origin, self.site)

    def cleaning_options(self, site: str) -> dict:
        if site not in self.rules:
            self.rules[site] = SiteRules.objects.disabled_for(site)
            self.samples[site] = SiteSample(site)
        boilerplate = self.samples[site].boilerplate() if site else frozenset()
        return {"disabled": self.rules[site], "boilerplate": boilerplate}

    def clean(self, data: bytes, name: str, origin: str) -> Cleaned | ItemResult:
        """The cleaned page, or the result that says why there is none."""
        if page_like(data, name) and (reason := not_text(data)):
            return ItemResult(name, Status.REJECTED, reason)
        try:
            cleaned = clean(data, filename=name, **self.cleaning_options(self.site_for(origin)))
        except Rejected as error:
            return ItemResult(name, Status.REJECTED, str(error))
        except RecursionError:
            return ItemResult(name, Status.REJECTED, "HTML nested too deeply to read")
        except Exception as error:
            log.exception("cleaning %s failed", name)
            return ItemResult(name, Status.FAILED, f"cleaner error: {error!r}")
        if reason := not_text(data, cleaned):
            return ItemResult(name, Status.REJECTED, reason)
        return cleaned

    def import_bytes(self, data: bytes, *, name: str, origin: str = "") -> ItemResult:
        """Import one file outside a batch: keep its bytes, then clean and write it."""
        if reason := refusal(data):
            return ItemResult(name, Status.REJECTED, reason)
        source, _ = Source.objects.store(data, filename=name, origin=origin, user=self.user)
        result = self.import_source(source, name=name, origin=origin)
        self.save_encodings()
        if note := self.compare().get(result.document):
            result = ItemResult(name, result.status, joined(result.reason, note), result.document)
        return result

    def prefetch(self, items: list[ImportItem]) -> None:
        """Look up what a chunk of items needs in two queries instead of two per item.

        Between this and an item's transaction, only another worker importing the same
        bytes at the same moment could change the answer; the document it would make
        twice is then reported as a near-duplicate (similarity 1.0) for review.
        """
        sources = [item.source_id for item in items if item.source_id]
        self.by_source = dict.fromkeys(sources)
        earlier = Revision.objects.filter(source_id__in=sources).order_by()
        self.by_source.update(earlier.values_list("source_id", "document_id"))
        origins = {item.origin for item in items if item.origin}
        self.by_origin = dict.fromkeys(origins)
        known = Document.objects.filter(origin__in=origins).order_by()
        self.by_origin.update(known.values_list("origin", "id"))

    def import_source(
        self, source: Source, *, name: str, origin: str, item: ImportItem | None = None
    ) -> ItemResult:
        """Clean stored bytes and write the document; `item`'s result in the same transaction."""
        if result := self.earlier_import(source, name):
            return self.record(item, result)
        cleaned = self.clean(bytes(source.data), name, origin)
        if isinstance(cleaned, ItemResult):
            return self.record(item, cleaned)
        for attempt in (1, 2):
            try:
                with transaction.atomic():
                    result, document = self.write(cleaned, source, name=name, origin=origin)
                    if item is not None and not finish(item, result):
                        raise AlreadyDone
                break
            except AlreadyDone:
                return stored_result(item)
            except IntegrityError as error:
                # Another worker wrote these bytes or this origin since `prefetch` looked:
                # look again, and this item is its duplicate or a new revision of it.
                self.forget(source, origin)
                if attempt == 1 and (result := self.earlier_import(source, name)):
                    return self.record(item, result)
                if attempt == 2:
                    return self.failed(item, name, error)
            except Exception as error:
                return self.failed(item, name, error)
        self.remember(result, source, origin, cleaned, document, item)
        if result.status == Status.UPDATED:
            document.after_revision()
        return result

    def failed(self, item: ImportItem | None, name: str, error: Exception) -> ItemResult:
        log.exception("storing %s failed", name)
        return self.record(item, ItemResult(name, Status.FAILED, f"database error: {error!r}"))

    def forget(self, source: Source, origin: str) -> None:
        """Drop what `prefetch` found for these bytes and this origin: it is out of date."""
        self.by_source.pop(source.pk, None)
        self.by_origin.pop(origin_key(origin), None)

    def remember(self, result, source, origin, cleaned, document, item) -> None:
        """Keep this run's lookups current with what it just committed."""
        if source.encoding != cleaned.encoding:
            source.encoding = cleaned.encoding
            source.encoding_confidence = cleaned.encoding_confidence
            self.decoded.append(source)
        if result.document is None or result.status not in {Status.CREATED, Status.UPDATED}:
            return
        self.by_source[source.pk] = result.document
        if origin:
            self.by_origin[origin_key(origin)] = result.document
        if document.site in self.samples:
            self.samples[document.site].add(document.pk, cleaned.fingerprints)
        self.unsketched.append((document.pk, document.current_revision_id, cleaned.text))
        if result.status == Status.CREATED:
            # A new revision of a known document is indexed by its after-revision hook.
            self.unindexed.append(document.pk)
        if item is not None:
            self.reasons[document.pk] = (item.pk, result.reason)

    def compare(self) -> dict[int, str]:
        """Sketch the documents written since the last call and record near-duplicates.

        Done per chunk rather than per document: sketches are derived data, and a run
        that stops before this call leaves documents that the next run sketches first
        (`sketch_unsketched`). The new documents' mentions, themes, search index and
        related documents (library/indexing.py) are derived by `self.index`. Returns the
        report notes, by document.
        """
        notes = sketch_documents(self.unsketched)
        if self.unindexed:
            self.index(self.unindexed)
            self.unindexed = []
        for document, note in notes.items():
            if document in self.reasons:
                pk, reason = self.reasons[document]
                ImportItem.objects.filter(pk=pk).update(reason=joined(reason, note))
        self.unsketched, self.reasons = [], {}
        return notes

    def earlier_import(self, source: Source, name: str) -> ItemResult | None:
        """The duplicate result when these exact bytes were imported before."""
        if source.pk in self.by_source:
            document = self.by_source[source.pk]
        else:  # not prefetched; unordered, as the default ordering would add a join
            earlier = Revision.objects.filter(source=source).order_by()
            document = next(iter(earlier.values_list("document_id", flat=True)[:1]), None)
        if document is not None:
            return ItemResult(name, Status.DUPLICATE, "same bytes as an earlier import", document)
        if self.merges:
            merged = DocumentMerge.objects.filter(sources=source).order_by()
            if found := merged.values_list("document_id")[:1]:
                reason = f"same bytes as a page merged into document {found[0][0]}"
                return ItemResult(name, Status.DUPLICATE, reason, found[0][0])
        return None

    @cached_property
    def merges(self) -> bool:
        """Whether any document was ever merged (rare): else merge lookups are skipped."""
        return DocumentMerge.objects.exists()

    def document_for(self, origin: str) -> Document | None:
        if not origin:
            return None
        key = origin_key(origin)
        if key in self.by_origin:
            found = self.by_origin[key]
            return None if found is None else Document.objects.filter(pk=found).first()
        return Document.objects.with_origin(origin).first()

    def write(
        self, cleaned: Cleaned, source: Source, *, name: str, origin: str
    ) -> tuple[ItemResult, Document | None]:
        """Create or revise the document for `cleaned` (inside the caller's transaction)."""
        if origin and self.merges:
            merged = DocumentMerge.objects.filter(origin=origin_key(origin)).order_by()
            if found := merged.values_list("document_id")[:1]:
                reason = f"this origin was merged into document {found[0][0]}"
                return ItemResult(name, Status.DUPLICATE, reason, found[0][0]), None
        document = self.document_for(origin)
        warning = encoding_warning(cleaned)
        if document is None:
            document = Document.objects.create_from(
                cleaned, source=source, origin=origin, site=self.site
            )
            status, note = Status.CREATED, ""
        elif document.add_revision(cleaned, source=source) is None:
            reason = "new bytes, but the same text as the current revision"
            return ItemResult(name, Status.DUPLICATE, reason, document.pk), document
        else:
            status, note = Status.UPDATED, "new revision"
        if self.tags:
            document.tags.add(*self.tags)
        return ItemResult(name, status, joined(note, warning), document.pk), document

    def record(self, item: ImportItem | None, result: ItemResult) -> ItemResult:
        """Save a result that wrote no document as `item`'s, unless done meanwhile."""
        if item is not None and not finish(item, result):
            return stored_result(item)
        return result

    def save_encodings(self) -> None:
        """Record the encodings the cleaner detected, for the sources imported so far.

        Derived data, written per chunk rather than in each item's transaction.
        """
        groups: dict[tuple[str, float], list[int]] = {}
        for source in self.decoded:  # most pages share one or two encodings
            groups.setdefault((source.encoding, source.encoding_confidence), []).append(source.pk)
        for (encoding, confidence), ids in groups.items():
            Source.objects.filter(pk__in=ids).update(
                encoding=encoding, encoding_confidence=confidence
            )
        self.decoded = []

    def preview(self, data: bytes, *, name: str, origin: str) -> ItemResult:
        """What importing would do, writing nothing (--dry-run)."""
        if reason := refusal(data):
            return ItemResult(name, Status.REJECTED, reason)
        digest = hashlib.sha256(data).hexdigest()
        source = Source.objects.filter(sha256=digest).defer("data").first()
        if source and (result := self.earlier_import(source, name)):
            return result
        cleaned = self.clean(data, name, origin)
        if isinstance(cleaned, ItemResult):
            return cleaned
        document = Document.objects.with_origin(origin).select_related("current_revision").first()
        warning = encoding_warning(cleaned)
        if document is None:
            status, pk, note = Status.CREATED, None, ""
        elif (current := document.current_revision) and (current.text, current.blocks) == (
            cleaned.text,
            cleaned.blocks,
        ):
            reason = "new bytes, but the same text as the current revision"
            return ItemResult(name, Status.DUPLICATE, reason, document.pk)
        else:
            status, pk, note = Status.UPDATED, document.pk, "new revision"
        twins = ""
        if values := minhash.sketch(cleaned.text):
            found = Sketch.objects.similar({pk or 0: values})[pk or 0]
            listed = ", ".join(f"document {other} ({score:.0%} similar)" for other, score in found)
            twins = f"near-duplicate of {listed}" if found else ""
        return ItemResult(name, status, joined(note, warning, twins), pk)


def sketch_documents(entries: list[tuple[int, int | None, str]]) -> dict[int, str]:
    """Sketch `(document, revision, text)` entries and record their near-duplicates.

    A document that reads like another one of the same entries is reported only from
    the later one's side. Returns a note for the report per document that has any.
    """
    if not entries:
        return {}
    latest = {pk: (revision, text) for pk, revision, text in entries}  # a document once
    values = {pk: minhash.sketch(text) for pk, (_, text) in latest.items()}
    notes = {}
    with transaction.atomic():
        Sketch.objects.store([(pk, revision, values[pk]) for pk, (revision, _) in latest.items()])
        found = Sketch.objects.similar({pk: v for pk, v in values.items() if v})
        for pk, matches in found.items():
            matches = [
                (other, score) for other, score in matches if not (other in values and other > pk)
            ]
            if matches:
                NearDuplicate.objects.record(Document(pk=pk), matches)
                listed = ", ".join(
                    f"document {other} ({score:.0%} similar)" for other, score in matches
                )
                notes[pk] = f"near-duplicate of {listed}: review in the admin"
    return notes


def sketch_unsketched(batch: ImportBatch) -> None:
    """Sketch the batch's documents that a stopped run left without an up-to-date sketch."""
    written = batch.items.filter(status__in=[ItemStatus.CREATED, ItemStatus.UPDATED])
    documents = Document.objects.filter(pk__in=written.values("document_id"))
    current = Sketch.objects.filter(
        document__in=documents, revision_id=F("document__current_revision_id")
    )
    stale = documents.exclude(pk__in=current.values("document_id"))
    stale = sorted(stale.values_list("current_revision_id", flat=True))
    for chunk in range(0, len(stale), PROCESS_CHUNK):
        revisions = Revision.objects.filter(pk__in=stale[chunk : chunk + PROCESS_CHUNK]).order_by()
        sketch_documents(list(revisions.values_list("document_id", "pk", "text")))


def index_unindexed(batch: ImportBatch, index: Callable[[list[int]], object] = reindex) -> int:
    """Index (with `index`) the batch's documents that are not indexed at their current
    revision: what a stopped run, or a lost indexing task, left behind. Returns how many."""
    written = batch.items.filter(status__in=[ItemStatus.CREATED, ItemStatus.UPDATED])
    documents = Document.objects.filter(pk__in=written.values("document_id"))
    indexed = IndexedDocument.objects.filter(
        document__in=documents, revision_id=F("document__current_revision_id")
    )
    stale = documents.exclude(pk__in=indexed.values("document_id")).values_list("pk", flat=True)
    for chunk in range(0, len(stale := sorted(stale)), PROCESS_CHUNK):
        index(stale[chunk : chunk + PROCESS_CHUNK])
    return len(stale)


def reclean(document: Document) -> tuple[str, str]:
    """Clean `document` again (reclean_documents): its outcome and a note, in one transaction.

    The outcome is "changed" (a new revision), "unchanged", "rejected" or "failed".
    A document imported before sketches existed gets one now.
    """
    note = ""
    try:
        with transaction.atomic():
            revision = document.reclean()
            current = revision or document.current_revision
            if revision is not None or not Sketch.objects.filter(document=document).exists():
                note = sketch_documents([(document.pk, current.pk, current.text)]).get(
                    document.pk, ""
                )
    except Rejected as error:
        return "rejected", str(error)
    except Exception as error:
        log.exception("re-cleaning document %s failed", document.pk)
        return "failed", repr(error)
    return ("changed" if revision is not None else "unchanged"), note


def stored_result(item: ImportItem) -> ItemResult:
    """The result another worker recorded for `item`."""
    item.refresh_from_db(fields=["status", "reason", "document"])
    return ItemResult(item.name, Status(item.status), item.reason, item.document_id)


class AlreadyDone(Exception):
    """Another worker finished this item first: roll this attempt back."""


def finish(item: ImportItem, result: ItemResult) -> bool:
    """Write `item`'s result if it is still pending; False when another worker did first.

    The status check and the write are one UPDATE, which row locks make atomic.
    """
    item.finished_at = timezone.now()
    return bool(
        ImportItem.objects.filter(pk=item.pk, status=ItemStatus.PENDING).update(
            status=str(result.status),
            reason=result.reason,
            document_id=result.document,
            finished_at=item.finished_at,
        )
    )


def import_bytes(data: bytes, *, name: str, origin: str = "", user=None) -> ItemResult:
    """Import one file: keep its bytes, clean it, create or revise its Document.

    `origin` (a URL or path) identifies the page across re-imports: new bytes for a
    known origin make a new revision of the same document.
    """
    return Importer(user=user).import_bytes(data, name=name, origin=origin)


# Batches ---------------------------------------------------------------------------------

# How many pending items one query fetches (their bytes included), and how often a
# working batch tells others that its worker is alive.
PROCESS_CHUNK = 50
HEARTBEAT_SECONDS = 5.0


def process_batch(
    batch: ImportBatch,
    *,
    worker: str,
    progress: Callable[[ItemResult], None] | None = None,
    index: Callable[[list[int]], object] = reindex,
    until: float | None = None,
) -> bool:
    """Import `batch`'s pending items in order while `worker` holds its lease.

    Returns True once the batch is finished; False when another worker took it over, or
    when `until` (a `time.monotonic()` deadline, checked after each chunk) has passed:
    the lease is then given up and the rest stays pending. Items a crash left pending
    are simply done now: each one's result is written in the same transaction as its
    document, so none is done twice. `index` derives the search index and cross-links
    of each chunk's new documents (see `Importer`).
    """
    if not batch.claim(worker):
        return False
    sketch_unsketched(batch)
    index_unindexed(batch, index)
    importer = Importer(user=batch.created_by, site=batch.source_site, tags=batch.tags, index=index)
    last_beat = time.monotonic()
    position = -1
    while True:
        pending = batch.items.filter(status=ItemStatus.PENDING, position__gt=position)
        chunk = list(pending.select_related("source").order_by("position")[:PROCESS_CHUNK])
        if not chunk:
            break
        importer.prefetch(chunk)
        for item in chunk:
            result = importer.import_source(
                item.source, name=item.name, origin=item.origin, item=item
            )
            position = item.position
            if progress:
                progress(result)
            if time.monotonic() - last_beat > HEARTBEAT_SECONDS:
                if not batch.beat(worker):
                    importer.save_encodings()
                    importer.compare()
                    return False
                last_beat = time.monotonic()
        importer.save_encodings()
        importer.compare()
        reset_queries()  # with DEBUG on, the query log would grow with the batch
        if until is not None and time.monotonic() > until:
            break
    return batch.finish(worker)


def dry_run(items: Iterable[Item], *, user=None) -> Iterator[ItemResult]:
    """What importing `items` would do, writing nothing; repeated bytes count once."""
    importer = Importer(user=user)
    seen: dict[str, ItemResult] = {}
    for item in items:
        if item.data is None:
            yield ItemResult(item.name, Status.REJECTED, item.reason)
            continue
        digest = hashlib.sha256(item.data).hexdigest()
        if digest in seen:
            reason = f"same bytes as {seen[digest].name} in this import"
            yield ItemResult(item.name, Status.DUPLICATE, reason, seen[digest].document)
            continue
        result = importer.preview(item.data, name=item.name, origin=item.origin)
        seen[digest] = result
        yield result


def counts_of(results: Iterable[ItemResult | str]) -> dict[str, int]:
    """Results counted by status, every status present (the report's `counts`)."""
    counts = dict.fromkeys(Status, 0)
    for result in results:
        counts[Status(result.status if isinstance(result, ItemResult) else result)] += 1
    return {str(status): n for status, n in counts.items()}
