import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from library.indexing import rebuild, reindex
from library.models import Document


class Command(BaseCommand):
    help = (
        "Rebuild documents' derived data: entity mentions, themes and suggested passages, "
        "the search index and related documents. --all starts from scratch."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, metavar="ID")
        parser.add_argument("--all", action="store_true", help="the whole library, from scratch")

    def handle(self, *args, ids, all, **options):
        if bool(ids) == all:
            raise CommandError("name document IDs or pass --all (not both)")
        if all:
            progress = tqdm(
                total=Document.objects.count(),
                unit=" documents",
                file=sys.stderr,
                disable=not sys.stderr.isatty(),
            )
            count = rebuild(progress=progress.update)
            progress.close()
        else:
            found = set(Document.objects.filter(pk__in=ids).values_list("pk", flat=True))
            if missing := sorted(set(ids) - found):
                self.stderr.write(f"no document with ID {', '.join(map(str, missing))}")
            count = reindex(sorted(found))
        self.stdout.write(f"{count} documents indexed")
