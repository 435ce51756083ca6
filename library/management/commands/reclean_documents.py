import sys
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from library.importing import reclean
from library.models import Document


class Command(BaseCommand):
    help = (
        "Clean documents again with the current cleaner and their site's rules; a new "
        "revision is written only where the text changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, metavar="ID")
        parser.add_argument("--all", action="store_true", help="every document")

    def handle(self, *args, ids, all, **options):
        if bool(ids) == all:
            raise CommandError("name document IDs or pass --all (not both)")
        documents = Document.objects.filter(current_revision__isnull=False).order_by("pk")
        if ids:
            documents = documents.filter(pk__in=ids)
            missing = sorted(set(ids) - set(documents.values_list("pk", flat=True)))
            if missing:
                self.stderr.write(f"no document with ID {', '.join(map(str, missing))}")
        counts: Counter[str] = Counter()
        progress = tqdm(
            total=documents.count(),
            unit=" documents",
            file=sys.stderr,
            disable=not sys.stderr.isatty(),
        )
        for document in documents.iterator(chunk_size=200):
            outcome, reason = reclean(document)
            counts[outcome] += 1
            if reason:
                self.stdout.write(f"{outcome:>9}  {document.pk} {document}: {reason}")
            progress.update()
        progress.close()
        order = ["changed", "unchanged", "rejected", "failed"]
        self.stdout.write(", ".join(f"{counts[outcome]} {outcome}" for outcome in order))
