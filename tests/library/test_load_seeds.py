import json

import pytest
from django.conf import settings
from django.core.management import call_command

from library.models import Document, Revision, Source

SEEDS = settings.BASE_DIR / "seeds"
EXPECTATIONS = json.loads((SEEDS / "expectations.json").read_text(encoding="utf-8"))


def load_seeds() -> str:
    from io import StringIO

    out = StringIO()
    call_command("load_seeds", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    load_seeds()


def seed_document(name: str) -> Document:
    return Document.objects.select_related("current_revision").get(origin=f"seeds/{name}")


def test_the_project_ships_every_seed_named_in_the_expectations():
    assert sorted(EXPECTATIONS) == sorted(path.name for path in SEEDS.glob("*.txt"))


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_each_seed_becomes_one_document_with_every_must_keep_snippet(seeded, name):
    document = seed_document(name)
    for snippet in EXPECTATIONS[name]["must_keep"]:
        assert snippet in document.current_revision.text, snippet


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_each_seed_gets_its_script_detected(seeded, name):
    assert seed_document(name).original_script == EXPECTATIONS[name]["script"]


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_raw_bytes_round_trip_exactly(seeded, name):
    source = seed_document(name).current_revision.source
    assert bytes(source.data) == (SEEDS / name).read_bytes()
    assert source.filename == name
    assert source.encoding in {"utf-8", "utf-8-sig"}


def test_it_creates_one_document_and_one_revision_per_seed(seeded):
    assert Document.objects.count() == len(EXPECTATIONS)
    assert Revision.objects.count() == len(EXPECTATIONS)
    assert Source.objects.count() == len(EXPECTATIONS)


def test_a_second_run_creates_nothing_and_says_so(seeded):
    before = (Document.objects.count(), Revision.objects.count(), Source.objects.count())
    output = load_seeds()
    after = (Document.objects.count(), Revision.objects.count(), Source.objects.count())
    assert after == before
    assert f"{len(EXPECTATIONS)} duplicate" in output
    assert "nothing changed" in output
    assert "created" not in output


def test_the_first_run_reports_what_it_created(db):
    output = load_seeds()
    assert f"seeds: {len(EXPECTATIONS)} created" in output
