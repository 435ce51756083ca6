"""GET/POST /highlights/import/: the upload form that restores highlights from JSON-LD."""

import json

from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from annotations.models import Highlight
from tests.factories import make_document

from .factories import ARTICLE, make_highlight
from .interop import make_annotated_document

URL = "/highlights/import/"


def upload(content: bytes | str, name: str = "export.jsonld") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="application/ld+json")


def exported(client, document) -> bytes:
    return client.get(f"/documents/{document.pk}/export/jsonld/").content


def test_the_form_restores_highlights_and_shows_what_became_of_each(client, alice):
    document = make_annotated_document(alice)
    client.force_login(alice)
    data = exported(client, document)
    Highlight.objects.filter(user=alice).delete()
    response = client.post(URL, {"file": upload(data)})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one(".counts").get_text(" ", strip=True).startswith("4 created")
    assert len(soup.select("table.report tbody tr")) == 4
    assert Highlight.objects.filter(user=alice).count() == 4
    again = BeautifulSoup(client.post(URL, {"file": upload(data)}).content, "html.parser")
    assert "4 duplicate" in again.select_one(".counts").get_text(" ", strip=True)


def test_another_readers_export_becomes_the_readers_own_private_highlights(client, alice, bob):
    document = make_document(ARTICLE)
    make_highlight(alice, document, note="alice 的笔记")
    client.force_login(alice)
    data = exported(client, document)
    client.force_login(bob)
    client.post(URL, {"file": upload(data)})
    copy = Highlight.objects.get(user=bob)
    assert (copy.note, copy.sharing) == ("alice 的笔记", "private")


def test_a_dry_run_changes_nothing(client, alice):
    document = make_annotated_document(alice)
    client.force_login(alice)
    data = exported(client, document)
    Highlight.objects.all().delete()
    response = client.post(URL, {"file": upload(data), "dry_run": "on"})
    assert "Dry run" in response.content.decode()
    assert not Highlight.objects.exists()


def test_a_file_that_is_not_web_annotation_json_is_422_and_says_why(client, alice):
    client.force_login(alice)
    for content, message in (
        (b"\xff\xfe not utf-8", "the file is not UTF-8 text"),
        ("{oops", "the file is not JSON"),
        ('{"type": "Person"}', "expected an Annotation"),
    ):
        response = client.post(URL, {"file": upload(content)})
        assert response.status_code == 422
        assert message in response.content.decode()


def test_a_file_over_the_size_cap_is_refused(client, alice, settings):
    settings.PIZHU_MAX_IMPORT_BYTES = 100
    client.force_login(alice)
    response = client.post(URL, {"file": upload(json.dumps([{"x": "y" * 200}]))})
    assert response.status_code == 422
    assert "the most this form takes is 100" in response.content.decode()


def test_scraped_text_in_the_report_is_escaped(client, alice):
    client.force_login(alice)
    evil = '<img src=x onerror="alert(1)">'
    data = [{"type": "Annotation", "id": evil, "target": {"source": evil}}]
    response = client.post(URL, {"file": upload(json.dumps(data))})
    body = response.content.decode()
    assert evil not in body and "&lt;img src=x" in body


def test_the_form_needs_a_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    page = client.get(URL)
    token = BeautifulSoup(page.content, "html.parser").select_one("[name=csrfmiddlewaretoken]")
    assert client.post(URL, {"file": upload("[]")}).status_code == 403
    data = {"file": upload("[]"), "csrfmiddlewaretoken": token["value"]}
    assert client.post(URL, data).status_code == 200


def test_anonymous_readers_are_sent_to_log_in(client, db):
    for response in (client.get(URL), client.post(URL, {"file": upload("[]")})):
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={URL}"


def test_put_is_405(client, alice):
    client.force_login(alice)
    assert client.put(URL).status_code == 405
