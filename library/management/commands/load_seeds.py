from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand

from library.importing import import_bytes


class Command(BaseCommand):
    help = "Import the sample articles in seeds/ through the import pipeline (idempotent)."

    def handle(self, *args, **options):
        counts: Counter[str] = Counter()
        for path in sorted((settings.BASE_DIR / "seeds").glob("*.txt")):
            result = import_bytes(path.read_bytes(), name=path.name, origin=f"seeds/{path.name}")
            counts[result.status] += 1
            line = f"{result.status:>9}  {path.name}"
            if result.reason:
                line += f"  ({result.reason})"
            self.stdout.write(line)
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        changed = counts["created"] + counts["updated"]
        self.stdout.write(
            f"seeds: {summary or 'none found'}" + ("" if changed else "; nothing changed")
        )
