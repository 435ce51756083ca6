"""Batches: raw bytes first, one transaction per document, resuming after a worker dies."""

import signal
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from library import importing
from library.importing import Item, process_batch, take_in
from library.models import Document, ImportBatch, ItemStatus, Revision, Sketch, Source
from library.tasks import enqueue, import_batch, resume_unfinished
from tests.library.test_import_documents import page


def make_batch(count: int = 5, **fields) -> ImportBatch:
    batch = ImportBatch.objects.create(**fields)
    take_in(batch, [Item(f"{n}.html", f"pages/{n}.html", page(f"第{n}篇")) for n in range(count)])
    return batch


def crash_on(monkeypatch, target: str, call: int):
    """Make `importing.<target>` kill the "worker" on its `call`-th call (1-based).

    SystemExit is what a killed process looks like from inside: no `except Exception`
    catches it, so nothing after it runs.
    """
    real = getattr(importing, target)
    calls = []

    def dying(*args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            raise SystemExit("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, target, dying)


def run_worker_once():
    """The database worker, in this process, until the queue is empty.

    Its between-task connection check would close the test's transaction (autocommit is
    off inside it), so that one call is switched off here.
    """
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        db_worker.Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run()


@pytest.fixture(autouse=True)
def _db(db):
    pass


def test_taking_in_keeps_every_items_bytes_before_any_cleaning(monkeypatch):
    monkeypatch.setattr(importing, "clean", lambda *a, **k: pytest.fail("cleaned too early"))
    batch = make_batch(3)
    assert batch.total == 3
    assert Source.objects.count() == 3
    assert list(batch.items.values_list("status", flat=True)) == ["pending"] * 3
    assert Document.objects.count() == 0


def test_one_bad_file_does_not_spoil_the_batch(monkeypatch):
    real = importing.clean

    def picky(data, **options):
        if b"\xe7\xac\xac2" in data:  # "第2"
            raise RuntimeError("cleaner bug")
        return real(data, **options)

    monkeypatch.setattr(importing, "clean", picky)
    batch = make_batch(4)
    assert process_batch(batch, worker="w1")
    progress = batch.progress()
    assert progress.counts["created"] == 3
    assert progress.counts["failed"] == 1
    assert progress.done == progress.total == 4
    failed = batch.items.get(status="failed")
    assert "cleaner bug" in failed.reason
    assert failed.source is not None  # kept, so it can be retried

    monkeypatch.undo()
    assert batch.retry_failed() == 1
    assert batch.finished_at is None
    assert process_batch(batch, worker="w1")
    assert batch.progress().counts["created"] == 4


def test_a_worker_killed_between_items_is_resumed_without_doing_anything_twice(monkeypatch):
    batch = make_batch(5)
    crash_on(monkeypatch, "clean", call=3)
    with pytest.raises(SystemExit):
        process_batch(batch, worker="w1")
    assert batch.progress().counts["created"] == 2
    assert batch.progress().counts["pending"] == 3
    monkeypatch.undo()

    # Its lease is fresh: another worker leaves the batch alone until it is stale.
    assert not process_batch(batch, worker="w2")
    ImportBatch.objects.filter(pk=batch.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=61)
    )
    assert process_batch(batch, worker="w2")

    progress = batch.progress()
    assert progress.counts == {**progress.counts, "created": 5, "pending": 0, "duplicate": 0}
    assert Document.objects.count() == 5
    assert Revision.objects.count() == 5
    assert batch.finished_at is not None and batch.worker == ""


def test_a_worker_killed_inside_an_items_transaction_leaves_nothing_half_written(monkeypatch):
    batch = make_batch(3)
    crash_on(monkeypatch, "finish", call=2)  # after the second document's rows, before commit
    with pytest.raises(SystemExit):
        process_batch(batch, worker="w1")
    assert Document.objects.count() == 1
    assert batch.items.filter(status="pending").count() == 2
    monkeypatch.undo()

    ImportBatch.objects.filter(pk=batch.pk).update(worker="")
    assert process_batch(batch, worker="w2")
    assert Document.objects.count() == 3
    assert sorted(batch.items.values_list("status", flat=True)) == ["created"] * 3


def test_documents_written_before_a_crash_get_their_sketch_on_resume(monkeypatch):
    batch = make_batch(3)
    monkeypatch.setattr(importing.Importer, "compare", lambda self: {})
    crash_on(monkeypatch, "clean", call=3)
    with pytest.raises(SystemExit):
        process_batch(batch, worker="w1")
    assert Sketch.objects.count() == 0
    monkeypatch.undo()

    ImportBatch.objects.filter(pk=batch.pk).update(worker="")
    process_batch(batch, worker="w2")
    assert Sketch.objects.count() == 3


def test_an_item_finished_by_another_worker_is_not_done_again():
    batch = make_batch(1)
    item = batch.items.get()
    first = importing.Importer().import_source(
        item.source, name=item.name, origin=item.origin, item=item
    )
    again = importing.Importer().import_source(
        item.source, name=item.name, origin=item.origin, item=item
    )
    assert first.status == "created"
    assert again.status == "created" and again.document == first.document
    assert Document.objects.count() == 1


def test_the_task_imports_a_batch_through_the_database_queue(django_capture_on_commit_callbacks):
    batch = make_batch(3)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(batch)
    task = DBTaskResult.objects.get()
    assert task.task_path == "library.tasks.import_batch"
    assert task.status == "READY"
    run_worker_once()
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert task.return_value["counts"]["created"] == 3
    batch.refresh_from_db()
    assert batch.finished_at is not None


def test_a_task_that_finds_a_live_worker_on_the_batch_checks_back_later(
    django_capture_on_commit_callbacks,
):
    batch = make_batch(2)
    batch.claim("someone-else")
    with django_capture_on_commit_callbacks(execute=True):
        result = import_batch.call(batch.pk)
    assert result["finished"] is False
    later = DBTaskResult.objects.get()
    assert later.run_after > timezone.now() + timedelta(seconds=50)
    assert batch.items.filter(status="pending").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_restarted_worker_resumes_unfinished_batches(monkeypatch):
    batch = make_batch(4)
    crash_on(monkeypatch, "clean", call=2)
    with pytest.raises(SystemExit):
        process_batch(batch, worker="dead-worker")
    monkeypatch.undo()
    ImportBatch.objects.filter(pk=batch.pk).update(
        heartbeat_at=timezone.now() - timedelta(minutes=5)
    )
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("run_worker", "--batch", "--interval=0", verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    batch.refresh_from_db()
    assert batch.finished_at is not None
    assert batch.progress().counts["created"] == 4
    assert Document.objects.count() == 4


def test_resuming_queues_only_unfinished_batches(django_capture_on_commit_callbacks):
    done = make_batch(1)
    process_batch(done, worker="w")
    make_batch(1)
    with django_capture_on_commit_callbacks(execute=True):
        assert resume_unfinished() == 1
    assert DBTaskResult.objects.count() == 1


def test_progress_has_rate_and_eta_while_running():
    batch = make_batch(4)
    assert batch.progress().eta_seconds is None  # nothing done yet: no rate
    item = batch.items.first()
    importing.Importer().import_source(item.source, name=item.name, origin=item.origin, item=item)
    ImportBatch.objects.filter(pk=batch.pk).update(
        started_at=timezone.now() - timedelta(seconds=10), heartbeat_at=timezone.now()
    )
    batch.refresh_from_db()
    progress = batch.progress()
    assert (progress.done, progress.total) == (1, 4)
    assert 0.05 < progress.rate < 0.2  # one item in about ten seconds
    assert 10 < progress.eta_seconds < 60
    assert progress.as_json()["stalled"] is False
    assert set(progress.as_json()) == {
        "total",
        "done",
        "counts",
        "rate",
        "eta_seconds",
        "finished",
        "stalled",
    }


def test_a_batch_nobody_works_on_shows_as_stalled():
    batch = make_batch(2)
    ImportBatch.objects.filter(pk=batch.pk).update(
        heartbeat_at=timezone.now() - timedelta(minutes=10)
    )
    batch.refresh_from_db()
    assert batch.progress().stalled
    process_batch(batch, worker="w")
    assert not batch.progress().stalled


def test_counts_add_up_over_archives_and_refusals():
    from tests.library.zips import make_zip

    batch = ImportBatch.objects.create()
    archive = make_zip({"a.html": page("甲"), "b.html": page("甲"), "c.txt": b""})
    import io

    items = list(importing.read_file("x.zip", io.BytesIO(archive), len(archive)))
    take_in(batch, [*items, Item("d.html", "d.html", page("丁"))])
    process_batch(batch, worker="w")
    counts = batch.progress().counts
    assert counts["created"] == 2
    assert counts["duplicate"] == 1
    assert counts["rejected"] == 1
    assert sum(counts.values()) == batch.total == 4
    assert ItemStatus.PENDING not in {item["status"] for item in batch.report()["items"]}


def test_two_workers_importing_the_same_bytes_make_the_loser_a_duplicate(monkeypatch):
    first, second = make_batch(2), make_batch(2)  # the same files: same bytes and origins
    real = importing.clean
    calls = []

    def meanwhile(data, **options):
        calls.append(1)
        if len(calls) == 1:  # the first worker looked up its chunk; the second one wins
            assert process_batch(second, worker="w2")
        return real(data, **options)

    monkeypatch.setattr(importing, "clean", meanwhile)
    assert process_batch(first, worker="w1")
    winners = dict(second.items.values_list("position", "document_id"))
    assert list(second.items.values_list("status", flat=True)) == ["created"] * 2
    for item in first.items.order_by("position"):
        assert (item.status, item.document_id) == ("duplicate", winners[item.position])
        assert item.reason == "same bytes as an earlier import"
    assert Document.objects.count() == 2


def test_a_changed_page_imported_meanwhile_by_another_worker_becomes_a_revision(monkeypatch):
    first = ImportBatch.objects.create()
    take_in(first, [Item("a.html", "pages/a.html", page("第一版"))])
    second = ImportBatch.objects.create()
    take_in(second, [Item("a.html", "pages/a.html", page("第二版"))])
    real = importing.clean
    calls = []

    def meanwhile(data, **options):
        calls.append(1)
        if len(calls) == 1:
            assert process_batch(second, worker="w2")
        return real(data, **options)

    monkeypatch.setattr(importing, "clean", meanwhile)
    assert process_batch(first, worker="w1")
    [item] = first.items.all()
    assert item.status == "updated"
    assert item.document_id == second.items.get().document_id
    assert Revision.objects.filter(document_id=item.document_id).count() == 2
