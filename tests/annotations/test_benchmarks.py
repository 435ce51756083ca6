"""`manage.py bench reading` prints its tables (small sizes here; speed is never asserted)."""

from django.utils.module_loading import import_string

from annotations.models import Highlight
from library.management.commands.bench import BENCHMARKS
from library.models import Document


def test_bench_reading_is_registered_by_dotted_path():
    assert import_string(BENCHMARKS["reading"]).__name__ == "reading"


def test_bench_reading_prints_the_page_table_and_the_reanchoring_time(db):
    lines = []
    reading = import_string(BENCHMARKS["reading"])
    reading(lines.append, repeat=1, characters=6_000, counts=(0, 10, 40))
    table = "\n".join(lines)
    assert "Reading page: 6,000 characters" in table
    assert "| bare page (no annotation layer) |          — |" in table
    for count in ("0", "10", "40"):
        assert f"| with annotations                | {count:>10} |" in table
    assert "shown in 繁體" in table
    queries = [line.split("|")[6].strip() for line in lines if "with annotations " in line]
    assert len(set(queries[1:])) == 1  # the same with 10 and 40 highlights
    assert "Re-anchoring 1,000 highlights onto a new revision" in table
    # Everything ran in a transaction that was rolled back.
    assert not Document.objects.exists() and not Highlight.objects.exists()
