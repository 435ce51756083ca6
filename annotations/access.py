"""Scoped lookups: views reach highlights, replies, groups and documents only through
these. Reads go through `visible_to`, writes through `owned_by`; anything else is 404."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from library.models import Document

from .models import Highlight, ReadingGroup, Reply


def get_highlight(request, pk: int) -> Highlight:
    """A highlight the reader may see (own or shared with them); 404 otherwise."""
    queryset = Highlight.objects.visible_to(request.user).select_related("user")
    return get_object_or_404(queryset.prefetch_related("tags"), pk=pk)


def get_own_highlight(request, pk: int) -> Highlight:
    """The reader's own highlight, to change or delete; 404 for anyone else's."""
    queryset = Highlight.objects.owned_by(request.user).select_related("user")
    return get_object_or_404(queryset.prefetch_related("tags"), pk=pk)


def get_own_reply(request, pk: int) -> Reply:
    """The reader's own reply to a highlight they may still see; 404 otherwise."""
    queryset = Reply.objects.owned_by(request.user).select_related("user")
    return get_object_or_404(queryset, pk=pk)


def get_group(request, pk: int) -> ReadingGroup:
    """A reading group the reader belongs to; 404 for the others."""
    return get_object_or_404(ReadingGroup.objects.of(request.user), pk=pk)


def get_owned_group(request, pk: int) -> ReadingGroup:
    """A group the reader owns; 404 for a group they are only in, as for the others."""
    return get_object_or_404(ReadingGroup.objects.owned_by(request.user), pk=pk)


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
