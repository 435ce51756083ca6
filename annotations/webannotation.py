"""W3C Web Annotation JSON-LD for highlights, out and back in. No Django here.

A highlight becomes an Annotation whose target is the document's URL with a
TextQuoteSelector (quote + 32 code points of context) and a TextPositionSelector (start
and end in Unicode code points, the model's own unit). The target's `via` names what the
document's text was derived from: the page it was scraped from and the raw bytes
(`ni:///sha-256;…`, RFC 6920), so another library holding the same page can find it. Its
note is a TextualBody with purpose "commenting", each tag one with purpose "tagging".
Times are UTC with a "Z" (microseconds when there are any, so they come back exactly).
Reading back accepts a single Annotation, a list, an AnnotationPage or an
AnnotationCollection (with its first page embedded), as other tools export them.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
PROFILE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


@dataclass(frozen=True)
class Exported:
    """What an annotation says about one highlight, in plain values."""

    id: str
    source: str
    exact: str
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None
    note: str = ""
    tags: tuple[str, ...] = ()
    created: datetime | None = None
    modified: datetime | None = None
    creator: str = ""
    title: str = ""
    # The highlight's page for people (Markdown and CSV link back to it); `id` is the
    # annotation's IRI.
    url: str = ""
    # IRIs the target document's text was derived from (origin page, raw bytes).
    via: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)


def utc(moment: datetime | None) -> str | None:
    """`moment` in UTC with a "Z"; naive times are taken as UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if moment.microsecond else "%Y-%m-%dT%H:%M:%SZ")


def hash_iri(sha256_hex: str) -> str:
    """The RFC 6920 Named Information IRI of bytes whose SHA-256 is `sha256_hex`."""
    digest = base64.urlsafe_b64encode(bytes.fromhex(sha256_hex)).rstrip(b"=").decode()
    return f"ni:///sha-256;{digest}"


def hash_of(iri: str) -> str | None:
    """The SHA-256 (hex) that a `ni:` IRI names, or None for any other IRI."""
    prefix = "ni:///sha-256;"
    if not iri.startswith(prefix):
        return None
    encoded = iri[len(prefix) :]
    try:
        digest = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except ValueError:
        return None
    return digest.hex() if len(digest) == 32 else None


