"""Pure tests of the plain-text cleaner: no database."""

import pytest

from library.cleaning import Block, Rejected, assemble, clean, clean_text
from library.cleaning.document import cut
from library.cleaning.text import guess_title


def test_crlf_and_lone_cr_become_newlines():
    cleaned = clean_text("一\r\n二\r三")
    assert cleaned.text == "一\n\n二\n\n三"


def test_control_characters_are_removed_and_audited_at_their_input_offset():
    source = "前\x00言\n正\x1b\x1b文\x85"
    cleaned = clean_text(source)
    assert cleaned.text == "前言\n\n正文"
    assert [(r.text, r.rule, r.start) for r in cleaned.removed] == [
        ("\x00", "control-characters", 1),
        ("\x1b\x1b", "control-characters", 5),
        ("\x85", "control-characters", 8),
    ]
    for removal in cleaned.removed:
        assert source[removal.start : removal.start + len(removal.text)] == removal.text


def test_blank_lines_and_edge_whitespace_go_but_inner_spaces_stay():
    cleaned = clean_text("\n\n　　第一段  有空格 \n\n\t第二段\n   \n")
    assert cleaned.text == "第一段  有空格\n\n第二段"


def test_pinyin_after_the_character_it_reads_is_removed():
    cleaned = clean_text("OpenAI爆發(fā)了一場內(nèi)部斗爭,網（wǎng）易")
    assert cleaned.text == "OpenAI爆發了一場內部斗爭,網易"
    assert {r.rule for r in cleaned.removed} == {"pinyin-artifact"}
    assert len(cleaned.removed) == 3


@pytest.mark.parametrize(
    "text",
    [
        "CEO奧特曼(Sam Altman)突然被開除",
        "(如有圖片或視頻亦包括在內)",
        "伊利亞(左三)與奧特曼(左四)",
        "用了AI(ai)",
    ],
)
def test_brackets_that_are_not_a_reading_of_the_previous_character_stay(text):
    assert clean_text(text).text == text


def test_a_reading_of_another_character_stays():
    assert clean_text("數(fā)").text == "數(fā)"


def test_assemble_lays_blocks_over_the_text_by_code_points():
    blocks = [Block("heading", "😀标题"), Block("paragraph", "𠀀正文", attrs={"x": 1})]
    text, layout = assemble(blocks)
    assert text == "😀标题\n\n𠀀正文"
    assert [(b["start"], b["end"]) for b in layout] == [(0, 3), (5, 8)]
    for block, entry in zip(blocks, layout, strict=True):
        assert text[entry["start"] : entry["end"]] == block.text


def test_assemble_skips_empty_blocks_and_makes_link_offsets_absolute():
    from library.cleaning import Link

    text, layout = assemble(
        [
            Block("paragraph", ""),
            Block("paragraph", "一"),
            Block("paragraph", "见官网", links=(Link(1, 3, "https://a.example/"),)),
        ]
    )
    assert len(layout) == 2
    start, end, href = layout[1]["links"][0]
    assert text[start:end] == "官网"
    assert href == "https://a.example/"


def test_unknown_block_kinds_are_refused():
    with pytest.raises(ValueError, match="unknown block kind"):
        Block("marquee", "x")


def test_cut_merges_overlapping_removals():
    from library.cleaning import Removal

    removals = [Removal("bcd", "a", 1), Removal("cd", "b", 2), Removal("f", "c", 5)]
    assert cut("abcdefg", removals) == "aeg"


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("短标题", "短标题"),
        (
            "過去 20 年的社交媒體巨獸給了一個很好的警示和經驗,因此面對 AI,除了好的,我們也更想問:"
            "那壞的呢?後面還有很長很長的一段文字會超過標題的長度上限",
            "過去 20 年的社交媒體巨獸給了一個很好的警示和經驗",
        ),
        ("字" * 100, "字" * 64 + "…"),
    ],
)
def test_the_title_is_the_first_line_or_its_first_clause(line, title):
    assert guess_title(line) == title


def test_empty_text_is_rejected():
    with pytest.raises(Rejected, match="no article text"):
        clean_text(" \n\x00\n")


def test_clean_decodes_bytes_and_reports_the_encoding():
    cleaned = clean(
        "人工智能安全研究\n奥特曼表示，需要更多投入。".encode("gb18030"), filename="a.txt"
    )
    assert cleaned.text.startswith("人工智能安全研究")
    assert cleaned.encoding == "gb18030"
    assert cleaned.metadata.script == "simplified"
    assert cleaned.metadata.language == "zh"


def test_as_json_has_the_documented_keys():
    data = clean_text("标题\n正文").as_json()
    assert set(data) >= {"title", "text", "blocks", "metadata", "encoding", "removed"}
    assert data["blocks"][1] == {
        "kind": "paragraph",
        "start": 4,
        "end": 6,
        "attrs": {},
        "links": [],
    }
