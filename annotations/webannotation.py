"""W3C Web Annotation JSON-LD for highlights, out and back in. No Django here.

A highlight becomes an Annotation whose target is the document's URL with a
TextQuoteSelector (quote + 32 code points of context) and a TextPositionSelector (start
and end in Unicode code points, the model's own unit). Its note is a TextualBody with
purpose "commenting", each tag one with purpose "tagging". Times are UTC with a "Z".
Reading back accepts a single Annotation, a list, an AnnotationPage or an
AnnotationCollection (with its first page embedded), as other tools export them.
"""

from __future__ import annotations

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
    extra: dict = field(default_factory=dict)


def utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
    if bodies:
        result["body"] = bodies if len(bodies) > 1 else bodies[0]
    if item.creator:
        result["creator"] = {"type": "Person", "nickname": item.creator}
    for key, moment in (("created", item.created), ("modified", item.modified)):
        if stamp := utc(moment):
            result[key] = stamp
    return result


def collection(items: Iterable[Exported], *, id: str, label: str) -> dict:
    """An AnnotationCollection holding every item in one embedded AnnotationPage."""
    annotations = [annotation(item) for item in items]
    return {
        "@context": CONTEXT,
        "id": id,
        "type": "AnnotationCollection",
        "label": label,
        "total": len(annotations),
        "first": {
            "id": f"{id}#page-0",
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": annotations,
        },
    }


class Unreadable(ValueError):
    """The JSON is not Web Annotation data this reader understands; says why."""


def read(data: object) -> list[Exported]:
    """The highlights in Web Annotation JSON(-LD) `data` (already parsed from JSON)."""
    if isinstance(data, list):
        found = data
    elif isinstance(data, dict):
        kind = data.get("type")
        if kind == "AnnotationCollection":
            first = data.get("first")
            found = first.get("items", []) if isinstance(first, dict) else []
        elif kind == "AnnotationPage":
            found = data.get("items", [])
        elif kind == "Annotation":
            found = [data]
        else:
            raise Unreadable(f"expected an Annotation, AnnotationPage or collection, not {kind!r}")
    else:
        raise Unreadable("expected a JSON object or array")
    return [one(item, index) for index, item in enumerate(found)]


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
    return Exported(
        id=str(item.get("id", "")),
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
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
