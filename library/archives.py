"""Reading zip archives of scraped pages safely, in memory. No Django.

A member's name is metadata for the import report, never a path: nothing is written to
disk, so names such as `../../etc/passwd` or `/abs/path` cannot escape anywhere (no
zip-slip). Links and other non-regular entries are refused, and caps on the number of
members, the bytes of one member, the bytes of all members and the compression ratio
keep zip bombs out: each member is read only up to what its caps allow, whatever its
header claims.
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from .cleaning.encoding import decode

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header; an empty archive's end record
UTF8_NAMES = 0x800  # general purpose flag bit 11: names are UTF-8
ENCRYPTED = 0x1
UNIX = 3  # ZipInfo.create_system of archives made on Unix, where external_attr holds a mode


@dataclass(frozen=True)
class Limits:
    members: int
    member_bytes: int
    total_bytes: int
    ratio: int


@dataclass(frozen=True)
class Member:
    """One file from an archive: its bytes, or the reason it was refused."""

    name: str
    data: bytes | None
    reason: str = ""


class ArchiveError(ValueError):
    """The archive as a whole cannot be read or is refused; `str(error)` says why."""


def is_zip(head: bytes) -> bool:
    """Whether bytes starting with `head` are a zip archive (by content, not by name)."""
    return head.startswith(ZIP_MAGIC)


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it.

    Without the UTF-8 flag, zipfile reads names as cp437; archives made on Chinese
    Windows hold GBK bytes there (or Big5 on Traditional Chinese systems). The original
    bytes are recovered and decoded the way page bytes are: strict UTF-8 first (many tools
    write it without setting the flag), then GB18030 or Big5-HKSCS by common Han share.
    """
    if info.flag_bits & UTF8_NAMES:
        return info.filename
    raw = info.orig_filename.encode("cp437")
    if raw.isascii():
        return info.filename
    return decode(raw).text


def declared_members(fileobj: IO[bytes]) -> int | None:
    """The member count that the end-of-archive record states, read before the directory.

    Lets an archive declaring millions of members be refused before zipfile builds a
    ZipInfo for each one. Uses zipfile's record reader, unchanged since Python 2.
    """
    reader = getattr(zipfile, "_EndRecData", None)
    index = getattr(zipfile, "_ECD_ENTRIES_TOTAL", None)
    if reader is None or index is None:
        return None
    record = reader(fileobj)
    fileobj.seek(0)
    return record[index] if record else None


def refusal(info: zipfile.ZipInfo, limits: Limits) -> str:
    """Why a member is refused before reading it, or "" when it may be read."""
    mode = info.external_attr >> 16
    if info.create_system == UNIX and stat.S_ISLNK(mode):
        return "a symbolic link: links are not followed"
    if info.create_system == UNIX and stat.S_IFMT(mode) and not stat.S_ISREG(mode):
        return "not a regular file"
    if info.flag_bits & ENCRYPTED:
        return "encrypted: unpack it and import the files"
    if info.file_size > limits.member_bytes:
        return f"larger than {limits.member_bytes} bytes once unpacked"
    if info.file_size and info.file_size > info.compress_size * limits.ratio:
        ratio = info.file_size // max(info.compress_size, 1)
        return f"compression ratio {ratio}:1 is over the {limits.ratio}:1 limit (a zip bomb?)"
    return ""


def members(fileobj: IO[bytes], limits: Limits) -> Iterator[Member]:
    """Each file in the zip archive `fileobj`, one at a time, in archive order.

    Folders are skipped. Raises ArchiveError when the archive cannot be opened or
    declares more than `limits.members` members.
    """
    try:
        declared = declared_members(fileobj)
        if declared is not None and declared > limits.members:
            raise ArchiveError(f"{declared} members: the limit is {limits.members}")
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        if isinstance(error, ArchiveError):
            raise
        raise ArchiveError(f"not a readable zip archive ({error})") from error
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > limits.members:
            raise ArchiveError(f"{len(infos)} members: the limit is {limits.members}")
        total = 0
        for info in infos:
            name = member_name(info)
            reason = refusal(info, limits)
            if not reason and total + info.file_size > limits.total_bytes:
                reason = f"the archive unpacks to more than {limits.total_bytes} bytes"
            if reason:
                yield Member(name, None, reason)
                continue
            data, reason = read(archive, info, limits, room=limits.total_bytes - total)
            total += len(data or b"")
            yield Member(name, data, reason)


def read(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, *, room: int
) -> tuple[bytes | None, str]:
    """A member's bytes, read no further than its caps allow whatever its header says."""
    allowed = min(limits.member_bytes, max(info.compress_size, 1) * limits.ratio, room)
    try:
        with archive.open(info) as member:
            data = member.read(allowed + 1)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError) as error:
        return None, f"unreadable member ({error})"
    except EOFError:
        return None, "unreadable member (truncated)"
    if len(data) > allowed:
        return None, "unpacks to more than its header says or its caps allow (a zip bomb?)"
    if is_zip(data[:4]):
        return None, "an archive inside the archive: unpack it and import its files"
    return data, ""
