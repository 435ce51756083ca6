"""Near-duplicates across scripts and chrome: detected at import, reviewed in the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from library.chinese import converter
from library.importing import import_bytes
from library.models import Document, DocumentMerge, NearDuplicate
from tests.annotations.factories import make_highlight

BODY = (
    "OpenAI 首席执行官奥特曼周三表示，公司将在今年晚些时候发布新一代模型，"
    "并承诺在发布之前与美国和英国的人工智能安全研究所合作开展测试。",
    "他说，监管机构应当关注最强大的系统，而不是给开源社区和初创公司增加负担。"
    "欧盟的人工智能法案已于八月生效，对通用模型提出了透明度要求。",
    "批评者认为，自愿承诺无法替代有约束力的规则，政府需要独立的评估能力。",
)
OTHER = (
    "台积电董事长魏哲家在法说会上指出，先进封装产能今年仍将供不应求，"
    "公司计划把 CoWoS 月产能提高一倍以上，以满足人工智能加速器客户的需求。",
    "分析师认为，英伟达的新一代芯片将占据大部分新增产能，竞争对手只能等待。",
)


def html(title: str, paragraphs, chrome: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title}</title></head><body>{chrome}"
        f"<article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


def traditional(data: bytes) -> bytes:
    return converter("s2t").convert(data.decode()).encode()


@pytest.fixture
def pair(db):
    """The same article imported in 简体, then in 繁體 from another site with other chrome."""
    first = import_bytes(
        html("奥特曼谈安全测试", BODY), name="a.html", origin="https://a.example/1"
    )
    chrome = '<div class="nav"><a href="/">首頁</a> <a href="/tech">科技</a></div>'
    copy = traditional(html("奥特曼谈安全测试", BODY, chrome)) + "<p>本文轉載自網路</p>".encode()
    second = import_bytes(copy, name="b.html", origin="https://b.example/9")
    return first, second


def test_the_same_article_in_the_other_script_is_reported(pair):
    first, second = pair
    assert first.status == second.status == "created"
    assert f"near-duplicate of document {first.document}" in second.reason
    assert "review in the admin" in second.reason
    found = NearDuplicate.objects.get()
    assert (found.document_id, found.original_id) == (second.document, first.document)
    assert found.similarity > 0.8
    assert Document.objects.get(pk=second.document).original_script == "traditional"


def test_different_articles_are_not_reported(db):
    import_bytes(html("奥特曼谈安全测试", BODY), name="a.html")
    other = import_bytes(html("台积电扩产", OTHER), name="b.html")
    assert "near-duplicate" not in other.reason
    assert NearDuplicate.objects.count() == 0


def review_url(found) -> str:
    return reverse("admin:library_nearduplicate_change", args=[found.pk])


def test_the_review_page_shows_both_texts_escaped(client, admin_user, pair):
    found = NearDuplicate.objects.get()
    client.force_login(admin_user)
    body = client.get(review_url(found)).content.decode()
    assert "奥特曼周三表示" in body and "奧特曼週三表示" in body
    assert "Merge: keep the earlier" in body
    listing = client.get(reverse("admin:library_nearduplicate_changelist")).content.decode()
    assert review_url(found) in listing


def test_keeping_both_records_the_decision(client, admin_user, pair):
    found = NearDuplicate.objects.get()
    client.force_login(admin_user)
    response = client.post(review_url(found), {"decision": "keep-both"})
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.decision == "kept" and found.decided_by == admin_user
    assert Document.objects.count() == 2
    assert NearDuplicate.objects.to_review().count() == 0


def test_merging_keeps_one_document_and_remembers_the_other(client, admin_user, pair):
    first, second = pair
    retired = Document.objects.get(pk=second.document)
    retired.tags.add("繁體版")
    found = NearDuplicate.objects.get()
    client.force_login(admin_user)
    response = client.post(review_url(found), {"decision": "keep-original"})
    assert response.status_code == 302
    assert list(Document.objects.values_list("pk", flat=True)) == [first.document]
    kept = Document.objects.get()
    assert "繁體版" in kept.tags.names()
    merge = DocumentMerge.objects.get()
    assert merge.origin == "https://b.example/9"
    assert merge.document == kept

    # The retired copy's bytes and origin now stand for the kept document.
    chrome = '<div class="nav"><a href="/">首頁</a> <a href="/tech">科技</a></div>'
    again = traditional(html("奥特曼谈安全测试", BODY, chrome)) + "<p>本文轉載自網路</p>".encode()
    result = import_bytes(again, name="b.html", origin="https://b.example/9")
    assert (result.status, result.document) == ("duplicate", kept.pk)
    changed = import_bytes(again + b"<p>new</p>", name="b.html", origin="https://b.example/9")
    assert (changed.status, changed.document) == ("duplicate", kept.pk)
    assert "merged into" in changed.reason
    assert Document.objects.count() == 1


def test_merging_can_keep_the_later_document(client, admin_user, pair):
    _, second = pair
    client.force_login(admin_user)
    client.post(review_url(NearDuplicate.objects.get()), {"decision": "keep-document"})
    assert list(Document.objects.values_list("pk", flat=True)) == [second.document]


def test_a_merge_that_would_delete_highlights_is_refused(client, admin_user, alice, pair):
    _, second = pair
    retired = Document.objects.get(pk=second.document)
    make_highlight(alice, retired, quote=retired.current_revision.text[10:20])
    client.force_login(admin_user)
    found = NearDuplicate.objects.get()
    assert "Has 1 highlight" in client.get(review_url(found)).content.decode()
    response = client.post(review_url(found), {"decision": "keep-original"}, follow=True)
    assert "Not merged" in response.content.decode()
    assert Document.objects.count() == 2


def test_unknown_decisions_are_400(client, admin_user, pair):
    client.force_login(admin_user)
    response = client.post(review_url(NearDuplicate.objects.get()), {"decision": "nuke"})
    assert response.status_code == 400
    assert Document.objects.count() == 2


def test_the_review_page_is_for_permitted_staff_only(client, alice, pair):
    url = review_url(NearDuplicate.objects.get())
    assert client.get(url).status_code == 302  # anonymous: log in
    client.force_login(alice)
    assert client.get(url).status_code == 302  # reader: log in as staff
    clerk = get_user_model().objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(clerk)
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "keep-original"}).status_code == 403
    assert Document.objects.count() == 2


def test_review_wrong_method_and_missing_csrf(client, admin_user, pair):
    url = review_url(NearDuplicate.objects.get())
    client.force_login(admin_user)
    assert client.put(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin_user)
    assert strict.post(url, {"decision": "keep-original"}).status_code == 403
    assert Document.objects.count() == 2
