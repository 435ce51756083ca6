"""`manage.py reclean_documents [--all | IDs]`: new revisions only where the text changed."""

import io

import pytest
from django.core.management import CommandError, call_command

from library.importing import import_bytes
from library.models import Document, Sketch
from tests.library.test_reclean import origin, page


def reclean(*args) -> str:
    out = io.StringIO()
    call_command("reclean_documents", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def site_pages(db):
    return [import_bytes(page(n), name=f"{n}.html", origin=origin(n)) for n in range(1, 5)]


def test_it_writes_revisions_only_where_the_result_changed(site_pages):
    # The first three pages were cleaned before the site's slogan was learned as
    # boilerplate (it takes three pages); the fourth already lost it on import.
    assert reclean("--all").splitlines()[-1] == "3 changed, 1 unchanged, 0 rejected, 0 failed"
    first = Document.objects.get(pk=site_pages[0].document)
    assert first.current_revision.number == 2
    assert "示例科技出品" not in first.current_revision.text
    assert reclean("--all").splitlines()[-1] == "0 changed, 4 unchanged, 0 rejected, 0 failed"
    assert sum(d.revisions.count() for d in Document.objects.all()) == 7


def test_it_takes_document_ids(site_pages):
    last = site_pages[-1].document
    assert reclean(last).splitlines()[-1] == "0 changed, 1 unchanged, 0 rejected, 0 failed"
    assert reclean(site_pages[0].document).splitlines()[-1].startswith("1 changed")


def test_unknown_ids_are_named(site_pages):
    err = io.StringIO()
    call_command("reclean_documents", "999", stdout=io.StringIO(), stderr=err)
    assert "no document with ID 999" in err.getvalue()


def test_it_needs_ids_or_all_but_not_both(db):
    with pytest.raises(CommandError):
        call_command("reclean_documents")
    with pytest.raises(CommandError):
        call_command("reclean_documents", "1", "--all")


def test_documents_without_a_sketch_get_one(site_pages):
    Sketch.objects.all().delete()
    reclean("--all")
    assert Sketch.objects.count() == 4
