import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from annotations.interop import (
    FORMATS,
    Links,
    build_export,
    document_export,
    group_export,
    own_export,
)
from annotations.models import ReadingGroup
from library.models import Document


class Command(BaseCommand):
    help = (
        "Write a reader's highlights as Markdown, CSV or W3C Web Annotation JSON-LD, as "
        "the export links do: their own (default), one document's or a group's."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="whose view of the library")
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--document", type=int, help="the highlights they see in it")
        scope.add_argument("--group", type=int, help="the highlights shared with their group")
        parser.add_argument("--format", choices=sorted(FORMATS), default="jsonld")
        parser.add_argument(
            "--base-url", required=True, help="the address readers use, e.g. https://pizhu.example"
        )
        parser.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")

    def handle(self, *args, user, document, group, format, base_url, output, **options):
        reader = get_user_model().objects.filter(username=user).first()
        if reader is None:
            raise CommandError(f"No user {user!r}.")
        highlights, scope = self.scope(reader, document, group, format)
        made = build_export(highlights, format, scope, Links(base_url), reader)
        if output is None:
            sys.stdout.buffer.write(made.body)
            sys.stdout.buffer.flush()
            return
        output.write_bytes(made.body)
        self.stderr.write(f"wrote {output}: {len(made.body):,} bytes ({made.file_name})")

    def scope(self, reader, document_pk, group_pk, fmt):
        if document_pk is not None:
            document = Document.objects.visible_to(reader).filter(pk=document_pk).first()
            if document is None:
                raise CommandError(f"No document {document_pk}.")
            return document_export(reader, document, fmt)
        if group_pk is not None:
            group = ReadingGroup.objects.of(reader).filter(pk=group_pk).first()
            if group is None:
                raise CommandError(f"{reader} is in no group {group_pk}.")
            return group_export(reader, group, fmt)
        return own_export(reader, fmt)
