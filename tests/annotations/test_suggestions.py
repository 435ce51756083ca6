"""Suggested highlights: accept (the reader's highlight with the theme) or dismiss."""

import pytest
from bs4 import BeautifulSoup

from annotations.models import Highlight
from annotations.suggestions import DismissedSuggestion, suggestions_for
from library.models import ThemePassage
from tests.library.indexed import load_entities, make_indexed

from .api import csrf_client
from .factories import make_highlight, revise

TEXT = "对齐\n超级对齐团队关注安全风险,对齐研究需要更多资源。董事会讨论监管与治理问题。"


@pytest.fixture
def document(db):
    load_entities()
    return make_indexed(TEXT)


def passage(document, theme="safety") -> ThemePassage:
    return ThemePassage.objects.get(document=document, theme__name=theme)


def accept_url(document, item) -> str:
    return f"/documents/{document.pk}/suggestions/{item.pk}/accept/"


def dismiss_url(document, item) -> str:
    return f"/documents/{document.pk}/suggestions/{item.pk}/dismiss/"


def test_the_reading_page_suggests_passages_for_the_reader(client, alice, document):
    client.force_login(alice)
    soup = BeautifulSoup(client.get(document.get_absolute_url()).content, "html.parser")
    quotes = [a.get_text() for a in soup.select(".suggestion-quote")]
    assert "超级对齐团队关注安全风险,对齐研究需要更多资源。" in quotes
    assert "董事会讨论监管与治理问题。" in quotes


def test_accepting_makes_the_readers_highlight_with_the_theme(client, alice, document):
    item = passage(document)
    client.force_login(alice)
    response = client.post(accept_url(document, item))
    highlight = Highlight.objects.get(user=alice)
    assert response.status_code == 302
    assert response["Location"] == highlight.get_absolute_url()
    assert highlight.exact == "超级对齐团队关注安全风险,对齐研究需要更多资源。"
    assert highlight.tag_names == ["safety"]
    # Now covered by the reader's own highlight, it is no longer suggested to them.
    assert item.pk not in [s.passage.pk for s in suggestions_for(alice, document)]


def test_accepting_answers_json_to_scripts(client, alice, document):
    client.force_login(alice)
    response = client.post(accept_url(document, passage(document)), HTTP_ACCEPT="application/json")
    assert response.status_code == 201
    assert response.json()["tags"] == ["safety"]


def test_dismissing_hides_it_for_this_reader_only_and_survives_reindexing(
    client, alice, bob, document
):
    item = passage(document)
    client.force_login(alice)
    response = client.post(dismiss_url(document, item))
    assert response.status_code == 302
    assert DismissedSuggestion.objects.filter(user=alice).count() == 1
    assert item.pk not in [s.passage.pk for s in suggestions_for(alice, document)]
    assert item.pk in [s.passage.pk for s in suggestions_for(bob, document)]
    # A new revision with the same sentence: the passage is new, the dismissal holds.
    revise(document, TEXT + "\n新加的一段。")
    document.after_revision()
    themes = [s.theme.name for s in suggestions_for(alice, document)]
    assert "safety" not in themes


def test_another_readers_highlight_does_not_hide_a_suggestion(client, alice, bob, document):
    make_highlight(bob, document, quote="超级对齐团队关注安全风险", tags=["safety"])
    assert "safety" in [s.theme.name for s in suggestions_for(alice, document)]


def test_a_passage_of_an_older_revision_is_404(client, alice, document):
    item = passage(document)
    revise(document, "全新\n完全不同的内容。")
    client.force_login(alice)
    assert client.post(accept_url(document, item)).status_code == 404
    assert client.post(f"/documents/999999/suggestions/{item.pk}/accept/").status_code == 404


def test_anonymous_readers_are_sent_to_log_in(client, document):
    response = client.post(accept_url(document, passage(document)))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Highlight.objects.exists()


def test_get_is_405(client, alice, document):
    client.force_login(alice)
    assert client.get(accept_url(document, passage(document))).status_code == 405
    assert client.get(dismiss_url(document, passage(document))).status_code == 405


def test_csrf_is_enforced(alice, document):
    client, token = csrf_client(alice)
    assert client.post(accept_url(document, passage(document))).status_code == 403
    assert client.post(dismiss_url(document, passage(document))).status_code == 403
    assert (
        client.post(accept_url(document, passage(document)), HTTP_X_CSRFTOKEN=token).status_code
        == 302
    )
