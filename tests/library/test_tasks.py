"""Background tasks: indexing queued per chunk, import slices, rows a dead worker left."""

import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from library import search, tasks
from library.importing import process_batch
from library.indexing import stale
from library.models import Document, IndexedDocument
from tests.library.indexed import load_entities
from tests.library.test_batches import make_batch, run_worker_once


@pytest.fixture(autouse=True)
def _db(db):
    load_entities()


def drain(capture) -> None:
    """Run the worker until the queue is empty, with what tasks queue on commit (the
    test's transaction never commits)."""
    while DBTaskResult.objects.filter(status="READY").exists():
        with capture(execute=True):
            run_worker_once()


def queued(task) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=task.module_path, status="READY"))


def test_an_import_task_queues_the_indexing_of_each_chunk(django_capture_on_commit_callbacks):
    batch = make_batch(3)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.import_batch.call(batch.pk)
    assert Document.objects.count() == 3
    assert IndexedDocument.objects.count() == 0  # not yet: a task of its own
    [index] = queued(tasks.index_documents)
    assert sorted(index.args_kwargs["args"][0]) == sorted(
        Document.objects.values_list("pk", flat=True)
    )
    assert index.priority > DBTaskResult._meta.get_field("priority").default

    run_worker_once()
    assert IndexedDocument.objects.count() == 3
    assert search.search("第1篇").total == 1


def test_an_import_slice_that_runs_out_of_time_queues_the_rest_behind_the_indexing(
    monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tasks, "SLICE_SECONDS", -1.0)  # over after the first chunk
    monkeypatch.setattr("library.importing.PROCESS_CHUNK", 2)
    batch = make_batch(5)
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.import_batch.call(batch.pk)
    assert result["finished"] is False
    assert result["counts"]["created"] == 2 and result["counts"]["pending"] == 3
    batch.refresh_from_db()
    assert batch.worker == ""  # the lease is given back
    ready = DBTaskResult.objects.filter(status="READY").order_by(
        "-priority", "run_after", "enqueued_at"
    )
    assert [row.task_path for row in ready] == [
        tasks.index_documents.module_path,
        tasks.import_batch.module_path,
    ]

    drain(django_capture_on_commit_callbacks)
    batch.refresh_from_db()
    assert batch.finished_at is not None
    assert batch.progress().counts["created"] == 5
    assert IndexedDocument.objects.count() == 5


def test_an_indexing_task_skips_documents_indexed_meanwhile():
    batch = make_batch(2)
    process_batch(batch, worker="w")  # indexes here and now
    ids = list(Document.objects.values_list("pk", flat=True))
    assert stale(ids) == []
    assert tasks.index_documents.call(ids) == {"indexed": 0, "already": 2}


def dead_pid() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout)


def running(task, *args, worker: str, started=None) -> DBTaskResult:
    result = task.enqueue(*args)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", worker_ids=[worker], started_at=started or timezone.now()
    )
    return DBTaskResult.objects.get(pk=result.id)


def test_rows_a_killed_worker_left_running_are_failed_and_queued_again():
    host = socket.gethostname()[:50]
    batch = make_batch(1)
    dead = running(tasks.index_documents, [1, 2], worker=f"{host}:{dead_pid()}")
    old = running(
        tasks.import_batch,
        batch.pk,
        worker="elsewhere:12",
        started=timezone.now() - timedelta(hours=1),
    )
    alive = running(tasks.index_documents, [3], worker="elsewhere:13")
    mine = running(tasks.index_documents, [4], worker=tasks.worker_name())

    assert tasks.recover_abandoned() == 2
    for row in (dead, old, alive, mine):
        row.refresh_from_db()
    assert (dead.status, old.status) == ("FAILED", "FAILED")
    assert dead.exception_class_path == "library.tasks.WorkerLost"
    assert "stopped while running this task" in dead.traceback
    assert (alive.status, mine.status) == ("RUNNING", "RUNNING")
    [again] = queued(tasks.index_documents)
    assert again.args_kwargs["args"] == [[1, 2]]
    assert tasks.recover_abandoned() == 0  # nothing twice
