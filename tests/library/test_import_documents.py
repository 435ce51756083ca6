"""`manage.py import_documents`: files, folders, zip archives, the --json report, --dry-run."""

import gzip
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from library.importing import page_url
from library.models import Document, ImportBatch, ImportItem, Revision, Source
from tests.library.zips import make_zip, make_zip_with_legacy_name, make_zip_with_symlink

SAMPLES = Path(__file__).resolve().parent / "samples"


def page(
    title: str, body: str = "人工智能安全研究需要更多投入，监管也在加强。", url: str = ""
) -> bytes:
    canonical = f'<link rel="canonical" href="{url}">' if url else ""
    return (
        f"<html><head><title>{title}</title>{canonical}</head><body><h1>{title}</h1>"
        f"<p>{body}这是一段足够长的正文，用来让容器打分，包含逗号、句号。</p>"
        f"<p>第二段：算力、安全，以及监管会走向哪里。{title}</p></body></html>"
    ).encode()


def run(*args, stdin_tty: bool = False) -> dict:
    out = io.StringIO()
    call_command("import_documents", *map(str, args), "--json", stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def statuses(report: dict) -> dict[str, str]:
    return {item["name"].rsplit("/", 1)[-1]: item["status"] for item in report["items"]}


def test_the_json_report_is_the_public_contract(db, tmp_path):
    (tmp_path / "a.html").write_bytes(page("第一篇"))
    (tmp_path / "empty.txt").write_bytes(b"")
    report = run(tmp_path / "a.html", tmp_path / "empty.txt")
    assert set(report) == {"batch", "counts", "items"}
    assert report["counts"] == {
        "created": 1,
        "updated": 0,
        "duplicate": 0,
        "rejected": 1,
        "failed": 0,
    }
    created, empty = report["items"]
    assert set(created) == {"name", "status", "reason", "document"}
    assert created["name"] == f"{tmp_path.as_posix()}/a.html"
    assert created["status"] == "created"
    assert Document.objects.get(pk=created["document"]).title == "第一篇"
    assert empty == {
        "name": f"{tmp_path.as_posix()}/empty.txt",
        "status": "rejected",
        "reason": "empty file",
        "document": None,
    }
    batch = ImportBatch.objects.get(pk=report["batch"])
    assert batch.finished_at is not None
    assert batch.report() == report


def test_folders_are_read_recursively_in_name_order(db, tmp_path):
    (tmp_path / "b" / "c").mkdir(parents=True)
    (tmp_path / "b" / "c" / "deep.html").write_bytes(page("深处"))
    (tmp_path / "b" / "one.txt").write_text(
        "标题一\n正文很长很长的一段话，说的是人工智能。", "utf-8"
    )
    (tmp_path / "a.html").write_bytes(page("开头"))
    report = run(tmp_path)
    assert [item["name"].removeprefix(tmp_path.as_posix()) for item in report["items"]] == [
        "/a.html",
        "/b/c/deep.html",
        "/b/one.txt",
    ]
    assert report["counts"]["created"] == 3


def test_importing_the_same_files_again_creates_nothing(db, tmp_path):
    (tmp_path / "a.html").write_bytes(page("第一篇"))
    (tmp_path / "b.html").write_bytes(page("第二篇"))
    first = run(tmp_path)
    again = run(tmp_path)
    assert first["counts"]["created"] == 2
    assert again["counts"] == {**first["counts"], "created": 0, "duplicate": 2}
    assert [item["document"] for item in again["items"]] == [
        item["document"] for item in first["items"]
    ]
    assert Document.objects.count() == 2
    assert Source.objects.count() == 2


def test_a_changed_page_at_the_same_path_becomes_a_new_revision(db, tmp_path):
    path = tmp_path / "a.html"
    path.write_bytes(page("第一篇"))
    first = run(path)
    path.write_bytes(page("第一篇", body="更正：董事会回应了批评。"))
    second = run(path)
    assert statuses(second) == {"a.html": "updated"}
    assert second["items"][0]["document"] == first["items"][0]["document"]
    document = Document.objects.get(pk=first["items"][0]["document"])
    assert document.current_revision.number == 2
    assert "董事会回应" in document.current_revision.text


def test_a_page_that_states_its_url_is_known_by_it_wherever_the_file_lies(db, tmp_path):
    url = "https://news.example.com/2024/ai-safety.html"
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "saved.html").write_bytes(page("第一篇", url=url))
    (tmp_path / "new.html").write_bytes(page("第一篇", body="更新后的正文。", url=url))
    report = run(tmp_path / "old", tmp_path / "new.html")
    assert [item["status"] for item in report["items"]] == ["created", "updated"]
    document = Document.objects.get()
    assert document.origin == url
    assert document.site == "news.example.com"


