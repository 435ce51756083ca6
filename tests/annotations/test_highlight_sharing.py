"""Sharing through the highlight API: `sharing`, `group` and `author` in the JSON,
changed by the owner's PATCH; others may read a shared highlight but never change it."""

import pytest

from annotations.models import Highlight, Sharing

from .api import LIST_URL, csrf_client, detail_url, send
from .factories import make_group, make_highlight, share


def patch(client, highlight, data):
    return send(client, "PATCH", detail_url(highlight), data)


def test_the_json_says_who_wrote_it_and_who_sees_it(client, alice):
    alice.email = "alice@example.com"
    alice.save()
    highlight = make_highlight(alice)
    client.force_login(alice)
    data = client.get(detail_url(highlight)).json()
    assert (data["sharing"], data["group"], data["author"]) == ("private", None, "alice")
    assert "alice@example.com" not in str(data)


def test_the_owner_shares_with_one_of_their_groups(client, alice, bob):
    group = make_group(alice, bob)
    highlight = make_highlight(alice)
    client.force_login(alice)
    response = patch(client, highlight, {"version": 1, "sharing": "group", "group": group.pk})
    assert response.status_code == 200, response.content
    stored = Highlight.objects.get(pk=highlight.pk)
    assert (stored.sharing, stored.group, stored.version) == (Sharing.GROUP, group, 2)
    assert response.json()["group"] == group.pk


def test_the_owner_shares_with_the_library_and_takes_it_back(client, alice, bob):
    highlight = make_highlight(alice, note="见解")
    client.force_login(alice)
    assert patch(client, highlight, {"version": 1, "sharing": "library"}).status_code == 200
    client.force_login(bob)
    assert client.get(detail_url(highlight)).json()["note"] == "见解"
    client.force_login(alice)
    response = patch(client, highlight, {"version": 2, "sharing": "private", "group": None})
    assert response.status_code == 200
    client.force_login(bob)
    assert client.get(detail_url(highlight)).status_code == 404


def test_a_group_the_owner_is_not_in_is_refused(client, alice, carol):
    others = make_group(carol)
    highlight = make_highlight(alice)
    client.force_login(alice)
    response = patch(client, highlight, {"version": 1, "sharing": "group", "group": others.pk})
    assert response.status_code == 400
    assert "group" in response.json()["errors"]
    assert Highlight.objects.get(pk=highlight.pk).sharing == Sharing.PRIVATE


@pytest.mark.parametrize(
    "data",
    [
        {"sharing": "everyone"},
        {"sharing": "group"},
        {"sharing": "library", "group": 1},
        {"group": 1},
        {"sharing": ["library"]},
        {"sharing": "group", "group": "1"},
        {"author": "mallory"},
    ],
)
def test_bad_sharing_is_a_400(client, alice, data):
    make_group(alice)
    highlight = make_highlight(alice)
    client.force_login(alice)
    response = patch(client, highlight, {"version": 1, **data})
    assert response.status_code == 400, data
    assert Highlight.objects.get(pk=highlight.pk).version == 1


def test_a_reader_sees_a_shared_highlight_but_cannot_change_or_delete_it(alice, bob):
    highlight = share(make_highlight(alice, note="原文"), Sharing.LIBRARY)
    client, token = csrf_client(bob)
    assert client.get(detail_url(highlight)).json()["author"] == "alice"
    changed = send(
        client, "PATCH", detail_url(highlight), {"version": 2, "note": "改"}, HTTP_X_CSRFTOKEN=token
    )
    assert changed.status_code == 404
    deleted = client.delete(detail_url(highlight), HTTP_X_CSRFTOKEN=token)
    assert deleted.status_code == 404
    stored = Highlight.objects.get(pk=highlight.pk)
    assert (stored.note, stored.sharing) == ("原文", Sharing.LIBRARY)


def test_a_reader_cannot_reshare_anothers_highlight(client, alice, bob):
    highlight = share(make_highlight(alice), Sharing.GROUP, make_group(alice, bob).pk)
    client.force_login(bob)
    response = patch(client, highlight, {"version": 2, "sharing": "library"})
    assert response.status_code == 404
    assert Highlight.objects.get(pk=highlight.pk).sharing == Sharing.GROUP


def test_the_list_holds_shared_highlights_with_their_author(client, alice, bob):
    shared = share(make_highlight(alice), Sharing.LIBRARY)
    make_highlight(alice, quote="欧盟的人工智能法案")
    own = make_highlight(bob, quote="奥特曼表示")
    client.force_login(bob)
    results = client.get(LIST_URL).json()["results"]
    assert {(r["id"], r["author"]) for r in results} == {(shared.pk, "alice"), (own.pk, "bob")}
