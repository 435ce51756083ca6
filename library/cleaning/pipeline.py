"""The cleaner's entry point: raw bytes in, `Cleaned` out."""

from __future__ import annotations

from pathlib import PurePath

from ..chinese import detect_language, detect_script
from .document import Cleaned, Metadata, assemble, cut
from .encoding import decode
from .pinyin import pinyin_artifacts
from .text import control_characters, guess_title, split_lines, unify_newlines

CLEANER_VERSION = "0.1.0"

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SNIFF = (b"<!doctype html", b"<html", b"<head", b"<body")


class Rejected(ValueError):
    """The input cannot be cleaned; `str(error)` is the reason shown to the admin."""


def looks_like_html(data: bytes, filename: str) -> bool:
    if PurePath(filename).suffix.lower() in HTML_SUFFIXES:
        return True
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(HTML_SNIFF)


def clean(data: bytes, *, filename: str = "") -> Cleaned:
    """Decode and clean one scraped file into canonical text, blocks and metadata.

    Raises `Rejected` (with a reason for the import report) for input it cannot handle.
    """
    if looks_like_html(data, filename):
        raise Rejected("HTML pages are not supported yet: the HTML cleaner is still to come")
    if PurePath(filename).suffix.lower() not in TEXT_SUFFIXES:
        raise Rejected(f"unsupported file type {PurePath(filename).suffix!r}")
    decoded = decode(data)
    return clean_text(decoded.text, encoding=decoded.encoding, confidence=decoded.confidence)


def clean_text(text: str, *, encoding: str = "", confidence: float = 1.0) -> Cleaned:
    """Clean already-decoded plain text (social posts, articles, transcripts)."""
    # Every rule reads the same decoded text, so each removal's offset points into it.
    removed = sorted(control_characters(text) + pinyin_artifacts(text), key=lambda r: r.start)
    blocks = split_lines(unify_newlines(cut(text, removed)))
    if not blocks:
        raise Rejected("no text: the file is empty or holds only whitespace")
    canonical, layout = assemble(blocks)
    metadata = Metadata(
        title=guess_title(blocks),
        language=detect_language(canonical),
        script=detect_script(canonical),
    )
    return Cleaned(
        text=canonical,
        blocks=layout,
        metadata=metadata,
        removed=removed,
        encoding=encoding,
        encoding_confidence=confidence,
    )
