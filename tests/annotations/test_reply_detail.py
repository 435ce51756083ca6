"""GET, PATCH and DELETE /api/replies/<id>/: a reply changes only by its author."""

from annotations.models import Reply, Sharing

from .api import csrf_client, send
from .factories import make_group, make_highlight, share


def url(reply) -> str:
    return f"/api/replies/{reply.pk}/"


def shared_reply(alice, bob, body="第一版"):
    highlight = share(make_highlight(alice), Sharing.GROUP, make_group(alice, bob).pk)
    return highlight.replies.create(user=bob, body=body)


def test_the_author_edits_their_reply(alice, bob):
    reply = shared_reply(alice, bob)
    client, token = csrf_client(bob)
    response = send(client, "PATCH", url(reply), {"body": "第二版"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200, response.content
    reply.refresh_from_db()
    assert reply.body == "第二版"
    assert response.json()["body"] == "第二版"


def test_the_author_deletes_their_reply(alice, bob):
    reply = shared_reply(alice, bob)
    client, token = csrf_client(bob)
    assert client.delete(url(reply), HTTP_X_CSRFTOKEN=token).status_code == 204
    assert not Reply.objects.exists()


def test_every_reader_of_the_highlight_may_read_it(client, alice, bob):
    reply = shared_reply(alice, bob)
    client.force_login(alice)
    data = client.get(url(reply)).json()
    assert (data["body"], data["author"], data["mine"]) == ("第一版", "bob", False)


def test_the_highlights_owner_cannot_change_someone_elses_reply(client, alice, bob):
    reply = shared_reply(alice, bob)
    client.force_login(alice)
    assert send(client, "PATCH", url(reply), {"body": "改"}).status_code == 404
    assert client.delete(url(reply)).status_code == 404
    reply.refresh_from_db()
    assert reply.body == "第一版"


def test_a_reply_under_a_revoked_share_is_404_to_others(client, alice, bob, carol):
    reply = shared_reply(alice, bob, body="秘密回复")
    client.force_login(carol)
    response = client.get(url(reply))
    assert response.status_code == 404
    assert "秘密回复" not in response.content.decode()
    share(reply.highlight, Sharing.PRIVATE)
    client.force_login(bob)
    assert client.get(url(reply)).status_code == 404
    assert send(client, "PATCH", url(reply), {"body": "改"}).status_code == 404


def test_anonymous_readers_get_401(client, alice, bob):
    reply = shared_reply(alice, bob)
    assert client.get(url(reply)).status_code == 401
    assert client.delete(url(reply)).status_code == 401
    assert Reply.objects.exists()


def test_post_is_405(client, alice, bob):
    reply = shared_reply(alice, bob)
    client.force_login(bob)
    response = send(client, "POST", url(reply), {"body": "x"})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, PATCH, DELETE"
