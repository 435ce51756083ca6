"""POST /groups/<id>/delete/: the owner deletes the group; its shares become private."""

from annotations.models import Highlight, ReadingGroup, Sharing

from .factories import make_group, make_highlight, share


def url(group) -> str:
    return f"/groups/{group.pk}/delete/"


def test_the_owner_deletes_the_group(client, alice, bob):
    group = make_group(alice, bob)
    highlight = share(make_highlight(bob), Sharing.GROUP, group.pk)
    client.force_login(alice)
    response = client.post(url(group))
    assert response.status_code == 302
    assert response["Location"] == "/groups/"
    assert not ReadingGroup.objects.exists()
    assert Highlight.objects.get(pk=highlight.pk).sharing == Sharing.PRIVATE
    assert not Highlight.objects.visible_to(alice).exists()


def test_a_member_cannot_delete_it(client, alice, bob):
    group = make_group(alice, bob)
    client.force_login(bob)
    assert client.post(url(group)).status_code == 404
    assert ReadingGroup.objects.exists()


def test_anonymous_readers_are_sent_to_log_in(client, alice):
    group = make_group(alice)
    assert client.post(url(group)).status_code == 302
    assert ReadingGroup.objects.exists()


def test_get_is_405(client, alice):
    group = make_group(alice)
    client.force_login(alice)
    assert client.get(url(group)).status_code == 405
    assert ReadingGroup.objects.exists()
