"""GET /highlights/export/<format>/: the reader's own highlights in every document."""

import csv
import io
import json
import zipfile

from annotations.models import Sharing
from tests.factories import make_document

from .factories import ARTICLE, make_highlight, share
from .interop import count_queries, items_of, make_annotated_document

URL = "/highlights/export/{}/"


def test_markdown_is_a_zip_of_one_obsidian_note_per_document(client, alice):
    make_annotated_document(alice)
    other = make_document(ARTICLE, title="第二篇")
    make_highlight(alice, other, note="第二篇的笔记")
    client.force_login(alice)
    response = client.get(URL.format("markdown"))
    assert response["Content-Type"] == "application/zip"
    assert "filename*=UTF-8''Pizhu%20highlights%20alice.zip" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["第二篇.md", "😀超级对齐团队解散.md"]
    note = archive.read("第二篇.md").decode()
    assert note.startswith('---\ntitle: "第二篇"') and "第二篇的笔记" in note


def test_notes_of_documents_with_the_same_title_get_distinct_names(client, alice):
    for _ in range(2):
        make_highlight(alice, make_document(ARTICLE, title="同名"))
    client.force_login(alice)
    archive = zipfile.ZipFile(io.BytesIO(client.get(URL.format("markdown")).content))
    assert sorted(archive.namelist()) == ["同名 (2).md", "同名.md"]


def test_only_the_readers_own_highlights_are_in_it(client, alice, bob):
    document = make_document(ARTICLE)
    make_highlight(alice, document, quote="人工智能的安全问题")
    share(make_highlight(bob, document, note="bob 分享的"), Sharing.LIBRARY)
    make_highlight(bob, document, quote="欧盟的人工智能法案", note="bob 的秘密")
    client.force_login(alice)
    data = json.loads(client.get(URL.format("jsonld")).content)
    assert [item["target"]["selector"][0]["exact"] for item in items_of(data)] == [
        "人工智能的安全问题"
    ]
    body = client.get(URL.format("csv")).content.decode()
    assert "bob" not in body and "人工智能的安全问题" in body


def test_the_query_count_does_not_grow_with_the_number_of_documents(client, alice):
    make_highlight(alice, make_document(ARTICLE), tags=["safety"])
    client.force_login(alice)
    few = {fmt: count_queries(lambda f=fmt: client.get(URL.format(f))) for fmt in ("csv", "jsonld")}
    for title in ("二", "三", "四"):
        make_highlight(alice, make_document(ARTICLE, title=title), tags=[title], note=title)
    for fmt, queries in few.items():
        assert count_queries(lambda f=fmt: client.get(URL.format(f))) == queries
    assert len(list(csv.reader(io.StringIO(client.get(URL.format("csv")).content.decode())))) == 5


def test_anonymous_readers_are_sent_to_log_in(client, db):
    response = client.get(URL.format("jsonld"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/highlights/export/jsonld/"


def test_an_unknown_format_is_404_and_post_is_405(client, alice):
    client.force_login(alice)
    assert client.get(URL.format("xlsx")).status_code == 404
    assert client.post(URL.format("csv")).status_code == 405


def test_my_highlights_links_to_the_exports_and_the_import_form(client, alice):
    client.force_login(alice)
    body = client.get("/highlights/").content.decode()
    for fmt in ("markdown", "csv", "jsonld"):
        assert f'href="{URL.format(fmt)}"' in body
    assert 'href="/highlights/import/"' in body
