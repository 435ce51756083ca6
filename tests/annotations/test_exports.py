"""Markdown and CSV exports on plain values."""

import csv
import io
import zipfile
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from annotations.exports import (
    Source,
    content_disposition,
    csv_safe,
    file_name,
    literal,
    markdown,
    notes_archive,
    obsidian_tag,
    to_csv,
)
from annotations.webannotation import Exported

SOURCE = Source(
    title='OpenAI "再陷" 宮斗: 理想主義者',
    url="https://pizhu.example/documents/3/",
    original_url="https://www.163.com/dy/article/x.html",
    site="網易號",
    published=datetime(2024, 5, 20, 8, 0, tzinfo=UTC),
)
ITEM = Exported(
    id="https://pizhu.example/documents/3/#highlight-7",
    source=SOURCE.url,
    exact="第一行\n第二行",
    note="要点：=SUM(A1)",
    tags=("safety", "free tag"),
    start=3,
    end=10,
    created=datetime(2024, 5, 21, 9, 0, tzinfo=UTC),
)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("＝1+1", "'＝1+1"),
        ("奥特曼", "奥特曼"),
        (None, ""),
        (5, "5"),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_defused(value, cell):
    assert csv_safe(value) == cell


def test_csv_has_a_header_and_one_row_per_highlight():
    rows = list(csv.reader(io.StringIO(to_csv([(SOURCE, ITEM)]))))
    assert rows[0][:3] == ["document_title", "document_url", "quote"]
    assert rows[1][2] == "第一行\n第二行"
    assert rows[1][4] == "safety; free tag"
    assert rows[1][7] == "2024-05-21T09:00:00Z"


def test_csv_defuses_titles_too():
    evil = Source(title="=cmd|' /C calc'!A0", url="https://pizhu.example/documents/1/")
    rows = list(csv.reader(io.StringIO(to_csv([(evil, ITEM)]))))
    assert rows[1][0].startswith("'=")


def test_markdown_has_front_matter_quotes_notes_tags_and_a_link_back():
    text = markdown(SOURCE, [ITEM])
    assert text.startswith('---\ntitle: "OpenAI \\"再陷\\" 宮斗: 理想主義者"\n')
    assert 'source: "https://www.163.com/dy/article/x.html"' in text
    assert "date: 2024-05-20" in text
    assert "> 第一行\n> 第二行" in text
    assert "要点：=SUM(A1)" in text
    assert "#safety #free_tag" in text
    assert f"[↗ In Pizhu]({ITEM.id})" in text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
        ("[点我](javascript:alert(1))", "\\[点我\\](javascript:alert(1))"),
        ("# 不是标题", "\\# 不是标题"),
        ("- 不是列表\n  + 也不是", "\\- 不是列表\n  \\+ 也不是"),
        ("2024. 年份", "2024\\. 年份"),
        (
            "价格 $5 和 $6，#标签 ==高亮== ^id %%注释%%",
            "价格 \\$5 和 \\$6，\\#标签 \\=\\=高亮\\=\\= \\^id \\%\\%注释\\%\\%",
        ),
        (
            "**粗体** _斜_ `码` a|b ~删~ &amp;",
            "\\*\\*粗体\\*\\* \\_斜\\_ \\`码\\` a\\|b \\~删\\~ \\&amp;",
        ),
        ("奥特曼说：AI-安全很重要。", "奥特曼说：AI-安全很重要。"),
    ],
)
def test_scraped_text_comes_out_literally_in_markdown(text, shown):
    assert literal(text) == shown


def test_markdown_shows_quotes_and_titles_literally_but_keeps_notes_as_markdown():
    evil = Source(title="# <b>标题</b>", url="https://pizhu.example/documents/1/")
    item = replace(ITEM, exact="<img src=x onerror=alert(1)>", note="**我的**笔记")
    text = markdown(evil, [item])
    assert "# \\# \\<b\\>标题\\</b\\>" in text
    assert "> \\<img src=x onerror=alert(1)\\>" in text
    assert "**我的**笔记" in text


def test_markdown_names_authors_only_when_asked():
    item = replace(ITEM, creator="alice")
    assert "— alice" not in markdown(SOURCE, [item])
    assert "— alice" in markdown(SOURCE, [item], authors=True)


@pytest.mark.parametrize(
    ("name", "tag"),
    [("safety", "#safety"), ("free tag", "#free_tag"), ("GPT-4.5", "#GPT-4_5"),
     ("治理/欧盟", "#治理/欧盟"), ("2024", "#_2024")],
)  # fmt: skip
def test_tags_become_obsidian_tags(name, tag):
    assert obsidian_tag(name) == tag


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("OpenAI再陷宮斗", "OpenAI再陷宮斗.md"),
        ('a/b\\c:d*e?f"g<h>i|j#k^l[m]n', "a b c d e f g h i j k l m n.md"),
        ("  ..隐藏..  ", "隐藏.md"),
        ("\u202egnp.exe", "gnp.exe.md"),
        ("", "document-3.md"),
        ("///", "document-3.md"),
        ("CON", "document-3.md"),
        ("长" * 200, "长" * 80 + ".md"),
    ],
)
def test_file_names_are_safe_everywhere(title, name):
    assert file_name(title, "md", "document-3") == name


def test_content_disposition_has_an_ascii_fallback_and_the_utf8_name():
    header = content_disposition('奥特曼 "说".md', 'pizhu "3".md')
    assert header == (
        'attachment; filename="pizhu__3_.md"; '
        "filename*=UTF-8''%E5%A5%A5%E7%89%B9%E6%9B%BC%20%22%E8%AF%B4%22.md"
    )


def test_notes_archive_keeps_every_note_under_a_distinct_name():
    data = notes_archive([("同名.md", "一"), ("同名.md", "二"), ("同名.MD", "三")])
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == ["同名.md", "同名 (2).md", "同名 (3).MD"]
    assert archive.read("同名 (2).md").decode() == "二"


def test_csv_names_the_author_and_the_original_page():
    rows = list(csv.DictReader(io.StringIO(to_csv([(SOURCE, replace(ITEM, creator="alice"))]))))
    assert (rows[0]["author"], rows[0]["original_url"]) == ("alice", SOURCE.original_url)
