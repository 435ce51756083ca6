"""GET /search/: one box over titles, text and the reader's own highlights, notes, tags."""

from datetime import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from tests.library.indexed import load_entities, make_indexed

from .factories import make_highlight

URL = "/search/"


def results(response) -> list[str]:
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text() for a in soup.select(".result .doc-title")]


@pytest.fixture
def library(db):
    load_entities()
    return {
        "board": make_indexed(
            "奧特曼與董事會\n奧特曼回到OpenAI,董事會改組,治理監管成為焦點。",
            site="udn.com",
            published_at=timezone.make_aware(datetime(2023, 11, 22)),
        ),
        "compute": make_indexed(
            "算力与规模\n大模型需要更多算力,规模定律仍然有效。",
            site="36kr.com",
            published_at=timezone.make_aware(datetime(2024, 6, 1)),
        ),
        "musk": make_indexed(
            "马斯克起诉OpenAI\n马斯克说阿尔特曼背弃了非营利的初心。",
            site="36kr.com",
            published_at=timezone.make_aware(datetime(2024, 3, 1)),
        ),
    }


def test_it_finds_across_scripts_with_marked_snippets(client, alice, library):
    client.force_login(alice)
    response = client.get(URL, {"q": "董事会"})
    assert results(response) == ["奧特曼與董事會"]
    soup = BeautifulSoup(response.content, "html.parser")
    assert [m.get_text() for m in soup.select(".snippet mark")] == ["董事會"]


def test_snippets_follow_the_readers_script(client, alice, library):
    client.force_login(alice)
    client.post("/reading/preferences/", {"script": "hans", "theme": "auto", "text_size": 100})
    response = client.get(URL, {"q": "董事会"})
    assert results(response) == ["奥特曼与董事会"]


def test_a_name_finds_every_spelling(client, alice, library):
    client.force_login(alice)
    found = results(client.get(URL, {"q": "Altman"}))
    assert sorted(found) == sorted(["奧特曼與董事會", "马斯克起诉OpenAI"])


def test_filters_theme_entity_source_and_dates(client, alice, library):
    client.force_login(alice)
    assert results(client.get(URL, {"q": "OpenAI", "theme": "治理"})) == ["奧特曼與董事會"]
    assert results(client.get(URL, {"q": "OpenAI", "theme": "治理"})) == results(
        client.get(URL, {"q": "OpenAI", "theme": "governance"})
    )
    assert results(client.get(URL, {"q": "OpenAI", "entity": "elon-musk"})) == ["马斯克起诉OpenAI"]
    assert sorted(results(client.get(URL, {"source": "36kr.com"}))) == sorted(
        ["算力与规模", "马斯克起诉OpenAI"]
    )
    dated = client.get(URL, {"since": "2024-01-01", "until": "2024-04-01"})
    assert results(dated) == ["马斯克起诉OpenAI"]


def test_the_readers_own_highlights_notes_and_tags_are_searched(client, alice, bob, library):
    make_highlight(alice, library["compute"], quote="规模定律", note="记住:缩放法則", tags=["重点"])
    make_highlight(bob, library["board"], quote="董事會改組", note="缩放法则 也见于此")
    client.force_login(alice)
    response = client.get(URL, {"q": "缩放法则"})  # only in alice's note (Traditional 則)
    assert results(response) == ["算力与规模"]
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one(".own-matches mark").get_text() == "缩放法則"
    assert results(client.get(URL, {"q": "重点"})) == ["算力与规模"]
    # Bob's note is his alone.
    client.force_login(bob)
    assert results(client.get(URL, {"q": "记住"})) == []


def test_has_my_highlights_keeps_only_documents_the_reader_highlighted(client, alice, bob, library):
    make_highlight(alice, library["musk"], quote="马斯克说")
    make_highlight(bob, library["board"], quote="董事會改組")
    client.force_login(alice)
    assert results(client.get(URL, {"q": "OpenAI", "mine": "1"})) == ["马斯克起诉OpenAI"]


def test_results_come_in_pages(client, alice, db, monkeypatch):
    from annotations import browse

    monkeypatch.setattr(browse, "PAGE_SIZE", 2)
    for i in range(5):
        make_indexed(f"标题{i}\n同一个词:治理。")
    client.force_login(alice)
    first = client.get(URL, {"q": "治理"})
    assert len(results(first)) == 2
    assert "Page 1 of 3" in first.content.decode()
    assert len(results(client.get(URL, {"q": "治理", "page": 3}))) == 1


def test_the_query_count_does_not_grow_with_results(
    client, alice, library, django_assert_max_num_queries
):
    for i in range(15):
        make_indexed(f"更多{i}\n奥特曼与 OpenAI 与董事会。")
    client.force_login(alice)
    client.get(URL, {"q": "董事会"})
    # session, user, preferences, theme, entity, own matches, entities and aliases (2),
    # search (a count, then a query per rank: title phrase, title terms, text, other),
    # texts, own highlights and their tags (2), themes, entities, sites
    with django_assert_max_num_queries(19):
        client.get(URL, {"q": "董事会 OpenAI", "theme": "governance", "entity": "sam-altman"})


def test_anonymous_readers_are_sent_to_log_in(client, db):
    response = client.get(URL, {"q": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_post_is_405(client, alice):
    client.force_login(alice)
    assert client.post(URL, {"q": "x"}).status_code == 405


def test_bad_filters_are_reported_not_fatal(client, alice, library):
    client.force_login(alice)
    response = client.get(URL, {"q": "OpenAI", "since": "not a date"})
    assert response.status_code == 200


def test_highlights_shared_with_the_reader_are_searched_with_their_author(
    client, alice, bob, library
):
    from annotations.models import Sharing

    from .factories import share

    highlight = make_highlight(alice, library["compute"], quote="规模定律", note="共享的缩放法则")
    share(highlight, Sharing.LIBRARY)
    client.force_login(bob)
    response = client.get(URL, {"q": "缩放法则"})
    assert results(response) == ["算力与规模"]
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one(".own-matches .author").get_text() == "alice"
    # "Has my highlights" stays about the reader's own.
    assert results(client.get(URL, {"q": "缩放法则", "mine": "1"})) == []
    share(highlight, Sharing.PRIVATE)
    response = client.get(URL, {"q": "缩放法则"})
    assert "共享的缩放法则" not in response.content.decode()
