from django.core.management.base import BaseCommand, CommandError

from annotations.models import Highlight, State
from library.models import Document


class Command(BaseCommand):
    help = "Move highlights onto their documents' current revisions; print counts per state."

    def add_arguments(self, parser):
        parser.add_argument("--document", type=int, help="Only this document's highlights.")

    def handle(self, *args, **options):
        documents = Document.objects.filter(highlights__isnull=False).distinct()
        if options["document"] is not None:
            documents = Document.objects.filter(pk=options["document"])
            if not documents.exists():
                raise CommandError(f"No document {options['document']}.")
        totals = dict.fromkeys(State.values, 0)
        for document in documents.select_related("current_revision").order_by("pk"):
            for state, count in Highlight.objects.reanchor(document).items():
                totals[state] += count
        summary = ", ".join(f"{count} {state}" for state, count in totals.items())
        self.stdout.write(f"re-anchored: {summary}")
