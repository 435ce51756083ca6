"""The import pipeline: raw bytes in, one result per item out.

Plain functions (STYLE.md's one exception to "logic lives on models"): each item is
accounted for as created / updated / duplicate / rejected / failed, with a reason.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db import transaction

from .cleaning import Cleaned, Rejected, clean
from .models import Document, Revision, SiteRules, Source, site_of

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


def import_bytes(data: bytes, *, name: str, origin: str = "", user=None) -> ItemResult:
    """Import one file: keep its bytes, clean it, create or revise its Document.

    `origin` (a URL or path) identifies the page across re-imports: new bytes for a
    known origin make a new revision of the same document.
    """
    limit = settings.PIZHU_MAX_IMPORT_BYTES
    if len(data) > limit:
        return ItemResult(name, Status.REJECTED, f"file is larger than {limit} bytes")
    if not data.strip():
        return ItemResult(name, Status.REJECTED, "empty file")

    source, _ = Source.objects.store(data, filename=name, origin=origin, user=user)
    earlier = Revision.objects.filter(source=source).values_list("document_id", flat=True).first()
    if earlier is not None:
        return ItemResult(name, Status.DUPLICATE, "same bytes as an earlier import", earlier)

    # A URL origin names the site before cleaning: its rules and boilerplate apply.
    site = site_of(origin)
    try:
        cleaned = clean(
            data,
            filename=name,
            disabled=SiteRules.objects.disabled_for(site),
            boilerplate=Document.objects.site_boilerplate(site),
        )
    except Rejected as error:
        return ItemResult(name, Status.REJECTED, str(error))
    except Exception as error:
        log.exception("cleaning %s failed", name)
        return ItemResult(name, Status.FAILED, f"cleaner error: {error!r}")

    try:
        with transaction.atomic():
            Source.objects.filter(pk=source.pk).update(
                encoding=cleaned.encoding, encoding_confidence=cleaned.encoding_confidence
            )
            document = Document.objects.with_origin(origin).first()
            if document is None:
                document = Document.objects.create_from(cleaned, source=source, origin=origin)
                return ItemResult(name, Status.CREATED, encoding_warning(cleaned), document.pk)
            if document.add_revision(cleaned, source=source) is None:
                reason = "new bytes, but the same text as the current revision"
                return ItemResult(name, Status.DUPLICATE, reason, document.pk)
    except Exception as error:
        log.exception("storing %s failed", name)
        return ItemResult(name, Status.FAILED, f"database error: {error!r}")
    document.after_revision()
    warning = encoding_warning(cleaned)
    reason = f"new revision; {warning}" if warning else "new revision"
    return ItemResult(name, Status.UPDATED, reason, document.pk)
