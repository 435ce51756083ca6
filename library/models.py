"""The document side of Pizhu: raw sources, documents and their immutable revisions."""

from __future__ import annotations

import hashlib
import operator
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models, router, transaction
from django.db.models import Count, Q
from django.db.models.functions import Coalesce, Length
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from taggit.managers import TaggableManager

from . import similarity as minhash
from .cleaning import CLEANER_VERSION, RULES, Cleaned, clean


def storable(text: str) -> str:
    """PostgreSQL text and jsonb cannot hold NUL: show it as the symbol ␀ instead."""
    return text.replace("\x00", "\u2400")


def web_url(url: str) -> str:
    """`url` if it is http(s), else "": the only links a page may carry."""
    return url if urlsplit(url).scheme in {"http", "https"} else ""


def origin_key(origin: str) -> str:
    """The form an origin (URL or path) is stored and looked up in."""
    return storable(origin)[:1000]


def site_of(origin: str, source_site: str = "") -> str:
    """The site a page belongs to: its URL's host, else the first site name it states."""
    if web_url(origin):
        host = (urlsplit(origin).hostname or "").removeprefix("www.")
        if host:
            return host[:200]
    return source_site.split(" / ")[0][:200]


# How many recent pages of a site to learn its boilerplate from, and on how many of
# them (at least, and as a share) a line must appear to count as boilerplate.
BOILERPLATE_SAMPLE = 50
BOILERPLATE_MIN_PAGES = 3
BOILERPLATE_MIN_SHARE = 0.2


class SiteRulesQuerySet(models.QuerySet):
    def disabled_for(self, site: str) -> frozenset[str]:
        """The cleaning rules an admin switched off for `site`."""
        if not site:
            return frozenset()
        found = self.filter(site=site).values_list("disabled_rules", flat=True).first()
        return frozenset(rule for rule in found or () if rule in RULES)


class SiteRules(models.Model):
    """Per-site cleaning settings: rules that trim a site's articles wrongly are switched off."""

    site = models.CharField(max_length=200, unique=True, help_text="Host name or site name.")
    disabled_rules = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = SiteRulesQuerySet.as_manager()

    class Meta:
        verbose_name = "site rules"
        verbose_name_plural = "site rules"

    def __str__(self) -> str:
        return self.site


class SourceQuerySet(models.QuerySet):
    def store(self, data: bytes, *, filename: str, origin: str = "", user=None):
        """Keep raw bytes, content-addressed: returns `(source, created)`.

        Runs in its own transaction so the bytes are kept whatever happens next.
        """
        digest = hashlib.sha256(data).hexdigest()
        with transaction.atomic():
            return self.get_or_create(
                sha256=digest,
                defaults={
                    "data": data,
                    "size": len(data),
                    "filename": storable(filename)[:500],
                    "origin": origin_key(origin),
                    "imported_by": user if user and user.is_authenticated else None,
                },
            )