def annotation(item: Exported) -> dict:
    """One highlight as a W3C Annotation (without @context; the container carries it)."""
    selectors: list[dict] = [
        {
            "type": "TextQuoteSelector",
            "exact": item.exact,
            "prefix": item.prefix,
            "suffix": item.suffix,
        }
    ]
    if item.start is not None and item.end is not None:
        selectors.append({"type": "TextPositionSelector", "start": item.start, "end": item.end})
    bodies: list[dict] = []
    if item.note:
        bodies.append(
            {"type": "TextualBody", "value": item.note, "purpose": "commenting",
             "format": "text/markdown"}
        )  # fmt: skip
    bodies += [{"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in item.tags]
    result: dict = {
        "id": item.id,
        "type": "Annotation",
        "motivation": "commenting" if item.note else "highlighting",
        "target": {"source": item.source, "selector": selectors},
    }
    if item.title:
        result["target"]["title"] = item.title
    if item.via:
        result["target"]["via"] = list(item.via) if len(item.via) > 1 else item.via[0]
    if bodies:
        result["body"] = bodies if len(bodies) > 1 else bodies[0]
    if item.creator:
        result["creator"] = {"type": "Person", "nickname": item.creator}
    for key, moment in (("created", item.created), ("modified", item.modified)):
        if stamp := utc(moment):
            result[key] = stamp
    return result


def collection(
    items: Iterable[Exported],
    *,
    id: str,
    label: str,
    total: int | None = None,
    first_id: str = "",
    next_id: str = "",
    last_id: str = "",
) -> dict:
    """An AnnotationCollection with its first AnnotationPage embedded.

    Without paging arguments the page holds every item (a file export). A paged API
    gives the collection's `total`, the first page's IRI, the next page's and the last's.
    """
    annotations = [annotation(item) for item in items]
    first: dict = {
        "id": first_id or f"{id}#page-0",
        "type": "AnnotationPage",
        "startIndex": 0,
        "items": annotations,
    }
    if next_id:
        first["next"] = next_id
    result = {
        "@context": CONTEXT,
        "id": id,
        "type": "AnnotationCollection",
        "label": label,
        "total": len(annotations) if total is None else total,
        "first": first,
    }
    if last_id:
        result["last"] = last_id
    return result


def page(
    items: Iterable[Exported],
    *,
    id: str,
    part_of: dict,
    start_index: int,
    next_id: str = "",
    prev_id: str = "",
) -> dict:
    """One AnnotationPage of a paged collection; `part_of` is the collection's id, label
    and total (an object, as the W3C test suite's page assertions expect)."""
    result: dict = {
        "@context": CONTEXT,
        "id": id,
        "type": "AnnotationPage",
        "partOf": {**part_of, "type": "AnnotationCollection"},
        "startIndex": start_index,
        "items": [annotation(item) for item in items],
    }
    if next_id:
        result["next"] = next_id
    if prev_id:
        result["prev"] = prev_id
    return result


def single(item: Exported) -> dict:
    """One annotation as a document of its own, with its @context."""
    return {"@context": CONTEXT, **annotation(item)}


class Unreadable(ValueError):
    """The JSON is not Web Annotation data this reader understands; says why.

    `id` is the unreadable annotation's own id, when it has one.
    """

    def __init__(self, message: str, id: str = ""):
        super().__init__(message)
        self.id = id


def read(data: object) -> list[Exported]:
    """The highlights in Web Annotation JSON(-LD) `data` (already parsed from JSON).

    Raises Unreadable for the first item it cannot read (`read_each` reports them all).
    """
    found = read_each(data)
    for item in found:
        if isinstance(item, Unreadable):
            raise item
    return found  # type: ignore[return-value]


def read_each(data: object) -> list[Exported | Unreadable]:
    """Every item in `data`, read, or the reason it could not be, in order.

    Raises Unreadable when `data` as a whole is no Annotation container.
    """
    if isinstance(data, list):
        found = data
    elif isinstance(data, dict):
        kind = data.get("type")
        if kind == "AnnotationCollection":
            first = data.get("first")
            if first is None and data.get("total", 0) == 0:
                found = []
            elif not isinstance(first, dict):
                raise Unreadable("the collection's first page is not embedded in the file")
            else:
                found = first.get("items", [])
        elif kind == "AnnotationPage":
            found = data.get("items", [])
        elif kind == "Annotation":
            found = [data]
        else:
            raise Unreadable(f"expected an Annotation, AnnotationPage or collection, not {kind!r}")
    else:
        raise Unreadable("expected a JSON object or array")
    if not isinstance(found, list):
        raise Unreadable("the page's items are not a list")
    results: list[Exported | Unreadable] = []
    for index, item in enumerate(found):
        try:
            results.append(one(item, index))
        except Unreadable as unreadable:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                unreadable.id = item["id"]
            results.append(unreadable)
    return results


def one(item: object, index: int) -> Exported:
    if not isinstance(item, dict) or item.get("type") != "Annotation":
        raise Unreadable(f"item {index} is not an Annotation")
    target = item.get("target")
    if isinstance(target, list):
        target = target[0] if target else None
    if isinstance(target, str):
        raise Unreadable(f"item {index} targets a whole resource, not a passage")
    if not isinstance(target, dict) or not isinstance(target.get("source"), str):
        raise Unreadable(f"item {index} has no target source")
    selectors = target.get("selector") or []
    selectors = selectors if isinstance(selectors, list) else [selectors]
    quote = next((s for s in selectors if _is(s, "TextQuoteSelector")), None)
    position = next((s for s in selectors if _is(s, "TextPositionSelector")), None)
    if quote is None or not isinstance(quote.get("exact"), str) or not quote["exact"]:
        raise Unreadable(f"item {index} has no TextQuoteSelector with an exact quote")
    bodies = item.get("body") or []
    bodies = bodies if isinstance(bodies, list) else [bodies]
    notes = [b["value"] for b in bodies if _textual(b) and b.get("purpose") != "tagging"]
    tags = [b["value"] for b in bodies if _textual(b) and b.get("purpose") == "tagging"]
    start = end = None
    if position and _offset(position.get("start")) and _offset(position.get("end")):
        start, end = position["start"], position["end"]
    via = target.get("via") or []
    via = via if isinstance(via, list) else [via]
    return Exported(
        id=item["id"] if isinstance(item.get("id"), str) else "",
        source=target["source"],
        exact=quote["exact"],
        prefix=quote.get("prefix") if isinstance(quote.get("prefix"), str) else "",
        suffix=quote.get("suffix") if isinstance(quote.get("suffix"), str) else "",
        start=start,
        end=end,
        note="\n\n".join(notes),
        tags=tuple(tags),
        created=_time(item.get("created")),
        modified=_time(item.get("modified")),
        title=target["title"] if isinstance(target.get("title"), str) else "",
        via=tuple(iri for iri in via if isinstance(iri, str)),
    )


def _is(selector: object, kind: str) -> bool:
    return isinstance(selector, dict) and selector.get("type") == kind


def _textual(body: object) -> bool:
    return (
        isinstance(body, dict)
        and body.get("type") == "TextualBody"
        and isinstance(body.get("value"), str)
    )


def _offset(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
