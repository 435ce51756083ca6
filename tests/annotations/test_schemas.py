import pytest
from django.core.exceptions import ValidationError

from annotations.schemas import normalize_tag, tag_list


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("safety", "safety"),
        ("  Safety  ", "Safety"),
        ("ＡＩ\u3000治理", "AI 治理"),
        ("a \t\n b", "a b"),
        ("①", "1"),
    ],
)
def test_tags_are_nfkc_trimmed_and_single_spaced(raw, expected):
    assert normalize_tag(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        " ",
        "x" * 51,
        "a\u200bb",
        "a\u200db",
        "\u202eevil",
        "a\u2066b",
        "a\x00b",
        "a\x7fb",
        "\ufeffbom",
        "a\ud800",
    ],
)
def test_invisible_empty_and_long_tags_are_refused(raw):
    with pytest.raises(ValidationError):
        normalize_tag(raw)


def test_tag_lists_drop_duplicates_ignoring_case_and_keep_the_first_spelling():
    assert tag_list(["Safety", "SAFETY", "safety ", "Straße", "STRASSE"]) == ["Safety", "Straße"]


def test_more_than_twenty_tags_are_refused():
    assert len(tag_list([f"t{i}" for i in range(20)])) == 20
    with pytest.raises(ValidationError):
        tag_list([f"t{i}" for i in range(21)])
