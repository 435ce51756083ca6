"""POST /groups/<id>/leave/: a member leaves; their shares there become private."""

from annotations.models import ReadingGroup, Sharing

from .factories import make_group, make_highlight, share


def url(group) -> str:
    return f"/groups/{group.pk}/leave/"


def test_a_member_leaves(client, alice, bob):
    group = make_group(alice, bob)
    mine = share(make_highlight(bob), Sharing.GROUP, group.pk)
    client.force_login(bob)
    response = client.post(url(group))
    assert response.status_code == 302
    assert response["Location"] == "/groups/"
    assert not ReadingGroup.objects.of(bob).exists()
    mine.refresh_from_db()
    assert (mine.sharing, mine.group) == (Sharing.PRIVATE, None)
    assert client.get(group.get_absolute_url()).status_code == 404


def test_the_owner_cannot_leave(client, alice):
    group = make_group(alice)
    client.force_login(alice)
    assert client.post(url(group)).status_code == 422
    assert ReadingGroup.objects.of(alice).exists()


def test_a_non_member_gets_404(client, alice, carol):
    group = make_group(alice)
    client.force_login(carol)
    assert client.post(url(group)).status_code == 404


def test_anonymous_readers_are_sent_to_log_in(client, alice):
    group = make_group(alice)
    assert client.post(url(group)).status_code == 302


def test_get_is_405(client, alice, bob):
    group = make_group(alice, bob)
    client.force_login(bob)
    assert client.get(url(group)).status_code == 405
