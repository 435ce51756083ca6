"""W3C Web Annotation JSON-LD on plain values: the shape, validation, and the way back."""

import hashlib
import json
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from annotations.webannotation import (
    Exported,
    Unreadable,
    annotation,
    collection,
    hash_iri,
    hash_of,
    page,
    read,
    read_each,
    single,
)

VALIDATOR = Path(__file__).resolve().parents[3] / "shared" / "w3c" / "validate.py"

ITEM = Exported(
    id="https://pizhu.example/api/annotations/7",
    source="https://pizhu.example/documents/3/",
    exact="超級對齊😀𠀀",
    prefix="名為“",
    suffix="”的安全團隊",
    start=41,
    end=48,
    note="**重要**：安全團隊解散。",
    tags=("safety", "治理"),
    created=datetime(2024, 5, 17, 14, 32, tzinfo=UTC),
    modified=datetime(2024, 5, 18, 8, 0, tzinfo=UTC),
    creator="alice",
    title="OpenAI再陷宮斗",
)


def test_a_highlight_becomes_an_annotation_with_both_selectors_and_bodies():
    data = annotation(ITEM)
    selectors = {s["type"]: s for s in data["target"]["selector"]}
    assert selectors["TextQuoteSelector"]["exact"] == "超級對齊😀𠀀"
    assert selectors["TextPositionSelector"] == {
        "type": "TextPositionSelector",
        "start": 41,
        "end": 48,
    }
    purposes = [(b["purpose"], b["value"]) for b in data["body"]]
    assert purposes == [("commenting", ITEM.note), ("tagging", "safety"), ("tagging", "治理")]
    assert data["created"] == "2024-05-17T14:32:00Z"
    assert data["motivation"] == "commenting"


def test_a_bare_highlight_is_motivated_by_highlighting_and_has_no_body():
    data = annotation(Exported(id="urn:x:1", source="https://a.example/", exact="字"))
    assert data["motivation"] == "highlighting"
    assert "body" not in data


def test_naive_times_are_taken_as_utc_and_written_with_z():
    moment = datetime(2024, 1, 1, 8, 0)
    item = Exported(id="urn:x:1", source="https://a.example/", exact="字", created=moment)
    data = annotation(item)
    assert data["created"] == "2024-01-01T08:00:00Z"


def test_reading_back_gives_the_same_values():
    [back] = read(collection([ITEM], id="https://pizhu.example/api/annotations/", label="mine"))
    assert (back.source, back.exact, back.prefix, back.suffix) == (
        ITEM.source,
        ITEM.exact,
        ITEM.prefix,
        ITEM.suffix,
    )
    assert (back.start, back.end, back.note, back.tags) == (41, 48, ITEM.note, ITEM.tags)
    assert back.created == ITEM.created and back.modified == ITEM.modified


@pytest.mark.parametrize("shape", ["single", "list", "page"])
def test_other_tools_shapes_are_read(shape):
    one = annotation(ITEM)
    data = {
        "single": one,
        "list": [one],
        "page": {"type": "AnnotationPage", "items": [one]},
    }[shape]
    assert [item.exact for item in read(data)] == [ITEM.exact]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("text", "JSON object or array"),
        ({"type": "Thing"}, "expected an Annotation"),
        ([{"type": "Annotation", "target": "https://a.example/"}], "whole resource"),
        ([{"type": "Annotation", "target": {"source": "https://a.example/"}}], "TextQuoteSelector"),
        ([{"type": "Annotation"}], "no target source"),
    ],
)
def test_unreadable_input_says_why(data, reason):
    with pytest.raises(Unreadable, match=reason):
        read(data)


def test_bad_positions_are_dropped_but_the_quote_still_reads():
    data = annotation(ITEM)
    data["target"]["selector"][1].update(start=True, end=-1)
    [back] = read(data)
    assert (back.start, back.end, back.exact) == (None, None, ITEM.exact)


