"""Helpers for the export, annotation API and import tests."""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.webannotation import PROFILE
from tests.factories import make_document

from .factories import make_highlight

# Astral characters (an emoji and two CJK Extension B ideographs) before and inside the
# highlighted passages, so code point and UTF-16 offsets differ.
ASTRAL_ARTICLE = (
    "😀超级对齐团队解散\n"
    "𠀀OpenAI 的超级对齐团队由𨋢伊尔亚领导，负责确保超级智能的安全。\n"
    "团队解散后，多名研究员离职，并公开批评公司的安全文化。\n"
    "奥特曼回应称，公司将继续投入安全研究。"
)
ORIGIN = "https://www.example.com/ai/superalignment.html"


def make_annotated_document(user, *, origin: str = ORIGIN):
    """A document with astral characters and four of `user`'s highlights: two of them
    overlapping, one with a Markdown note, tags in both scripts and a theme."""
    document = make_document(ASTRAL_ARTICLE, origin=origin)
    make_highlight(user, document, quote="超级对齐团队由𨋢伊尔亚", note="**要点**：𠀀 之后")
    make_highlight(user, document, quote="团队由𨋢伊尔亚领导", tags=["safety", "人物"])
    make_highlight(user, document, quote="😀超级对齐", note="标题", tags=["治理", "OpenAI"])
    make_highlight(user, document, quote="多名研究员离职")
    return document


def ld(response) -> dict:
    assert response.status_code == 200, response.content[:500]
    return json.loads(response.content)


def items_of(data: dict) -> list[dict]:
    """The annotations of a collection (its first page), a page or a single one."""
    if data["type"] == "AnnotationCollection":
        return data["first"]["items"]
    if data["type"] == "AnnotationPage":
        return data["items"]
    return [data]


def without_ids(data: dict) -> list[dict]:
    """The annotations with their `id` (this library's IRI for each) left out."""
    return [{key: value for key, value in item.items() if key != "id"} for item in items_of(data)]


def count_queries(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


ACCEPT_LD = {"HTTP_ACCEPT": PROFILE}
