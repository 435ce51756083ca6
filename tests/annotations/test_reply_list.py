"""GET and POST /api/highlights/<id>/replies/: the thread under a highlight."""

from annotations.models import Reply, Sharing

from .api import csrf_client, send
from .factories import make_group, make_highlight, share


def url(highlight) -> str:
    return f"/api/highlights/{highlight.pk}/replies/"


def test_a_reader_replies_to_a_shared_highlight(alice, bob):
    highlight = share(make_highlight(alice), Sharing.LIBRARY)
    client, token = csrf_client(bob)
    response = send(client, "POST", url(highlight), {"body": "**同意**"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content
    reply = Reply.objects.get()
    assert (reply.user, reply.highlight, reply.body) == (bob, highlight, "**同意**")
    data = response.json()
    assert data["body_html"] == "<p><strong>同意</strong></p>"
    assert (data["author"], data["mine"]) == ("bob", True)
    assert response["Location"] == f"/api/replies/{reply.pk}/"


def test_the_thread_comes_in_order_for_every_reader_who_sees_the_highlight(client, alice, bob):
    highlight = share(make_highlight(alice), Sharing.GROUP, make_group(alice, bob).pk)
    first = highlight.replies.create(user=bob, body="一")
    second = highlight.replies.create(user=alice, body="二")
    client.force_login(alice)
    data = client.get(url(highlight)).json()
    assert data["count"] == 2
    assert [(r["id"], r["mine"]) for r in data["results"]] == [
        (first.pk, False),
        (second.pk, True),
    ]


def test_the_body_is_sanitised(client, alice):
    highlight = make_highlight(alice)
    client.force_login(alice)
    body = "<script>alert(1)</script>[x](javascript:alert(1))"
    data = send(client, "POST", url(highlight), {"body": body}).json()
    assert "<script" not in data["body_html"] and "javascript:" not in data["body_html"]


def test_an_empty_or_unknown_body_is_a_400(client, alice):
    highlight = make_highlight(alice)
    client.force_login(alice)
    for data in ({"body": "  "}, {}, {"body": 3}, {"body": "x", "user": 1}):
        assert send(client, "POST", url(highlight), data).status_code == 400, data
    assert not Reply.objects.exists()


def test_anonymous_readers_get_401(client, alice):
    highlight = share(make_highlight(alice), Sharing.LIBRARY)
    assert client.get(url(highlight)).status_code == 401
    assert send(client, "POST", url(highlight), {"body": "x"}).status_code == 401


def test_a_private_highlight_of_another_reader_is_404(client, alice, bob):
    highlight = make_highlight(alice)
    highlight.replies.create(user=alice, body="自言自语")
    client.force_login(bob)
    response = client.get(url(highlight))
    assert response.status_code == 404
    assert "自言自语" not in response.content.decode()
    assert send(client, "POST", url(highlight), {"body": "x"}).status_code == 404
    assert Reply.objects.count() == 1


def test_a_post_without_a_csrf_token_is_refused(alice, bob):
    highlight = share(make_highlight(alice), Sharing.LIBRARY)
    client, _ = csrf_client(bob)
    assert send(client, "POST", url(highlight), {"body": "x"}).status_code == 403


def test_put_is_405(client, alice):
    highlight = make_highlight(alice)
    client.force_login(alice)
    response = send(client, "PUT", url(highlight), {"body": "x"})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"