class Source(models.Model):
    """The raw bytes of one imported file, kept so any derived field can be rebuilt."""

    sha256 = models.CharField(max_length=64, unique=True, editable=False)
    data = models.BinaryField(editable=False)
    size = models.PositiveBigIntegerField(editable=False)
    filename = models.CharField(max_length=500, help_text="Original file or archive member name.")
    origin = models.CharField(max_length=1000, blank=True, help_text="URL or path of the page.")
    encoding = models.CharField(max_length=40, blank=True)
    encoding_confidence = models.FloatField(null=True, blank=True)
    imported_at = models.DateTimeField(default=timezone.now, editable=False)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.sha256[:12]})"

    def get_absolute_url(self) -> str:
        return reverse("library:source-raw", args=[self.pk])


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Articles belong to the whole library; highlights and notes carry privacy.
        return self

    def titled(self, title: str):
        """Documents whose title folds like `title` (what a note's [[title]] names)."""
        from .chinese import search_key

        return self.filter(index_state__title_key=search_key(title).strip()[:500])

    def mentioning(self, entity):
        """Documents that mention `entity` (an Entity) under any of its aliases."""
        return self.filter(entity_counts__entity=entity)

    def about(self, theme):
        """Documents the theme rules find to be about `theme` (a Theme)."""
        from .entities import ABOUT_HITS

        return self.filter(theme_scores__theme=theme, theme_scores__hits__gte=ABOUT_HITS)

    def for_listing(self):
        """Documents with their text's length, without loading the text itself."""
        return (
            self.select_related("current_revision")
            .defer(
                "current_revision__text", "current_revision__blocks", "current_revision__removed"
            )
            .annotate(characters=Length("current_revision__text"))
        )

    def of_site(self, site: str):
        return self.filter(site=site) if site else self.none()

    def site_boilerplate(self, site: str, *, exclude: int | None = None) -> frozenset[str]:
        """Fingerprints of the lines that recur on many recent pages of `site`."""
        pages = self.of_site(site).exclude(pk=exclude).order_by("-id")[:BOILERPLATE_SAMPLE]
        rows = Revision.objects.filter(pk__in=pages.values("current_revision_id")).values_list(
            "fingerprints", flat=True
        )
        seen: dict[str, int] = {}
        count = 0
        for fingerprints in rows:
            count += 1
            for fingerprint in set(fingerprints):
                seen[fingerprint] = seen.get(fingerprint, 0) + 1
        needed = max(BOILERPLATE_MIN_PAGES, BOILERPLATE_MIN_SHARE * count)
        return frozenset(fingerprint for fingerprint, n in seen.items() if n >= needed)

    def with_origin(self, origin: str):
        return self.filter(origin=origin_key(origin)) if origin else self.none()

    def create_from(
        self, cleaned: Cleaned, *, source: Source, origin: str = "", site: str = ""
    ) -> Document:
        """A new document with `cleaned` as its first revision.

        `site` (an import batch's source site) names the site when the origin is no URL.
        Inside a caller's transaction it adds no savepoint (two round trips fewer per
        imported page); an error rolls the caller's transaction back. Three statements:
        the document with its metadata, the revision, the pointer to it.
        """
        with transaction.atomic(savepoint=False):
            document = self.model(
                origin=origin_key(origin),
                site=site_of(origin, site or cleaned.metadata.source_site),
                source_site=site[:200],
            )
            document.apply_metadata(cleaned)
            document.save(force_insert=True, using=self.db)
            revision = Revision.of(document, 1, cleaned, source)
            revision.save(force_insert=True, using=self.db)
            document.current_revision = revision
            self.filter(pk=document.pk).update(current_revision=revision)
        return document


class Script(models.TextChoices):
    SIMPLIFIED = "simplified", "简体"
    TRADITIONAL = "traditional", "繁體"
    MIXED = "mixed", "Mixed 简/繁"
    UNKNOWN = "unknown", "Not Chinese"


