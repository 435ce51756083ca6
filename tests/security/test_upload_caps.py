"""Every way bytes come in is capped: admin uploads, form fields, JSON bodies, files.

The caps: PIZHU_MAX_UPLOAD_BYTES per upload request (413), DATA_UPLOAD_MAX_NUMBER_FILES
files per request, PIZHU_MAX_IMPORT_BYTES per file (the item is rejected), Django's
DATA_UPLOAD_MAX_MEMORY_SIZE for everything that is not a file (form fields, JSON bodies;
400), and FILE_UPLOAD_MAX_MEMORY_SIZE, past which an upload is spooled to disk.
"""

import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annotations.models import Highlight
from library.models import ImportBatch, ImportItem
from tests.annotations.factories import make_highlight
from tests.factories import make_document, make_source
from tests.library.test_import_documents import page as article

ADD = reverse("admin:library_importbatch_add")
PAGE = "<html><head><title>标题</title></head><body><article><p>{}</p></article></body></html>"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/html")


def page(text: str) -> bytes:
    return PAGE.format(text).encode()


def test_the_caps_are_set_and_none_is_switched_off():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440  # Django's default, not None
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000
    assert 0 < settings.DATA_UPLOAD_MAX_NUMBER_FILES <= 10_000
    assert 0 < settings.PIZHU_MAX_UPLOAD_BYTES <= 1024**3
    assert 0 < settings.PIZHU_MAX_IMPORT_BYTES <= 100 * 1024**2
    assert settings.FILE_UPLOAD_HANDLERS[0] == "library.uploads.LimitedUploadHandler"


def test_an_admin_upload_over_the_request_cap_is_refused_with_413(client, admin_user, settings):
    settings.PIZHU_MAX_UPLOAD_BYTES = 4096
    client.force_login(admin_user)
    files = [upload(f"{n}.html", page("字" * 500)) for n in range(4)]  # ~1.5 KiB each
    response = client.post(ADD, {"files": files})
    assert response.status_code == 413
    assert ImportBatch.objects.count() == 0


def test_an_admin_upload_with_too_many_files_is_refused(client, admin_user, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    client.force_login(admin_user)
    files = [upload(f"{n}.html", page(f"第{n}篇")) for n in range(4)]
    response = client.post(ADD, {"files": files})
    assert response.status_code == 400
    assert ImportBatch.objects.count() == 0


def test_a_file_over_the_per_file_cap_is_rejected_with_its_reason(client, admin_user, settings):
    settings.PIZHU_MAX_IMPORT_BYTES = 2000
    client.force_login(admin_user)
    files = [upload("big.html", page("大" * 2000)), upload("small.html", article("小文章"))]
    response = client.post(ADD, {"files": files})
    assert response.status_code == 302
    items = {item.name: item for item in ImportItem.objects.all()}
    assert items["big.html"].status == "rejected"
    assert "larger" in items["big.html"].reason or "too large" in items["big.html"].reason
    assert items["small.html"].status == "created", items["small.html"].reason


def test_admin_form_fields_over_the_memory_cap_are_refused(client, admin_user, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client.force_login(admin_user)
    data = {"files": [upload("a.html", page("甲"))], "source_site": "x" * 20_000}
    response = client.post(ADD, data)
    assert response.status_code == 400
    assert ImportBatch.objects.count() == 0


def test_a_json_body_over_the_memory_cap_is_refused_before_it_is_parsed(client, alice):
    document = make_document()
    client.force_login(alice)
    body = json.dumps(
        {
            "document": document.pk,
            "start": 0,
            "end": 1,
            "exact": "标",
            "note": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
        }
    )
    response = client.post("/api/highlights/", body, content_type="application/json")
    assert response.status_code == 400
    assert not document.highlights.exists()


def test_a_json_patch_over_the_memory_cap_is_refused(client, alice):
    highlight = make_highlight(alice)
    client.force_login(alice)
    body = json.dumps({"version": 1, "note": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = client.patch(
        f"/api/highlights/{highlight.pk}/", body, content_type="application/json"
    )
    assert response.status_code == 400
    highlight.refresh_from_db()
    assert highlight.note == ""


def test_a_note_over_its_own_cap_is_refused_well_below_the_body_cap(client, alice):
    highlight = make_highlight(alice)
    client.force_login(alice)
    body = json.dumps({"version": 1, "note": "x" * 10_001})
    response = client.patch(
        f"/api/highlights/{highlight.pk}/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "note" in response.json()["errors"]


@pytest.mark.parametrize("filename", ["page.html", "evil.svg", "x.html\r\nX-Injected: 1"])
def test_raw_sources_download_as_sandboxed_unsniffable_attachments(client, admin_user, filename):
    source = make_source(b"<svg onload=alert(1)><script>alert(2)</script>", filename=filename)
    client.force_login(admin_user)
    response = client.get(reverse("library:source-raw", args=[source.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    assert "X-Injected" not in response.headers


def test_a_json_ld_import_over_the_file_cap_is_refused(client, alice, settings):
    settings.PIZHU_MAX_IMPORT_BYTES = 1000
    client.force_login(alice)
    data = json.dumps({"@context": "http://www.w3.org/ns/anno.jsonld", "pad": "x" * 2000})
    upload = SimpleUploadedFile("notes.jsonld", data.encode(), content_type="application/ld+json")
    response = client.post(reverse("annotations:annotation-import"), {"file": upload})
    assert response.status_code == 422
    assert "the most this form takes is 1,000" in response.content.decode()


def test_a_json_ld_import_over_the_request_cap_is_refused(client, alice, settings):
    settings.PIZHU_MAX_UPLOAD_BYTES = 1000
    client.force_login(alice)
    upload = SimpleUploadedFile("notes.jsonld", b"[" + b" " * 5000 + b"]")
    response = client.post(reverse("annotations:annotation-import"), {"file": upload})
    assert response.status_code in (413, 422)
    assert Highlight.objects.count() == 0
