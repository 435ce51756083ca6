"""Export and import speed: a 50,000-character article with 1,000 highlights (the
reading benchmark's), exported in each format and through the API, next to the reading
page of the same highlights as the baseline; then the JSON-LD export imported back.

Run it with
    manage.py shell -c "from annotations.bench_interop import interop; interop(print)"
Everything runs inside one transaction that is rolled back. Times are the server's
(Django's test client, no network): the best and the median of `repeat` rounds after a
warm-up, each round of every row in turn.
"""

from __future__ import annotations

import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from . import importing
from .benchmarks import add_highlights, article, make_article
from .models import Highlight
from .webannotation import PROFILE

HIGHLIGHTS = 1_000
CHARACTERS = 50_000


class _Rollback(Exception):
    pass


def interop(write, *, repeat: int = 5, **_) -> None:
    try:
        with (
            transaction.atomic(),
            override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False),
        ):
            _run(write, repeat)
            raise _Rollback
    except _Rollback:
        pass


def _run(write, repeat: int) -> None:
    users = get_user_model().objects
    reader = users.create_user("bench-interop-reader")
    other = users.create_user("bench-interop-other")
    document = make_article(CHARACTERS)
    add_highlights(document, reader, HIGHLIGHTS)
    count = Highlight.objects.filter(user=reader).count()
    client = Client()
    client.force_login(reader)
    accept = {"HTTP_ACCEPT": PROFILE}
    rows = [
        ("reading page (baseline)", document.get_absolute_url(), {}),
        ("document export, Markdown", f"/documents/{document.pk}/export/markdown/", {}),
        ("document export, CSV", f"/documents/{document.pk}/export/csv/", {}),
        ("document export, JSON-LD", f"/documents/{document.pk}/export/jsonld/", {}),
        ("my highlights, Markdown zip", "/highlights/export/markdown/", {}),
        ("API collection (first 100)", f"/api/annotations/?document={document.pk}", accept),
    ]
    timings: dict[str, list[float]] = {name: [] for name, _, _ in rows}
    sizes, queries = {}, {}
    for name, url, headers in rows:  # warm-up, sizes and query counts
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)
        sizes[name], queries[name] = len(response.content), len(captured)
    for _ in range(repeat):
        for name, url, headers in rows:
            began = time.perf_counter()
            client.get(url, **headers)
            timings[name].append((time.perf_counter() - began) * 1000)
    base = min(timings[rows[0][0]])
    write(f"Exports of {count:,} highlights on a {CHARACTERS:,}-character article")
    write("")
    write("| request                      | best ms | median ms | × page | queries |    KB |")
    write("|------------------------------|--------:|----------:|-------:|--------:|------:|")
    for name, _, _ in rows:
        best, median = min(timings[name]), statistics.median(timings[name])
        write(
            f"| {name:<28} | {best:7.1f} | {median:9.1f} | {best / base:6.2f} "
            f"| {queries[name]:7d} | {sizes[name] / 1024:5.0f} |"
        )

    exported = client.get(f"/documents/{document.pk}/export/jsonld/").content
    items = importing.parse(exported)
    revised = article(CHARACTERS, lead="编者按：本文有更新，增加了一段导语。")
    write("")
    write(f"Importing that JSON-LD ({len(items):,} annotations) as another reader")
    write("")
    write("| import                                   | best ms | median ms | per annotation ms |")
    write("|------------------------------------------|--------:|----------:|------------------:|")
    cases = [
        ("new highlights (created)", other, None),
        ("again (all duplicates)", reader, None),
        ("onto a new revision (re-anchored)", other, revised),
    ]
    outcomes = []
    for name, user, new_text in cases:
        times, counts = [], {}
        for _ in range(repeat):
            with transaction.atomic():
                if new_text is not None:
                    document.add_revision(new_text, source=None)
                began = time.perf_counter()
                report = importing.restore(items, user)
                times.append((time.perf_counter() - began) * 1000)
                counts = {status: n for status, n in report.counts.items() if n}
                transaction.set_rollback(True)
            document.refresh_from_db()
        best = min(times)
        write(
            f"| {name:<40} | {best:7.0f} | {statistics.median(times):9.0f} "
            f"| {best / len(items):17.2f} |"
        )
        outcomes.append(f"{name}: {', '.join(f'{n} {s}' for s, n in counts.items())}")
    write("")
    for line in outcomes:
        write(line)
