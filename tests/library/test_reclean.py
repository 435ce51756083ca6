"""Re-cleaning: per-site rules, site boilerplate, new revisions only on change, the admin page."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from library.importing import Status, import_bytes
from library.models import Document, SiteRules, site_of

PAGE = """<html><head><title>{title}_示例科技</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/ai">人工智能</a> <a href="/chip">芯片</a>
<a href="/car">汽车</a> <a href="/app">应用</a></div>
<div class="article"><h1>{title}</h1>
<p>{body}这是一段足够长的正文，用来让容器打分，包含逗号、句号。</p>
<p>{second}</p>
<p>示例科技出品，必属精品</p>
<p>已有{n}2人参与评论</p>
</div></body></html>"""


def page(n: int) -> bytes:
    second = f"第二段谈的是第{n}个问题：算力、安全，以及监管会走向哪里。"
    title = f"第{n}篇文章的标题"
    return PAGE.format(title=title, body=f"第{n}篇：", second=second, n=n).encode()


def origin(n: int) -> str:
    return f"https://news.example.com/a/{n}.html"


@pytest.fixture
def site_pages(db):
    return [import_bytes(page(n), name=f"{n}.html", origin=origin(n)) for n in range(1, 5)]


def test_the_site_is_the_host_without_www_else_the_source_name():
    assert site_of("https://www.example.com/a") == "example.com"
    assert site_of("seeds/a.txt", "鳳凰科技") == "鳳凰科技"
    assert site_of("javascript:alert(1)", "") == ""


def test_imports_record_their_site(site_pages):
    document = Document.objects.get(pk=site_pages[0].document)
    assert document.site == "news.example.com"


def test_a_line_on_many_pages_of_a_site_is_learned_as_boilerplate(site_pages):
    # The slogan appeared on the first pages; from the fourth on it is site boilerplate.
    last = Document.objects.get(pk=site_pages[-1].document)
    assert "示例科技出品" not in last.current_revision.text
    assert any(item["rule"] == "site-boilerplate" for item in last.current_revision.removed)
    first = Document.objects.get(pk=site_pages[0].document)
    assert "示例科技出品" in first.current_revision.text  # nothing to learn from yet


def test_reclean_makes_a_revision_only_when_the_text_changes(site_pages):
    first = Document.objects.get(pk=site_pages[0].document)
    revision = first.reclean()  # now the site's boilerplate is known
    assert revision is not None and revision.number == 2
    assert "示例科技出品" not in revision.text
    assert first.reclean() is None
    assert first.revisions.count() == 2


def test_a_rule_switched_off_for_a_site_applies_on_reclean_and_import(site_pages):
    document = Document.objects.get(pk=site_pages[0].document)
    assert "人参与评论" not in document.current_revision.text
    SiteRules.objects.create(site="news.example.com", disabled_rules=["comment-prompt"])
    revision = document.reclean()
    assert "人参与评论" in revision.text
    fresh = import_bytes(page(9), name="9.html", origin=origin(9))
    assert "人参与评论" in Document.objects.get(pk=fresh.document).current_revision.text
    other = import_bytes(page(9), name="9.html", origin="https://other.example.org/9")
    assert other.status == Status.DUPLICATE  # same bytes: kept once


def test_unknown_rule_names_in_site_rules_are_ignored(db):
    SiteRules.objects.create(site="x.example", disabled_rules=["no-such-rule", "spam"])
    assert SiteRules.objects.disabled_for("x.example") == frozenset({"spam"})
    assert SiteRules.objects.disabled_for("") == frozenset()


def test_reclean_calls_the_after_revision_hooks(site_pages, settings):
    seen = []
    settings.PIZHU_AFTER_REVISION = ["tests.library.test_reclean.remember"]
    remember.calls = seen
    document = Document.objects.get(pk=site_pages[0].document)
    document.reclean()
    assert seen == [document.pk]
    document.reclean()  # unchanged: no new revision, no hook
    assert seen == [document.pk]


def remember(document):
    remember.calls.append(document.pk)


def reclean_url(document) -> str:
    return reverse("admin:library_document_reclean", args=[document.pk])


def test_the_document_admin_page_summarises_the_audit_and_links_to_reclean(
    client, admin_user, site_pages
):
    document = Document.objects.get(pk=site_pages[0].document)
    client.force_login(admin_user)
    body = client.get(reverse("admin:library_document_change", args=[document.pk])).content
    assert b"comment-prompt" in body
    assert reclean_url(document).encode() in body


def test_an_admin_reclean_with_a_rule_off_saves_it_for_the_site_and_writes_a_revision(
    client, admin_user, site_pages
):
    document = Document.objects.get(pk=site_pages[0].document)
    client.force_login(admin_user)
    assert client.get(reclean_url(document)).status_code == 200
    response = client.post(
        reclean_url(document), {"disabled_rules": ["comment-prompt"], "scope": "document"}
    )
    assert response.status_code == 302
    assert SiteRules.objects.get(site="news.example.com").disabled_rules == ["comment-prompt"]
    document.refresh_from_db()
    assert document.current_revision.number == 2
    assert "人参与评论" in document.current_revision.text


def test_a_site_wide_reclean_revises_every_page_of_the_site(client, admin_user, site_pages):
    document = Document.objects.get(pk=site_pages[0].document)
    client.force_login(admin_user)
    client.post(reclean_url(document), {"disabled_rules": ["comment-prompt"], "scope": "site"})
    for result in site_pages:
        text = Document.objects.get(pk=result.document).current_revision.text
        assert "人参与评论" in text


def test_reclean_needs_staff_change_permission_and_csrf(site_pages, alice):
    document = Document.objects.get(pk=site_pages[0].document)
    client = Client()
    client.force_login(alice)
    assert client.get(reclean_url(document)).status_code == 302  # to the admin login
    staff = get_user_model().objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(reclean_url(document)).status_code == 403
    admin = get_user_model().objects.create_superuser("boss", password="x")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin)
    response = strict.post(reclean_url(document), {"scope": "document"})
    assert response.status_code == 403
    assert document.revisions.count() == 1


def test_reclean_of_a_missing_document_is_404(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:library_document_reclean", args=[999])).status_code == 404
