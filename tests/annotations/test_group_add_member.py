"""POST /groups/<id>/members/: the owner adds a reader by username."""

from annotations.models import ReadingGroup

from .factories import make_group


def url(group) -> str:
    return f"/groups/{group.pk}/members/"


def test_the_owner_adds_a_reader(client, alice, bob):
    group = make_group(alice)
    client.force_login(alice)
    response = client.post(url(group), {"username": "bob"})
    assert response.status_code == 302
    assert response["Location"] == group.get_absolute_url()
    assert list(ReadingGroup.objects.of(bob)) == [group]


def test_adding_a_member_twice_changes_nothing(client, alice, bob):
    group = make_group(alice, bob)
    client.force_login(alice)
    assert client.post(url(group), {"username": "bob"}).status_code == 302
    assert group.memberships.count() == 2


def test_an_unknown_username_is_a_422(client, alice):
    group = make_group(alice)
    client.force_login(alice)
    response = client.post(url(group), {"username": "nobody"})
    assert response.status_code == 422
    assert "No reader has that username" in response.content.decode()
    assert group.memberships.count() == 1


def test_a_member_who_is_not_the_owner_gets_404(client, alice, bob, carol):
    group = make_group(alice, bob)
    client.force_login(bob)
    assert client.post(url(group), {"username": "carol"}).status_code == 404
    assert not ReadingGroup.objects.of(carol).exists()


def test_anonymous_readers_are_sent_to_log_in(client, alice, bob):
    group = make_group(alice)
    response = client.post(url(group), {"username": "bob"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert group.memberships.count() == 1


def test_get_is_405(client, alice):
    group = make_group(alice)
    client.force_login(alice)
    assert client.get(url(group)).status_code == 405