class Document(models.Model):
    title = models.CharField(max_length=500, blank=True)
    origin = models.CharField(
        max_length=1000, blank=True, help_text="URL or path; re-imports of it add revisions."
    )
    source_site = models.CharField(max_length=200, blank=True)
    site = models.CharField(
        max_length=200, blank=True, db_index=True, help_text="Host or site name; rules go by it."
    )
    author = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=16, blank=True)
    original_script = models.CharField(
        max_length=16, choices=Script.choices, default=Script.UNKNOWN
    )
    current_revision = models.ForeignKey(
        "Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    tags = TaggableManager(blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["origin"], condition=~Q(origin=""), name="unique_document_origin"
            )
        ]

    def __str__(self) -> str:
        return self.title or f"Document {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("library:document-detail", args=[self.pk])

    @property
    def html_lang(self) -> str:
        """The BCP 47 tag the reading page declares, so browsers pick matching CJK glyphs."""
        if self.language != "zh":
            return self.language or "und"
        return "zh-Hant" if self.original_script == Script.TRADITIONAL else "zh-Hans"

    @property
    def origin_url(self) -> str:
        return web_url(self.origin)

    def add_revision(self, cleaned: Cleaned, *, source: Source | None) -> Revision | None:
        """Write `cleaned` as the next revision and make it current.

        Returns None, writing nothing, when the text and blocks equal the current ones.
        Inside a caller's transaction it adds no savepoint; an error rolls that back.
        """
        with transaction.atomic(savepoint=False):
            current = None
            if self.current_revision_id:
                # Lock the row so two imports of one origin cannot both write revision n+1.
                locked = Document.objects.select_for_update(of=("self",))
                current = locked.select_related("current_revision").get(pk=self.pk).current_revision
            if current and current.text == cleaned.text and current.blocks == cleaned.blocks:
                return None
            revision = Revision.of(self, (current.number + 1) if current else 1, cleaned, source)
            revision.save(force_insert=True)
            self.current_revision = revision
            self.apply_metadata(cleaned)
            self.save()
        return revision

    def reclean(self, *, disabled: frozenset[str] | None = None) -> Revision | None:
        """Clean the current source again with the site's rules; a new revision if it changed.

        `disabled` overrides the site's switched-off rules for this run.

        Re-cleaning is derived data, so it happens only when called (an admin action or
        `reclean_documents`), and then the after-revision hooks re-anchor highlights.
        """
        source = self.current_revision.source if self.current_revision else None
        if source is None:
            return None
        cleaned = clean(
            bytes(source.data),
            filename=source.filename,
            disabled=SiteRules.objects.disabled_for(self.site) if disabled is None else disabled,
            boilerplate=Document.objects.site_boilerplate(self.site, exclude=self.pk),
        )
        revision = self.add_revision(cleaned, source=source)
        if revision is not None:
            self.after_revision()
        return revision

    def after_revision(self) -> None:
        """Run the hooks other apps register for a new revision (re-anchoring highlights).

        Named in settings.PIZHU_AFTER_REVISION, so `library` never imports `annotations`.
        """
        for path in settings.PIZHU_AFTER_REVISION:
            import_string(path)(self)

    def apply_metadata(self, cleaned: Cleaned) -> None:
        """Copy what the cleaner found about the page; keep fields it did not find."""
        metadata = cleaned.metadata
        self.title = (metadata.title or self.title)[:500]
        self.source_site = (metadata.source_site or self.source_site)[:200]
        self.author = (metadata.author or self.author)[:200]
        published = metadata.published
        if published is not None and timezone.is_naive(published):
            # Pages state local time; the library's zone (Asia/Shanghai) is the best guess.
            published = timezone.make_aware(published)
        self.published_at = published or self.published_at
        self.language = metadata.language or self.language
        self.original_script = metadata.script or self.original_script


class ImmutableRevisionError(Exception):
    pass


@dataclass(frozen=True)
class Segment:
    text: str
    href: str = ""


@dataclass(frozen=True)
class RenderedBlock:
    kind: str
    start: int
    end: int
    segments: list[Segment]
    attrs: dict

    @property
    def level(self) -> int:
        return min(max(int(self.attrs.get("level", 2)), 2), 6)


def group_lists(blocks: list[RenderedBlock]) -> list[tuple[str, list[RenderedBlock]]]:
    """Gather runs of list items into one group each, so the page can wrap them in <ul>."""
    groups: list[tuple[str, list[RenderedBlock]]] = []
    for block in blocks:
        if block.kind == "list_item" and groups and groups[-1][0] == "list":
            groups[-1][1].append(block)
        else:
            groups.append(("list" if block.kind == "list_item" else "block", [block]))
    return groups


