"""The analyser on plain strings: mentions, theme keywords, passages, terms."""

import json
from pathlib import Path

import pytest

from library.analysis import Analyser, sentences
from library.mentions import Alias

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def analyser():
    data = json.loads((SEEDS / "entities.json").read_text(encoding="utf-8"))
    return Analyser(
        [
            Alias(entity["name"], alias, tuple(entity.get("exclude", ())))
            for entity in data["entities"]
            for alias in entity["aliases"]
        ],
        [
            Alias(theme["name"], keyword)
            for theme in data["themes"]
            for keyword in theme["keywords"]
        ],
    )


ARTICLE = (
    "奧特曼談超級對齊\n\n"
    "OpenAI的首席科學家伊利亞帶領超級對齊團隊,研究對齊與安全。\n\n"
    "董事會與監管機構討論治理問題,Sam Altman回應。"
)


def test_mentions_are_found_in_both_scripts_with_offsets_into_the_text(analyser):
    analysis = analyser.analyse("奧特曼談超級對齊", ARTICLE)
    found = [(m.entity, ARTICLE[m.start : m.end]) for m in analysis.mentions]
    assert ("Sam Altman", "奧特曼") in found
    assert ("Ilya Sutskever", "伊利亞") in found
    assert ("Sam Altman", "Sam Altman") in found
    assert analysis.entity_counts["Sam Altman"] == 2


def test_theme_keywords_count_and_a_title_hit_counts_three(analyser):
    analysis = analyser.analyse("超級對齊", ARTICLE)
    untitled = analyser.analyse("", ARTICLE)
    assert analysis.theme_hits["safety"] > untitled.theme_hits["safety"]
    assert analysis.theme_hits["safety"] - untitled.theme_hits["safety"] == 3
    assert untitled.theme_hits["governance"] >= 3
    assert analysis.theme_score("safety") > analysis.theme_score("scaling")


def test_passages_are_whole_sentences_holding_a_themes_keywords(analyser):
    analysis = analyser.analyse("", ARTICLE)
    by_theme = {p.theme: ARTICLE[p.start : p.end] for p in analysis.passages}
    assert by_theme["safety"].startswith("OpenAI的首席科學家")
    assert by_theme["safety"].endswith("。")
    assert by_theme["governance"].startswith("董事會")


def test_analysing_line_by_line_is_the_same_as_the_whole_text(analyser):
    whole = analyser.analyse("t", ARTICLE)
    analyser.cache.clear()
    for line in ARTICLE.split("\n"):
        analyser.line(line)  # cached lines give the same answer
    again = analyser.analyse("t", ARTICLE)
    assert again.mentions == whole.mentions
    assert again.tokens == whole.tokens
    assert again.term_counts == whole.term_counts


def test_terms_are_bigrams_and_words_not_single_characters_or_numbers(analyser):
    analysis = analyser.analyse("", "他说 2024 年 openai 的奥特曼")
    assert "openai" in analysis.term_counts
    assert "奥特" in analysis.term_counts
    assert "2024" not in analysis.term_counts
    assert "他" not in analysis.term_counts


def test_sentences_end_at_chinese_and_western_punctuation():
    line = "第一句。第二句!“第三句。”Then English. More"
    assert [line[s:e] for s, e in sentences(line)] == [
        "第一句。",
        "第二句!",
        "“第三句。”",
        "Then English.",
        "More",
    ]
