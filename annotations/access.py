"""Scoped lookups: the API reaches highlights and documents only through these."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from library.models import Document

from .models import Highlight


def get_highlight(request, pk: int) -> Highlight:
    """The reader's own highlight; 404 for anyone else's, as for a missing one."""
    queryset = Highlight.objects.visible_to(request.user).prefetch_related("tags")
    return get_object_or_404(queryset, pk=pk)


def get_document_to_annotate(request, pk: int) -> Document:
    """A document the reader may highlight, named in a request body (400 if none)."""
    queryset = Document.objects.visible_to(request.user).select_related("current_revision")
    document = queryset.filter(pk=pk).first()
    if document is None:
        raise ValidationError({"document": ["No such document."]})
    return document


def get_reader_document(request, pk: int) -> Document | None:
    """A document the reader may see, named in a URL or query (None if none)."""
    return Document.objects.visible_to(request.user).filter(pk=pk).first()
