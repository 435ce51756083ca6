"""GET /themes/<name>/: the theme's visible highlights by document, with facets."""

import pytest
from bs4 import BeautifulSoup

from tests.library.indexed import load_entities, make_indexed

from .factories import make_highlight

GOVERNANCE = "董事会风波\n奥特曼被董事会解雇。监管机构开始关注治理问题。伊利亚参与了董事会的决定。"
SAFETY = "安全\n超级对齐团队关注安全风险,对齐研究需要更多资源,安全是首要问题。"


@pytest.fixture
def documents(db):
    load_entities()
    return make_indexed(GOVERNANCE), make_indexed(SAFETY)


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_it_groups_the_readers_theme_highlights_by_document_with_counts(client, alice, documents):
    board, safety = documents
    make_highlight(alice, board, quote="奥特曼被董事会解雇", tags=["governance"])
    make_highlight(alice, board, quote="伊利亚参与了董事会的决定", tags=["治理"])  # the label
    make_highlight(alice, safety, quote="超级对齐团队", tags=["safety"])
    client.force_login(alice)
    soup = soup_of(client.get("/themes/governance/"))
    [group] = soup.select(".doc-group")
    assert group.a.get_text() == "董事会风波"
    assert group.select_one(".count").get_text() == "2"
    assert [card.blockquote.get_text() for card in soup.select(".highlight-card")] == [
        "奥特曼被董事会解雇",
        "伊利亚参与了董事会的决定",
    ]
    # The documents most about the theme come from the keyword rules, for everyone.
    assert "董事会风波" in soup.select_one(".link-list").get_text()


def test_it_filters_by_the_entity_the_passages_mention(client, alice, documents):
    board, _ = documents
    make_highlight(alice, board, quote="奥特曼被董事会解雇", tags=["governance"])
    make_highlight(alice, board, quote="伊利亚参与了董事会的决定", tags=["governance"])
    client.force_login(alice)
    soup = soup_of(client.get("/themes/governance/"))
    facets = {
        a.contents[0].strip(): a.select_one(".n").get_text()
        for a in soup.select(".filters .tag.entity")
    }
    assert facets == {"Ilya Sutskever": "1", "Sam Altman": "1"}
    filtered = soup_of(client.get("/themes/governance/", {"entity": "ilya-sutskever"}))
    assert [c.blockquote.get_text() for c in filtered.select(".highlight-card")] == [
        "伊利亚参与了董事会的决定"
    ]


def test_another_readers_highlights_never_show(client, alice, bob, documents):
    board, _ = documents
    make_highlight(
        bob, board, quote="奥特曼被董事会解雇", tags=["governance"], note="bob 的私人笔记"
    )
    client.force_login(alice)
    response = client.get("/themes/governance/")
    assert soup_of(response).select(".highlight-card") == []
    assert "bob 的私人笔记" not in response.content.decode()


def test_a_label_in_either_script_leads_to_the_theme(client, alice, documents):
    client.force_login(alice)
    assert client.get("/themes/規模化/")["Location"] == "/themes/scaling/"
    assert client.get("/themes/治理/")["Location"] == "/themes/governance/"
    assert client.get("/themes/Safety/")["Location"] == "/themes/safety/"


def test_an_unknown_theme_is_404(client, alice, documents):
    client.force_login(alice)
    assert client.get("/themes/cooking/").status_code == 404
    assert client.get("/themes/safety/", {"entity": "nobody"}).status_code == 404


def test_the_query_count_does_not_grow_with_highlights(
    client, alice, documents, django_assert_num_queries
):
    board, safety = documents
    make_highlight(alice, board, quote="奥特曼被董事会解雇", tags=["governance"])
    client.force_login(alice)
    client.get("/themes/governance/")
    # session, user, themes, preferences, groups, highlights, facets, most about
    with django_assert_num_queries(8):
        client.get("/themes/governance/")
    for quote in ["监管机构", "治理问题", "伊利亚参与了"]:
        make_highlight(alice, board, quote=quote, tags=["governance"])
    make_highlight(alice, safety, quote="安全风险", tags=["governance"])
    with django_assert_num_queries(8):
        client.get("/themes/governance/")


def test_anonymous_readers_are_sent_to_log_in(client, documents):
    response = client.get("/themes/safety/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_post_is_405(client, alice, documents):
    client.force_login(alice)
    assert client.post("/themes/safety/").status_code == 405


def test_the_theme_list_counts_documents_and_the_readers_highlights(client, alice, bob, documents):
    board, _ = documents
    make_highlight(alice, board, quote="奥特曼被董事会解雇", tags=["governance"])
    make_highlight(bob, board, quote="伊利亚参与了董事会的决定", tags=["governance"])
    client.force_login(alice)
    text = soup_of(client.get("/themes/")).get_text()
    assert "1 of your highlights" in text
    assert client.post("/themes/").status_code == 405


def test_highlights_shared_with_the_reader_show_with_their_author(client, alice, bob, documents):
    from annotations.models import Sharing

    from .factories import make_group, share

    board, _ = documents
    group = make_group(bob, alice)
    highlight = make_highlight(bob, board, quote="奥特曼被董事会解雇", tags=["governance"])
    share(highlight, Sharing.GROUP, group.pk)
    client.force_login(alice)
    soup = soup_of(client.get("/themes/governance/"))
    (card,) = soup.select(".highlight-card")
    assert card.select_one(".author").get_text() == "bob"
    group.remove(alice)
    assert soup_of(client.get("/themes/governance/")).select(".highlight-card") == []
