"""GET /api/link-targets/?q=: titles for the note editor's [[ autocomplete."""

from tests.library.indexed import make_indexed

URL = "/api/link-targets/"


def test_it_lists_titles_holding_the_words_in_either_script(client, alice, db):
    document = make_indexed("OpenAI再陷宮斗\n正文。")
    make_indexed("别的\n正文。")
    client.force_login(alice)
    data = client.get(URL, {"q": "宫斗"}).json()
    assert data == {"results": [{"title": "OpenAI再陷宮斗", "url": document.get_absolute_url()}]}
    assert client.get(URL, {"q": ""}).json() == {"results": []}


def test_anonymous_readers_are_sent_to_log_in(client, db):
    assert client.get(URL, {"q": "x"}).status_code == 302


def test_post_is_405(client, alice):
    client.force_login(alice)
    assert client.post(URL).status_code == 405
