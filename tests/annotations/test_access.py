import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import RequestFactory

from annotations.access import get_document_to_annotate, get_highlight

from .factories import make_highlight


def request_by(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_get_highlight_finds_only_the_owners(alice, bob):
    highlight = make_highlight(alice)
    assert get_highlight(request_by(alice), highlight.pk) == highlight
    with pytest.raises(Http404):
        get_highlight(request_by(bob), highlight.pk)


def test_a_missing_document_is_a_field_error(alice):
    with pytest.raises(ValidationError) as error:
        get_document_to_annotate(request_by(alice), 999999)
    assert error.value.message_dict == {"document": ["No such document."]}
