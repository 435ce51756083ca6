"""Suggested highlights: passages the theme rules point at, for each reader to accept or
dismiss.

The passages themselves belong to the document (`library.entities.ThemePassage`,
rebuilt with each revision). What a reader decided is kept by the passage's words, not
its id, so a dismissal survives re-cleaning: accepting makes the reader's own highlight
with the theme's tag (which then hides the suggestion), dismissing records it here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone

from library.models import Document, Theme, ThemePassage

# Dismissals are matched by the passage's words (passages are at most 300 characters).
MAX_EXACT = 1000


@dataclass(frozen=True)
class Suggestion:
    passage: ThemePassage
    exact: str

    @property
    def theme(self) -> Theme:
        return self.passage.theme


class DismissedSuggestionQuerySet(models.QuerySet):
    def dismiss(self, user, passage: ThemePassage, exact: str) -> DismissedSuggestion:
        dismissed, _ = self.get_or_create(
            user=user, document_id=passage.document_id, theme_id=passage.theme_id, exact=exact
        )
        return dismissed


class DismissedSuggestion(models.Model):
    """A suggested passage a reader does not want suggested again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dismissed_suggestions"
    )
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")
    exact = models.CharField(max_length=MAX_EXACT)
    dismissed_at = models.DateTimeField(default=timezone.now)

    objects = DismissedSuggestionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "document", "theme", "exact"], name="one_dismissal_per_passage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} dismissed {self.theme} in {self.document_id}"


def suggestions_for(user, document: Document) -> list[Suggestion]:
    """The passages to suggest to `user` in `document`'s current revision: not dismissed,
    and not already covered by one of their highlights with the theme's tag."""
    from .models import Highlight

    revision = document.current_revision
    if revision is None or not user.is_authenticated:
        return []
    passages = list(
        ThemePassage.objects.filter(document=document, revision=revision).select_related("theme")
    )
    if not passages:
        return []
    dismissed = set(
        DismissedSuggestion.objects.filter(user=user, document=document).values_list(
            "theme_id", "exact"
        )
    )
    themes = {p.theme.name.casefold(): p.theme_id for p in passages}
    covered: list[tuple[int, int, int]] = []
    rows = (
        Highlight.objects.owned_by(user)
        .filter(document=document, revision=revision)
        .filter(tags__name__in=[p.theme.name for p in passages])
        .values_list("start", "end", "tags__name")
    )
    for start, end, tag in rows:
        if tag.casefold() in themes:
            covered.append((start, end, themes[tag.casefold()]))
    found = []
    for passage in passages:
        exact = revision.text[passage.start : passage.end]
        if (passage.theme_id, exact[:MAX_EXACT]) in dismissed:
            continue
        if any(
            theme == passage.theme_id and start < passage.end and end > passage.start
            for start, end, theme in covered
        ):
            continue
        found.append(Suggestion(passage, exact))
    return found