class Revision(models.Model):
    """Canonical text and structure of a document as one cleaner run produced it.

    Written once, never edited: every offset in Pizhu points into one revision's text.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT)
    text = models.TextField()
    blocks = models.JSONField(default=list)
    removed = models.JSONField(default=list, help_text="What the cleaner dropped, and why.")
    fingerprints = models.JSONField(
        default=list, blank=True, help_text="The page's short lines, hashed: site boilerplate."
    )
    cleaner_version = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.document} · revision {self.number}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ImmutableRevisionError("a revision is never edited; write a new one")
        super().save(*args, **kwargs)

    @classmethod
    def of(cls, document: Document, number: int, cleaned: Cleaned, source) -> Revision:
        """Revision `number` of `document` holding `cleaned` (not saved yet)."""
        return cls(
            document=document,
            number=number,
            source=source,
            text=cleaned.text,
            blocks=cleaned.blocks,
            removed=[
                {**vars(removal), "text": storable(removal.text)} for removal in cleaned.removed
            ],
            cleaner_version=CLEANER_VERSION,
            fingerprints=list(cleaned.fingerprints),
        )

    def rendered_blocks(self) -> list[RenderedBlock]:
        """Blocks cut from the canonical text, with links split out as segments.

        Only http(s) links keep their href; anything else is shown as plain text.
        """
        return [self._render(block) for block in self.blocks]

    def _render(self, block: dict) -> RenderedBlock:
        start, end = block["start"], block["end"]
        segments: list[Segment] = []
        cursor = start
        for link_start, link_end, href in sorted(block.get("links", [])):
            if link_start < cursor or link_end > end:
                continue
            if cursor < link_start:
                segments.append(Segment(self.text[cursor:link_start]))
            segments.append(Segment(self.text[link_start:link_end], web_url(href)))
            cursor = link_end
        if cursor < end:
            segments.append(Segment(self.text[cursor:end]))
        return RenderedBlock(block["kind"], start, end, segments, block.get("attrs", {}))


# Bulk import: batches and their items, near-duplicate sketches, review and merges --------


class ItemStatus(models.TextChoices):
    PENDING = "pending", "pending"
    CREATED = "created", "created"
    UPDATED = "updated", "updated (new revision)"
    DUPLICATE = "duplicate", "duplicate"
    REJECTED = "rejected", "rejected"
    FAILED = "failed", "failed (retryable)"


FINISHED_STATUSES = [status for status in ItemStatus.values if status != ItemStatus.PENDING]
# Live progress: the rate is measured over the items finished in this recent window.
RATE_WINDOW = timedelta(seconds=60)


@dataclass(frozen=True)
class Progress:
    total: int
    counts: dict[str, int]
    rate: float  # items per second, recently
    finished: bool
    stalled: bool

    @property
    def done(self) -> int:
        return self.total - self.counts.get(ItemStatus.PENDING, 0)

    @property
    def eta_seconds(self) -> float | None:
        remaining = self.total - self.done
        if self.finished or not remaining:
            return 0.0
        return remaining / self.rate if self.rate else None

    def as_json(self) -> dict:
        return {
            "total": self.total,
            "done": self.done,
            "counts": self.counts,
            "rate": round(self.rate, 2),
            "eta_seconds": None if self.eta_seconds is None else round(self.eta_seconds),
            "finished": self.finished,
            "stalled": self.stalled,
        }


class ImportBatchQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(finished_at__isnull=True)


class ImportBatch(models.Model):
    """One import run: uploaded files or command-line paths, each member an ImportItem.

    A worker holds a batch by its lease (`worker`, refreshed in `heartbeat_at`); a batch
    whose heartbeat is older than PIZHU_IMPORT_STALE_SECONDS may be claimed by another
    worker, which goes on with the items still pending.
    """

    class Via(models.TextChoices):
        ADMIN = "admin", "admin upload"
        COMMAND = "command", "import_documents"

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    via = models.CharField(max_length=16, choices=Via.choices, default=Via.ADMIN)
    source_site = models.CharField(
        max_length=200, blank=True, help_text="Site of pages whose origin is not a URL."
    )
    tags = models.JSONField(default=list, blank=True, help_text="Added to every new document.")
    total = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=100, blank=True, help_text="The worker holding it.")
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.total} items)"

    def get_absolute_url(self) -> str:
        return reverse("admin:library_importbatch_change", args=[self.pk])

    @property
    def stale_after(self) -> timedelta:
        return timedelta(seconds=settings.PIZHU_IMPORT_STALE_SECONDS)

    def progress(self) -> Progress:
        now = timezone.now()
        counts = self.items.aggregate(
            **{status: Count("pk", filter=Q(status=status)) for status in ItemStatus.values},
            recent=Count("pk", filter=Q(finished_at__gte=now - RATE_WINDOW)),
        )
        recent = counts.pop("recent")
        finished = self.finished_at is not None
        if finished and self.started_at:
            seconds = (self.finished_at - self.started_at).total_seconds()
            done = sum(counts[status] for status in FINISHED_STATUSES)
            rate = done / seconds if seconds > 0 else 0.0
        else:
            began = self.started_at or self.created_at
            window = min(RATE_WINDOW.total_seconds(), (now - began).total_seconds())
            rate = recent / window if window > 0 else 0.0
        stalled = not finished and (
            self.heartbeat_at is None or self.heartbeat_at < now - self.stale_after
        )
        return Progress(self.total, counts, rate, finished, stalled and counts["pending"] > 0)

    def claim(self, worker: str) -> bool:
        """Take the lease for `worker` unless another worker holds it and is alive."""
        now = timezone.now()
        held_elsewhere = (
            ~Q(worker="") & ~Q(worker=worker) & Q(heartbeat_at__gte=now - self.stale_after)
        )
        claimed = (
            ImportBatch.objects.filter(pk=self.pk, finished_at__isnull=True)
            .exclude(held_elsewhere)
            .update(worker=worker, heartbeat_at=now, started_at=Coalesce("started_at", now))
        )
        self.refresh_from_db(fields=["worker", "heartbeat_at", "started_at"])
        return claimed == 1

    def beat(self, worker: str) -> bool:
        """Refresh the lease; False when another worker has taken the batch over."""
        return bool(
            ImportBatch.objects.filter(pk=self.pk, worker=worker).update(
                heartbeat_at=timezone.now()
            )
        )

    def finish(self, worker: str = "") -> bool:
        """Mark the batch finished (and free its lease) once no item is pending."""
        if self.items.filter(status=ItemStatus.PENDING).exists():
            if worker:
                ImportBatch.objects.filter(pk=self.pk, worker=worker).update(worker="")
            return False
        now = timezone.now()
        ImportBatch.objects.filter(pk=self.pk, finished_at__isnull=True).update(
            finished_at=now, worker="", started_at=Coalesce("started_at", now)
        )
        self.refresh_from_db(fields=["finished_at", "worker", "started_at"])
        return True

    def retry_failed(self) -> int:
        """Put failed items back in the queue; returns how many."""
        with transaction.atomic():
            count = self.items.filter(status=ItemStatus.FAILED).update(
                status=ItemStatus.PENDING, reason="", finished_at=None
            )
            if count:
                ImportBatch.objects.filter(pk=self.pk).update(finished_at=None)
        self.refresh_from_db(fields=["finished_at"])
        return count

    def report(self) -> dict:
        """The public report shape: `{"counts": {...}, "items": [{name, status, ...}]}`."""
        counts = {
            status: n for status, n in self.progress().counts.items() if n or status != "pending"
        }
        items = [item.as_json() for item in self.items.order_by("position").iterator(2000)]
        return {"batch": self.pk, "counts": counts, "items": items}


class ImportItem(models.Model):
    """One file of a batch (an archive's members count one each) and what became of it."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=500, help_text="File name or archive member name.")
    origin = models.CharField(max_length=1000, blank=True)
    # The raw bytes are stored when the batch is taken in, before any cleaning.
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT)
    status = models.CharField(max_length=16, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    reason = models.TextField(blank=True)
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="import_items"
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="unique_item_position")
        ]
        indexes = [models.Index(fields=["batch", "status"], name="import_item_batch_status")]

    def __str__(self) -> str:
        return f"{self.name}: {self.status}"

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "status": self.status,
            "reason": self.reason,
            "document": self.document_id,
        }


