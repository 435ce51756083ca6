"""GET /documents/<pk>/export/<format>/: the highlights a reader sees in one document."""

import csv
import io
import json

import pytest

from annotations.models import Sharing
from annotations.webannotation import PROFILE
from tests.factories import make_document

from .factories import ARTICLE, make_group, make_highlight, share
from .interop import ASTRAL_ARTICLE, count_queries, items_of, make_annotated_document

MARKDOWN = "text/markdown"


def url(document, fmt: str) -> str:
    return f"/documents/{document.pk}/export/{fmt}/"


def test_markdown_is_an_obsidian_note_with_front_matter_quotes_notes_tags_and_links(client, alice):
    document = make_annotated_document(alice)
    client.force_login(alice)
    response = client.get(url(document, "markdown"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    text = response.content.decode()
    assert text.startswith('---\ntitle: "😀超级对齐团队解散"\nurl: "http://testserver/documents/')
    assert 'source: "https://www.example.com/ai/superalignment.html"' in text
    assert "> 超级对齐团队由𨋢伊尔亚" in text
    assert "**要点**：𠀀 之后" in text
    assert "#safety #人物" in text
    first = document.highlights.get(exact="😀超级对齐")
    assert f"[↗ In Pizhu](http://testserver{first.get_absolute_url()})" in text
    # In document order: the title's highlight first.
    assert text.index("> 😀超级对齐") < text.index("> 超级对齐团队由") < text.index("> 多名研究员")


def test_csv_has_a_row_per_highlight_in_code_points_and_defuses_formulas(client, alice):
    document = make_document('标题\n=HYPERLINK("http://evil") 是公式。\n第二段。')
    make_highlight(alice, document, quote='=HYPERLINK("http://evil")', note="+1 同意")
    astral = make_annotated_document(alice)
    client.force_login(alice)
    response = client.get(url(document, "csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffdocument_title,")  # so Excel and WPS read UTF-8
    rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))
    assert [(row["quote"], row["note"]) for row in rows] == [
        ('\'=HYPERLINK("http://evil")', "'+1 同意")
    ]
    rows = list(csv.DictReader(io.StringIO(client.get(url(astral, "csv")).content.decode()[1:])))
    row = next(row for row in rows if row["quote"] == "多名研究员离职")
    start = ASTRAL_ARTICLE.replace("\n", "\n\n").index("多名研究员离职")
    assert (int(row["start"]), int(row["end"])) == (start, start + 7)
    assert row["author"] == "alice"


def test_json_ld_is_an_annotation_collection_with_both_selectors_and_bodies(client, alice):
    document = make_annotated_document(alice)
    client.force_login(alice)
    response = client.get(url(document, "jsonld"))
    assert response["Content-Type"] == PROFILE
    data = json.loads(response.content)
    assert (data["type"], data["total"], data["first"]["type"]) == (
        "AnnotationCollection",
        4,
        "AnnotationPage",
    )
    item = next(i for i in items_of(data) if i["target"]["selector"][0]["exact"] == "😀超级对齐")
    quote, position = item["target"]["selector"]
    assert position == {"type": "TextPositionSelector", "start": 0, "end": 5}
    assert quote["suffix"].startswith("团队解散")
    assert item["body"] == [
        {
            "type": "TextualBody",
            "value": "标题",
            "purpose": "commenting",
            "format": "text/markdown",
        },
        {"type": "TextualBody", "value": "OpenAI", "purpose": "tagging"},
        {"type": "TextualBody", "value": "治理", "purpose": "tagging"},
    ]
    assert item["target"]["source"] == f"http://testserver/documents/{document.pk}/"
    assert item["target"]["via"][0] == "https://www.example.com/ai/superalignment.html"
    assert item["target"]["via"][1].startswith("ni:///sha-256;")


def test_downloads_are_attachments_with_safe_names_and_never_cached(client, alice):
    document = make_document("标题\n正文。", title='OpenAI/"宫斗"\u202e<x>.md')
    client.force_login(alice)
    response = client.get(url(document, "markdown"))
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="pizhu-document-{document.pk}.md"; ')
    assert disposition.endswith("filename*=UTF-8''OpenAI%20%E5%AE%AB%E6%96%97%20x%20.md.md")
    assert "no-store" in response["Cache-Control"]


def test_it_holds_the_readers_and_shared_highlights_but_not_others_private_ones(client, alice, bob):
    document = make_document(ARTICLE)
    make_highlight(alice, document, quote="人工智能的安全问题")
    make_highlight(bob, document, quote="监管应当跟上技术的发展", note="bob 的秘密")
    shared = make_highlight(bob, document, quote="欧盟的人工智能法案", note="bob 分享的")
    share(shared, Sharing.LIBRARY)
    client.force_login(alice)
    text = client.get(url(document, "markdown")).content.decode()
    assert "人工智能的安全问题" in text and "bob 分享的" in text
    assert "bob 的秘密" not in text and "监管应当" not in text
    assert "— bob" in text  # others' highlights name their author


def test_a_revoked_share_is_gone_from_the_next_export(client, alice, bob):
    document = make_document(ARTICLE)
    group = make_group(bob, alice)
    shared = share(make_highlight(bob, document, note="小组笔记"), Sharing.GROUP, group)
    client.force_login(alice)
    assert "小组笔记" in client.get(url(document, "csv")).content.decode()
    share(shared, Sharing.PRIVATE)
    assert "小组笔记" not in client.get(url(document, "csv")).content.decode()


def test_a_document_without_highlights_still_gives_a_note_with_front_matter(client, alice):
    document = make_document(ARTICLE)
    client.force_login(alice)
    text = client.get(url(document, "markdown")).content.decode()
    assert text.startswith('---\ntitle: "奥特曼谈人工智能安全"')
    assert ">" not in text


def test_the_query_count_does_not_grow_with_the_number_of_highlights(client, alice):
    few, many = make_document(ARTICLE), make_document(ARTICLE)
    make_highlight(alice, few, tags=["safety"])
    for quote in ("奥特曼", "人工智能的安全", "全球合作", "旧金山", "扼杀创新", "欧盟", "美国国会"):
        make_highlight(alice, many, quote=quote, tags=["safety", quote], note=quote)
    client.force_login(alice)
    for fmt in ("markdown", "csv", "jsonld"):
        assert count_queries(lambda f=fmt: client.get(url(few, f))) == count_queries(
            lambda f=fmt: client.get(url(many, f))
        )


def test_anonymous_readers_are_sent_to_log_in(client, db):
    document = make_document(ARTICLE)
    response = client.get(url(document, "csv"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("path", ["/documents/999999/export/csv/", "DOC/export/pdf/"])
def test_an_unknown_document_or_format_is_404(client, alice, path):
    document = make_document(ARTICLE)
    client.force_login(alice)
    assert client.get(path.replace("DOC", f"/documents/{document.pk}")).status_code == 404


def test_post_is_405(client, alice):
    document = make_document(ARTICLE)
    client.force_login(alice)
    assert client.post(url(document, "csv")).status_code == 405


def test_the_reading_page_links_to_the_exports(client, alice):
    document = make_document(ARTICLE)
    client.force_login(alice)
    body = client.get(document.get_absolute_url()).content.decode()
    for fmt in ("markdown", "csv", "jsonld"):
        assert f'href="{url(document, fmt)}"' in body
