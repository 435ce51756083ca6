"""POST /groups/<id>/members/<user>/remove/: the owner removes a member."""

from annotations.models import Highlight, ReadingGroup, Sharing

from .factories import make_group, make_highlight, share


def url(group, user) -> str:
    return f"/groups/{group.pk}/members/{user.pk}/remove/"


def test_the_owner_removes_a_member_who_then_sees_nothing_of_the_group(client, alice, bob):
    group = make_group(alice, bob)
    theirs = share(make_highlight(alice), Sharing.GROUP, group.pk)
    bobs = share(make_highlight(bob, quote="奥特曼表示"), Sharing.GROUP, group.pk)
    client.force_login(alice)
    response = client.post(url(group, bob))
    assert response.status_code == 302
    assert response["Location"] == group.get_absolute_url()
    assert not ReadingGroup.objects.of(bob).exists()
    assert not Highlight.objects.visible_to(bob).filter(pk=theirs.pk).exists()
    bobs.refresh_from_db()
    assert bobs.sharing == Sharing.PRIVATE
    client.force_login(bob)
    assert client.get(f"/api/highlights/{theirs.pk}/").status_code == 404


def test_the_owner_cannot_remove_themselves(client, alice):
    group = make_group(alice)
    client.force_login(alice)
    assert client.post(url(group, alice)).status_code == 422
    assert group.memberships.count() == 1


def test_a_member_cannot_remove_another(client, alice, bob, carol):
    group = make_group(alice, bob, carol)
    client.force_login(bob)
    assert client.post(url(group, carol)).status_code == 404
    assert group.memberships.count() == 3


def test_someone_not_in_the_group_is_404(client, alice, bob, carol):
    group = make_group(alice, bob)
    client.force_login(alice)
    assert client.post(url(group, carol)).status_code == 404


def test_anonymous_readers_are_sent_to_log_in(client, alice, bob):
    group = make_group(alice, bob)
    assert client.post(url(group, bob)).status_code == 302
    assert group.memberships.count() == 2


def test_get_is_405(client, alice, bob):
    group = make_group(alice, bob)
    client.force_login(alice)
    assert client.get(url(group, bob)).status_code == 405
