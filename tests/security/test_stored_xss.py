"""Stored XSS, on the server's HTML: every page where planted payloads show must escape
them (no raw markup, no live javascript:/data: links), and show the text literally.
tests/browser/test_xss.py loads the same pages in Chromium with a canary."""

import html

import pytest
from django.test import Client

from .xss import DANGEROUS, PAYLOADS, plant, read_in


@pytest.fixture
def planted(alice, admin_user):
    return plant(alice, admin_user)


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def assert_escaped(body: str, where: str) -> None:
    found = [needle for needle in DANGEROUS if needle in body]
    assert not found, f"{where}: raw markup {found}"


def test_the_import_kept_every_payload_as_text(planted):
    text = planted.html_document.current_revision.text
    for name, payload in PAYLOADS.items():
        assert payload in text, name
    assert planted.html_document.title.startswith(PAYLOADS["script"])
    links = [
        link[2]
        for block in planted.html_document.current_revision.blocks
        for link in block.get("links", [])
    ]
    assert links == ["https://example.org/ok"]


@pytest.mark.parametrize("script", ["original", "hant"])
def test_reader_pages_escape_every_payload(planted, alice, script):
    read_in(alice, script)
    client = Client()
    client.force_login(alice)
    for where, url in planted.reader_pages().items():
        body = page(client, url)
        assert_escaped(body, f"{where} ({script})")
        assert "&lt;" in body or "XSSMARK" in body, f"{where}: no payload reached the page"


def test_reading_pages_show_the_payloads_literally(planted, alice):
    client = Client()
    client.force_login(alice)
    body = page(client, f"/documents/{planted.html_document.pk}/")
    for name, payload in PAYLOADS.items():
        assert html.escape(payload) in body, name


def test_the_page_data_json_cannot_close_its_script_element(planted, alice):
    client = Client()
    client.force_login(alice)
    body = page(client, f"/documents/{planted.text_document.pk}/")
    assert "</script><script>window.__pwned" not in body
    assert body.count("<script") == body.count("</script>")


def test_admin_pages_escape_every_payload(planted, admin_user):
    client = Client()
    client.force_login(admin_user)
    for where, url in planted.admin_pages().items():
        body = page(client, url)
        assert_escaped(body, where)
        assert "&lt;" in body or "XSSMARK" in body, f"{where}: no payload reached the page"


def test_the_import_batch_page_lists_file_names_literally(planted, admin_user):
    client = Client()
    client.force_login(admin_user)
    body = page(client, planted.admin_pages()["admin import batch"])
    assert html.escape(PAYLOADS["svg-onload"]) in body
    assert html.escape(PAYLOADS["template-syntax"]) in body


def test_group_names_and_tags_show_literally(planted, alice):
    client = Client()
    client.force_login(alice)
    group_page = page(client, f"/groups/{planted.group.pk}/")
    assert html.escape(PAYLOADS["img-onerror"]) in group_page
    highlights = page(client, "/highlights/")
    for tag in planted.tags:
        assert html.escape(tag) in highlights, tag


@pytest.mark.parametrize("fmt", ["markdown", "csv", "jsonld"])
def test_exports_of_payloads_download_as_attachments_never_as_pages(planted, alice, fmt):
    client = Client()
    client.force_login(alice)
    response = client.get(f"/documents/{planted.html_document.pk}/export/{fmt}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "\n" not in response["Content-Disposition"]
    assert "html" not in response["Content-Type"]
    assert response["X-Content-Type-Options"] == "nosniff"
