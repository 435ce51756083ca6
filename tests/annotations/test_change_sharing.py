"""POST /highlights/<id>/sharing/: changing who sees a highlight without scripts."""

from annotations.models import Highlight, Sharing

from .factories import make_group, make_highlight


def url(highlight) -> str:
    return f"/highlights/{highlight.pk}/sharing/"


def test_the_owner_shares_with_a_group(client, alice, bob):
    group = make_group(alice, bob)
    highlight = make_highlight(alice)
    client.force_login(alice)
    response = client.post(url(highlight), {"share": f"group:{group.pk}", "next": "/highlights/"})
    assert response.status_code == 302
    assert response["Location"] == f"/highlights/#highlight-{highlight.pk}"
    stored = Highlight.objects.get(pk=highlight.pk)
    assert (stored.sharing, stored.group) == (Sharing.GROUP, group)


def test_the_owner_makes_it_private_again(client, alice):
    highlight = make_highlight(alice)
    client.force_login(alice)
    client.post(url(highlight), {"share": "library"})
    client.post(url(highlight), {"share": "private"})
    assert Highlight.objects.get(pk=highlight.pk).sharing == Sharing.PRIVATE


def test_a_group_the_owner_is_not_in_is_a_422(client, alice, carol):
    others = make_group(carol)
    highlight = make_highlight(alice)
    client.force_login(alice)
    for value in (f"group:{others.pk}", "group:x", "everyone"):
        assert client.post(url(highlight), {"share": value}).status_code == 422, value
    assert Highlight.objects.get(pk=highlight.pk).sharing == Sharing.PRIVATE


def test_another_readers_highlight_is_404_even_when_shared(client, alice, bob):
    highlight = make_highlight(alice)
    highlight.edit(version=1, sharing=Sharing.LIBRARY)
    client.force_login(bob)
    assert client.post(url(highlight), {"share": "private"}).status_code == 404
    assert Highlight.objects.get(pk=highlight.pk).sharing == Sharing.LIBRARY


def test_anonymous_readers_are_sent_to_log_in(client, alice):
    highlight = make_highlight(alice)
    assert client.post(url(highlight), {"share": "library"}).status_code == 302
    assert Highlight.objects.get(pk=highlight.pk).sharing == Sharing.PRIVATE


def test_get_is_405(client, alice):
    highlight = make_highlight(alice)
    client.force_login(alice)
    assert client.get(url(highlight)).status_code == 405
