"""GET /entities/<slug>/: the passages across the library that mention an entity."""

import pytest
from bs4 import BeautifulSoup

from tests.library.indexed import load_entities, make_indexed


@pytest.fixture
def documents(db):
    load_entities()
    return [
        make_indexed("宫斗\n第一段说到奧特曼。\n第二段:伊利亚和Sam Altman不和。奥特曼离开。"),
        make_indexed("访谈\n阿尔特曼回应了批评。"),
        make_indexed("无关\n这篇只提到马斯克。"),
    ]


def page(client, slug="sam-altman", **query) -> BeautifulSoup:
    response = client.get(f"/entities/{slug}/", query)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_it_lists_the_passages_that_mention_the_entity_in_every_spelling(client, alice, documents):
    client.force_login(alice)
    soup = page(client)
    groups = soup.select(".mention-groups > li")
    assert [g.h2.a.get_text() for g in groups] == ["宫斗", "访谈"]  # most mentions first
    first = [li.get_text() for li in groups[0].select(".passages li")]
    assert first == ["第一段说到奧特曼。", "第二段:伊利亚和Sam Altman不和。", "奥特曼离开。"]
    assert [m.get_text() for m in groups[0].select("mark")] == ["奧特曼", "Sam Altman", "奥特曼"]
    assert [m.get_text() for m in groups[1].select("mark")] == ["阿尔特曼"]
    assert "mentioned in 2 articles" in soup.h1.get_text()


def test_passages_follow_the_readers_script(client, alice, documents):
    client.force_login(alice)
    client.post("/reading/preferences/", {"script": "hant", "theme": "auto", "text_size": 100})
    soup = page(client)
    assert soup.select(".passages li")[0].get_text() == "第一段說到奧特曼。"


def test_links_lead_to_the_mention_in_the_article(client, alice, documents):
    client.force_login(alice)
    link = page(client).select_one(".passages a")["href"]
    document = documents[0]
    offset = int(link.rsplit("#m-", 1)[1])
    assert link.startswith(document.get_absolute_url())
    assert document.current_revision.text[offset:].startswith("第一段")


def test_the_query_count_does_not_grow_with_mentions(
    client, alice, documents, django_assert_num_queries
):
    client.force_login(alice)
    page(client)
    # session, user, entity, aliases, preferences, count, page, mentions
    with django_assert_num_queries(8):
        page(client)
    for i in range(6):
        make_indexed(f"更多{i}\n奥特曼。奥特曼。奥特曼说了很多。")
    with django_assert_num_queries(8):
        page(client)


def test_an_unknown_entity_is_404(client, alice, documents):
    client.force_login(alice)
    assert client.get("/entities/nobody/").status_code == 404


def test_anonymous_readers_are_sent_to_log_in(client, documents):
    assert client.get("/entities/sam-altman/").status_code == 302


def test_post_is_405(client, alice, documents):
    client.force_login(alice)
    assert client.post("/entities/sam-altman/").status_code == 405


def test_the_entity_list_counts_documents(client, alice, documents):
    client.force_login(alice)
    response = client.get("/entities/")
    soup = BeautifulSoup(response.content, "html.parser")
    counts = {
        a.contents[0].strip(): a.select_one(".n").get_text() for a in soup.select(".tag.entity")
    }
    assert counts["Sam Altman"] == "2"
    assert counts["Elon Musk"] == "1"
    assert client.post("/entities/").status_code == 405
