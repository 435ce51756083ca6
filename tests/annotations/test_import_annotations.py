"""manage.py import_annotations: W3C Web Annotation JSON-LD back in as highlights, every
annotation accounted for."""

import io
import json
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from annotations.models import MAX_NOTE_LENGTH, Highlight, State
from annotations.webannotation import Exported, annotation, collection, hash_iri
from tests.factories import make_document

from .factories import ARTICLE

CREATED = datetime(2024, 5, 17, 14, 32, 5, 123456, tzinfo=UTC)
MODIFIED = datetime(2024, 5, 18, 8, 0, tzinfo=UTC)


def passage(document, quote: str, **fields) -> Exported:
    """An annotation of `quote` in `document` as another library would export it: found
    by the raw page's hash, at the right offsets unless `fields` say otherwise."""
    text = document.current_revision.text
    start = text.index(quote) if quote in text else 0
    values = {
        "id": f"https://other.example/api/annotations/{start}/",
        "source": "https://other.example/documents/77/",
        "exact": quote,
        "prefix": text[max(0, start - 32) : start],
        "suffix": text[start + len(quote) : start + len(quote) + 32],
        "start": start,
        "end": start + len(quote),
        "via": (hash_iri(document.current_revision.source.sha256),),
        **fields,
    }
    return Exported(**values)


def run(tmp_path, data, *args, user="alice") -> dict:
    path = tmp_path / "annotations.jsonld"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("import_annotations", str(path), "--json", *args, user=user, stdout=out)
    return json.loads(out.getvalue())


def file_of(*items) -> dict:
    return collection(items, id="https://other.example/api/annotations/", label="export")


def test_it_restores_quote_note_tags_and_times(tmp_path, alice):
    document = make_document(ARTICLE)
    item = passage(
        document,
        "监管应当跟上技术的发展",
        note="**要点**",
        tags=("safety", "治理"),
        created=CREATED,
        modified=MODIFIED,
    )
    report = run(tmp_path, file_of(item))
    [highlight] = Highlight.objects.filter(user=alice)
    assert report == {
        "dry_run": False,
        "counts": {"created": 1, "re-anchored": 0, "orphaned": 0, "duplicate": 0, "rejected": 0},
        "items": [
            {
                "index": 0,
                "id": item.id,
                "status": "created",
                "reason": "",
                "document": document.pk,
                "highlight": highlight.pk,
                "matched_by": "sha256",
            }
        ],
    }
    assert (highlight.exact, highlight.start, highlight.end) == (item.exact, item.start, item.end)
    assert (highlight.note, highlight.tag_names) == ("**要点**", ["safety", "治理"])
    assert (highlight.created, highlight.updated) == (CREATED, MODIFIED)
    assert highlight.state == State.EXACT and highlight.revision == document.current_revision
    assert "safety" in highlight.search_key


def test_a_quote_at_other_offsets_is_re_anchored_by_its_quote(tmp_path, alice):
    document = make_document(ARTICLE)
    item = passage(document, "欧盟的人工智能法案", start=3, end=12, prefix="", suffix="")
    report = run(tmp_path, file_of(item))
    [result] = report["items"]
    highlight = Highlight.objects.get()
    start = document.current_revision.text.index("欧盟的人工智能法案")
    assert result["status"] == "re-anchored"
    assert result["reason"] == f"placed at {start}–{start + 9} by its quote; the file said 3–12"
    assert (highlight.start, highlight.state) == (start, State.MOVED)


def test_a_quote_not_in_the_text_is_kept_as_an_orphan_with_its_note(tmp_path, alice):
    document = make_document(ARTICLE)
    item = passage(
        document, "这句话在文章里没有出现过，也找不到相似的", note="留着", start=5, end=25
    )
    report = run(tmp_path, file_of(item))
    assert report["items"][0]["status"] == "orphaned"
    highlight = Highlight.objects.get()
    assert (highlight.state, highlight.exact, highlight.note) == (
        State.ORPHANED,
        item.exact,
        "留着",
    )
    assert (highlight.start, highlight.end) == (5, 25)


def test_every_annotation_is_accounted_for_and_rejections_say_why(tmp_path, alice):
    document = make_document(ARTICLE)
    good = passage(document, "人工智能的安全问题")
    items = [
        annotation(good),
        {"type": "Thing"},
        annotation(passage(document, "奥特曼", via=(), source="https://nowhere.example/x")),
        annotation(passage(document, "旧金山", note="长" * (MAX_NOTE_LENGTH + 1))),
        annotation(passage(document, "全球合作", tags=("坏\u202e标签",))),
        annotation(passage(document, "欧盟", exact="   ")),
        annotation(good),
    ]
    report = run(tmp_path, {"type": "AnnotationPage", "items": items})
    statuses = [(item["status"], item["reason"]) for item in report["items"]]
    assert statuses[0] == ("created", "")
    assert statuses[1] == ("rejected", "item 1 is not an Annotation")
    assert statuses[2] == (
        "rejected",
        "no document in this library matches https://nowhere.example/x",
    )
    assert statuses[3][0] == "rejected" and statuses[3][1].startswith("note: At most 10000")
    assert statuses[4][0] == "rejected" and "invisible or control" in statuses[4][1]
    assert statuses[5] == ("rejected", "quote: only spaces")
    assert statuses[6][0] == "duplicate"
    assert sum(report["counts"].values()) == len(items)
    assert Highlight.objects.count() == 1


