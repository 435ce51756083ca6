"""POST /highlights/<id>/replies/: replying from a page without scripts."""

from annotations.models import Reply, Sharing

from .factories import make_highlight, share


def url(highlight) -> str:
    return f"/highlights/{highlight.pk}/replies/"


def test_a_reader_replies_and_goes_back_to_the_page(client, alice, bob):
    highlight = share(make_highlight(alice), Sharing.LIBRARY)
    client.force_login(bob)
    response = client.post(url(highlight), {"body": "好观点", "next": "/highlights/?shared=1"})
    reply = Reply.objects.get()
    assert (reply.user, reply.body) == (bob, "好观点")
    assert response.status_code == 302
    assert response["Location"] == f"/highlights/?shared=1#reply-{reply.pk}"


def test_without_next_it_goes_to_the_reply_in_the_article(client, alice, bob):
    highlight = share(make_highlight(alice), Sharing.LIBRARY)
    client.force_login(bob)
    response = client.post(url(highlight), {"body": "x", "next": "https://evil.example/"})
    reply = Reply.objects.get()
    assert response["Location"] == f"/documents/{highlight.document_id}/#reply-{reply.pk}"


def test_an_empty_reply_is_a_422(client, alice):
    highlight = make_highlight(alice)
    client.force_login(alice)
    assert client.post(url(highlight), {"body": ""}).status_code == 422
    assert not Reply.objects.exists()


def test_a_private_highlight_of_another_reader_is_404(client, alice, bob):
    highlight = make_highlight(alice)
    client.force_login(bob)
    assert client.post(url(highlight), {"body": "x"}).status_code == 404
    assert not Reply.objects.exists()


def test_anonymous_readers_are_sent_to_log_in(client, alice):
    highlight = share(make_highlight(alice), Sharing.LIBRARY)
    assert client.post(url(highlight), {"body": "x"}).status_code == 302
    assert not Reply.objects.exists()


def test_get_is_405(client, alice):
    highlight = make_highlight(alice)
    client.force_login(alice)
    assert client.get(url(highlight)).status_code == 405
