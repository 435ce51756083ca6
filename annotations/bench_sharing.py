"""The reading page when much of what it shows is shared: the cost of `visible_to`
(own ∪ library ∪ the reader's groups, checked on every request) and of the replies.

Run it with `manage.py shell -c "from annotations.bench_sharing import sharing;
sharing(print)"` (or register it in library/management/commands/bench.py as
"sharing"). Everything happens in one transaction that is rolled back. Each page is
compared with the same page for a reader who owns the same number of highlights and
shares nothing: the cost of sharing is the ratio.
"""

from __future__ import annotations

import statistics
import time

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from .benchmarks import Scenario, add_highlights, make_article
from .models import Highlight, ReadingGroup, Reply, Sharing


def sharing(write, *, repeat: int = 5, characters: int = 50_000, **_):
    repeat = max(repeat, 3)
    with (
        override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False),
        transaction.atomic(),
    ):
        try:
            _sharing(write, repeat, characters)
        finally:
            transaction.set_rollback(True)


def _user(name: str):
    return get_user_model().objects.create_user(f"bench-{name}-{time.monotonic_ns()}")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def measure_each(scenarios: list[Scenario], repeat: int) -> None:
    """`benchmarks.measure`, each scenario on its own URL (`scenario.url`)."""
    for scenario in scenarios:
        with CaptureQueriesContext(connection) as queries:
            response, _ = scenario.request(scenario.url)
        scenario.queries, scenario.kb = len(queries), len(response.content) / 1024
    for _ in range(repeat):
        for scenario in scenarios:
            scenario.times.append(scenario.request(scenario.url)[1])


def _sharing(write, repeat: int, characters: int) -> None:
    # Two copies of one article: on the first a reader owns 1,000 highlights and no one
    # shares; on the second a reader owns 100 and sees 900 that others shared.
    alone_document, document = make_article(characters), make_article(characters)
    alone = _user("alone")
    add_highlights(alone_document, alone, 1000)

    reader = _user("reader")
    add_highlights(document, reader, 100)
    groups = [ReadingGroup.objects.start(owner=_user(f"owner{n}"), name=f"组{n}") for n in range(5)]
    for group in groups:
        group.add(reader)
    others = [_user(f"other{n}") for n in range(9)]
    for n, other in enumerate(others):
        add_highlights(document, other, 100)
        mine = Highlight.objects.filter(user=other)
        if n < 3:
            mine.update(sharing=Sharing.LIBRARY)
        else:
            group = groups[n % len(groups)]
            group.add(other)
            mine.update(sharing=Sharing.GROUP, group=group)
    shared = list(Highlight.objects.filter(user__in=others).values_list("pk", flat=True))
    Reply.objects.bulk_create(
        Reply(highlight_id=pk, user=others[i % 9], body="同意，**尤其**是这一点。")
        for i, pk in enumerate(shared[::2])
    )
    # Many private highlights of other readers on the same page: visible_to must skip them.
    strangers = [_user(f"stranger{n}") for n in range(5)]
    for stranger in strangers:
        add_highlights(document, stranger, 1000)
        add_highlights(alone_document, stranger, 1000)

    visible = Highlight.objects.visible_to(reader).filter(document=document).count()
    total = Highlight.objects.filter(document=document).count()
    rows = []
    pages = {
        "reading page": lambda doc: doc.get_absolute_url(),
        "API list, 100 a page": lambda doc: f"/api/highlights/?document={doc.pk}",
    }
    for page, url in pages.items():
        scenarios = [
            Scenario("1,000 own, nothing shared", "1,000", _client(alone)),
            Scenario("100 own + 900 shared, 450 replies", f"{visible:,}", _client(reader)),
        ]
        scenarios[0].url, scenarios[1].url = url(alone_document), url(document)
        measure_each(scenarios, repeat)
        base = min(scenarios[0].times)
        for scenario in scenarios:
            rows.append(
                (
                    page,
                    scenario.name,
                    scenario.highlights,
                    min(scenario.times),
                    statistics.median(scenario.times),
                    min(scenario.times) / base,
                    scenario.queries,
                    scenario.kb,
                )
            )
    write(
        f"Sharing: {total:,} highlights on a {characters:,}-character article "
        f"({total - visible:,} of them private to other readers; the same 5,000 beside the "
        f"1,000 own on the other copy), the reader in "
        f"{len(groups)} groups, {connection.vendor}, best and median of {repeat} "
        "alternating rounds after a warm-up\n"
    )
    write("| page | reader | visible | best ms | median ms | × own only | queries | KB |")
    write("|---|---|---:|---:|---:|---:|---:|---:|")
    for page, name, count, best, median, ratio, queries, kb in rows:
        write(
            f"| {page} | {name} | {count} | {best:.1f} | {median:.1f} | {ratio:.2f} "
            f"| {queries} | {kb:.0f} |"
        )
