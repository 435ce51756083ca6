"""Helpers for tests of derived data: the seed themes and entities, indexed documents."""

import json

from django.conf import settings

from library.entities import Entity, Theme
from library.indexing import reindex
from tests.factories import make_document


def load_entities() -> None:
    """The seed file's themes and entities, as `load_seeds` loads them."""
    data = json.loads((settings.BASE_DIR / "seeds" / "entities.json").read_text("utf-8"))
    Theme.objects.load(data["themes"])
    Entity.objects.load(data["entities"])


def make_indexed(text: str, **fields):
    """A document made from `text` (first line: the title) and indexed."""
    document = make_document(text, **fields)
    reindex([document])
    document.refresh_from_db()
    return document
