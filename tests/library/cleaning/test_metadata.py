"""Dates, bylines and titles found in page text."""

from datetime import datetime

import pytest

from library.cleaning.metadata import (
    byline_author,
    find_date,
    parse_timestamp,
    source_field,
    strip_site_suffix,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("鳳凰科技 2024-12-07 01:33:17 1", datetime(2024, 12, 7, 1, 33, 17)),
        ("发布时间：2024年12月7日 08:30", datetime(2024, 12, 7, 8, 30)),
        ("2024/3/5", datetime(2024, 3, 5)),
        ("2024年5月17日 星期五", datetime(2024, 5, 17)),
        ("2024.05.17 14:32", datetime(2024, 5, 17, 14, 32)),
        ("Updated May 17, 2024 at 2:32 p.m.", datetime(2024, 5, 17, 14, 32)),
        ("17 May 2024", datetime(2024, 5, 17)),
    ],
)
def test_it_reads_chinese_and_english_dates(text, expected):
    found = find_date(text)
    assert found is not None
    assert found[0] == expected


@pytest.mark.parametrize("text", ["共 2024 字", "2024-13-45", "电话 010-12345678", "1850年1月1日"])
def test_it_finds_no_date_where_there_is_none(text):
    assert find_date(text) is None


def test_the_span_covers_the_date_only():
    text = "鳳凰科技 2024-12-07 01:33:17 1"
    _, (start, end) = find_date(text)
    assert text[start:end].strip() == "2024-12-07 01:33:17"


def test_machine_readable_timestamps_keep_their_zone():
    value = parse_timestamp("2024-11-17T14:32:00+08:00")
    assert value.utcoffset().total_seconds() == 8 * 3600
    assert parse_timestamp("2024-11-17T06:32:00Z").tzinfo is not None
    assert parse_timestamp("not a date") is None


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("作者：张三", "张三"),
        ("文｜林深", "林深"),
        ("記者王小明／台北報導", "王小明"),
        ("By Jane Doe", "Jane Doe"),
    ],
)
def test_bylines_give_the_author(line, name):
    assert byline_author(line) == name


@pytest.mark.parametrize("line", ["文章1", "作为一个作者，我认为", "Bypassing the filter"])
def test_sentences_are_not_bylines(line):
    assert byline_author(line) is None


def test_source_fields_name_the_site():
    assert source_field("来源：证券时报网 作者：李明远") == "证券时报网"
    assert source_field("來源：聯合新聞網") == "聯合新聞網"


@pytest.mark.parametrize(
    ("title", "sites", "expected"),
    [
        ("董事会风波_科技频道_示例网", ("示例网",), "董事会风波"),
        ("OpenAI再陷宮斗 | 網易", (), "OpenAI再陷宮斗"),
        ("Reuters | EU AI rules take effect", ("Reuters",), "EU AI rules take effect"),
        ("没有后缀的标题", (), "没有后缀的标题"),
    ],
)
def test_site_suffixes_come_off_titles(title, sites, expected):
    assert strip_site_suffix(title, sites) == expected
