"""Golden tests: the five seeds against every expectation in seeds/expectations.json."""

import json
import re
import unicodedata
from pathlib import Path

import pytest

from library.chinese import converter
from library.cleaning import clean

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
EXPECTATIONS = json.loads((SEEDS / "expectations.json").read_text(encoding="utf-8"))
NAMES = sorted(EXPECTATIONS)
PINYIN_ARTIFACT = re.compile(r"[\u4e00-\u9fff][(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüḿńňǹ]{1,7}[)）]")


def folded(text: str) -> str:
    return converter("t2s").convert(unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def cleaned():
    return {name: clean((SEEDS / name).read_bytes(), filename=name) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_every_must_keep_snippet_survives(cleaned, name):
    for snippet in EXPECTATIONS[name]["must_keep"]:
        assert snippet in cleaned[name].text, snippet


@pytest.mark.parametrize("name", NAMES)
def test_every_must_remove_snippet_is_gone_and_audited(cleaned, name):
    result = cleaned[name]
    # Dropped lines are audited as they were in the input, pinyin artifacts and all.
    audit = PINYIN_ARTIFACT.sub(
        lambda m: m.group()[0], " ".join(removal.text for removal in result.removed)
    )
    for snippet in EXPECTATIONS[name].get("must_remove", []):
        assert snippet not in result.text, snippet
        assert folded(snippet) in folded(audit), f"{snippet} is not in the removal audit"


@pytest.mark.parametrize("name", NAMES)
def test_nice_to_remove_snippets_are_gone_too(cleaned, name):
    lines = cleaned[name].text.split("\n\n")
    for snippet in EXPECTATIONS[name].get("nice_to_remove", []):
        assert snippet not in lines, snippet


@pytest.mark.parametrize("name", NAMES)
def test_the_title_is_one_of_the_expected(cleaned, name):
    expected = EXPECTATIONS[name].get("title_any_of")
    if expected is None:
        pytest.skip("no title expectation for this seed")
    assert cleaned[name].title in expected


@pytest.mark.parametrize("name", NAMES)
def test_script_and_source_are_detected(cleaned, name):
    metadata = cleaned[name].metadata
    assert metadata.script == EXPECTATIONS[name]["script"]
    for part in EXPECTATIONS[name].get("source", "").split(" / "):
        if part:
            found = folded(f"{metadata.source_site} {metadata.author}")
            assert folded(part) in found, (part, metadata)


@pytest.mark.parametrize("name", NAMES)
def test_the_published_date_when_the_page_states_one(cleaned, name):
    expected = EXPECTATIONS[name].get("published")
    published = cleaned[name].metadata.published
    if expected:
        assert published is not None
        assert published.isoformat().startswith(expected)


@pytest.mark.parametrize("name", NAMES)
def test_no_pinyin_artifact_is_left(cleaned, name):
    assert not PINYIN_ARTIFACT.findall(cleaned[name].text)


def test_seed_002_loses_its_pinyin_artifacts_and_keeps_real_brackets(cleaned):
    name = "002_3f6f694ff846cec8.txt"
    source = (SEEDS / name).read_text("utf-8")
    result = cleaned[name]
    artifacts = [r for r in result.removed if r.rule == "pinyin-artifact"]
    assert len(artifacts) > 100
    for removal in artifacts:  # each sits right after a Han character in the input
        assert PINYIN_ARTIFACT.fullmatch(source[removal.start - 1 : removal.start] + removal.text)
    assert "奧特曼(Sam Altman)" in result.text
    assert "伊利亞(Ilya Sutskever)" in result.text


def test_seed_004_transcript_becomes_paragraphs_without_losing_a_character(cleaned):
    name = "004_31492941d9cfde2f.txt"
    result = cleaned[name]
    paragraphs = result.text.split("\n\n")
    assert 5 <= len(paragraphs) <= EXPECTATIONS[name]["max_paragraphs"]
    dropped = {r.text for r in result.removed}
    lines = [line.strip() for line in (SEEDS / name).read_text("utf-8").splitlines()]
    # Every phrase that was not a channel intro/outro is in the text, in order.
    position = 0
    for line in lines:
        if not line or line in dropped:
            continue
        found = result.text.find(line, position)
        assert found >= 0, line
        position = found + len(line)


def test_removals_point_into_the_decoded_input(cleaned):
    for name in NAMES:
        source = (SEEDS / name).read_text("utf-8")
        for removal in cleaned[name].removed:
            if removal.start >= 0:
                end = removal.start + len(removal.text)
                assert source[removal.start : end] == removal.text, (name, removal)