@pytest.mark.skipif(not VALIDATOR.exists(), reason="the W3C validator is not checked out beside")
def test_the_export_passes_the_w3c_test_suite_schemas(tmp_path):
    pytest.importorskip("jsonschema")
    path = tmp_path / "export.json"
    export = collection([ITEM], id="https://pizhu.example/api/annotations/", label="mine")
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(VALIDATOR), "--strict", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_times_keep_their_microseconds_and_come_back_exactly():
    moment = datetime(2024, 5, 17, 14, 32, 5, 123456, tzinfo=UTC)
    item = Exported(id="urn:x:1", source="https://a.example/", exact="字", created=moment)
    data = annotation(item)
    assert data["created"] == "2024-05-17T14:32:05.123456Z"
    assert read(data)[0].created == moment


def test_a_time_without_an_offset_is_read_as_utc():
    data = annotation(ITEM)
    data["created"] = "2024-05-17T14:32:00"
    assert read(data)[0].created == datetime(2024, 5, 17, 14, 32, tzinfo=UTC)


def test_raw_bytes_are_named_by_an_rfc_6920_iri_and_read_back():
    digest = hashlib.sha256(b"<html>page</html>").hexdigest()
    iri = hash_iri(digest)
    assert iri.startswith("ni:///sha-256;") and "=" not in iri
    assert hash_of(iri) == digest
    assert hash_of("https://a.example/") is None
    assert hash_of("ni:///sha-256;tooshort") is None


def test_the_target_names_what_the_document_was_derived_from():
    item = replace(ITEM, via=("https://www.163.com/a.html", "ni:///sha-256;abc"))
    data = annotation(item)
    assert data["target"]["via"] == ["https://www.163.com/a.html", "ni:///sha-256;abc"]
    assert read(data)[0].via == item.via
    single_via = annotation(replace(ITEM, via=("https://www.163.com/a.html",)))
    assert single_via["target"]["via"] == "https://www.163.com/a.html"
    assert read(single_via)[0].via == ("https://www.163.com/a.html",)


def test_read_each_reports_every_bad_item_with_its_id_and_reads_the_rest():
    good = annotation(ITEM)
    bad = {"type": "Annotation", "id": "urn:x:bad", "target": {"source": "https://a.example/"}}
    found = read_each([good, bad, "text"])
    assert isinstance(found[0], Exported)
    assert isinstance(found[1], Unreadable) and found[1].id == "urn:x:bad"
    assert str(found[2]) == "item 2 is not an Annotation"
    with pytest.raises(Unreadable, match="first page is not embedded"):
        read_each({"type": "AnnotationCollection", "total": 3, "first": "https://a.example/p1"})
    assert read_each({"type": "AnnotationCollection", "total": 0}) == []


def test_a_paged_collection_links_its_pages_and_a_page_names_its_collection():
    first = collection(
        [ITEM],
        id="https://p.example/api/annotations/",
        label="mine",
        total=150,
        first_id="https://p.example/api/annotations/?page=1",
        next_id="https://p.example/api/annotations/?page=2",
        last_id="https://p.example/api/annotations/?page=2",
    )
    assert (first["total"], first["first"]["next"], first["last"]) == (
        150,
        "https://p.example/api/annotations/?page=2",
        "https://p.example/api/annotations/?page=2",
    )
    second = page(
        [ITEM],
        id="https://p.example/api/annotations/?page=2",
        part_of={"id": "https://p.example/api/annotations/", "label": "mine", "total": 150},
        start_index=100,
        prev_id="https://p.example/api/annotations/?page=1",
    )
    assert second["partOf"]["type"] == "AnnotationCollection"
    assert (second["startIndex"], second["prev"], "next" in second) == (
        100,
        "https://p.example/api/annotations/?page=1",
        False,
    )
    assert single(ITEM)["@context"] == "http://www.w3.org/ns/anno.jsonld"
