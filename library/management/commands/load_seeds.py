import json
from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand

from library.entities import Entity, Theme
from library.importing import import_bytes
from library.indexing import rebuild
from library.models import Document


class Command(BaseCommand):
    help = (
        "Load seeds/entities.json (themes and entities not yet known) and import the sample "
        "articles in seeds/ through the import pipeline (idempotent)."
    )

    def handle(self, *args, **options):
        seeds = settings.BASE_DIR / "seeds"
        data = json.loads((seeds / "entities.json").read_text(encoding="utf-8"))
        themes = Theme.objects.load(data.get("themes", []))
        entities = Entity.objects.load(data.get("entities", []))
        self.stdout.write(f"themes: {themes} new; entities: {entities} new")
        if (themes or entities) and Document.objects.exists():
            # New names to look for: every document's mentions and themes change.
            indexed = rebuild()
            self.stdout.write(f"indexed {indexed} documents again for the new themes and entities")
        counts: Counter[str] = Counter()
        for path in sorted(seeds.glob("*.txt")):
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
