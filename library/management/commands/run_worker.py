from django.core.management import call_command
from django.core.management.base import BaseCommand

from library.tasks import recover_abandoned, resume_unfinished, worker_name


class Command(BaseCommand):
    help = (
        "Run the background worker (django-tasks' db_worker) after marking the tasks a "
        "stopped worker left running as failed and queueing their work again (unfinished "
        "import batches, indexing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="exit when the queue is empty")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")

    def handle(self, *args, batch, interval, verbosity, **options):
        recovered = recover_abandoned()
        if recovered:
            self.stdout.write(f"Marked {recovered} task(s) of a stopped worker as failed.")
        resumed = resume_unfinished()
        self.stdout.write(f"Queued {resumed} unfinished import batch(es).")
        arguments = ["--no-reload", "--no-startup-delay", f"--interval={interval}"]
        arguments.append(f"--worker-id={worker_name()}")
        call_command("db_worker", *arguments, *(["--batch"] if batch else []), verbosity=verbosity)
