"""Search terms on plain strings: tokens, queries, snippets and marks (no database)."""

from library.terms import (
    characters,
    find_snippet,
    headline_end,
    leading_snippet,
    marks,
    parse_query,
    tokens,
)


def test_cjk_runs_become_overlapping_bigrams_and_words_stay_words():
    assert tokens("openai的奥特曼说") == ["openai", "的奥", "奥特", "特曼", "曼说"]


def test_a_lone_character_is_its_own_token_and_punctuation_breaks_runs():
    assert tokens("他,说 ai。好") == ["他", "说", "ai", "好"]


def test_characters_are_the_single_cjk_characters_of_the_tokens():
    assert characters(["奥特", "特曼", "gpt"]) == {"奥", "特", "曼"}


def test_queries_are_folded_like_the_index():
    traditional = parse_query("奧特曼")
    assert traditional.folded == "奥特曼"
    assert traditional.phrase == ("奥特", "特曼")
    assert parse_query("ＯｐｅｎＡＩ").folded == "openai"


def test_a_one_character_query_looks_among_single_characters():
    [term] = parse_query("曼").terms
    assert term.single and term.tokens == ("曼",)
    [two] = parse_query("算力").terms
    assert not two.single and two.tokens == ("算力",)


def test_mixed_queries_are_cut_into_cjk_runs_and_words_with_their_spans():
    query = parse_query("OpenAI董事會 GPU")
    assert [term.text for term in query.terms] == ["openai", "董事会", "gpu"]
    assert [query.folded[s:e] for s, e in query.spans] == ["openai", "董事会", "gpu"]
    assert [term.prefix for term in query.terms] == [True, False, True]
    assert not parse_query("AI").terms[0].prefix  # two letters: whole words only


def test_an_empty_or_punctuation_query_has_no_terms():
    assert not parse_query("")
    assert not parse_query("，。!?")


def test_the_snippet_marks_the_match_in_the_original_script():
    text = "标题\n\n第一段没有。\n\n後來奧特曼說了話。"
    snippet = find_snippet(text, ["奥特曼"])
    start, end = snippet.marks[0]
    assert text[start:end] == "奧特曼"
    assert snippet.start <= start and end <= snippet.end


def test_snippet_marks_survive_folds_that_change_length():
    text = "他说……然后ﬁnally奥特曼来了"  # "…" folds to three characters, "ﬁ" to two
    snippet = find_snippet(text, ["奥特曼", "finally"])
    assert [text[s:e] for s, e in snippet.marks] == ["ﬁnally", "奥特曼"]


def test_a_snippet_does_not_open_inside_a_latin_word():
    text = "x" * 5 + " OpenAI是不是已经开始在训练GPT-5，" + "但是后来CEO奥特曼出来辟谣" * 3
    snippet = find_snippet(text, ["奥特曼"], width=40)
    assert not text[snippet.start - 1 : snippet.start + 1].isalpha() or snippet.start == 0


def test_nothing_found_is_none_and_the_leading_snippet_skips_the_headline():
    text = "标题\n\n正文第一段。\n\n第二段。"
    assert find_snippet(text, ["不存在"]) is None
    lead = leading_snippet(text)
    assert text[lead.start : lead.end] == "正文第一段。"


def test_the_headline_ends_where_the_title_line_does():
    assert headline_end("标题:\n\n正文", "标题") == len("标题:\n\n")
    # A first paragraph the title was cut from is not a headline.
    assert headline_end("前一段时间，大家都在猜测，后来又如何如何", "前一段时间") == 0


def test_marks_find_every_needle_in_a_title():
    assert marks("奧特曼與Sam Altman", ["奥特曼", "altman"]) == [(0, 3), (8, 14)]
