import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from tqdm import tqdm

from library.importing import counts_of, dry_run, process_batch, read_paths, take_in
from library.models import ImportBatch
from library.tasks import enqueue, worker_name


class Command(BaseCommand):
    help = (
        "Import scraped pages from files, folders (recursively) and zip archives. "
        'With --json, print the report as {"counts": {...}, "items": [...]}.'
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--dry-run", action="store_true", help="report only; write nothing")
        parser.add_argument("--site", default="", help="site of pages whose origin is no URL")
        parser.add_argument("--tag", action="append", default=[], help="tag for new documents")

    def handle(self, *args, paths, json, dry_run, site, tag, verbosity, **options):
        items = read_paths(paths)
        if dry_run:
            results = [r.as_json() for r in dry_run_with_bar(items)]
            report = {"batch": None, "counts": counts_of(r["status"] for r in results)}
            report["items"] = results
        else:
            batch = ImportBatch.objects.create(
                via=ImportBatch.Via.COMMAND, source_site=site, tags=sorted(set(tag))
            )
            take_in(batch, bar(items, "reading", None))
            run(batch)
            report = batch.report()
        self.output(report, as_json=json, verbosity=verbosity)

    def output(self, report: dict, *, as_json: bool, verbosity: int) -> None:
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=1))
            return
        for item in report["items"]:
            if verbosity > 1 or (verbosity and item["status"] in {"rejected", "failed"}):
                reason = f"  ({item['reason']})" if item["reason"] else ""
                self.stdout.write(f"{item['status']:>9}  {item['name']}{reason}")
        counts = ", ".join(f"{n} {status}" for status, n in report["counts"].items())
        where = f" (batch {report['batch']})" if report["batch"] else " (dry run: nothing written)"
        self.stdout.write(f"{len(report['items'])} items: {counts}{where}")


def bar(iterable, description: str, total: int | None):
    """A progress bar on stderr when it is a terminal; the iterable unchanged otherwise."""
    if not sys.stderr.isatty():
        return iterable
    return tqdm(iterable, desc=description, total=total, unit=" files", file=sys.stderr)


def dry_run_with_bar(items):
    return bar(dry_run(items), "checking", None)


def run(batch: ImportBatch) -> None:
    """Import the batch here; if interrupted, leave the rest to the background worker."""
    worker = f"command:{worker_name()}"
    progress = tqdm(
        total=batch.total,
        desc="importing",
        unit=" files",
        file=sys.stderr,
        disable=not sys.stderr.isatty(),
    )
    try:
        process_batch(batch, worker=worker, progress=lambda result: progress.update())
    except KeyboardInterrupt:
        batch.finish(worker)  # frees the lease: the rest is still pending
        enqueue(batch)
        sys.stderr.write(f"\ninterrupted: the worker will import the rest of batch {batch.pk}\n")
        raise
    finally:
        progress.close()
