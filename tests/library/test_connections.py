"""The reading page's cross-links: related, same article as, mentions, themes."""

import json

import pytest
from bs4 import BeautifulSoup

from library.models import NearDuplicate
from tests.library.indexed import load_entities, make_indexed


@pytest.fixture
def pair(db):
    load_entities()
    first = make_indexed("董事会风波\n奥特曼与伊利亚在董事会上争论治理与监管,董事会改组。")
    second = make_indexed("再谈治理\n伊利亚和奥特曼谈董事会、监管与治理。")
    return first, second


def soup_of(client, document) -> BeautifulSoup:
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_related_documents_show_with_their_reason(client, pair):
    first, second = pair
    soup = soup_of(client, second)
    [item] = soup.select(".connections ol.link-list li")
    assert item.a["href"] == first.get_absolute_url()
    assert "shares" in item.select_one(".why").get_text()
    assert "both about governance" in item.select_one(".why").get_text()


def test_the_same_article_imported_twice_shows_as_same_article_as(client, pair):
    first, second = pair
    NearDuplicate.objects.create(document=second, original=first, similarity=0.93)
    for document, other in ((first, second), (second, first)):
        headings = soup_of(client, document).select(".connections h3")
        [group] = [h for h in headings if "Same article as" in h.get_text()]
        assert group.find_next("a")["href"] == other.get_absolute_url()


def test_mentions_and_themes_are_listed_and_handed_to_the_script(client, pair):
    _, second = pair
    soup = soup_of(client, second)
    chips = [a.get_text() for a in soup.select(".connections .tag.entity")]
    assert chips == ["Ilya Sutskever1", "Sam Altman1"]
    assert [a["href"] for a in soup.select(".connections .tag.theme-governance")] == [
        "/themes/governance/"
    ]
    data = json.loads(soup.select_one("#pz-mentions").string)
    text = second.current_revision.text
    names = [data["entities"][i]["name"] for _, _, i in data["mentions"]]
    assert [text[s:e] for s, e, _ in data["mentions"]] == ["伊利亚", "奥特曼"]
    assert names == ["Ilya Sutskever", "Sam Altman"]


def test_a_document_with_nothing_to_connect_shows_no_section(client, db):
    document = make_indexed("天气\n今天下雨。")
    assert soup_of(client, document).select(".connections") == []


def test_the_query_count_does_not_grow_with_connections(client, pair, django_assert_num_queries):
    first, _ = pair
    client.get(first.get_absolute_url())
    # document + revision, theme labels, related, same article, mentions, themes
    with django_assert_num_queries(6):
        client.get(first.get_absolute_url())
    for i in range(5):
        make_indexed(f"又一篇{i}\n奥特曼与伊利亚,董事会治理监管,马斯克也在。")
    with django_assert_num_queries(6):
        client.get(first.get_absolute_url())
