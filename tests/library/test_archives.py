"""Reading zip archives (pure): names as metadata, refused members, caps."""

import io
import zipfile

import pytest

from library.archives import ArchiveError, Limits, is_zip, members
from tests.library.zips import make_zip, make_zip_with_legacy_name, make_zip_with_symlink

LIMITS = Limits(members=100, member_bytes=1_000_000, total_bytes=10_000_000, ratio=100)
PAGE = "<html><body><p>人工智能安全研究需要更多投入。</p></body></html>".encode()


def read(data: bytes, limits: Limits = LIMITS) -> list:
    return list(members(io.BytesIO(data), limits))


def test_members_are_read_in_order_and_folders_are_skipped():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("site/", b"")
        archive.writestr("site/a.html", PAGE)
        archive.writestr("site/b.txt", b"text")
    found = read(buffer.getvalue())
    assert [(m.name, m.data, m.reason) for m in found] == [
        ("site/a.html", PAGE, ""),
        ("site/b.txt", b"text", ""),
    ]


@pytest.mark.parametrize("name", ["../../etc/evil.html", "/etc/evil.html", "..\\..\\evil.html"])
def test_zip_slip_names_stay_metadata(name):
    [member] = read(make_zip({name: PAGE}))
    assert member.name == name
    assert member.data == PAGE


@pytest.mark.parametrize(
    ("name", "encoding"), [("人工智能/安全.html", "gbk"), ("人工智慧/安全報導.html", "big5")]
)
def test_member_names_without_the_utf8_flag_decode_from_chinese_code_pages(name, encoding):
    [member] = read(make_zip_with_legacy_name(name, encoding, PAGE))
    assert member.name == name


def test_utf8_names_with_the_flag_are_kept():
    [member] = read(make_zip({"繁體/簡體.html": PAGE}))
    assert member.name == "繁體/簡體.html"


def test_symbolic_links_are_refused_and_never_followed():
    found = read(make_zip_with_symlink("link.html", "/etc/passwd", {"a.html": PAGE}))
    assert found[0].name == "link.html"
    assert found[0].data is None
    assert "symbolic link" in found[0].reason
    assert found[1].data == PAGE


def test_a_member_compressed_past_the_ratio_is_refused_unread():
    bomb = make_zip({"bomb.html": b"\0" * 2_000_000, "a.html": PAGE})
    found = read(bomb, Limits(members=10, member_bytes=10_000_000, total_bytes=10**9, ratio=50))
    assert found[0].data is None
    assert "compression ratio" in found[0].reason
    assert found[1].data == PAGE


def test_a_member_over_the_size_cap_is_refused():
    found = read(make_zip({"big.html": PAGE * 100}), Limits(10, 1000, 10**9, 1000))
    assert "larger than 1000 bytes" in found[0].reason


def test_members_past_the_total_cap_are_refused():
    archive = make_zip({f"{n}.html": PAGE for n in range(5)}, compression=zipfile.ZIP_STORED)
    found = read(archive, Limits(10, 10_000, len(PAGE) * 3, 100))
    assert [m.data is not None for m in found] == [True, True, True, False, False]
    assert "more than" in found[3].reason


def test_an_archive_with_too_many_members_is_refused_whole():
    archive = make_zip({f"{n}.html": PAGE for n in range(5)})
    with pytest.raises(ArchiveError, match="5 members: the limit is 3"):
        read(archive, Limits(3, 10_000, 10**9, 100))


def test_archives_inside_archives_and_broken_archives_are_refused():
    inner = make_zip({"a.html": PAGE})
    [member] = read(make_zip({"inner.zip": inner}, compression=zipfile.ZIP_STORED))
    assert "archive inside the archive" in member.reason
    with pytest.raises(ArchiveError, match="not a readable zip"):
        read(b"PK\x03\x04 truncated")


def test_a_member_whose_bytes_do_not_match_its_header_is_refused():
    archive = bytearray(make_zip({"a.html": PAGE}, compression=zipfile.ZIP_STORED))
    archive[archive.index(PAGE) + 3] ^= 0xFF  # corrupt one byte: the CRC no longer holds
    [member] = read(bytes(archive))
    assert member.data is None
    assert "unreadable member" in member.reason


def test_zips_are_recognised_by_content():
    assert is_zip(make_zip({"a.txt": b"x"})[:4])
    assert not is_zip(b"<htm")
