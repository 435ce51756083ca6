"""The reading page's script conversion and contents (library/reading.py)."""

from functools import cache
from pathlib import Path

import pytest

from library.cleaning import Block, clean
from library.models import Script
from library.reading import SCRIPTS, convert, display_config, reading_view, shown_blocks
from tests.factories import make_document, make_document_from_blocks

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))
SAMPLES = sorted((Path(__file__).resolve().parent / "samples").glob("*.html"))
CONFIGS = ["t2s", "s2t", "s2tw", "s2hk", "t2tw", "t2hk"]
ASTRAL = "😀 表情，𠀀 扩展 B，𨋢 香港字，乾隆皇帝與乾淨的後台，发展與發展"


@pytest.mark.parametrize(
    ("script", "original", "config"),
    [
        ("original", Script.SIMPLIFIED, None),
        ("hans", Script.SIMPLIFIED, None),
        ("hans", Script.TRADITIONAL, "t2s"),
        ("hans", Script.MIXED, "t2s"),
        ("hant", Script.SIMPLIFIED, "s2t"),
        ("hant", Script.TRADITIONAL, None),
        ("hant", Script.MIXED, "s2t"),
        ("hant-tw", Script.SIMPLIFIED, "s2tw"),
        ("hant-tw", Script.TRADITIONAL, "t2tw"),
        ("hant-hk", Script.SIMPLIFIED, "s2hk"),
        ("hant-hk", Script.TRADITIONAL, "t2hk"),
        ("hant", Script.UNKNOWN, None),
        ("klingon", Script.SIMPLIFIED, None),
    ],
)
def test_each_script_has_its_character_level_config(script, original, config):
    assert display_config(script, original) == config


@cache
def corpus() -> list[str]:
    texts = [ASTRAL] + [p.read_text(encoding="utf-8") for p in SEEDS]
    return texts + [clean(p.read_bytes(), filename=p.name).text for p in SAMPLES]


@pytest.mark.parametrize("config", CONFIGS)
def test_every_config_keeps_every_code_point_of_the_seeds_and_samples(config):
    for text in corpus():
        converted = convert(text, config)
        assert len(converted) == len(text)
        # Line breaks and spaces (block separators) stay where they were.
        assert [i for i, c in enumerate(converted) if c.isspace()] == [
            i for i, c in enumerate(text) if c.isspace()
        ]


@pytest.mark.parametrize("script", [s for s in SCRIPTS if s != "original"])
def test_every_block_keeps_its_offsets_and_length_in_every_script(db, script):
    for path in SEEDS:
        document = make_document(path.read_text(encoding="utf-8"))
        revision = document.current_revision
        config = display_config(script, document.original_script)
        for plain, shown in zip(
            revision.rendered_blocks(), shown_blocks(revision, config), strict=True
        ):
            assert (shown.start, shown.end) == (plain.start, plain.end)
            text = "".join(segment.text for segment in shown.segments)
            assert len(text) == shown.end - shown.start
            original = shown.attrs.get("original", text)
            assert original == revision.text[shown.start : shown.end]


def test_a_converted_block_carries_its_canonical_text(db):
    document = make_document("标题\n发展很快。\nOpenAI only")
    blocks = shown_blocks(document.current_revision, "s2t")
    assert ["".join(s.text for s in b.segments) for b in blocks] == [
        "標題",
        "發展很快。",
        "OpenAI only",
    ]
    assert [b.attrs.get("original") for b in blocks] == ["标题", "发展很快。", None]


def test_links_stay_links_in_another_script(db):
    from library.cleaning import Link

    blocks = [Block("paragraph", "见发展报告全文", links=(Link(1, 5, "https://example.com/"),))]
    document = make_document_from_blocks(blocks)
    (block,) = shown_blocks(document.current_revision, "s2t")
    assert [(s.text, s.href) for s in block.segments] == [
        ("見", ""),
        ("發展報告", "https://example.com/"),
        ("全文", ""),
    ]


def test_a_conversion_that_changed_the_length_would_be_refused(monkeypatch):
    import library.reading

    class Stretching:
        def convert(self, text):
            return text.replace("内存", "記憶體")

    monkeypatch.setattr(library.reading, "converter", lambda config: Stretching())
    assert convert("内存很贵", "s2twp") == "内存很贵"


def test_long_articles_with_headings_get_contents(db):
    body = "很长的段落。" * 300
    blocks = [
        Block("heading", "第一部分", attrs={"level": 2}),
        Block("paragraph", body),
        Block("heading", "第二部分", attrs={"level": 3}),
        Block("paragraph", body),
    ]
    document = make_document_from_blocks(blocks)
    view = reading_view(document, document.current_revision, "hant")
    assert view.show_contents
    assert [(h.text, h.level, h.anchor) for h in view.headings] == [
        ("第一部分", 2, "h-0"),
        ("第二部分", 3, f"h-{len('第一部分') + 2 + len(body) + 2}"),
    ]
    short = make_document_from_blocks(blocks[:2] + blocks[2:3] + [Block("paragraph", "短")])
    assert not reading_view(short, short.current_revision, "original").show_contents


def test_the_page_declares_the_language_of_the_script_it_shows(db):
    document = make_document("这是简体中文的文章。\n奥特曼说。")
    assert reading_view(document, document.current_revision, "original").lang == "zh-Hans"
    assert reading_view(document, document.current_revision, "hant").lang == "zh-Hant"
    assert reading_view(document, document.current_revision, "hant-hk").lang == "zh-Hant-HK"
    assert reading_view(document, None, "nonsense").script == "original"


def test_a_first_heading_that_says_the_title_is_shown_once_as_the_headline(db):
    blocks = [
        Block("heading", "奧特曼，回來了：", attrs={"level": 1}),
        Block("paragraph", "正文。"),
        Block("heading", "第二部分", attrs={"level": 2}),
    ]
    document = make_document_from_blocks(blocks, title="奧特曼,回來了")
    view = reading_view(document, document.current_revision, "hans")
    assert view.title_in_body
    assert [(block.tag, block.is_title) for block in view.blocks][:2] == [
        ("h1", True),
        ("p", False),
    ]
    assert [heading.text for heading in view.headings] == ["第二部分"]


def test_a_first_heading_that_differs_from_the_title_stays_a_heading(db):
    blocks = [Block("heading", "导语", attrs={"level": 2}), Block("paragraph", "正文。")]
    document = make_document_from_blocks(blocks, title="另一个标题")
    view = reading_view(document, document.current_revision, "original")
    assert not view.title_in_body
    assert view.blocks[0].tag == "h2"
