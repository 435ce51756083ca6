from django.core.management import call_command
from django.core.management.base import BaseCommand

from library.tasks import resume_unfinished


class Command(BaseCommand):
    help = (
        "Run the background worker (django-tasks' db_worker) after queueing unfinished "
        "import batches, which a worker that stopped mid-batch left behind."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="exit when the queue is empty")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")

    def handle(self, *args, batch, interval, verbosity, **options):
        resumed = resume_unfinished()
        self.stdout.write(f"Queued {resumed} unfinished import batch(es).")
        arguments = ["--no-reload", "--no-startup-delay", f"--interval={interval}"]
        call_command("db_worker", *arguments, *(["--batch"] if batch else []), verbosity=verbosity)
