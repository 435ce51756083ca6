import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from annotations.importing import Report, Status, parse, restore
from annotations.webannotation import Unreadable

# Printed at the default verbosity; -v 2 prints every annotation.
NOTEWORTHY = {Status.REANCHORED, Status.ORPHANED, Status.REJECTED}


class Command(BaseCommand):
    help = (
        "Restore a reader's highlights from W3C Web Annotation JSON-LD (a Pizhu export or "
        'another tool\'s). With --json, print the report as {"counts": {...}, "items": [...]}.'
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, metavar="FILE", help="JSON-LD file, - for stdin")
        parser.add_argument("--user", required=True, help="username the highlights belong to")
        parser.add_argument("--dry-run", action="store_true", help="report only; write nothing")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, file, user, dry_run, json, verbosity, **options):
        reader = get_user_model().objects.filter(username=user).first()
        if reader is None:
            raise CommandError(f"No user {user!r}.")
        try:
            data = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
            items = parse(data)
        except OSError as problem:
            raise CommandError(f"Cannot read {file}: {problem.strerror}") from None
        except Unreadable as unreadable:
            raise CommandError(f"{file} is not Web Annotation JSON-LD: {unreadable}") from None
        with tqdm(
            total=len(items),
            desc="importing",
            unit=" annotations",
            file=sys.stderr,
            disable=not sys.stderr.isatty(),
        ) as bar:
            report = restore(items, reader, dry_run=dry_run, progress=lambda _: bar.update())
        self.output(report, as_json=json, verbosity=verbosity)

    def output(self, report: Report, *, as_json: bool, verbosity: int) -> None:
        if as_json:
            self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False, indent=1))
            return
        for item in report.items:
            if verbosity > 1 or (verbosity and item.status in NOTEWORTHY):
                reason = f"  ({item.reason})" if item.reason else ""
                self.stdout.write(f"{item.status:>11}  #{item.index} {item.id}{reason}")
        counts = ", ".join(f"{n} {status}" for status, n in report.counts.items())
        note = " (dry run: nothing written)" if report.dry_run else ""
        self.stdout.write(f"{len(report.items)} annotations: {counts}{note}")
