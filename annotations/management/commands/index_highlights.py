from django.core.management.base import BaseCommand

from annotations.models import Highlight


class Command(BaseCommand):
    help = (
        "Fold every highlight's quote, note and tags for search again and record the links "
        "their notes make (after changing themes, or to resolve [[titles]] imported since)."
    )

    def handle(self, *args, **options):
        count = 0
        for highlight in Highlight.objects.order_by("pk").iterator(chunk_size=500):
            highlight.index()
            count += 1
        self.stdout.write(f"{count} highlights indexed")
