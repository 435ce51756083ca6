"""`manage.py search "QUERY" [--json]`: the page's search on the command line."""

import json
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command

from tests.library.indexed import load_entities, make_indexed

from .factories import make_highlight


def run(*args) -> str:
    out = StringIO()
    call_command("search", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def library(db):
    load_entities()
    return (
        make_indexed("奧特曼與董事會\n奧特曼回到OpenAI,董事會改組,治理監管。", site="udn.com"),
        make_indexed("马斯克起诉OpenAI\n马斯克说阿尔特曼背弃了初心。", site="36kr.com"),
    )


def test_the_json_contract(library):
    data = json.loads(run("Altman", "--json"))
    assert {row["document"] for row in data["results"]} == {d.pk for d in library}
    for row in data["results"]:
        assert set(row) == {"document", "title", "snippet", "score"}
        assert isinstance(row["document"], int) and isinstance(row["score"], float)
        assert row["title"] and row["snippet"]
    assert data["total"] == 2
    scores = [row["score"] for row in data["results"]]
    assert scores == sorted(scores, reverse=True)


def test_it_gives_the_same_results_as_the_page(client, alice, library):
    client.force_login(alice)
    soup = BeautifulSoup(client.get("/search/", {"q": "董事会"}).content, "html.parser")
    shown = [a.get_text() for a in soup.select(".result .doc-title")]
    assert [row["title"] for row in json.loads(run("董事会", "--json"))["results"]] == shown


def test_scripts_filters_and_a_readers_notes(alice, library):
    _, musk = library
    data = json.loads(run("董事会", "--json", "--script", "hans"))
    assert data["results"][0]["title"] == "奥特曼与董事会"
    assert json.loads(run("OpenAI", "--json", "--source", "36kr.com"))["total"] == 1
    assert json.loads(run("OpenAI", "--json", "--theme", "治理"))["total"] == 1
    assert json.loads(run("OpenAI", "--json", "--entity", "elon-musk"))["total"] == 1
    make_highlight(alice, musk, quote="马斯克说", note="只在笔记里的词")
    assert json.loads(run("只在笔记里的词", "--json"))["total"] == 0
    assert json.loads(run("只在笔记里的词", "--json", "--user", "alice"))["total"] == 1


def test_the_plain_output_lists_score_id_title_and_snippet(library):
    text = run("超級對齊")
    assert text.startswith("0 results")
    text = run("董事會")
    assert text.startswith("1 result for")
    assert "奧特曼與董事會" in text


def test_unknown_filters_are_errors(library):
    with pytest.raises(CommandError):
        run("x", "--theme", "cooking")
    with pytest.raises(CommandError):
        run("x", "--user", "nobody")
