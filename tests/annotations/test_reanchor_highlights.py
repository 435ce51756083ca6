from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Highlight
from tests.factories import make_document

from .factories import ARTICLE, make_highlight, revise


def reanchor(*args) -> str:
    out = StringIO()
    call_command("reanchor_highlights", *args, stdout=out)
    return out.getvalue()


def test_it_reanchors_every_document_and_prints_counts_per_state(alice):
    first, second = make_document(ARTICLE), make_document("另一篇\n" + ARTICLE)
    make_highlight(alice, first)
    make_highlight(alice, first, quote="人工智能的安全问题")
    make_highlight(alice, second)
    revise(first, ARTICLE.replace("监管应当跟上技术的发展", "（删去）"))
    revise(second, "新导语。\n另一篇\n" + ARTICLE)
    output = reanchor()
    assert output == "re-anchored: 1 exact, 1 moved, 0 fuzzy, 1 orphaned\n"
    assert set(Highlight.objects.values_list("state", flat=True)) == {"exact", "moved", "orphaned"}


def test_running_it_again_changes_nothing(alice):
    document = make_document(ARTICLE)
    make_highlight(alice, document)
    make_highlight(alice, document, quote="人工智能的安全问题")
    revise(document, ARTICLE.replace("监管应当跟上技术的发展", "（删去）"))
    reanchor()
    before = list(Highlight.objects.order_by("pk").values())
    assert reanchor() == "re-anchored: 0 exact, 0 moved, 0 fuzzy, 1 orphaned\n"
    assert list(Highlight.objects.order_by("pk").values()) == before


def test_it_can_keep_to_one_document(alice):
    first, second = make_document(ARTICLE), make_document("另一篇\n" + ARTICLE)
    kept = make_highlight(alice, first)
    make_highlight(alice, second)
    revise(first, "导语。\n" + ARTICLE)
    revise(second, "导语。\n另一篇\n" + ARTICLE)
    assert reanchor("--document", str(second.pk)) == (
        "re-anchored: 0 exact, 1 moved, 0 fuzzy, 0 orphaned\n"
    )
    kept.refresh_from_db()
    assert kept.revision != first.current_revision


def test_an_unknown_document_is_an_error(db):
    with pytest.raises(CommandError):
        reanchor("--document", "999999")