def test_another_tools_annotations_find_the_page_they_were_made_on(tmp_path, alice):
    """Hypothesis-style: the target is the original page (offsets into its HTML), with
    selectors Pizhu does not use beside the quote."""
    document = make_document(ARTICLE, origin="https://example.com/article")
    data = [
        {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "type": "Annotation",
            "id": "https://hypothes.is/a/AbCdEfGhIjKlMnOpQrStUv",
            "created": "2024-11-23T07:30:00.000000+00:00",
            "body": [
                {"type": "TextualBody", "value": "note text", "format": "text/markdown"},
                {"type": "TextualBody", "value": "方法论", "purpose": "tagging"},
            ],
            "target": [
                {
                    "source": "https://example.com/article",
                    "selector": [
                        {"type": "XPathSelector", "value": "/main[1]/p[3]"},
                        {"type": "TextPositionSelector", "start": 1200, "end": 1209},
                        {"type": "TextQuoteSelector", "exact": "人工智能的安全问题"},
                    ],
                }
            ],
        },
        {
            "type": "Annotation",
            "target": [{"source": "https://example.com/article", "selector": []}],
        },
    ]
    report = run(tmp_path, data)
    assert [(i["status"], i["matched_by"]) for i in report["items"]] == [
        ("re-anchored", "origin"),
        ("rejected", ""),
    ]
    highlight = Highlight.objects.get()
    assert (highlight.document, highlight.note, highlight.tag_names) == (
        document,
        "note text",
        ["方法论"],
    )
    assert highlight.created == datetime(2024, 11, 23, 7, 30, tzinfo=UTC)


def test_a_pizhu_url_is_trusted_only_on_this_site(tmp_path, alice):
    document = make_document(ARTICLE)
    here = passage(document, "奥特曼", via=(), source=f"http://testserver/documents/{document.pk}/")
    there = passage(
        document, "奥特曼", via=(), source=f"https://x.example/documents/{document.pk}/"
    )
    report = run(tmp_path, file_of(here, there))
    assert [(i["status"], i["matched_by"]) for i in report["items"]] == [
        ("created", "url"),
        ("rejected", ""),
    ]


def test_without_times_the_same_quote_and_note_is_a_duplicate(tmp_path, alice):
    document = make_document(ARTICLE)
    first = passage(document, "奥特曼", note="一")
    other_note = passage(document, "奥特曼", note="二")
    assert run(tmp_path, file_of(first, other_note))["counts"]["created"] == 2
    assert run(tmp_path, file_of(first, other_note))["counts"]["duplicate"] == 2


def test_a_dry_run_reports_the_same_and_writes_nothing(tmp_path, alice):
    document = make_document(ARTICLE)
    item = passage(document, "奥特曼", created=CREATED)
    report = run(tmp_path, file_of(item, item), "--dry-run")
    assert report["dry_run"] is True
    assert [(i["status"], i["highlight"]) for i in report["items"]] == [
        ("created", None),
        ("duplicate", None),
    ]
    assert not Highlight.objects.exists()


def test_the_summary_names_what_needs_a_look(tmp_path, alice):
    document = make_document(ARTICLE)
    path = tmp_path / "a.jsonld"
    items = [passage(document, "奥特曼"), passage(document, "不在文中的一句话啊啊啊")]
    path.write_text(json.dumps(file_of(*items), ensure_ascii=False))
    out = io.StringIO()
    call_command("import_annotations", str(path), user="alice", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[-1] == (
        "2 annotations: 1 created, 0 re-anchored, 1 orphaned, 0 duplicate, 0 rejected"
    )
    assert len(lines) == 2 and lines[0].strip().startswith("orphaned  #1")


def test_an_unknown_reader_or_an_unreadable_file_is_an_error(tmp_path, alice):
    path = tmp_path / "x.json"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="No user 'zed'"):
        call_command("import_annotations", str(path), user="zed")
    with pytest.raises(CommandError, match="not Web Annotation JSON-LD: the file is not JSON"):
        call_command("import_annotations", str(path), user="alice")
    path.write_text('{"type": "AnnotationCollection", "total": 3, "first": "https://x/p1"}')
    with pytest.raises(CommandError, match="first page is not embedded"):
        call_command("import_annotations", str(path), user="alice")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_annotations", str(tmp_path / "missing.json"), user="alice")


def test_offsets_too_large_to_store_are_ignored_for_the_quote(tmp_path, alice):
    document = make_document(ARTICLE)
    item = passage(document, "欧盟的人工智能法案", start=2**40, end=2**40 + 9)
    report = run(tmp_path, file_of(item))
    assert report["items"][0]["status"] == "re-anchored"
    assert Highlight.objects.get().start == document.current_revision.text.index("欧盟")
