"""Markdown and CSV exports on plain values."""

import csv
import io
from datetime import UTC, datetime

import pytest

from annotations.exports import Source, csv_safe, markdown, to_csv
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
