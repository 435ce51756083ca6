from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

# Each benchmark is a function taking `write` and keyword options. Apps register theirs
# here by dotted path, so `library` needs no import of `annotations`.
BENCHMARKS = {
    "cleaning": "library.benchmarks.cleaning",
    "reading": "annotations.benchmarks.reading",
    "import": "library.benchmarks.import_",
    "search": "library.bench_search.search",
    "sharing": "annotations.bench_sharing.sharing",
    "interop": "annotations.bench_interop.interop",
}


class Command(BaseCommand):
    help = "Run a benchmark and print its table: " + ", ".join(BENCHMARKS)

    def add_arguments(self, parser):
        parser.add_argument("name", choices=sorted(BENCHMARKS))
        parser.add_argument("--repeat", type=int, default=3, help="rounds over the pages")
        parser.add_argument("--samples", type=Path, help="folder of sample pages with gold text")

    def handle(self, *args, name, repeat, samples, **options):
        if repeat < 1:
            raise CommandError("--repeat must be at least 1")
        benchmark = import_string(BENCHMARKS[name])
        extra = {"samples": samples} if samples else {}
        benchmark(self.stdout.write, repeat=repeat, **extra)