class SketchQuerySet(models.QuerySet):
    def store(self, entries: list[tuple[int, int | None, tuple | None]]) -> None:
        """Keep sketches and their band keys: `(document id, revision id, values)` each.

        Replaces what the documents had; values of None (text too short) store nothing.
        """
        self.filter(document_id__in=[pk for pk, _, _ in entries]).delete()
        self.bulk_create(
            Sketch(
                document_id=pk,
                revision_id=revision,
                values=list(values),
                **dict(zip(BAND_FIELDS, minhash.band_keys(values), strict=True)),
            )
            for pk, revision, values in entries
            if values
        )

    def similar(
        self, sketches: dict[int, tuple[int, ...]], *, limit: int = 5
    ) -> dict[int, list[tuple[int, float]]]:
        """For each document's sketch, the others at least THRESHOLD similar: (id, score).

        One query finds the candidates of all of them: the sketches sharing any band key
        (each band column is indexed); best matches first.
        """
        keys = {pk: minhash.band_keys(values) for pk, values in sketches.items()}
        wanted = [{band[i] for band in keys.values()} for i in range(minhash.BANDS)]
        shares_a_band = Q()
        for field, band_keys in zip(BAND_FIELDS, wanted, strict=True):
            shares_a_band |= Q(**{f"{field}__in": band_keys})
        rows = (
            self.filter(shares_a_band).order_by().values_list("document_id", "values", *BAND_FIELDS)
        )
        found: dict[int, list[tuple[int, float]]] = {pk: [] for pk in sketches}
        for other, stored, *other_keys in rows:
            for pk, band in keys.items():
                if other != pk and any(map(operator.eq, band, other_keys)):
                    score = minhash.similarity(sketches[pk], stored)
                    if score >= minhash.THRESHOLD:
                        found[pk].append((other, score))
        return {
            pk: sorted(pairs, key=lambda pair: (-pair[1], pair[0]))[:limit]
            for pk, pairs in found.items()
        }


