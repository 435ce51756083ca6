"""What annotations add around an article on the reading page: the reader's suggested
highlights (theme passages to accept or dismiss) and "linked from" (notes that link this
article or its highlights, only those the reader may read).

`layer` is named in settings.PIZHU_READING_LAYERS, after the library's own.
"""

from __future__ import annotations

from django.urls import reverse

from library.models import Document, Revision

from .links import NoteLink
from .models import Highlight
from .suggestions import suggestions_for


def backlinks_for(document: Document, user) -> list[NoteLink]:
    """Notes linking `document` that `user` may read, each with the linked highlight's
    quote only when they may read that highlight too."""
    if not user.is_authenticated:
        return []
    links = list(NoteLink.objects.to_document(document, user))
    targets = [link.target_id for link in links if link.target_id]
    readable = set(
        Highlight.objects.visible_to(user).filter(pk__in=targets).values_list("pk", flat=True)
        if targets
        else ()
    )
    for link in links:
        link.readable_target = link.target if link.target_id in readable else None
    return links


def layer(request, document: Document, revision: Revision | None) -> dict:
    user = request.user
    return {
        "suggestions": suggestions_for(user, document),
        "backlinks": backlinks_for(document, user),
        "reading_connections": "annotations/_connections.html",
        "links_config": {
            "targets": reverse("annotations:link-targets"),
            "mentions": True,
        },
    }
