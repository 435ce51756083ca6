"""GET and POST /groups/: the reader's reading groups, and starting one."""

from bs4 import BeautifulSoup

from annotations.models import Membership, ReadingGroup, Role

from .factories import make_group

URL = "/groups/"


def names(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text() for a in soup.select(".group-list .doc-title")]


def test_it_lists_the_groups_the_reader_is_in(client, alice, bob, carol):
    make_group(alice, bob, name="周三读书会")
    make_group(carol, name="carol 的小组")
    client.force_login(bob)
    response = client.get(URL)
    assert response.status_code == 200
    assert names(response) == ["周三读书会"]
    assert "carol 的小组" not in response.content.decode()


def test_starting_a_group_makes_the_reader_its_owner(client, alice):
    client.force_login(alice)
    response = client.post(URL, {"name": "  对齐研究  "})
    group = ReadingGroup.objects.get()
    assert response.status_code == 302
    assert response["Location"] == group.get_absolute_url()
    assert (group.name, group.owner) == ("对齐研究", alice)
    assert Membership.objects.get(group=group, user=alice).role == Role.OWNER


def test_a_group_name_is_escaped(client, alice):
    make_group(alice, name="<img src=x onerror=alert(1)>")
    client.force_login(alice)
    body = client.get(URL).content.decode()
    assert "<img src=x" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body


def test_an_invalid_name_is_a_422_with_the_form(client, alice):
    client.force_login(alice)
    response = client.post(URL, {"name": "   "})
    assert response.status_code == 422
    assert "This field is required" in response.content.decode()
    response = client.post(URL, {"name": "长" * 101})
    assert response.status_code == 422
    assert not ReadingGroup.objects.exists()


def test_anonymous_readers_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/groups/")
    assert client.post(URL, {"name": "x"}).status_code == 302
    assert not ReadingGroup.objects.exists()


def test_put_is_405(client, alice):
    client.force_login(alice)
    assert client.put(URL).status_code == 405


def test_a_post_without_a_csrf_token_is_refused(alice):
    from .api import csrf_client

    client, _ = csrf_client(alice)
    assert client.post(URL, {"name": "x"}).status_code == 403
    assert not ReadingGroup.objects.exists()
