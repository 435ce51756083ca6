import pytest

from library import importing
from library.importing import Status, import_bytes
from library.models import Document, Revision, Source

ARTICLE = "人工智能安全\n奥特曼表示，安全研究需要更多投入。\n".encode()


@pytest.fixture(autouse=True)
def _db(db):
    pass


def test_new_bytes_create_a_document_with_a_first_revision():
    result = import_bytes(ARTICLE, name="a.txt", origin="https://example.com/a")
    assert result.status == Status.CREATED
    document = Document.objects.get(pk=result.document)
    assert document.title == "人工智能安全"
    assert document.current_revision.number == 1
    assert document.current_revision.text == "人工智能安全\n\n奥特曼表示，安全研究需要更多投入。"
    assert document.origin_url == "https://example.com/a"


def test_the_same_bytes_again_are_a_duplicate_of_the_first_document():
    first = import_bytes(ARTICLE, name="a.txt")
    second = import_bytes(ARTICLE, name="copy-of-a.txt")
    assert second.status == Status.DUPLICATE
    assert second.document == first.document
    assert Document.objects.count() == 1
    assert Source.objects.count() == 1


def test_changed_bytes_for_a_known_origin_make_a_new_revision():
    first = import_bytes(ARTICLE, name="a.txt", origin="https://example.com/a")
    changed = ARTICLE + "补充：董事会回应。\n".encode()
    second = import_bytes(changed, name="a.txt", origin="https://example.com/a")
    assert second.status == Status.UPDATED
    assert second.document == first.document
    document = Document.objects.get(pk=first.document)
    assert document.current_revision.number == 2
    assert "董事会回应" in document.current_revision.text
    assert [r.number for r in document.revisions.all()] == [2, 1]


def test_new_bytes_with_the_same_text_write_no_revision_but_keep_the_bytes():
    first = import_bytes(ARTICLE, name="a.txt", origin="seeds/a.txt")
    second = import_bytes(ARTICLE.replace(b"\n", b"\r\n"), name="a.txt", origin="seeds/a.txt")
    assert second.status == Status.DUPLICATE
    assert second.document == first.document
    assert "same text" in second.reason
    assert Revision.objects.count() == 1
    assert Source.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"", "empty.txt", "empty file"),
        (b"  \n\t\n", "blank.txt", "empty file"),
        (b"\x00\x01" * 64 + b"PK", "archive.txt", "binary file"),
        ("<nav><a href=/>首页</a></nav>".encode(), "page.html", "no article text"),
        (b"\x89PNG\r\n", "image.png", "unsupported file type"),
    ],
)
def test_it_rejects_what_it_cannot_import_with_a_reason(data, name, reason):
    result = import_bytes(data, name=name)
    assert result.status == Status.REJECTED
    assert reason in result.reason
    assert result.document is None
    assert Document.objects.count() == 0


def test_a_rejected_file_still_keeps_its_raw_bytes():
    data = "<html><body>文章</body></html>".encode()
    import_bytes(data, name="page.html")
    assert bytes(Source.objects.get().data) == data


def test_it_rejects_files_over_the_size_limit(settings):
    settings.PIZHU_MAX_IMPORT_BYTES = 10
    result = import_bytes(ARTICLE, name="a.txt")
    assert result.status == Status.REJECTED
    assert "larger than 10 bytes" in result.reason


def test_a_cleaner_crash_is_a_failed_item_and_retrying_succeeds(monkeypatch):
    def broken(data, **options):
        raise RuntimeError("boom")

    monkeypatch.setattr(importing, "clean", broken)
    failed = import_bytes(ARTICLE, name="a.txt")
    assert failed.status == Status.FAILED
    assert "boom" in failed.reason
    assert Source.objects.count() == 1  # raw bytes were kept before cleaning

    monkeypatch.undo()
    retried = import_bytes(ARTICLE, name="a.txt")
    assert retried.status == Status.CREATED


def test_gb18030_text_is_decoded_and_its_encoding_recorded():
    data = "人工智能安全研究\n奥特曼表示，安全研究需要更多投入，监管也在加强。\n".encode("gb18030")
    result = import_bytes(data, name="gbk.txt")
    assert result.status == Status.CREATED
    document = Document.objects.get(pk=result.document)
    assert "奥特曼表示" in document.current_revision.text
    assert document.current_revision.source.encoding == "gb18030"


def test_item_results_serialise_to_the_report_shape():
    result = import_bytes(ARTICLE, name="a.txt")
    assert result.as_json() == {
        "name": "a.txt",
        "status": "created",
        "reason": "",
        "document": result.document,
    }


def test_nul_bytes_in_names_and_text_are_stored_on_every_database():
    data = "标题\n正\x00文\n".encode()
    result = import_bytes(data, name="a\x00.txt", origin="path/with\x00nul")
    assert result.status == Status.CREATED
    document = Document.objects.get(pk=result.document)
    assert document.current_revision.text == "标题\n\n正文"
    assert document.current_revision.removed == [
        {"text": "\u2400", "rule": "control-characters", "start": 4}
    ]
    assert import_bytes(data, name="a.txt", origin="path/with\x00nul").status == Status.DUPLICATE


def test_a_low_confidence_decode_is_imported_but_flagged():
    # Valid UTF-8 made of rare characters only: kept, but a human should look.
    data = "\n".join(["龘靐齉"] * 3).encode()
    result = import_bytes(data, name="rare.txt")
    assert result.status == Status.CREATED
    assert "low-confidence decode as utf-8" in result.reason


def test_a_confident_decode_carries_no_warning():
    assert import_bytes(ARTICLE, name="a.txt").reason == ""