BAND_FIELDS = [f"band{i}" for i in range(minhash.BANDS)]


class Sketch(models.Model):
    """A document's MinHash sketch on folded text (see library/similarity.py).

    The band keys are columns, each indexed: documents sharing any one are candidates.
    """

    document = models.OneToOneField(
        Document, primary_key=True, on_delete=models.CASCADE, related_name="sketch"
    )
    # The revision sketched: a sketch of an older revision is out of date.
    revision = models.ForeignKey(Revision, null=True, on_delete=models.SET_NULL, related_name="+")
    values = models.JSONField()
    band0 = models.BigIntegerField(db_index=True)
    band1 = models.BigIntegerField(db_index=True)
    band2 = models.BigIntegerField(db_index=True)
    band3 = models.BigIntegerField(db_index=True)
    band4 = models.BigIntegerField(db_index=True)
    band5 = models.BigIntegerField(db_index=True)
    band6 = models.BigIntegerField(db_index=True)
    band7 = models.BigIntegerField(db_index=True)
    band8 = models.BigIntegerField(db_index=True)
    band9 = models.BigIntegerField(db_index=True)
    band10 = models.BigIntegerField(db_index=True)
    band11 = models.BigIntegerField(db_index=True)
    band12 = models.BigIntegerField(db_index=True)
    band13 = models.BigIntegerField(db_index=True)
    band14 = models.BigIntegerField(db_index=True)
    band15 = models.BigIntegerField(db_index=True)

    objects = SketchQuerySet.as_manager()

    def __str__(self) -> str:
        return f"sketch of {self.document_id}"


class MergeRefused(Exception):
    """A merge would lose something (e.g. readers' highlights); `str(error)` says what."""


class NearDuplicateQuerySet(models.QuerySet):
    def to_review(self):
        return self.filter(decision=NearDuplicate.Decision.OPEN)

    def record(self, document: Document, found: list[tuple[int, float]]) -> list[NearDuplicate]:
        """Note `document` as a near-duplicate of each earlier document in `found`."""
        known = set(self.filter(document=document).values_list("original_id", flat=True)) | set(
            self.filter(original=document).values_list("document_id", flat=True)
        )
        rows = [
            NearDuplicate(document=document, original_id=original, similarity=score)
            for original, score in found
            if original not in known
        ]
        return self.bulk_create(rows)


