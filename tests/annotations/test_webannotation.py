"""W3C Web Annotation JSON-LD on plain values: the shape, validation, and the way back."""

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from annotations.webannotation import Exported, Unreadable, annotation, collection, read

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
