"""`manage.py index_highlights`: fold highlights and record their notes' links again."""

from io import StringIO

from django.core.management import call_command

from annotations.links import NoteLink
from annotations.models import Highlight
from tests.library.indexed import make_indexed

from .factories import make_highlight


def test_it_refreshes_search_keys_and_links(alice, db):
    source = make_indexed("来源\n一句话。")
    highlight = make_highlight(alice, source, quote="一句话", note="[[目标]]")
    Highlight.objects.update(search_key="")
    NoteLink.objects.all().delete()
    target = make_indexed("目标\n正文。")
    out = StringIO()
    call_command("index_highlights", stdout=out)
    assert out.getvalue().strip() == "1 highlights indexed"
    assert Highlight.objects.get(pk=highlight.pk).search_key
    assert NoteLink.objects.get().document_id == target.pk
