"""GET, PATCH and DELETE on /api/highlights/<id>/."""

import pytest

from annotations.models import Highlight, reanchor_document
from tests.factories import make_document

from .api import csrf_client, detail_url, send
from .factories import ARTICLE, make_highlight, revise


def patch(client, highlight, data, **extra):
    return send(client, "PATCH", detail_url(highlight), data, **extra)


def errors(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["errors"]


def unchanged(highlight) -> bool:
    stored = Highlight.objects.get(pk=highlight.pk)
    return stored.to_dict() == highlight.to_dict()


# --- GET --------------------------------------------------------------------------


def test_it_shows_the_readers_highlight(client, alice):
    highlight = make_highlight(alice, note="笔记", tags=["safety"])
    client.force_login(alice)
    response = client.get(detail_url(highlight))
    assert response.status_code == 200
    assert response.json() == Highlight.objects.get(pk=highlight.pk).to_dict()
    assert response["ETag"] == '"1"'
    assert "no-cache" in response["Cache-Control"]


def test_anonymous_readers_get_401(client, alice):
    highlight = make_highlight(alice)
    assert client.get(detail_url(highlight)).status_code == 401


def test_another_readers_highlight_is_404(client, alice, bob):
    highlight = make_highlight(alice, note="私密")
    client.force_login(bob)
    response = client.get(detail_url(highlight))
    assert response.status_code == 404
    assert "私密" not in response.content.decode()
    assert client.get("/api/highlights/999999/").status_code == 404


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_post_and_put_are_405(client, alice, method):
    highlight = make_highlight(alice)
    client.force_login(alice)
    response = send(client, method, detail_url(highlight), {"note": "x"})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, PATCH, DELETE"
    assert unchanged(highlight)


# --- PATCH ------------------------------------------------------------------------


def test_it_changes_note_and_tags(client, alice):
    highlight = make_highlight(alice, tags=["old"])
    client.force_login(alice)
    response = patch(client, highlight, {"version": 1, "note": "新笔记", "tags": ["Scaling"]})
    assert response.status_code == 200
    stored = Highlight.objects.get(pk=highlight.pk)
    assert (stored.note, stored.version) == ("新笔记", 2)
    assert [t.name for t in stored.tags.all()] == ["Scaling"]
    assert response.json() == stored.to_dict()
    assert response["ETag"] == '"2"'
    assert (stored.start, stored.exact) == (highlight.start, highlight.exact)


def test_the_version_may_come_as_if_match(client, alice):
    highlight = make_highlight(alice)
    client.force_login(alice)
    assert patch(client, highlight, {"note": "一"}, HTTP_IF_MATCH='"1"').status_code == 200
    assert patch(client, highlight, {"note": "二"}, HTTP_IF_MATCH="2").status_code == 200
    assert Highlight.objects.get(pk=highlight.pk).note == "二"
    assert "version" in errors(patch(client, highlight, {"note": "三"}, HTTP_IF_MATCH='"x"'))


def test_a_patch_without_a_version_is_400(client, alice):
    highlight = make_highlight(alice)
    client.force_login(alice)
    assert "version" in errors(patch(client, highlight, {"note": "x"}))
    assert "version" in errors(patch(client, highlight, {"note": "x", "version": "1"}))
    assert unchanged(highlight)


def test_a_stale_version_is_409_with_the_current_highlight(client, alice):
    highlight = make_highlight(alice)
    client.force_login(alice)
    assert patch(client, highlight, {"version": 1, "note": "先到"}).status_code == 200
    response = patch(client, highlight, {"version": 1, "note": "后到"})
    assert response.status_code == 409
    body = response.json()
    assert body["current"]["note"] == "先到"
    assert body["current"]["version"] == 2
    assert "version" in body["errors"]
    assert Highlight.objects.get(pk=highlight.pk).note == "先到"


def test_reanchoring_makes_an_old_version_stale(client, alice):
    document = make_document(ARTICLE)
    highlight = make_highlight(alice, document)
    revise(document, "导语。\n" + ARTICLE)
    reanchor_document(document)
    client.force_login(alice)
    assert patch(client, highlight, {"version": 1, "note": "x"}).status_code == 409


def test_another_reader_cannot_change_a_highlight(client, alice, bob):
    highlight = make_highlight(alice, note="原样")
    client.force_login(bob)
    response = patch(client, highlight, {"version": 1, "note": "改了"})
    assert response.status_code == 404
    assert unchanged(highlight)


def test_anonymous_readers_cannot_change_a_highlight(client, alice):
    highlight = make_highlight(alice)
    assert patch(client, highlight, {"version": 1, "note": "x"}).status_code == 401
    assert unchanged(highlight)


def test_a_patch_without_the_csrf_token_is_403(alice):
    highlight = make_highlight(alice)
    client, token = csrf_client(alice)
    assert patch(client, highlight, {"version": 1, "note": "x"}).status_code == 403
    assert unchanged(highlight)
    assert patch(client, highlight, {"version": 1}, HTTP_X_CSRFTOKEN=token).status_code == 200


def test_it_reattaches_an_orphan_by_new_offsets(client, alice):
    document = make_document(ARTICLE)
    highlight = make_highlight(alice, document)
    revise(document, ARTICLE.replace("监管应当跟上技术的发展", "监管须跟上科技进步"))
    reanchor_document(document)
    highlight.refresh_from_db()
    assert highlight.state == "orphaned"
    start = document.current_revision.text.index("监管须跟上科技进步")
    client.force_login(alice)
    data = {
        "version": highlight.version,
        "start": start,
        "end": start + 9,
        "exact": "监管须跟上科技进步",
    }
    response = patch(client, highlight, data)
    assert response.status_code == 200
    stored = Highlight.objects.get(pk=highlight.pk)
    assert (stored.state, stored.revision, stored.exact) == (
        "exact",
        document.current_revision,
        "监管须跟上科技进步",
    )


def test_moving_needs_start_end_and_exact_together(client, alice):
    highlight = make_highlight(alice)
    client.force_login(alice)
    assert set(errors(patch(client, highlight, {"version": 1, "start": 0}))) == {"end", "exact"}
    assert set(errors(patch(client, highlight, {"version": 1, "prefix": "x"}))) == {
        "start",
        "end",
        "exact",
    }
    assert unchanged(highlight)


@pytest.mark.parametrize(
    "change",
    [
        {"start": -1},
        {"start": 1.5},
        {"start": "0"},
        {"start": True},
        {"end": 10**12},
        {"end": 100_000},
        {"exact": "不是这段"},
    ],
)
def test_it_rejects_bad_offsets_and_keeps_the_highlight(client, alice, change):
    highlight = make_highlight(alice)
    client.force_login(alice)
    data = {"version": 1, "start": highlight.start, "end": highlight.end, "exact": highlight.exact}
    assert set(errors(patch(client, highlight, data | change))) == set(change)
    assert unchanged(highlight)


@pytest.mark.parametrize(
    "change",
    [
        {"document": 2},
        {"state": "exact"},
        {"colour": "red"},
        {"note": "x" * 10_001},
        {"note": 5},
        {"tags": ["a\u2066b"]},
    ],
)
def test_it_rejects_other_bad_changes(client, alice, change):
    highlight = make_highlight(alice)
    client.force_login(alice)
    assert set(errors(patch(client, highlight, {"version": 1} | change))) == set(change)
    assert unchanged(highlight)


def test_a_patch_body_that_is_not_json_is_400(client, alice):
    highlight = make_highlight(alice)
    client.force_login(alice)
    response = send(client, "PATCH", detail_url(highlight), raw="{note: x}")
    assert "body" in errors(response)


# --- DELETE -----------------------------------------------------------------------


def test_it_deletes_the_highlight(client, alice):
    highlight = make_highlight(alice, tags=["safety"])
    client.force_login(alice)
    response = client.delete(detail_url(highlight))
    assert response.status_code == 204
    assert not Highlight.objects.exists()


def test_another_reader_cannot_delete_a_highlight(client, alice, bob):
    highlight = make_highlight(alice)
    client.force_login(bob)
    assert client.delete(detail_url(highlight)).status_code == 404
    assert unchanged(highlight)


def test_anonymous_readers_cannot_delete(client, alice):
    highlight = make_highlight(alice)
    assert client.delete(detail_url(highlight)).status_code == 401
    assert Highlight.objects.filter(pk=highlight.pk).exists()


def test_a_delete_with_a_stale_if_match_is_409(client, alice):
    highlight = make_highlight(alice)
    client.force_login(alice)
    highlight.edit(version=1, note="changed elsewhere")
    assert client.delete(detail_url(highlight), HTTP_IF_MATCH='"1"').status_code == 409
    assert Highlight.objects.filter(pk=highlight.pk).exists()
    assert client.delete(detail_url(highlight), HTTP_IF_MATCH='"2"').status_code == 204


def test_a_delete_without_the_csrf_token_is_403(alice):
    highlight = make_highlight(alice)
    client, token = csrf_client(alice)
    assert client.delete(detail_url(highlight)).status_code == 403
    assert Highlight.objects.filter(pk=highlight.pk).exists()
    assert client.delete(detail_url(highlight), HTTP_X_CSRFTOKEN=token).status_code == 204
