"""What the reading page shows around an article: related documents with their reasons,
the same article imported twice ("same article as…"), the entities it mentions (with
their offsets, for light underlines) and the themes it is about.

`layer` is named in settings.PIZHU_READING_LAYERS; four queries whatever the article.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q

from .entities import ABOUT_HITS, DocumentTheme, Entity, Mention
from .models import Document, NearDuplicate, Revision
from .related import RelatedDocument


@dataclass
class Connections:
    related: list[RelatedDocument] = field(default_factory=list)
    duplicates: list[tuple[Document, float]] = field(default_factory=list)
    entities: list[tuple[Entity, int]] = field(default_factory=list)
    themes: list[DocumentTheme] = field(default_factory=list)
    mentions: dict = field(default_factory=dict)  # for the page's script

    def __bool__(self) -> bool:
        return bool(self.related or self.duplicates or self.entities or self.themes)


def duplicates_of(document: Document) -> list[tuple[Document, float]]:
    """The other documents found to be the same article, most similar first."""
    pairs = (
        NearDuplicate.objects.filter(Q(document=document) | Q(original=document))
        .select_related("document", "original")
        .only("similarity", "document__id", "document__title", "original__id", "original__title")
        .order_by("-similarity")
    )
    return [
        (pair.original if pair.document_id == document.pk else pair.document, pair.similarity)
        for pair in pairs
    ]


def mentions_of(revision: Revision) -> tuple[list[tuple[Entity, int]], dict]:
    """The entities the revision mentions (most mentioned first) and, for the page's
    script, every mention as [start, end, entity index] with the entities' names and
    addresses."""
    rows = list(
        Mention.objects.filter(revision=revision)
        .order_by("start")
        .values_list("start", "end", "entity_id", "entity__name", "entity__slug")
    )
    counts = Counter(row[2] for row in rows)
    entities: dict[int, Entity] = {}
    for _, _, pk, name, slug in rows:
        entities.setdefault(pk, Entity(pk=pk, name=name, slug=slug))
    ordered = sorted(entities.values(), key=lambda e: (-counts[e.pk], e.name))
    index = {entity.pk: i for i, entity in enumerate(ordered)}
    data = {
        "entities": [
            {"name": e.name, "url": e.get_absolute_url(), "count": counts[e.pk]} for e in ordered
        ],
        "mentions": [[start, end, index[pk]] for start, end, pk, _, _ in rows],
    }
    return [(entity, counts[entity.pk]) for entity in ordered], data


def connections_of(document: Document, revision: Revision | None) -> Connections:
    found = Connections()
    found.related = list(RelatedDocument.objects.of(document))
    found.duplicates = duplicates_of(document)
    if revision is not None:
        found.entities, found.mentions = mentions_of(revision)
    found.themes = list(
        DocumentTheme.objects.filter(document=document, hits__gte=ABOUT_HITS)
        .select_related("theme")
        .order_by("-score")
    )
    return found


def layer(request, document: Document, revision: Revision | None) -> dict:
    """The reading page's cross-links (see the module's docstring)."""
    return {"connections": connections_of(document, revision)}
