"""Metadata found in page text: publication dates, bylines, titles without site suffixes."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from ..chinese import converter

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_TIME = (
    r"(?:\s*(?:[T\s]|星期.|周.|礼拜.|\(.\)|（.）)*\s*"
    r"(?P<hour>\d{1,2})[:：时](?P<minute>\d{2})(?:[:：分](?P<second>\d{2}))?)?"
)
NUMERIC_DATE = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d{2})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})"
    r"(?!\d)\s*日?" + _TIME
)
ENGLISH_DATE = re.compile(
    r"\b(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+(?P<day>\d{1,2}),?\s+"
    r"(?P<year>(?:19|20)\d{2})(?:,?\s*(?:at\s*)?(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?)?",
    re.IGNORECASE,
)
DAY_FIRST_DATE = re.compile(
    r"\b(?P<day>\d{1,2})\s+(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|"
    r"july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+"
    r"(?P<year>(?:19|20)\d{2})\b",
    re.IGNORECASE,
)

BYLINE = re.compile(
    r"^(?:(?:作者|撰文|采写|记者)\s*[:：|｜/／]?|文\s*[:：|｜/／]|by\s)\s*"
    r"(?P<name>[^\s,，|｜/／:：()（）]{2,24}(?:\s[A-Z][\w.'-]+){0,3})",
    re.IGNORECASE,
)
REPORTER = re.compile(
    r"^(?:[(（]?中央社)?记者\s*(?P<name>[\u4e00-\u9fff·]{2,8}?)\s*[／/]\s*\S{2,6}(?:报导|报道|电)"
)
SOURCE_FIELD = re.compile(
    r"(?:来源|来自|出处|source)\s*[:：]\s*(?P<name>[^\s|｜,，:：]{2,20})", re.IGNORECASE
)
TITLE_SEPARATORS = re.compile(r"\s*(?:[_|｜–—]|\s-\s|-{2,}|::)\s*")


def _year_ok(year: int) -> bool:
    return 1990 <= year <= 2100


def find_date(text: str) -> tuple[datetime, tuple[int, int]] | None:
    """The first date (with time when given) in `text` and its span, or None.

    Understands 2024-12-07 01:33:17, 2024/3/5, 2024年12月7日 08:30, May 17, 2024 and
    17 May 2024. Times are naive: the page's local time.
    """
    text = unicodedata.normalize("NFKC", text)
    candidates = []
    for pattern in (NUMERIC_DATE, ENGLISH_DATE, DAY_FIRST_DATE):
        match = pattern.search(text)
        if match:
            candidates.append(match)
    for match in sorted(candidates, key=lambda m: m.start()):
        parts = match.groupdict()
        month = parts["month"]
        month = int(month) if month.isdigit() else MONTHS.get(month.lower().rstrip("."), 0)
        hour = int(parts.get("hour") or 0)
        if (parts.get("ampm") or "").lower().startswith("p") and hour < 12:
            hour += 12
        try:
            value = datetime(
                int(parts["year"]),
                month,
                int(parts["day"]),
                hour,
                int(parts.get("minute") or 0),
                int(parts.get("second") or 0),
            )
        except ValueError:
            continue
        if _year_ok(value.year):
            return value, match.span()
    return None


def parse_timestamp(value: str) -> datetime | None:
    """A date from a machine-readable field (ISO 8601, with or without zone), else None."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit() and len(value) in (10, 13):  # Unix seconds or milliseconds
        try:
            return datetime.fromtimestamp(int(value[:10])).astimezone()
        except (OverflowError, OSError, ValueError):
            return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        found = find_date(value)
        return found[0] if found else None
    return parsed if _year_ok(parsed.year) else None


def byline_author(text: str) -> str | None:
    """The name in a byline such as “作者：张三”, “記者王小明／台北報導” or “By Jane Doe”."""
    text = unicodedata.normalize("NFKC", text.strip())
    simplified = converter("t2s").convert(text)  # same length, so spans carry over
    for pattern in (REPORTER, BYLINE):
        match = pattern.match(simplified)
        if match:
            return text[match.start("name") : match.end("name")].strip()
    return None


def source_field(text: str) -> str | None:
    """The name in “来源：新浪科技” style fields."""
    text = unicodedata.normalize("NFKC", text)
    match = SOURCE_FIELD.search(converter("t2s").convert(text))
    return text[match.start("name") : match.end("name")] if match else None


def strip_site_suffix(title: str, site_names: tuple[str, ...] = ()) -> str:
    """`title` without a trailing (or leading) site name: “标题_新浪科技” → “标题”."""
    title = " ".join(title.split())
    parts = [part for part in TITLE_SEPARATORS.split(title) if part]
    if len(parts) < 2:
        return title
    known = {name.casefold() for name in site_names if name}
    kept = [part for part in parts if part.casefold() not in known] or parts
    # The headline is the longest part; portals add short channel and site names around
    # it (“标题_科技_新浪网”, “Site | Title”).
    return max(kept, key=len)