class NearDuplicate(models.Model):
    """A later document that reads like an earlier one: an admin merges them or keeps both."""

    class Decision(models.TextChoices):
        OPEN = "open", "to review"
        KEPT = "kept", "kept apart"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="near_duplicates")
    original = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField(help_text="Estimated share of shared folded 4-grams.")
    found_at = models.DateTimeField(default=timezone.now, editable=False)
    decision = models.CharField(
        max_length=8, choices=Decision.choices, default=Decision.OPEN, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = NearDuplicateQuerySet.as_manager()

    class Meta:
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "original"], name="unique_near_duplicate")
        ]

    def __str__(self) -> str:
        return f"{self.document} ≈ {self.original}"

    def get_absolute_url(self) -> str:
        return reverse("admin:library_nearduplicate_change", args=[self.pk])

    def keep_apart(self, user) -> None:
        self.decision = self.Decision.KEPT
        self.decided_by = user
        self.decided_at = timezone.now()
        self.save(update_fields=["decision", "decided_by", "decided_at"])

    def merge(self, *, keep: Document, user) -> DocumentMerge:
        """Fold the other document of the pair into `keep`, which stays.

        The retired document's tags move over, its origin and raw bytes are remembered so
        re-importing them reports a duplicate of `keep`, and its revisions go. Refused
        when other apps hold objects on it (readers' highlights), which would be lost.
        """
        if keep.pk not in (self.document_id, self.original_id):
            raise ValueError("keep one of the pair")
        retire = self.original if keep.pk == self.document_id else self.document
        if held := dependents(retire):
            raise MergeRefused(f"“{retire}” has {held}, which merging would delete")
        with transaction.atomic():
            merge = DocumentMerge.objects.create(
                document=keep,
                title=str(retire)[:500],
                origin=retire.origin,
                similarity=self.similarity,
                merged_by=user,
            )
            merge.sources.set(Source.objects.filter(revision__document=retire).distinct())
            keep.tags.add(*retire.tags.all())
            ImportItem.objects.filter(document=retire).update(document=keep)
            DocumentMerge.objects.filter(document=retire).update(document=keep)
            retire.delete()
        return merge


def dependents(document: Document) -> str:
    """What deleting `document` would take along from other apps, e.g. "2 highlights"."""
    from django.contrib.admin.utils import NestedObjects

    collector = NestedObjects(using=router.db_for_write(Document))
    collector.collect([document])
    held = [
        f"{len(objects)} {model._meta.verbose_name_plural}"
        for model, objects in collector.model_objs.items()
        if model._meta.app_label not in {"library", "taggit"} and objects
    ]
    return ", ".join(held)


class DocumentMerge(models.Model):
    """A document folded into another after near-duplicate review.

    Its origin and raw bytes now stand for the kept document, so importing them again
    reports a duplicate instead of bringing the retired copy back.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="merges")
    title = models.CharField(max_length=500, help_text="Title of the retired document.")
    origin = models.CharField(max_length=1000, blank=True, db_index=True)
    sources = models.ManyToManyField(Source, related_name="+", blank=True)
    similarity = models.FloatField(null=True, blank=True)
    merged_at = models.DateTimeField(default=timezone.now, editable=False)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"“{self.title}” merged into {self.document}"


# Derived data about documents lives in its own modules; importing them here registers
# their models with the app.
from .entities import (  # noqa: E402, F401
    Alias,
    DocumentEntity,
    DocumentTheme,
    Entity,
    Mention,
    Theme,
    ThemePassage,
)
from .indexing import IndexedDocument  # noqa: E402, F401
from .related import DocumentTerm, RelatedDocument, Term  # noqa: E402, F401
from .search import SearchPart  # noqa: E402, F401
