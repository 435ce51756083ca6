"""Near-duplicate detection on folded text: a MinHash sketch with LSH bands. No Django.

The same article in 简体 and in 繁體, or scraped from two sites with different chrome,
shares most of its character 4-grams once the text is folded (NFKC, t2s, casefold,
letters and digits only). The share of shared 4-grams (their Jaccard similarity) is
estimated from a 64-value sketch, and 16 band keys of 4 values each find candidates
with an indexed equality lookup instead of comparing every pair.

The sketch is one-permutation MinHash (Li, Owen & Zhang, 2012): each 4-gram is hashed
once, the hash picks one of 64 slots and the slot keeps its smallest value; empty slots
borrow from the next filled one (rotation densification, Shrivastava & Li, 2014). Hashing
each 4-gram once instead of 64 times is what keeps this cheap next to the cleaner, and
the hash (multiply-shift over the 4-gram's code points) is specified here, so stored
sketches stay comparable across Python versions and processes. numpy hashes a page's
4-grams at once; `reference_sketch` is the same computation one 4-gram at a time.

With 16 bands of 4 rows, a pair with similarity 0.7 becomes a candidate with
probability 1 - (1 - 0.7^4)^16 ≈ 0.99, one with 0.05 with about 0.0001.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from .cleaning.rules import fold

SHINGLE = 4  # code points per shingle: about two Chinese words, or a short English one
SLOTS = 64
BANDS = 16
ROWS = SLOTS // BANDS
# Texts with fewer folded characters than this are too short to compare reliably.
MIN_CHARACTERS = 40
# The estimated similarity at which two documents are reported as near-duplicates.
THRESHOLD = 0.5

NOT_WORD = re.compile(r"[\W_]+")
_MULTIPLIER = 0x9E3779B97F4A7C15F39CC0605CEDC835  # odd, 128 bits
_MASK128 = (1 << 128) - 1
_EMPTY = 1 << 64
# The multiplier's 64-bit halves and the low one's 32-bit halves, for numpy's uint64.
_M_LOW = np.uint64(_MULTIPLIER & (2**64 - 1))
_M_HIGH = np.uint64(_MULTIPLIER >> 64)
_M0 = np.uint64(_MULTIPLIER & 0xFFFFFFFF)
_M1 = np.uint64((_MULTIPLIER >> 32) & 0xFFFFFFFF)
_LOW32 = np.uint64(0xFFFFFFFF)
_32 = np.uint64(32)
_NONE = np.uint64(2**64 - 1)  # no shingle in the slot (values are below 2^58)


def folded(text: str) -> str:
    """The text that sketches compare: NFKC, Simplified, casefolded, letters and digits."""
    return NOT_WORD.sub("", fold(text))


def sketch(text: str) -> tuple[int, ...] | None:
    """A 64-value MinHash sketch of `text`'s folded 4-grams; None when it is too short."""
    letters = folded(text)
    if len(letters) < MIN_CHARACTERS:
        return None
    codes = np.frombuffer(letters.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
    count = len(codes) - SHINGLE + 1
    # A shingle is the 128-bit number of its four code points (little-endian), in two
    # 64-bit halves; its hash is the high 64 bits of (shingle * odd constant) mod 2^128.
    low = codes[:count] | (codes[1 : count + 1] << _32)
    high = codes[2 : count + 2] | (codes[3 : count + 3] << _32)
    values = _high_product(low) + low * _M_HIGH + high * _M_LOW  # wraps mod 2^64
    slots = (values & np.uint64(SLOTS - 1)).astype(np.intp)
    mins = np.full(SLOTS, _NONE, dtype=np.uint64)
    np.minimum.at(mins, slots, values >> np.uint64(6))
    return tuple(densified([_EMPTY if value == _NONE else value for value in mins.tolist()]))


def _high_product(low: np.ndarray) -> np.ndarray:
    """The high 64 bits of each `low * (_MULTIPLIER mod 2^64)`, from 32-bit halves."""
    a0, a1 = low & _LOW32, low >> _32
    carry = a1 * _M0 + ((a0 * _M0) >> _32)
    middle = (carry & _LOW32) + a0 * _M1
    return a1 * _M1 + (carry >> _32) + (middle >> _32)


def reference_sketch(text: str) -> tuple[int, ...] | None:
    """`sketch` one shingle at a time with Python's integers: the specification that the
    vectorised version must match (tests compare them)."""
    letters = folded(text)
    if len(letters) < MIN_CHARACTERS:
        return None
    data = letters.encode("utf-32-le")  # four bytes per code point
    width = 4 * SHINGLE
    mins = [_EMPTY] * SLOTS
    for start in range(0, len(data) - width + 4, 4):
        shingle = int.from_bytes(data[start : start + width], "little")
        value = ((shingle * _MULTIPLIER) & _MASK128) >> 64
        slot = value & (SLOTS - 1)
        value >>= 6
        if value < mins[slot]:
            mins[slot] = value
    return tuple(densified(mins))


def densified(mins: list[int]) -> list[int]:
    """Fill each empty slot from the next filled slot, marked with how far it looked."""
    result = []
    for i, value in enumerate(mins):
        distance = 0
        while value == _EMPTY:
            distance += 1
            value = mins[(i + distance) % SLOTS]
        result.append(value * SLOTS + distance)
    return result


def band_keys(values: tuple[int, ...]) -> list[int]:
    """One signed 64-bit key per band: documents sharing any key are candidates."""
    keys = []
    for band in range(BANDS):
        rows = values[band * ROWS : (band + 1) * ROWS]
        digest = hashlib.blake2b(repr((band, rows)).encode(), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def similarity(a: tuple[int, ...] | list[int], b: tuple[int, ...] | list[int]) -> float:
    """The estimated Jaccard similarity of two sketches' shingle sets (0 to 1)."""
    if len(a) != len(b) or not a:
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
