"""Links written in notes, and the backlinks they give their targets.

A note may link a document by its title, `[[OpenAI再陷宮斗]]` (folded, so 简体 and 繁體
spellings agree; a title not in the library yet is kept and resolves once it arrives),
or a document or highlight by pasting its Pizhu URL (`/documents/12/`,
`https://pizhu.example/documents/12/#highlight-34`). `Highlight.index()` records them
after every change to a note. The target's page shows "linked from" with the linking
passage; every read goes through `Highlight.objects.visible_to(user)`, so a private note
is never shown, counted or hinted at to anyone but its owner, and a shared one only to
those it is shared with (with its author's name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q

from library.chinese import search_key
from library.indexing import IndexedDocument
from library.models import Document

WIKI_LINK = re.compile(r"\[\[([^\[\]\n]{1,300})\]\]")
PIZHU_URL = re.compile(
    r"(?P<origin>https?://[^\s/<>()\[\]]+)?/documents/(?P<document>\d{1,18})/"
    r"(?:#highlight-(?P<highlight>\d{1,18}))?"
)


@dataclass(frozen=True)
class Link:
    """A link as written in a note: a title, or a document (and highlight) by id."""

    text: str
    start: int
    title: str = ""
    document: int | None = None
    highlight: int | None = None


def ours(origin: str | None) -> bool:
    """Whether an absolute URL's host is this site's (relative URLs always are)."""
    if not origin:
        return True
    host = (urlsplit(origin).hostname or "").lower()
    allowed = [h.lower().lstrip(".") for h in settings.ALLOWED_HOSTS]
    return "*" in allowed or any(host == h or host.endswith("." + h) for h in allowed)


def find_links(note: str) -> list[Link]:
    """The links in a note's text, in order (pure: no database)."""
    found = [
        Link(match.group(0), match.start(), title=match.group(1).strip())
        for match in WIKI_LINK.finditer(note)
        if match.group(1).strip()
    ]
    for match in PIZHU_URL.finditer(note):
        if ours(match.group("origin")):
            highlight = match.group("highlight")
            found.append(
                Link(
                    match.group(0),
                    match.start(),
                    document=int(match.group("document")),
                    highlight=int(highlight) if highlight else None,
                )
            )
    return sorted(found, key=lambda link: link.start)


def highlight_search_key(exact: str, note: str, tags: list[str]) -> str:
    """What searching one's own highlights looks in: quote, note and tags, folded."""
    return search_key("\n".join([exact, note, " ".join(tags)]))


class NoteLinkQuerySet(models.QuerySet):
    def record(self, highlight) -> list[NoteLink]:
        """Replace the links `highlight`'s note makes (called by `Highlight.index`)."""
        from .models import Highlight

        self.filter(source=highlight).delete()
        links = find_links(highlight.note)
        if not links:
            return []
        titles = {link.title: search_key(link.title).strip()[:500] for link in links if link.title}
        resolved = dict(
            IndexedDocument.objects.filter(title_key__in=set(titles.values()))
            .order_by("-document_id")
            .values_list("title_key", "document_id")
        )
        documents = set(
            Document.objects.filter(
                pk__in=[link.document for link in links if link.document]
            ).values_list("pk", flat=True)
        )
        targets = dict(
            Highlight.objects.filter(
                pk__in=[link.highlight for link in links if link.highlight]
            ).values_list("pk", "document_id")
        )
        rows = []
        for link in links:
            if link.title:
                key = titles[link.title]
                rows.append(
                    NoteLink(
                        source=highlight,
                        text=link.text[:500],
                        position=link.start,
                        title_key=key,
                        document_id=resolved.get(key),
                    )
                )
            elif link.document in documents:
                target = link.highlight if targets.get(link.highlight) == link.document else None
                rows.append(
                    NoteLink(
                        source=highlight,
                        text=link.text[:500],
                        position=link.start,
                        document_id=link.document,
                        target_id=target,
                    )
                )
        return self.bulk_create(rows)

    def to_document(self, document: Document, user):
        """The links to `document` (or its highlights) from notes `user` may read.

        A title link counts when it was resolved to the document, or when it names the
        document's title and was written before the document arrived.
        """
        from .models import Highlight

        title_key = search_key(document.title).strip()[:500]
        pointing = Q(document=document)
        if title_key:
            pointing |= Q(document__isnull=True, title_key=title_key)
        return (
            self.filter(pointing)
            .filter(source__in=Highlight.objects.visible_to(user))
            .exclude(source__document=document, target__isnull=True)
            .select_related("source__document", "source__user", "target")
            .order_by("-source__updated", "-pk")
        )


class NoteLink(models.Model):
    """A link from a highlight's note to a document, or to one highlight of it."""

    source = models.ForeignKey(
        "annotations.Highlight", on_delete=models.CASCADE, related_name="links"
    )
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.CASCADE, related_name="backlinks"
    )
    target = models.ForeignKey(
        "annotations.Highlight",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="backlinks",
    )
    title_key = models.CharField(max_length=500, blank=True, db_index=True)
    text = models.CharField(max_length=500, help_text="The link as written in the note.")
    position = models.PositiveIntegerField(help_text="Where in the note it is written.")

    objects = NoteLinkQuerySet.as_manager()

    class Meta:
        ordering = ["source", "position"]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.document_id or self.title_key}"

    def passage(self, width: int = 60) -> str:
        """The words of the note around the link, for "linked from"."""
        note = self.source.note
        start = max(0, self.position - width)
        end = min(len(note), self.position + len(self.text) + width)
        return ("…" if start else "") + note[start:end].strip() + ("…" if end < len(note) else "")
