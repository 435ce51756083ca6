"""Export → wipe → import → export again loses nothing: quotes with astral characters,
overlapping highlights, notes, tags, times and orphans all come back. What differs, and
why: each annotation's `id` (and the Markdown/CSV link back) names the new highlight,
since a highlight's IRI is its address in this library."""

import csv
import io
import json

from django.core.management import call_command

from annotations.importing import restore
from annotations.interop import Links
from annotations.models import Highlight, State
from annotations.webannotation import read_each
from library.cleaning import clean_text
from library.models import Document

from .factories import make_highlight, revise
from .interop import ACCEPT_LD, ASTRAL_ARTICLE, items_of, ld, make_annotated_document, without_ids


def exports(client, document) -> dict:
    return {
        fmt: client.get(f"/documents/{document.pk}/export/{fmt}/").content.decode()
        for fmt in ("jsonld", "csv", "markdown")
    }


def import_file(tmp_path, text: str, user="alice") -> dict:
    path = tmp_path / "export.jsonld"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_annotations", str(path), user=user, json=True, stdout=out)
    return json.loads(out.getvalue())


def make_library(alice):
    """alice's annotated document, with one highlight orphaned by a new revision."""
    document = make_annotated_document(alice)
    make_highlight(alice, document, quote="并公开批评公司的安全文化", note="孤儿 𨋢")
    revise(document, ASTRAL_ARTICLE.replace("并公开批评公司的安全文化", "随后入职竞争对手"))
    Highlight.objects.reanchor(document)
    assert Highlight.objects.filter(state=State.ORPHANED).count() == 1
    return document


def csv_rows(text: str) -> list[dict]:
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    return [{k: v for k, v in row.items() if k != "highlight_url"} for row in rows]


def markdown_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith("[↗ In Pizhu](")]


def test_export_wipe_import_export_gives_the_same_files_but_for_ids(client, alice, tmp_path):
    document = make_library(alice)
    client.force_login(alice)
    before = exports(client, document)
    assert len(items_of(json.loads(before["jsonld"]))) == 5

    Highlight.objects.filter(user=alice).delete()
    report = import_file(tmp_path, before["jsonld"])
    assert report["counts"] == {
        "created": 4,
        "re-anchored": 0,
        "orphaned": 1,
        "duplicate": 0,
        "rejected": 0,
    }
    assert {item["matched_by"] for item in report["items"]} == {"sha256"}

    after = exports(client, document)
    assert without_ids(json.loads(after["jsonld"])) == without_ids(json.loads(before["jsonld"]))
    assert json.loads(after["jsonld"])["label"] == json.loads(before["jsonld"])["label"]
    assert csv_rows(after["csv"]) == csv_rows(before["csv"])
    assert markdown_lines(after["markdown"]) == markdown_lines(before["markdown"])
    orphan = Highlight.objects.get(state=State.ORPHANED)
    assert orphan.revision.number == 1  # still the revision its offsets point into
    assert orphan.note == "孤儿 𨋢"


def test_importing_the_same_file_again_creates_nothing(client, alice, tmp_path):
    document = make_library(alice)
    client.force_login(alice)
    text = exports(client, document)["jsonld"]
    report = import_file(tmp_path, text)  # over the highlights it was exported from
    assert report["counts"]["duplicate"] == 5
    Highlight.objects.filter(user=alice).delete()
    import_file(tmp_path, text)
    again = import_file(tmp_path, text)
    assert again["counts"]["duplicate"] == 5 and Highlight.objects.count() == 5


def test_the_api_round_trips_too(client, alice):
    document = make_annotated_document(alice)
    client.force_login(alice)
    before = ld(client.get(f"/api/annotations/?document={document.pk}", **ACCEPT_LD))
    Highlight.objects.filter(user=alice).delete()
    report = restore(read_each(before), alice)
    assert report.counts["created"] == 4
    after = ld(client.get(f"/api/annotations/?document={document.pk}", **ACCEPT_LD))
    assert without_ids(after) == without_ids(before)


def test_a_file_from_another_library_lands_on_the_same_page_by_its_hash(client, alice):
    """Another Pizhu holding the same raw page: a new document (another id, no origin)
    whose revision was made from the same bytes."""
    document = make_annotated_document(alice, origin="")
    source = document.current_revision.source
    client.force_login(alice)
    before = ld(client.get(f"/documents/{document.pk}/export/jsonld/"))
    document.delete()
    elsewhere = Document.objects.create_from(clean_text(ASTRAL_ARTICLE), source=source)

    report = restore(read_each(before), alice, is_local=lambda netloc: False)
    assert report.counts["created"] == 4
    assert {(i.document, i.matched_by) for i in report.items} == {(elsewhere.pk, "sha256")}
    after = ld(client.get(f"/documents/{elsewhere.pk}/export/jsonld/"))
    source_url = Links("http://testserver").to(elsewhere.get_absolute_url())
    for item in items_of(before):
        item["target"]["source"] = source_url
    assert without_ids(after) == without_ids(before)
