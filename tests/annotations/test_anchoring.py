"""Re-anchoring on plain strings: no database, no Django."""

import random
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from annotations.anchoring import (
    EXACT,
    FUZZY,
    MOVED,
    ORPHANED,
    Anchor,
    fold,
    fold_text,
    make_selector,
    reanchor,
)
from library.chinese import converter

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

TEXT = (
    "OpenAI 的首席执行官奥特曼表示，人工智能的安全问题需要全球合作。\n\n"
    "他在旧金山的一次活动上说，监管应当跟上技术的发展，而不是扼杀创新。\n\n"
    "欧盟的人工智能法案已经生效，美国国会仍在讨论相关立法。"
)
QUOTE = "监管应当跟上技术的发展"


def selector_of(quote: str, text: str = TEXT, occurrence: int = 0):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return make_selector(text, start, start + len(quote))


def placed(anchor: Anchor, text: str) -> str:
    assert anchor.state != ORPHANED
    return text[anchor.start : anchor.end]


def test_an_unchanged_text_keeps_every_highlight_exactly():
    anchor = reanchor(selector_of(QUOTE), TEXT)
    assert anchor == Anchor(EXACT, TEXT.index(QUOTE), TEXT.index(QUOTE) + len(QUOTE), 1.0)


def test_make_selector_takes_32_code_points_of_context_either_side():
    selector = selector_of(QUOTE)
    start = TEXT.index(QUOTE)
    assert selector.prefix == TEXT[start - 32 : start]
    assert selector.suffix == TEXT[start + len(QUOTE) : start + len(QUOTE) + 32]
    assert make_selector("短文", 0, 2).prefix == ""


@pytest.mark.parametrize(("start", "end"), [(-1, 2), (2, 2), (3, 1), (0, 999)])
def test_make_selector_refuses_a_range_outside_the_text(start, end):
    with pytest.raises(ValueError):
        make_selector(TEXT, start, end)


def test_an_edit_after_the_quote_leaves_it_exact():
    new = TEXT.replace("美国国会", "美国国会和各州议会")
    anchor = reanchor(selector_of(QUOTE), new)
    assert anchor.state == EXACT
    assert placed(anchor, new) == QUOTE


def test_an_edit_before_the_quote_moves_it():
    new = TEXT.replace("首席执行官", "首席执行官兼联合创始人")
    anchor = reanchor(selector_of(QUOTE), new)
    assert anchor.state == MOVED
    assert anchor.start == new.index(QUOTE)
    assert placed(anchor, new) == QUOTE


def test_an_edit_inside_the_quote_matches_fuzzily_with_its_score():
    quote = "监管应当跟上技术的发展，而不是扼杀创新"
    new = TEXT.replace("技术的发展", "技术发展的步伐")
    anchor = reanchor(selector_of(quote), new)
    assert anchor.state == FUZZY
    assert 0.8 <= anchor.score < 1
    assert placed(anchor, new) == "监管应当跟上技术发展的步伐，而不是扼杀创新"


def test_a_small_edit_at_the_start_of_the_quote_stays_on_the_passage():
    quote = "欧盟的人工智能法案已经生效"
    new = TEXT.replace("欧盟的人工智能法案", "歐洲聯盟的人工智能法案")
    anchor = reanchor(selector_of(quote), new)
    assert anchor.state == FUZZY
    assert "人工智能法案已经生效" in placed(anchor, new)


def test_converting_the_whole_text_to_traditional_keeps_the_offsets():
    new = converter("s2t").convert(TEXT)
    assert new != TEXT and len(new) == len(TEXT)
    for quote in [QUOTE, "人工智能的安全问题", "监", "OpenAI 的"]:
        selector = selector_of(quote)
        anchor = reanchor(selector, new)
        assert anchor == Anchor(EXACT, selector.start, selector.end, 1.0)
        assert placed(anchor, new) == converter("s2t").convert(quote)


def test_traditional_quotes_find_their_place_in_a_simplified_revision():
    traditional = converter("s2t").convert(TEXT)
    selector = make_selector(traditional, TEXT.index(QUOTE), TEXT.index(QUOTE) + len(QUOTE))
    assert selector.exact == "監管應當跟上技術的發展"
    new = "新增的导语。\n\n" + TEXT
    anchor = reanchor(selector, new)
    assert anchor.state == MOVED
    assert placed(anchor, new) == QUOTE


