"""`manage.py bench search` prints latencies next to the naive scan (never asserts speed)."""

import io

from library import bench_search


def test_generated_documents_mix_scripts_and_differ():
    pool = bench_search.paragraph_pool()
    documents = [bench_search.generated(i, pool) for i in range(60)]
    assert len({text for _, text, _, _, _ in documents}) == 60
    assert {script for _, _, script, _, _ in documents} == {"simplified", "traditional", "unknown"}
    assert all(1 <= len(query) <= 6 for query in bench_search.QUERIES)


def test_bench_search_prints_the_table():
    out = io.StringIO()
    bench_search.search(
        lambda line: out.write(line + "\n"), repeat=1, sizes=(40,), databases=("sqlite",)
    )
    table = out.getvalue()
    row = next(line for line in table.splitlines() if line.startswith("| sqlite"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[1] == "40"
    assert float(cells[4]) > 0 and float(cells[5]) > 0  # search p50, p95
    assert cells[9].endswith("×")
    assert cells[12].endswith("of score")  # the related documents against all pairs
    assert "| 奥特曼 |" in table
