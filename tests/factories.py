"""Plain factory functions: make_thing(**overrides), no fixtures files."""

from itertools import count

from library.cleaning import Block, Cleaned, Metadata, assemble, clean_text
from library.models import Document, Source

_serial = count(1)


def make_source(data: bytes | None = None, **overrides) -> Source:
    data = data if data is not None else f"source {next(_serial)}".encode()
    source, _ = Source.objects.store(data, filename=overrides.pop("filename", "page.txt"))
    return source


def make_document(
    text: str = "标题\n第一段。\n第二段。", *, origin: str = "", **fields
) -> Document:
    """A document whose first revision is `text` cleaned as plain text."""
    cleaned = clean_text(text)
    source = make_source(f"{text}\n{next(_serial)}".encode())
    document = Document.objects.create_from(cleaned, source=source, origin=origin)
    if fields:
        Document.objects.filter(pk=document.pk).update(**fields)
        document.refresh_from_db()
    return document


def make_document_from_blocks(blocks: list[Block], title: str = "结构") -> Document:
    """A document with exactly these blocks, for structures plain text cannot express."""
    text, layout = assemble(blocks)
    cleaned = Cleaned(text=text, blocks=layout, metadata=Metadata(title=title), removed=[])
    return Document.objects.create_from(cleaned, source=make_source(text.encode()))
