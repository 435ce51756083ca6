"""GET /links/follow/?title=: where a note's [[title]] leads."""

from tests.library.indexed import make_indexed

URL = "/links/follow/"


def test_a_known_title_leads_to_its_document_in_either_script(client, alice, db):
    document = make_indexed("OpenAI再陷宮斗\n正文。")
    client.force_login(alice)
    response = client.get(URL, {"title": "OpenAI再陷宫斗"})
    assert response["Location"] == document.get_absolute_url()


def test_an_unknown_title_leads_to_a_search(client, alice, db):
    client.force_login(alice)
    assert client.get(URL, {"title": "没有这篇"})["Location"].startswith("/search/?q=")


def test_anonymous_readers_are_sent_to_log_in(client, db):
    assert client.get(URL, {"title": "x"})["Location"].startswith("/accounts/login/")


def test_post_is_405(client, alice):
    client.force_login(alice)
    assert client.post(URL).status_code == 405
