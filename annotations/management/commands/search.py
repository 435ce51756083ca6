import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotations.models import Highlight
from library import search
from library.models import Document, Entity, Theme
from library.reading import SCRIPTS
from library.terms import parse_query


class Command(BaseCommand):
    help = (
        'Search the library as the search page does: `search "QUERY" [--json]`. The JSON '
        'contract: {"results": [{"document", "title", "snippet", "score"}]} (README).'
    )

    def add_arguments(self, parser):
        parser.add_argument("query")
        parser.add_argument("--json", action="store_true", help="the documented JSON contract")
        parser.add_argument("--theme", help="only documents about this theme (any spelling)")
        parser.add_argument("--entity", help="only documents mentioning this entity (its slug)")
        parser.add_argument("--source", help="only documents from this site")
        parser.add_argument("--user", help="also search this reader's highlights, notes, tags")
        parser.add_argument("--script", choices=sorted(SCRIPTS), default="original")
        parser.add_argument("--limit", type=int, default=20)
        parser.add_argument("--page", type=int, default=1)

    def handle(self, *args, query, **options):
        if options["limit"] < 1 or options["page"] < 1:
            raise CommandError("--limit and --page start at 1")
        within = self.filters(options)
        mine: list[int] = []
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user {options['user']}")
            needles = parse_query(query).needles
            own = Highlight.objects.visible_to(user).filter(user=user)
            matching = own.matching(needles).order_by()
            mine = list(matching.values_list("document_id", flat=True).distinct())
        matcher = Entity.objects.matcher()
        limit = options["limit"]
        found = search.search(
            query,
            within=within,
            mine=mine,
            matcher=matcher,
            offset=(options["page"] - 1) * limit,
            limit=limit,
        )
        results = search.results(found, script=options["script"], matcher=matcher)
        rows = [
            {
                "document": result.document.pk,
                "title": result.title,
                "snippet": ("…" if result.clipped_start else "")
                + result.snippet
                + ("…" if result.clipped_end else ""),
                "score": result.score,
            }
            for result in results
        ]
        if options["json"]:
            data = {"query": query, "total": found.total, "results": rows}
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{found.total} result{'s' if found.total != 1 else ''} for {query!r}")
        for row in rows:
            self.stdout.write(f"{row['score']:5.1f}  {row['document']:>6}  {row['title']}")
            self.stdout.write(f"               {row['snippet']}")

    def filters(self, options):
        within = None
        if name := options["theme"]:
            theme = Theme.objects.resolve(name)
            if theme is None:
                raise CommandError(f"no theme {name}")
            within = Document.objects.about(theme)
        if slug := options["entity"]:
            entity = Entity.objects.filter(slug=slug).first()
            if entity is None:
                raise CommandError(f"no entity {slug}")
            within = (within or Document.objects.all()).mentioning(entity)
        if source := options["source"]:
            within = (within or Document.objects.all()).filter(site=source)
        return within
