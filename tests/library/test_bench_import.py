"""`manage.py bench import` prints docs/s and peak memory next to the cleaner alone."""

import io
from pathlib import Path

from library import benchmarks


def test_generated_pages_differ_and_clean():
    templates, pools = benchmarks.bench_inputs()
    pages = [benchmarks.generated_page(i, templates, pools) for i in range(120)]
    assert len({data for _, data in pages}) == 120
    assert {name.rsplit(".", 1)[1] for name, _ in pages} == {"html", "txt"}


def test_bench_import_prints_the_table(tmp_path):
    out = io.StringIO()
    benchmarks.import_(lambda line: out.write(line + "\n"), sizes=(6,), databases=("sqlite",))
    table = out.getvalue()
    assert "Import of 6 generated pages" in table
    row = next(line for line in table.splitlines() if line.startswith("| sqlite"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[1] == "6"
    assert float(cells[2]) > 0 and float(cells[3]) > 0
    assert cells[4].endswith("%")  # import / cleaner
    assert float(cells[5]) > 0 and float(cells[6]) > 0  # indexing, end to end docs/s
    assert cells[7].endswith("%") and cells[8].endswith("%")  # end to end / cleaner, CPU
    assert Path(benchmarks.SAMPLES).is_dir()
