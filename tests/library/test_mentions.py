"""Entity mentions on plain strings: scripts, boundaries, longest alias, offsets."""

import json
from pathlib import Path

import pytest

from library.mentions import Alias, Matcher, Mention

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def matcher():
    data = json.loads((SEEDS / "entities.json").read_text(encoding="utf-8"))
    return Matcher(
        Alias(entity["name"], alias, tuple(entity.get("exclude", ())))
        for entity in data["entities"]
        for alias in entity["aliases"]
    )


def names(matcher, text):
    return [m.entity for m in matcher.find(text)]


def test_one_simplified_alias_finds_both_scripts(matcher):
    assert names(matcher, "奥特曼说") == ["Sam Altman"]
    assert names(matcher, "奧特曼說") == ["Sam Altman"]


def test_english_and_chinese_aliases_name_the_same_entity(matcher):
    assert names(matcher, "Sam Altman与萨姆·奥特曼、阿尔特曼") == ["Sam Altman"] * 3


def test_the_longest_alias_wins_and_offsets_cover_it(matcher):
    text = "CEO萨姆·奥特曼表示"
    [mention] = matcher.find(text)
    assert text[mention.start : mention.end] == "萨姆·奥特曼"


def test_latin_aliases_do_not_fire_inside_other_words(matcher):
    assert names(matcher, "metadata and Metaverse") == []
    assert names(matcher, "Meta said") == ["Meta"]
    assert names(matcher, "OpenAIs") == []


def test_an_alias_inside_an_excluded_longer_word_does_not_fire(matcher):
    assert names(matcher, "马斯克林群岛的风景") == []
    assert names(matcher, "馬斯克林群島") == []
    assert names(matcher, "马斯克说") == ["Elon Musk"]
    assert names(matcher, "雷克萨斯汽车") == []


def test_offsets_survive_astral_characters_and_expanding_folds(matcher):
    text = "😀𠀀ﬁ Ｏｐｅｎ 與 OpenAI"
    mentions = matcher.find(text)
    assert [text[m.start : m.end] for m in mentions] == ["OpenAI"]
    assert mentions == [Mention("OpenAI", text.index("OpenAI"), len(text))]


def test_fullwidth_latin_is_folded_too(matcher):
    text = "ＯｐｅｎＡＩ發布"
    [mention] = matcher.find(text)
    assert (mention.entity, text[mention.start : mention.end]) == ("OpenAI", "ＯｐｅｎＡＩ")


def test_an_empty_matcher_finds_nothing():
    assert Matcher([]).find("奥特曼") == []
