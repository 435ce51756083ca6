"""Tag identity: one canonical key per tag, the first spelling kept for display.

A taggit `Tag` keeps the name it was first written with ("Safety", "監管"); its `TagKey`
is the folded name (`library.entities.name_key`: NFKC, Simplified, casefold, single
spaces), unique, so "SAFETY", "ｓａｆｅｔｙ" and "safety" are one tag, and so are 監管 and
监管, 治理 and 治理 (U+F9E4). Names reach here already checked by
`annotations.schemas.normalize_tag` (no invisible or control characters, 50 at most).

Tags written by other paths (document tags from imports, the taggit admin) get their
key the first time they are looked up here.
"""

from __future__ import annotations

from django.db import IntegrityError, models, transaction
from django.db.models import Q
from taggit.models import Tag

from library.entities import name_key
from library.models import Theme as CuratedTheme

# The longest key a 50-character name can fold to (casefolding may triple a character).
MAX_KEY_LENGTH = 200


def tag_key(name: str) -> str:
    """The canonical form that decides which tag `name` is."""
    return name_key(name)


class TagKey(models.Model):
    """The canonical key of a taggit tag (one per tag, unique across tags)."""

    tag = models.OneToOneField(
        Tag, on_delete=models.CASCADE, primary_key=True, related_name="canonical"
    )
    key = models.CharField(max_length=MAX_KEY_LENGTH, unique=True)

    class Meta:
        app_label = "annotations"

    def __str__(self) -> str:
        return self.key


def find_tag(name: str) -> Tag | None:
    """The existing tag `name` (normalised) stands for, in any case, width or script:
    "Safety" finds "safety", 监管 finds 監管. None when there is none yet."""
    key = tag_key(name)
    found = TagKey.objects.filter(key=key).select_related("tag").first()
    if found is not None:
        return found.tag
    return _adopt_unkeyed(name, key)


def _adopt_unkeyed(name: str, key: str) -> Tag | None:
    """A tag written without a key whose name folds to `key`, keyed from now on.

    Looks at spellings that differ in case only (what taggit's own paths write), so a
    lookup stays one query; the oldest such tag wins."""
    spellings = {name, name.lower(), name.upper(), name.title(), key}
    candidates = Tag.objects.filter(Q(name__iexact=name) | Q(name__in=spellings))
    candidates = candidates.filter(canonical__isnull=True).order_by("pk")
    for tag in candidates:
        if tag_key(tag.name) == key:
            try:
                with transaction.atomic():
                    TagKey.objects.create(tag=tag, key=key)
            except IntegrityError:  # keyed by a concurrent request meanwhile
                return find_tag(name)
            return tag
    return None


def tags_named(names: list[str]) -> list[Tag]:
    """The tags for `names` (normalised), created when new with the spelling given.

    A theme's label or name in any script or case stands for the theme: 規模化, 规模化
    and Scaling are "scaling". Spellings of one tag collapse to one.
    """
    tags: dict[int, Tag] = {}
    for name in CuratedTheme.objects.canonical(names):
        tag = find_tag(name) or _create(name)
        tags.setdefault(tag.pk, tag)
    return list(tags.values())


def _create(name: str) -> Tag:
    key = tag_key(name)
    try:
        with transaction.atomic():
            tag = Tag.objects.create(name=name)
            TagKey.objects.create(tag=tag, key=key)
            return tag
    except IntegrityError:
        # Another request created this name or another spelling of it meanwhile.
        found = find_tag(name)
        if found is None:
            raise
        return found