def test_urls_that_only_name_a_home_page_are_no_origin():
    assert page_url(page("x", url="https://example.com/"), "a.html") == ""
    assert page_url(page("x", url="javascript:alert(1)"), "a.html") == ""
    og = b'<html><head><meta content="https://a.example/p?id=1&amp;x=2" property="og:url">'
    assert page_url(og, "a.html") == "https://a.example/p?id=1&x=2"


def test_dry_run_reports_what_would_happen_and_writes_nothing(db, tmp_path):
    (tmp_path / "a.html").write_bytes(page("第一篇"))
    run(tmp_path / "a.html")
    (tmp_path / "b.html").write_bytes(page("第二篇"))
    (tmp_path / "copy.html").write_bytes(page("第二篇"))
    counts = (Document.objects.count(), Source.objects.count(), ImportItem.objects.count())
    out = io.StringIO()
    call_command("import_documents", str(tmp_path), "--dry-run", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["batch"] is None
    assert statuses(report) == {
        "a.html": "duplicate",
        "b.html": "created",
        "copy.html": "duplicate",
    }
    assert (Document.objects.count(), Source.objects.count(), ImportItem.objects.count()) == counts
    assert ImportBatch.objects.count() == 1


def test_zip_members_are_items_of_their_own(db, tmp_path):
    archive = tmp_path / "scrape.zip"
    archive.write_bytes(
        make_zip({"site/a.html": page("甲"), "site/b.html": page("乙"), "site/c.txt": b""})
    )
    report = run(archive)
    assert [item["name"] for item in report["items"]] == [
        f"{archive.as_posix()}/site/a.html",
        f"{archive.as_posix()}/site/b.html",
        f"{archive.as_posix()}/site/c.txt",
    ]
    assert report["counts"]["created"] == 2
    assert report["counts"]["rejected"] == 1
    assert sum(report["counts"].values()) == len(report["items"]) == 3


def test_zip_slip_names_are_only_metadata(db, tmp_path):
    inside = tmp_path / "work"
    inside.mkdir()
    archive = inside / "evil.zip"
    archive.write_bytes(
        make_zip({"../../escaped.html": page("逃逸"), "/pizhu-abs/evil.html": page("绝对")})
    )
    report = run(archive)
    assert report["counts"]["created"] == 2
    assert report["items"][0]["name"] == f"{archive.as_posix()}/../../escaped.html"
    assert not (tmp_path / "escaped.html").exists()
    assert not Path("/pizhu-abs").exists()
    assert sorted(p.name for p in inside.iterdir()) == ["evil.zip"]


def test_links_inside_archives_are_rejected(db, tmp_path):
    archive = tmp_path / "links.zip"
    archive.write_bytes(make_zip_with_symlink("passwd.html", "/etc/passwd", {"a.html": page("甲")}))
    report = run(archive)
    assert statuses(report) == {"passwd.html": "rejected", "a.html": "created"}
    assert "symbolic link" in report["items"][0]["reason"]


def test_zip_bombs_are_rejected_by_ratio_and_archives_by_member_count(db, tmp_path, settings):
    settings.PIZHU_ARCHIVE_MAX_RATIO = 20
    settings.PIZHU_ARCHIVE_MAX_MEMBERS = 3
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(make_zip({"bomb.html": b" " * 3_000_000, "a.html": page("甲")}))
    many = tmp_path / "many.zip"
    many.write_bytes(make_zip({f"{n}.html": page(str(n)) for n in range(4)}))
    report = run(bomb, many)
    bomb_item, ok, whole = report["items"]
    assert bomb_item["status"] == "rejected" and "compression ratio" in bomb_item["reason"]
    assert ok["status"] == "created"
    assert whole["name"] == many.as_posix()
    assert whole["reason"] == "archive refused: 4 members: the limit is 3"
    assert Source.objects.count() == 1  # nothing of the refused members was kept


def test_gbk_member_names_without_the_utf8_flag_read_correctly(db, tmp_path):
    archive = tmp_path / "gbk.zip"
    archive.write_bytes(make_zip_with_legacy_name("人工智能/安全.html", "gbk", page("甲")))
    report = run(archive)
    assert report["items"][0]["name"] == f"{archive.as_posix()}/人工智能/安全.html"
    assert report["items"][0]["status"] == "created"


@pytest.mark.parametrize(
    ("name", "data", "status", "reason"),
    [
        ("empty.html", b"", "rejected", "empty file"),
        ("blank.txt", b" \n\t ", "rejected", "empty file"),
        ("gzip.html", gzip.compress(page("压缩")), "rejected", "this is a gzip file"),
        ("pdf.html", b"%PDF-1.7\n" + bytes(range(256)) * 8, "rejected", "a PDF document"),
        ("noise.html", bytes(range(128, 256)) * 40, "rejected", "could not be decoded"),
        ("nul.html", b"\x00\x01" * 300, "rejected", "binary file"),
    ],
)
def test_bad_input_gets_a_clear_reason(db, tmp_path, name, data, status, reason):
    (tmp_path / name).write_bytes(data)
    [item] = run(tmp_path / name)["items"]
    assert item["status"] == status
    assert reason in item["reason"]
    assert Document.objects.count() == 0


def test_huge_files_are_refused_before_their_bytes_are_kept(db, tmp_path, settings):
    settings.PIZHU_MAX_IMPORT_BYTES = 100
    (tmp_path / "huge.html").write_bytes(page("大") * 10)
    [item] = run(tmp_path / "huge.html")["items"]
    assert item["reason"] == "file is larger than 100 bytes"
    assert Source.objects.count() == 0


def test_invalid_utf8_is_imported_with_a_warning(db, tmp_path):
    data = page("坏字节").replace("正文".encode(), b"\xff\xfe")
    (tmp_path / "bad.html").write_bytes(data)
    [item] = run(tmp_path / "bad.html")["items"]
    assert item["status"] == "created"
    assert "low-confidence decode" in item["reason"]


def test_deeply_nested_html_and_nul_bytes_still_import(db, tmp_path):
    nested = b"<html><body>" + b"<div>" * 5000 + page("深层") + b"</div>" * 5000
    (tmp_path / "nested.html").write_bytes(nested)
    (tmp_path / "nul.txt").write_bytes("标题\n正\x00文很长的一段话。\n".encode())
    report = run(tmp_path)
    assert [item["status"] for item in report["items"]] == ["created", "created"]
    assert "正文很长" in Revision.objects.get(document=report["items"][1]["document"]).text


def test_missing_paths_are_reported_not_fatal(db, tmp_path):
    (tmp_path / "a.html").write_bytes(page("甲"))
    report = run(tmp_path / "missing.html", tmp_path / "a.html")
    assert [item["status"] for item in report["items"]] == ["rejected", "created"]
    assert report["items"][0]["reason"] == "no such file"


def test_site_and_tags_apply_to_the_batch(db, tmp_path):
    (tmp_path / "a.html").write_bytes(page("甲"))
    out = io.StringIO()
    call_command(
        "import_documents",
        str(tmp_path),
        "--site",
        "示例科技",
        "--tag",
        "scrape-2024",
        "--tag",
        "安全",
        stdout=out,
    )
    document = Document.objects.get()
    assert document.site == "示例科技"
    assert sorted(document.tags.names()) == ["scrape-2024", "安全"]
    assert "1 items: 1 created, 0 updated, 0 duplicate, 0 rejected, 0 failed" in out.getvalue()


def test_the_plain_report_lists_problems_and_the_counts(db, tmp_path):
    (tmp_path / "a.html").write_bytes(page("甲"))
    (tmp_path / "b.txt").write_bytes(b"")
    out = io.StringIO()
    call_command("import_documents", str(tmp_path), stdout=out, stderr=io.StringIO())
    lines = out.getvalue().splitlines()
    assert lines[0] == f" rejected  {tmp_path.as_posix()}/b.txt  (empty file)"
    assert lines[-1].startswith("2 items: 1 created, 0 updated, 0 duplicate, 1 rejected")


def test_a_progress_bar_goes_to_stderr_on_a_terminal(db, tmp_path, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    (tmp_path / "a.html").write_bytes(page("甲"))
    out = io.StringIO()
    call_command("import_documents", str(tmp_path), "--json", stdout=out)
    assert "importing" in terminal.getvalue()
    assert "1/1" in terminal.getvalue()
    assert json.loads(out.getvalue())["counts"]["created"] == 1


def test_the_development_samples_import_without_failures(db):
    pages = sorted(
        p for p in SAMPLES.iterdir() if p.suffix in {".html", ".txt"} and ".gold" not in p.name
    )
    report = run(*pages)
    assert report["counts"]["failed"] == 0
    assert report["counts"]["created"] == len(pages) == 48
