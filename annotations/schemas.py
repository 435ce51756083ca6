"""Strict checks of the JSON the highlight API receives.

Each check raises ValidationError with a message per field. Nothing is coerced: a
number must be a JSON integer (not a float, string or boolean), text a JSON string of
whole code points. Checks against the document's text live on the model.
"""

from __future__ import annotations

import json
import unicodedata

from django.core.exceptions import ValidationError

from .anchoring import CONTEXT
from .models import MAX_NOTE_LENGTH, MAX_QUOTE_LENGTH
from .tags import tag_key

MAX_INTEGER = 2_147_483_647  # what a PositiveIntegerField holds on every database
MAX_ID = 2**63 - 1
MAX_TAGS = 20
MAX_TAG_LENGTH = 50

PLACEMENT = ("start", "end", "exact")
CREATE_FIELDS = {"document", *PLACEMENT, "prefix", "suffix", "note", "tags"}
UPDATE_FIELDS = {*PLACEMENT, "prefix", "suffix", "note", "tags", "version"}
READ_ONLY_FIELDS = {
    "id",
    "revision",
    "state",
    "score",
    "created",
    "updated",
    "url",
    "html_url",
    "note_html",
}
FIXED_FIELDS = {"document"}  # set on creation, never changed

# Invisible characters that would make two tags look alike: bidi controls, zero-width
# characters and the like are all in the "format" category; "control" is C0/C1.
FORBIDDEN_IN_TAGS = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}


def parse_body(request) -> dict:
    """The request body as a JSON object, parsed strictly."""
    if request.content_type != "application/json":
        raise ValidationError({"body": ["Send a JSON object as application/json."]})
    try:
        data = json.loads(
            request.body.decode("utf-8"),
            object_pairs_hook=_without_duplicates,
            parse_constant=_no_constants,
        )
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValidationError({"body": ["The body is not valid JSON in UTF-8."]}) from None
    if not isinstance(data, dict):
        raise ValidationError({"body": ["Send a JSON object."]})
    return data


def _without_duplicates(pairs: list) -> dict:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate keys")
    return dict(pairs)


def _no_constants(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def creation(data: dict) -> dict:
    """The checked fields of a new highlight."""
    return _checked(data, CREATE_FIELDS, required={"document", *PLACEMENT})


def update(data: dict) -> dict:
    """The checked fields of a change to a highlight; `version` may come separately."""
    changes = _checked(data, UPDATE_FIELDS, required=set())
    placement = [name for name in PLACEMENT if name in changes]
    if placement or "prefix" in changes or "suffix" in changes:
        missing = [name for name in PLACEMENT if name not in changes]
        if missing:
            message = "Send start, end and exact together to move a highlight."
            raise ValidationError({name: [message] for name in missing})
    return changes


def _checked(data: dict, allowed: set[str], required: set[str]) -> dict:
    errors: dict[str, list[str]] = {}
    for name in data:
        if name in READ_ONLY_FIELDS or (name in FIXED_FIELDS and name not in allowed):
            errors[_printable(name)] = ["This field is read-only."]
        elif name not in allowed:
            errors[_printable(name)] = ["Unknown field."]
    for name in sorted(required - data.keys()):
        errors[name] = ["This field is required."]
    checked = {}
    for name in allowed & data.keys():
        try:
            checked[name] = CHECKS[name](data[name])
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    return checked


def _printable(name: str) -> str:
    return name.encode("utf-8", "backslashreplace").decode("utf-8")


def integer(value, *, low: int = 0, high: int = MAX_INTEGER) -> int:
    if type(value) is not int:  # bool is an int to Python, not to us
        raise ValidationError("Must be a whole number.")
    if not low <= value <= high:
        raise ValidationError(f"Must be between {low} and {high}.")
    return value


def text(value, *, max_length: int) -> str:
    if not isinstance(value, str):
        raise ValidationError("Must be a string.")
    if any(0xD800 <= ord(char) <= 0xDFFF for char in value):
        raise ValidationError(
            "Contains an unpaired surrogate: send whole characters, not UTF-16 halves."
        )
    if "\x00" in value:
        raise ValidationError("Contains a NUL character.")
    if len(value) > max_length:
        raise ValidationError(f"At most {max_length} characters (this has {len(value)}).")
    return value


def normalize_tag(value) -> str:
    """A tag as written for display: NFKC, inner whitespace runs as one space, trimmed.

    Rejects empty and over-long tags and invisible characters (controls, bidi
    controls, zero-width characters), which would let two tags look the same. Which
    tag a name stands for is decided by its folded key (`annotations.tags.tag_key`).
    """
    if not isinstance(value, str):
        raise ValidationError("Each tag must be a string.")
    too_long = f"A tag has at most {MAX_TAG_LENGTH} characters"
    if len(value) > MAX_TAG_LENGTH * 4:  # never worth normalising
        raise ValidationError(f"{too_long} (this has {len(value)}).")
    text(value, max_length=MAX_TAG_LENGTH * 4)
    folded = unicodedata.normalize("NFKC", value)
    # Checked before whitespace is collapsed: Python splits on some controls too
    # (U+001C…U+001F, NEL), which must be refused, not turned into spaces.
    if any(
        unicodedata.category(char) in FORBIDDEN_IN_TAGS and char not in "\t\n\r" for char in folded
    ):
        shown = folded.encode("ascii", "backslashreplace").decode()
        raise ValidationError(f"A tag cannot contain invisible or control characters: {shown}")
    name = " ".join(folded.split())
    if not name:
        raise ValidationError("A tag cannot be empty.")
    if len(name) > MAX_TAG_LENGTH:
        raise ValidationError(f"{too_long} (this has {len(name)}): {name[:20]}…")
    return name


def tag_list(value) -> list[str]:
    """Normalised tags, spellings of one tag dropped (case, width, 简/繁), first kept."""
    if not isinstance(value, list):
        raise ValidationError("Must be a list of strings.")
    if len(value) > MAX_TAGS * 2:
        raise ValidationError(f"At most {MAX_TAGS} tags.")
    names: dict[str, str] = {}
    for item in value:
        name = normalize_tag(item)
        names.setdefault(tag_key(name), name)
    if len(names) > MAX_TAGS:
        raise ValidationError(f"At most {MAX_TAGS} tags.")
    return list(names.values())


CHECKS = {
    "document": lambda value: integer(value, low=1, high=MAX_ID),
    "start": integer,
    "end": integer,
    "version": lambda value: integer(value, low=1),
    "exact": lambda value: text(value, max_length=MAX_QUOTE_LENGTH),
    "prefix": lambda value: text(value, max_length=CONTEXT),
    "suffix": lambda value: text(value, max_length=CONTEXT),
    "note": lambda value: text(value, max_length=MAX_NOTE_LENGTH),
    "tags": tag_list,
}


def query_integer(request, name: str) -> int | None:
    """An optional query parameter holding an id, e.g. `?document=3`."""
    raw = request.GET.get(name)
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18 and int(raw) >= 1):
        raise ValidationError({name: ["Must be a whole number from 1."]})
    return int(raw)


