"""Background tasks, queued in the database (django-tasks) and run by `manage.py run_worker`.

A batch is safe to queue more than once: whoever holds its lease works on it, and a task
that finds the lease held by a live worker checks back once that lease could have gone
stale. So a worker that dies mid-batch is replaced by the next task or the next worker
start, which goes on with the items still pending.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

try:  # Django 6 ships the task framework; django-tasks is its backport for 5.2
    from django.tasks import task
except ImportError:  # pragma: no cover - depends on the Django version
    from django_tasks import task

from .importing import process_batch
from .models import ImportBatch


def worker_name() -> str:
    """This process, as batch leases name it."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


@task()
def import_batch(batch_id: int) -> dict:
    """Import a batch's pending items, or check back later if a live worker has it."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return {"batch": batch_id, "finished": False, "missing": True}
    if batch.finished_at is None and not process_batch(batch, worker=worker_name()):
        watch(batch)
    progress = batch.progress()
    return {"batch": batch_id, "finished": progress.finished, "counts": progress.counts}


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


def resume_unfinished() -> int:
    """Queue every unfinished batch: a worker that starts may be replacing one that died."""
    batches = list(ImportBatch.objects.unfinished())
    for batch in batches:
        watch(batch)
    return len(batches)
