"""Themes, entities and where documents mention them (models; imported by library.models).

Themes are curated tags (taggit names such as "safety") with a label and keyword rules;
entities have aliases in every script and language. Both are matched on the folded
search key, so one Simplified spelling serves both scripts. What a document mentions and
which themes it is about is derived data: `library.indexing` rebuilds it after each new
revision, and `manage.py index_documents` for the whole library.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils.text import slugify

from .chinese import search_key
from .mentions import Alias as MatcherAlias
from .mentions import Matcher
from .models import Document, Revision
from .reading import convert, display_config

# A document is about a theme from this many keyword hits (a title hit counts three).
ABOUT_HITS = 3


def name_key(name: str) -> str:
    """What decides that two spellings name one theme or tag: the search folding (NFKC,
    Simplified, casefold) with runs of whitespace as one space, so "Safety", "SAFETY"
    and "ｓａｆｅｔｙ" are one name, and so are 治理 and 治理, 監管 and 监管."""
    return " ".join(search_key(name).split())


def lines(text: str) -> list[str]:
    """The non-blank lines of an admin's list field (keywords, excluded words)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class ThemeQuerySet(models.QuerySet):
    def resolve(self, name: str) -> Theme | None:
        """The theme `name` stands for, in any script or case: its tag name or its label
        ("safety", "Safety", "安全"; "規模化" and "规模化" are both scaling)."""
        key = name_key(name)
        if not key:
            return None
        for theme in self.all():
            if key in theme.keys:
                return theme
        return None

    def canonical(self, names: list[str]) -> list[str]:
        """`names` with each theme's label or other spelling replaced by its tag name."""
        themes = list(self.all())
        result: dict[str, str] = {}
        for name in names:
            key = name_key(name)
            match = next((theme.name for theme in themes if key in theme.keys), name)
            result.setdefault(name_key(match), match)
        return list(result.values())

    def keyword_aliases(self) -> list[MatcherAlias]:
        """Every theme's keywords, for the analyser (`entity` is the theme's name)."""
        return [
            MatcherAlias(theme.name, keyword)
            for theme in self.all()
            for keyword in theme.keyword_list
        ]

    def labels(self) -> dict[str, str]:
        """Tag name → label (Simplified), in the admin's order."""
        return {theme.name: theme.label for theme in self.all()}

    def load(self, themes: list[dict]) -> int:
        """Create the seed file's themes that do not exist yet (admins' edits stay);
        returns how many were added."""
        known = set(self.values_list("name", flat=True))
        new = [
            Theme(
                name=theme["name"],
                label=theme.get("label", ""),
                description=theme.get("description", ""),
                keywords="\n".join(theme.get("keywords", [])),
                position=position,
            )
            for position, theme in enumerate(themes)
            if theme["name"] not in known
        ]
        self.bulk_create(new)
        return len(new)