def version_from(request, data: dict) -> int:
    """The version an edit is based on: the body's `version`, else an If-Match header."""
    if "version" in data:
        return data["version"]
    header = request.headers.get("If-Match", "").strip()
    if header.startswith("W/"):
        header = header[2:]
    header = header.strip('"')
    if not header:
        message = "Send the version you edited (or an If-Match header): edits must not collide."
        raise ValidationError({"version": [message]})
    if not header.isascii() or not header.isdigit() or len(header) > 10:
        raise ValidationError({"version": ["If-Match must carry a version number."]})
    return int(header)


def fraction(value) -> float:
    """A number from 0 to 1 (a JSON integer or float, not a boolean or string)."""
    if type(value) not in (int, float):
        raise ValidationError("Must be a number from 0 to 1.")
    if not 0 <= value <= 1:
        raise ValidationError("Must be a number from 0 to 1.")
    return float(value)


def progress(data: dict) -> dict:
    """The checked fields of a reader's place in a document: `offset` and `fraction`."""
    errors: dict[str, list[str]] = {}
    for name in data.keys() - {"offset", "fraction"}:
        errors[_printable(name)] = ["Unknown field."]
    checked = {}
    for name, check in (("offset", integer), ("fraction", fraction)):
        if name not in data:
            errors[name] = ["This field is required."]
            continue
        try:
            checked[name] = check(data[name])
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    return checked


# --- Sharing and replies (owned by the sharing work; issue 7) -------------------------
# A highlight's owner changes who sees it through the same PATCH: `sharing` is one of
# private / group / library, `group` the id of one of the owner's groups (or null).
# Whether the group is the owner's is checked by the model (Highlight.share).

SHARING_VALUES = ("private", "group", "library")
MAX_REPLY_LENGTH = MAX_NOTE_LENGTH
UPDATE_FIELDS |= {"sharing", "group"}
READ_ONLY_FIELDS |= {"author", "replies"}


def sharing(value) -> str:
    if value not in SHARING_VALUES:
        raise ValidationError(f"One of {', '.join(SHARING_VALUES)}.")
    return value


def optional_id(value) -> int | None:
    return None if value is None else integer(value, low=1, high=MAX_ID)


CHECKS["sharing"] = sharing
CHECKS["group"] = optional_id


def sharing_change(changes: dict) -> dict:
    """`sharing` and `group` travel together: a group needs `sharing: "group"`."""
    if "group" in changes and "sharing" not in changes:
        raise ValidationError({"sharing": ['Send "sharing" with "group".']})
    return changes


def reply(data: dict) -> dict:
    """The checked fields of a new or edited reply: a non-blank Markdown `body`."""
    errors: dict[str, list[str]] = {}
    for name in data.keys() - {"body"}:
        errors[_printable(name)] = ["Unknown field."]
    body = data.get("body")
    if body is None:
        errors["body"] = ["This field is required."]
    else:
        try:
            text(body, max_length=MAX_REPLY_LENGTH)
            if not body.strip():
                raise ValidationError("A reply needs some text.")
        except ValidationError as error:
            errors["body"] = error.messages
    if errors:
        raise ValidationError(errors)
    return {"body": body}


# --- end of sharing and replies -------------------------------------------------------
