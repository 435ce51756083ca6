"""The admin's import pages: upload, batch page with live progress, report, retry, resume."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from library.importing import Item, process_batch, take_in
from library.models import Document, ImportBatch, ImportItem
from tests.library.test_batches import run_worker_once
from tests.library.test_import_documents import page
from tests.library.zips import make_zip

ADD = reverse("admin:library_importbatch_add")


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def batch_url(batch, view: str = "change") -> str:
    return reverse(f"admin:library_importbatch_{view}", args=[batch.pk])


def make_batch(count: int = 2) -> ImportBatch:
    batch = ImportBatch.objects.create()
    take_in(batch, [Item(f"{n}.html", f"{n}.html", page(f"第{n}篇")) for n in range(count)])
    return batch


@pytest.fixture
def staff(db):
    """Staff with no permissions at all."""
    return get_user_model().objects.create_user("clerk", password="x", is_staff=True)


def test_the_import_page_offers_a_drop_zone(client, admin_user):
    client.force_login(admin_user)
    response = client.get(ADD)
    assert response.status_code == 200
    body = response.content.decode()
    assert "data-drop-zone" in body
    assert "multiple" in body and 'type="file"' in body
    assert "library/import.js" in body


def test_uploading_files_and_a_zip_imports_every_member(client, admin_user):
    client.force_login(admin_user)
    archive = make_zip({"site/a.html": page("甲"), "site/b.html": page("乙")})
    response = client.post(
        ADD,
        {
            "files": [upload("one.html", page("一")), upload("scrape.zip", archive)],
            "source_site": "示例科技",
            "tags": "scrape-2024, 安全",
        },
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == batch.get_absolute_url()
    assert batch.created_by == admin_user
    assert batch.finished_at is not None  # small batches are imported during the request
    assert list(batch.items.values_list("name", "status")) == [
        ("one.html", "created"),
        ("scrape.zip/site/a.html", "created"),
        ("scrape.zip/site/b.html", "created"),
    ]
    for document in Document.objects.all():
        assert sorted(document.tags.names()) == ["scrape-2024", "安全"]
        assert document.site == "示例科技"


def test_a_large_upload_goes_to_the_background_worker(
    client, admin_user, settings, django_capture_on_commit_callbacks
):
    settings.PIZHU_IMPORT_INLINE_ITEMS = 2
    client.force_login(admin_user)
    files = [upload(f"{n}.html", page(f"第{n}篇")) for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADD, {"files": files})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.finished_at is None
    assert DBTaskResult.objects.get().task_path == "library.tasks.import_batch"
    page_ = client.get(batch_url(batch))
    assert b"0</strong> of <strong data-total>3" in page_.content
    run_worker_once()
    batch.refresh_from_db()
    assert batch.finished_at is not None
    assert Document.objects.count() == 3


def test_empty_and_bad_files_are_reported_not_refused(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        ADD, {"files": [upload("empty.html", b""), upload("x.html", b"%PDF-1.4 binary")]}
    )
    assert response.status_code == 302
    reasons = dict(ImportItem.objects.values_list("name", "reason"))
    assert reasons == {
        "empty.html": "empty file",
        "x.html": "binary file: this is a PDF document, not a page",
    }


def test_an_upload_without_files_is_re_rendered_with_422(client, admin_user):
    client.force_login(admin_user)
    response = client.post(ADD, {"source_site": "x"})
    assert response.status_code == 422
    assert ImportBatch.objects.count() == 0


def test_an_upload_over_the_limit_is_refused_with_413(client, admin_user, settings):
    settings.PIZHU_MAX_UPLOAD_BYTES = 1000
    client.force_login(admin_user)
    response = client.post(ADD, {"files": [upload("big.html", page("大") * 20)]})
    assert response.status_code == 413
    assert "larger than the 1000" in response.content.decode().replace("\xa0", " ")
    assert ImportBatch.objects.count() == 0


def test_the_batch_page_lists_items_escaped_with_progress(client, admin_user):
    batch = ImportBatch.objects.create()
    take_in(batch, [Item("<script>alert(1)</script>.html", "x", page("<b>标题</b>"))])
    process_batch(batch, worker="w")
    client.force_login(admin_user)
    response = client.get(batch_url(batch))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.html" in body
    assert "1</strong> of <strong data-total>1" in body
    assert "import-progress" in body  # the JSON the live progress starts from


def test_the_batch_page_filters_items_by_status(client, admin_user):
    batch = ImportBatch.objects.create()
    take_in(batch, [Item("a.html", "a", page("甲")), Item("b.html", "b", b"")])
    process_batch(batch, worker="w")
    client.force_login(admin_user)
    body = client.get(batch_url(batch), {"status": "rejected"}).content.decode()
    assert "b.html" in body and "a.html" not in body


def test_progress_answers_json(client, admin_user):
    batch = make_batch(2)
    client.force_login(admin_user)
    progress = client.get(batch_url(batch, "progress")).json()
    assert progress["done"] == 0 and progress["total"] == 2
    assert progress["finished"] is False
    process_batch(batch, worker="w")
    progress = client.get(batch_url(batch, "progress")).json()
    assert progress["done"] == 2 and progress["finished"] is True
    assert progress["counts"]["created"] == 2


def test_the_report_downloads_in_the_command_shape(client, admin_user):
    batch = make_batch(1)
    process_batch(batch, worker="w")
    client.force_login(admin_user)
    response = client.get(batch_url(batch, "report"))
    assert response["Content-Disposition"] == f'attachment; filename="import-{batch.pk}.json"'
    report = json.loads(response.content)
    assert report["counts"]["created"] == 1
    assert report["items"][0]["name"] == "0.html"


def test_failed_items_can_be_retried(
    client, admin_user, monkeypatch, django_capture_on_commit_callbacks
):
    batch = make_batch(1)
    monkeypatch.setattr("library.importing.clean", lambda *a, **k: 1 / 0)
    process_batch(batch, worker="w")
    monkeypatch.undo()
    client.force_login(admin_user)
    assert b"Retry failed items" in client.get(batch_url(batch)).content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(batch_url(batch, "retry"))
    assert response.status_code == 302
    assert batch.items.get().status == "pending"
    run_worker_once()
    assert batch.items.get().status == "created"


def test_a_stalled_batch_can_be_queued_again(
    client, admin_user, django_capture_on_commit_callbacks
):
    batch = make_batch(1)
    client.force_login(admin_user)
    body = client.get(batch_url(batch)).content.decode()
    assert "no worker is on this batch" in body
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(batch_url(batch, "resume")).status_code == 302
    assert DBTaskResult.objects.count() == 1


def test_the_changelist_shows_results_and_state(client, admin_user):
    batch = make_batch(2)
    process_batch(batch, worker="w")
    make_batch(1)
    client.force_login(admin_user)
    body = client.get(reverse("admin:library_importbatch_changelist")).content.decode()
    assert "2 created" in body
    assert "0/1 done" in body
    assert "Import documents" in body


@pytest.mark.parametrize("view", ["add", "change", "progress", "report"])
def test_anonymous_visitors_are_sent_to_log_in(client, db, view):
    batch = make_batch(1)
    url = ADD if view == "add" else batch_url(batch, view)
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/login/" in response.url


@pytest.mark.parametrize("view", ["add", "change", "progress", "report"])
def test_readers_are_sent_to_log_in(client, alice, view):
    batch = make_batch(1)
    client.force_login(alice)
    url = ADD if view == "add" else batch_url(batch, view)
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_staff_without_permission_are_denied(client, staff):
    batch = make_batch(1)
    client.force_login(staff)
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, {"files": [upload("a.html", page("甲"))]}).status_code == 403
    for view in ("change", "progress", "report"):
        assert client.get(batch_url(batch, view)).status_code == 403
    for view in ("retry", "resume"):
        assert client.post(batch_url(batch, view)).status_code == 403
    assert ImportBatch.objects.count() == 1


def test_staff_who_may_view_but_not_import_cannot_retry(client, staff):
    staff.user_permissions.add(Permission.objects.get(codename="view_importbatch"))
    batch = make_batch(1)
    client.force_login(staff)
    assert client.get(batch_url(batch)).status_code == 200
    assert client.post(batch_url(batch, "retry")).status_code == 403


def test_an_unknown_batch_is_404(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:library_importbatch_progress", args=[999])).status_code == 404
    assert client.get("/admin/library/importbatch/999/change/").status_code in {302, 404}


@pytest.mark.parametrize(
    ("method", "view"),
    [
        ("put", "add"),
        ("delete", "add"),
        ("post", "change"),
        ("post", "progress"),
        ("post", "report"),
        ("get", "retry"),
        ("get", "resume"),
    ],
)
def test_wrong_methods_are_405(client, admin_user, method, view):
    batch = make_batch(1)
    client.force_login(admin_user)
    url = ADD if view == "add" else batch_url(batch, view)
    assert getattr(client, method)(url).status_code == 405


@pytest.mark.parametrize("view", ["add", "retry", "resume"])
def test_posts_without_a_csrf_token_are_403(admin_user, view):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    batch = make_batch(1)
    url = ADD if view == "add" else batch_url(batch, view)
    data = {"files": [upload("a.html", page("甲"))]} if view == "add" else {}
    assert client.post(url, data).status_code == 403
    assert ImportBatch.objects.count() == 1
    assert Document.objects.count() == 0