def test_whitespace_changes_do_not_lose_the_quote():
    quote = "OpenAI 的首席执行官"
    new = TEXT.replace("OpenAI 的", "OpenAI的").replace("\n\n", "\n \n\t")
    anchor = reanchor(selector_of(quote), new)
    assert anchor.state == MOVED
    assert placed(anchor, new) == "OpenAI的首席执行官"


def test_a_quote_split_by_new_spaces_still_covers_the_same_characters():
    new = TEXT.replace("跟上技术", "跟上 技术").replace("，", " ，")
    anchor = reanchor(selector_of(QUOTE), new)
    assert anchor.state == MOVED
    assert placed(anchor, new) == "监管应当跟上 技术的发展"


def test_a_repeated_quote_goes_where_its_context_agrees():
    text = (
        "第一段说：模型的规模很重要。\n\n第二段说：数据的质量很重要。\n\n结论：模型的规模很重要。"
    )
    selector = selector_of("模型的规模很重要", text, occurrence=1)
    new = "前言。\n\n" + text.replace("第一段说", "首先")
    anchor = reanchor(selector, new)
    assert anchor.state == MOVED
    assert anchor.start == new.rindex("模型的规模很重要")


def test_when_context_cannot_decide_the_nearest_occurrence_wins():
    text = "安全很重要。" * 20
    selector = make_selector(text, 60, 66)  # the 11th of 20 identical sentences
    new = "新" + text
    anchor = reanchor(selector, new)
    assert anchor == Anchor(MOVED, 61, 67, 1.0)


def test_a_deleted_quote_is_orphaned_and_keeps_its_old_offsets():
    selector = selector_of(QUOTE)
    new = TEXT.replace("他在旧金山的一次活动上说，监管应当跟上技术的发展，而不是扼杀创新。\n\n", "")
    assert reanchor(selector, new) == Anchor(ORPHANED, selector.start, selector.end, None)
    assert reanchor(selector, "").state == ORPHANED


@pytest.mark.parametrize("quote", ["监", "监管", "技术", "的发"])
def test_a_short_quote_whose_passage_was_rewritten_is_orphaned_not_misplaced(quote):
    # The passage is gone; the same characters still occur elsewhere in the text.
    selector = selector_of(quote, occurrence=0)
    new = TEXT.replace(
        "他在旧金山的一次活动上说，监管应当跟上技术的发展，而不是扼杀创新。", "此段已删除。"
    )
    new += "\n\n技术的发展离不开监管。"
    assert reanchor(selector, new).state == ORPHANED


def test_a_short_quote_moves_with_its_unchanged_context():
    selector = selector_of("监")
    new = "导语。\n\n" + TEXT
    anchor = reanchor(selector, new)
    assert anchor.state == MOVED
    assert anchor.start == new.index(QUOTE)


def test_a_quote_made_only_of_spaces_cannot_be_placed_by_matching():
    selector = make_selector("甲 乙", 1, 2)
    assert reanchor(selector, "丙甲 乙").state == ORPHANED


@pytest.mark.parametrize("before", ["😀", "𠀀", "𨋢", "👩‍👩‍👧", "😀𠀀𨋢"])
def test_astral_characters_before_the_quote_count_as_one_code_point(before):
    new = TEXT.replace("他在旧金山", f"{before}他在旧金山")
    anchor = reanchor(selector_of(QUOTE), new)
    assert anchor.state == MOVED
    assert anchor.start == TEXT.index(QUOTE) + len(before)
    assert placed(anchor, new) == QUOTE


@pytest.mark.parametrize("before", ["①", "ﬁ", "㍿", "ｆｕｌｌ", "\u3000", "Ⅻ"])
def test_characters_that_fold_to_another_length_before_the_quote(before):
    # NFKC turns ① into 1, ﬁ into fi, ㍿ into 株式会社, a full-width space into none.
    new = converter("s2t").convert(TEXT.replace("他在旧金山", f"{before}他在旧金山"))
    anchor = reanchor(selector_of(QUOTE), new)
    assert anchor.state == MOVED
    assert anchor.start == TEXT.index(QUOTE) + len(before)
    assert placed(anchor, new) == converter("s2t").convert(QUOTE)


