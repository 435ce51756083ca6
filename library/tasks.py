"""Background tasks, queued in the database (django-tasks) and run by `manage.py run_worker`.

A batch is safe to queue more than once: whoever holds its lease works on it, and a task
that finds the lease held by a live worker checks back once that lease could have gone
stale. So a worker that dies mid-batch is replaced by the next task or the next worker
start, which goes on with the items still pending.

Importing and indexing are separate tasks. Each chunk of a batch queues the indexing of
the documents it created (`index_documents`, ahead of imports in the queue), and an
import task gives its worker back every SLICE_SECONDS, queueing the rest of its batch
behind that indexing: one worker alternates, so search catches up within seconds, and
a second worker indexes while the first imports.
"""

from __future__ import annotations

import os
import socket
import time
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

try:  # Django 6 ships the task framework; django-tasks is its backport for 5.2
    from django.tasks import task
except ImportError:  # pragma: no cover - depends on the Django version
    from django_tasks import task

from .importing import process_batch
from .indexing import reindex, stale
from .models import ImportBatch

# How long one import task runs before it queues the rest of its batch behind the
# indexing its chunks queued.
SLICE_SECONDS = 10.0
# Indexing comes before importing in the queue (django-tasks runs higher priority first).
INDEX_PRIORITY = 10


def worker_name() -> str:
    """This process, as batch leases and task rows name it."""
    return f"{socket.gethostname()[:50]}:{os.getpid()}"


@task()
def import_batch(batch_id: int) -> dict:
    """Import a batch's pending items for up to SLICE_SECONDS, then queue the rest (or
    check back later if a live worker has the batch)."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return {"batch": batch_id, "finished": False, "missing": True}
    if batch.finished_at is None:
        until = time.monotonic() + SLICE_SECONDS
        if not process_batch(batch, worker=worker_name(), index=index_later, until=until):
            batch.refresh_from_db(fields=["worker"])
            if batch.worker:
                watch(batch)  # another worker holds it
            else:
                enqueue(batch)  # this slice is over: go on after the queued indexing
    progress = batch.progress()
    return {"batch": batch_id, "finished": progress.finished, "counts": progress.counts}


@task(priority=INDEX_PRIORITY)
def index_documents(ids: list[int]) -> dict:
    """Index documents an import created (search, mentions, themes, related documents),
    those not indexed at their current revision meanwhile."""
    todo = stale(ids)
    indexed = reindex(todo) if todo else 0
    return {"indexed": indexed, "already": len(ids) - len(todo)}


def index_later(ids: list[int]) -> None:
    """Queue the indexing of `ids` for once the current transaction commits."""
    wanted = list(ids)
    transaction.on_commit(lambda: index_documents.enqueue(wanted))


def enqueue(batch: ImportBatch, *, at: datetime | None = None) -> None:
    """Queue `batch` for a worker once the current transaction commits (at `at`, if given)."""
    runner = import_batch
    if at is not None and at > timezone.now() and runner.get_backend().supports_defer:
        runner = runner.using(run_after=at)
    transaction.on_commit(lambda: runner.enqueue(batch.pk))


def watch(batch: ImportBatch) -> None:
    """Queue `batch` for when its current lease could have gone stale."""
    batch.refresh_from_db(fields=["finished_at", "heartbeat_at"])
    if batch.finished_at is None:
        beat = batch.heartbeat_at
        enqueue(batch, at=beat + batch.stale_after + timedelta(seconds=1) if beat else None)


# A task row RUNNING for longer than this has lost its worker: an import task gives its
# worker back every SLICE_SECONDS and an indexing task takes seconds.
ABANDONED_AFTER = timedelta(minutes=10)


class WorkerLost(Exception):
    """What a task row says when the worker running it stopped (killed, crashed)."""


def alive(worker: str) -> bool | None:
    """Whether a worker named by `worker_name()` on this host still runs; None when it
    ran on another host (or is not named so), which this process cannot tell."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname()[:50] or not pid.isdigit():
        return None
    if int(pid) == os.getpid():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process holds the number now
        return True
    return True


def recover_abandoned() -> int:
    """Mark the task rows a stopped worker left RUNNING as failed, and queue their work
    again: an indexing task as it was, an import by `resume_unfinished` (its batch's
    items are still pending). Returns how many rows were recovered.

    A row is abandoned when its worker ran on this host and is gone, or when it has been
    running for longer than ABANDONED_AFTER.
    """
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    lost = [
        row
        for row in DBTaskResult.objects.running()
        if (row.worker_ids and alive(row.worker_ids[-1]) is False)
        or (row.started_at and row.started_at < now - ABANDONED_AFTER)
    ]
    for row in lost:
        error = WorkerLost(
            f"worker {row.worker_ids[-1] if row.worker_ids else '?'} stopped while running "
            f"this task; marked failed by {worker_name()}"
        )
        with transaction.atomic():
            # Only if still RUNNING: another starting worker may have recovered it first.
            claimed = DBTaskResult.objects.running().filter(pk=row.pk).update(status="FAILED")
            if not claimed:
                continue
            row.set_failed(error)
            if row.task_path == index_documents.module_path:
                index_documents.enqueue(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
    return len(lost)


def resume_unfinished() -> int:
    """Queue every unfinished batch: a worker that starts may be replacing one that died."""
    batches = list(ImportBatch.objects.unfinished())
    for batch in batches:
        watch(batch)
    return len(batches)
