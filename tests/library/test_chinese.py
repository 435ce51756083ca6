"""Pure tests of script and language detection: no database."""

import pytest

from library.chinese import detect_language, detect_script, folded_with_offsets


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("人工智能的安全问题越来越重要，奥特曼说。", "simplified"),
        ("人工智慧的安全問題越來越重要，奧特曼說。", "traditional"),
        ("这篇是简体。這篇是繁體。這裡還有更多繁體。这里还有更多简体。", "mixed"),
        ("OpenAI and Anthropic", "unknown"),
        ("中文", "unknown"),  # characters both scripts share say nothing
    ],
)
def test_it_detects_the_script(text, script):
    assert detect_script(text) == script


def test_a_few_simplified_spam_lines_do_not_make_a_traditional_article_mixed():
    article = "奧特曼說，安全團隊舉步維艱，這是一場舉世矚目的內部鬥爭。" * 20
    assert detect_script("免费观看高清\n" + article) == "traditional"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("人工智能的安全", "zh"),
        ("Why the OpenAI team in charge of safeguarding humanity imploded", "en"),
        ("OpenAI发布了GPT-4o，奥特曼表示", "zh"),
        ("12345 !!", ""),
    ],
)
def test_it_guesses_the_language(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "text",
    [
        "奧特曼說，ＡＩ很重要。",
        "他说……然后ﬁnally来了",
        "Straße 和 ＧＰＵ",
        "ｶﾞｷﾞ and e\u0301 and 한글 ᄀ\u1161",
        "😀 𠀀 astral",
    ],
)
def test_folding_with_offsets_is_the_same_on_the_fast_and_the_slow_path(text):
    folded, offsets = folded_with_offsets(text)
    slow = [("".join(folded_with_offsets(char)[0]), i) for i, char in enumerate(text)]
    assert folded == "".join(piece for piece, _ in slow)
    assert offsets == [i for piece, i in slow for _ in piece]
