"""GET and PUT /api/progress/<document>/: where the reader is in a document."""

import pytest

from annotations.models import ReadingProgress
from tests.factories import make_document

from .api import csrf_client, send


def url(document) -> str:
    return f"/api/progress/{document.pk}/"


def test_it_remembers_where_the_reader_is(client, alice):
    document = make_document()
    client.force_login(alice)
    response = send(client, "PUT", url(document), {"offset": 12, "fraction": 0.5})
    assert response.status_code == 200
    stored = ReadingProgress.objects.get(user=alice, document=document)
    assert (stored.offset, stored.fraction) == (12, 0.5)
    assert response.json() == stored.to_dict()
    send(client, "PUT", url(document), {"offset": 30, "fraction": 1})
    assert ReadingProgress.objects.get(user=alice, document=document).offset == 30
    assert client.get(url(document)).json()["offset"] == 30


def test_a_document_not_yet_read_is_at_the_start(client, alice):
    document = make_document()
    client.force_login(alice)
    assert client.get(url(document)).json() == {
        "document": document.pk,
        "offset": 0,
        "fraction": 0.0,
        "updated": None,
    }


def test_anonymous_readers_get_401(client, db):
    document = make_document()
    assert send(client, "PUT", url(document), {"offset": 1, "fraction": 0}).status_code == 401
    assert not ReadingProgress.objects.exists()


def test_each_reader_has_their_own_place(client, alice, bob):
    document = make_document()
    ReadingProgress.objects.record(alice, document, offset=40, fraction=0.9)
    client.force_login(bob)
    assert client.get(url(document)).json()["offset"] == 0
    send(client, "PUT", url(document), {"offset": 2, "fraction": 0.1})
    assert ReadingProgress.objects.get(user=alice).offset == 40


def test_an_unknown_document_is_404(client, alice):
    client.force_login(alice)
    response = send(client, "PUT", "/api/progress/999999/", {"offset": 1, "fraction": 0})
    assert response.status_code == 404
    assert response.json() == {"errors": {"__all__": ["No such document."]}}


@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE"])
def test_other_methods_are_405(client, alice, method):
    client.force_login(alice)
    response = send(client, method, url(make_document()), {"offset": 1, "fraction": 0})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, PUT"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"offset": -1, "fraction": 0}, "offset"),
        ({"offset": 1.5, "fraction": 0}, "offset"),
        ({"offset": "3", "fraction": 0}, "offset"),
        ({"offset": True, "fraction": 0}, "offset"),
        ({"offset": 2**40, "fraction": 0}, "offset"),
        ({"offset": 1, "fraction": 1.5}, "fraction"),
        ({"offset": 1, "fraction": False}, "fraction"),
        ({"offset": 1, "fraction": "0.5"}, "fraction"),
        ({"offset": 1}, "fraction"),
        ({"offset": 1, "fraction": 0, "page": 2}, "page"),
    ],
)
def test_bad_values_are_400_per_field(client, alice, body, field):
    client.force_login(alice)
    response = send(client, "PUT", url(make_document()), body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ReadingProgress.objects.exists()


def test_csrf_is_enforced(alice):
    document = make_document()
    client, token = csrf_client(alice)
    body = {"offset": 1, "fraction": 0.25}
    assert send(client, "PUT", url(document), body).status_code == 403
    assert (
        send(client, "PUT", url(document), body, headers={"x-csrftoken": token}).status_code == 200
    )