def test_a_quote_with_full_width_letters_finds_its_half_width_spelling():
    text = "报告称ＯｐｅｎＡＩ的模型规模已经很大。"
    selector = make_selector(text, 3, 12)
    assert selector.exact == "ＯｐｅｎＡＩ的模型"
    new = "前言：报告称OpenAI的模型规模已经很大。"
    assert placed(reanchor(selector, new), new) == "OpenAI的模型"


def test_folding_maps_every_folded_character_back_to_its_code_point():
    text = "ﬁ①😀𠀀 臺灣\u3000Ａ\n\n𨋢"
    folded = fold(text)
    assert folded.text == "fi1😀𠀀台湾a䢂"  # t2s: the HKSCS 𨋢 (lift) is 䢂
    assert [text[i] for i in folded.origin] == ["ﬁ", "ﬁ", "①", "😀", "𠀀", "臺", "灣", "Ａ", "𨋢"]
    assert len(folded.at) == len(text) + 1
    for offset, position in enumerate(folded.at[:-1]):
        assert folded.origin[position:].count(offset) in (0, 1, 2)
    assert folded.original_span(5, 7) == (text.index("臺"), text.index("灣") + 1)


def test_a_text_is_folded_once_however_many_highlights_it_carries():
    text = "不会重复折叠的文本。" * 100
    assert fold(text) is fold(text)


def test_a_reanchored_highlight_is_exact_on_its_new_text():
    new = "导语。\n\n" + TEXT.replace("技术的发展", "技术发展的步伐")
    for quote in [QUOTE, "人工智能的安全问题需要全球合作", "美国国会"]:
        anchor = reanchor(selector_of(quote), new)
        again = make_selector(new, anchor.start, anchor.end)
        assert reanchor(again, new) == Anchor(EXACT, anchor.start, anchor.end, 1.0)


def is_copy(anchor: Anchor, new: str, selector) -> bool:
    """Whether the anchor sits on a copy of the passage (this article repeats a
    sentence as a pull quote): the same long quote, or a short one with context."""
    placed = fold_text(new[anchor.start : anchor.end])
    quote = fold_text(selector.exact)
    if len(quote) >= 16:
        return fuzz.ratio(placed, quote) >= 90
    return new[anchor.start : anchor.end] == selector.exact and (
        new[anchor.start - 8 : anchor.start] == selector.prefix[-8:]
        or new[anchor.end : anchor.end + 8] == selector.suffix[:8]
    )


def seed_paragraphs() -> list[str]:
    text = (SEEDS / "000_bc1656fde4aa0eb4.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_highlights_in_deleted_paragraphs_never_land_in_the_wrong_place():
    """Random highlights of a real article, a third of its paragraphs deleted: every
    highlight placed must overlap what is left of its own passage, or sit on a copy of
    it."""
    rng = random.Random(5)
    paragraphs = seed_paragraphs()
    old = "\n\n".join(paragraphs)
    keep = [rng.random() > 0.33 for _ in paragraphs]
    survivors: dict[int, int] = {}  # old offset -> new offset, for kept characters
    new_parts, old_at, new_at = [], 0, 0
    for paragraph, kept in zip(paragraphs, keep, strict=True):
        if kept:
            survivors.update({old_at + k: new_at + k for k in range(len(paragraph))})
            new_parts.append(paragraph)
            new_at += len(paragraph) + 2
        old_at += len(paragraph) + 2
    new = "\n\n".join(new_parts)
    states = set()
    for length in [1, 2, 3, 5, 8, 13, 30]:
        for _ in range(60):
            start = rng.randrange(len(old) - length)
            selector = make_selector(old, start, start + length)
            if not selector.exact.strip():
                continue
            anchor = reanchor(selector, new)
            states.add(anchor.state)
            if anchor.state == ORPHANED:
                continue
            kept = [survivors[k] for k in range(start, start + length) if k in survivors]
            on_passage = any(anchor.start <= k < anchor.end for k in kept)
            assert on_passage or is_copy(anchor, new, selector), (selector, anchor)
    assert {EXACT, MOVED, ORPHANED} <= states