class Theme(models.Model):
    """A curated tag with keyword rules that suggest it for documents and passages."""

    name = models.CharField(
        max_length=100, unique=True, help_text="The tag name readers see and use, e.g. safety."
    )
    label = models.CharField(
        max_length=100, help_text="Chinese label (Simplified; Traditional is derived), e.g. 安全."
    )
    description = models.TextField(blank=True)
    keywords = models.TextField(
        blank=True,
        help_text="One keyword per line, in either script or English (matched on folded "
        "text, so 对齐 also finds 對齊; English keywords match whole words).",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in lists.")

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return f"{self.label} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("annotations:theme-detail", args=[self.name])

    @property
    def keyword_list(self) -> list[str]:
        return lines(self.keywords)

    @property
    def keys(self) -> set[str]:
        """The folded spellings that name this theme."""
        return {name_key(self.name), name_key(self.label)} - {""}

    def label_in(self, script: str) -> str:
        """The label in a display script (简体 / 繁體 …)."""
        return convert(self.label, display_config(script, "simplified"))


class Kind(models.TextChoices):
    PERSON = "person", "person"
    ORGANIZATION = "organization", "organization"
    PRODUCT = "product", "product"
    PLACE = "place", "place"
    OTHER = "other", "other"


class EntityQuerySet(models.QuerySet):
    def aliases(self) -> list[MatcherAlias]:
        """Every alias of these entities, and the entity's own name, for the matcher."""
        found = []
        for entity in self.prefetch_related("aliases"):
            exclude = tuple(lines(entity.exclude))
            spellings = [entity.name, *(alias.text for alias in entity.aliases.all())]
            found.extend(MatcherAlias(str(entity.pk), text, exclude) for text in spellings)
        return found

    def matcher(self) -> Matcher:
        """A matcher of every alias of these entities (entity ids as names), for queries."""
        return Matcher(self.aliases())

    def with_document_counts(self):
        return self.annotate(documents=Count("document_counts"))

    def load(self, entities: list[dict]) -> int:
        """Create the seed file's entities (with their aliases) that do not exist yet;
        existing ones stay as admins left them. Returns how many were added."""
        known = set(self.values_list("name", flat=True))
        added = 0
        for item in entities:
            if item["name"] in known:
                continue
            entity = self.create(
                name=item["name"],
                slug=slugify(item["name"]) or slugify(item["name"], allow_unicode=True),
                kind=item.get("kind", Kind.OTHER),
                description=item.get("description", ""),
                exclude="\n".join(item.get("exclude", [])),
            )
            spellings = dict.fromkeys(a for a in item.get("aliases", []) if a != entity.name)
            Alias.objects.bulk_create(Alias(entity=entity, text=text) for text in spellings)
            added += 1
        return added


class Entity(models.Model):
    """A person, organisation or product the library talks about, with its aliases."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(blank=True)
    exclude = models.TextField(
        blank=True,
        help_text="Longer words that contain an alias but are not this entity, one per line "
        "(马斯克林 is not 马斯克).",
    )

    objects = EntityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "entities"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("annotations:entity-detail", args=[self.slug])


class Alias(models.Model):
    """Another way to write an entity's name: 奥特曼, 奧特曼 (same key), Altman, 阿尔特曼."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="aliases")
    text = models.CharField(max_length=200)

    class Meta:
        ordering = ["entity", "text"]
        verbose_name_plural = "aliases"
        constraints = [
            models.UniqueConstraint(fields=["entity", "text"], name="unique_alias_per_entity")
        ]

    def __str__(self) -> str:
        return self.text


class MentionQuerySet(models.QuerySet):
    def of_entity(self, entity: Entity):
        return self.filter(entity=entity)

    def overlapping(self, revision_id, start, end):
        return self.filter(revision_id=revision_id, start__lt=end, end__gt=start)


class Mention(models.Model):
    """Where a document's current revision names an entity (code-point offsets)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="mentions")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="mentions")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()

    objects = MentionQuerySet.as_manager()

    class Meta:
        ordering = ["document", "start"]
        indexes = [
            models.Index(fields=["entity", "document", "start"], name="mention_entity_document"),
            models.Index(fields=["revision", "start"], name="mention_revision_start"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} at {self.document_id}:{self.start}"


class DocumentEntity(models.Model):
    """How often a document mentions an entity: related articles and entity pages."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="entity_counts")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="document_counts")
    mentions = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "entity"], name="unique_document_entity")
        ]
        indexes = [models.Index(fields=["entity", "-mentions"], name="document_entity_ranked")]

    def __str__(self) -> str:
        return f"{self.document_id} mentions {self.entity_id} ×{self.mentions}"


class DocumentThemeQuerySet(models.QuerySet):
    def about(self, theme: Theme):
        """The documents about `theme`, most about it first."""
        return self.filter(theme=theme, hits__gte=ABOUT_HITS).order_by("-score", "-document_id")


class DocumentTheme(models.Model):
    """A theme the rules find a document to be about, with how much (see Analysis)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="theme_scores")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="document_scores")
    hits = models.PositiveIntegerField(help_text="Keyword hits (title hits count three).")
    score = models.FloatField()

    objects = DocumentThemeQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "theme"], name="unique_document_theme")
        ]
        indexes = [models.Index(fields=["theme", "-score"], name="document_theme_ranked")]

    def __str__(self) -> str:
        return f"{self.document_id} about {self.theme_id} ({self.score})"


class ThemePassage(models.Model):
    """A sentence the theme's keywords point at: a highlight to suggest to readers."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="theme_passages")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="passages")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    hits = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["document", "start", "theme"]
        indexes = [models.Index(fields=["document", "start"], name="theme_passage_document")]

    def __str__(self) -> str:
        return f"{self.theme} passage {self.document_id}:{self.start}-{self.end}"
