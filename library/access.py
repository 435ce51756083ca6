"""Scoped lookups: every view reaches objects through these (404 when not visible)."""

from django.shortcuts import get_object_or_404

from .models import Document, Source


def get_document(request, pk: int) -> Document:
    queryset = Document.objects.visible_to(request.user).select_related("current_revision")
    return get_object_or_404(queryset, pk=pk)


def get_source(request, pk: int) -> Source:
    # Raw scraped bytes are for the staff who imported them, not for readers.
    queryset = Source.objects.all() if request.user.is_staff else Source.objects.none()
    return get_object_or_404(queryset, pk=pk)
