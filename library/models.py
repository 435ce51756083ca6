"""The document side of Pizhu: raw sources, documents and their immutable revisions."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from taggit.managers import TaggableManager

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

    def create_from(self, cleaned: Cleaned, *, source: Source, origin: str = "") -> Document:
        """A new document with `cleaned` as its first revision."""
        with transaction.atomic():
            site = site_of(origin, cleaned.metadata.source_site)
            document = self.create(origin=origin_key(origin), site=site)
            document.add_revision(cleaned, source=source)
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
        """
        with transaction.atomic():
            current = None
            if self.current_revision_id:
                # Lock the row so two imports of one origin cannot both write revision n+1.
                locked = Document.objects.select_for_update(of=("self",))
                current = locked.select_related("current_revision").get(pk=self.pk).current_revision
            if current and current.text == cleaned.text and current.blocks == cleaned.blocks:
                return None
            revision = Revision.objects.create(
                document=self,
                number=(current.number + 1) if current else 1,
                source=source,
                text=cleaned.text,
                blocks=cleaned.blocks,
                removed=[
                    {**vars(removal), "text": storable(removal.text)} for removal in cleaned.removed
                ],
                cleaner_version=CLEANER_VERSION,
                fingerprints=list(cleaned.fingerprints),
            )
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
