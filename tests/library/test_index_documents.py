"""`manage.py index_documents`: rebuild derived data for some documents or all."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from library.models import Mention, RelatedDocument
from tests.factories import make_document
from tests.library.indexed import load_entities


def run(*args) -> str:
    out, err = StringIO(), StringIO()
    call_command("index_documents", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_it_indexes_named_documents_and_says_how_many(db):
    load_entities()
    document = make_document("标题\n奥特曼说。")  # factories write no derived data
    assert not Mention.objects.exists()
    assert "1 documents indexed" in run(str(document.pk), "999999")
    assert Mention.objects.filter(document=document).count() == 1


def test_all_rebuilds_everything_from_scratch(db):
    load_entities()
    make_document("一\n马斯克与 xAI。")
    make_document("二\n马斯克与 xAI 又一次。")
    assert "2 documents indexed" in run("--all")
    assert RelatedDocument.objects.count() == 2


def test_it_wants_ids_or_all(db):
    with pytest.raises(CommandError):
        run()
    with pytest.raises(CommandError):
        run("1", "--all")
