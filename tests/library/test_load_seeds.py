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


# The evidence for cross-links and search, on the five seeds -----------------------------


def test_it_loads_the_seed_themes_and_entities_once(seeded):
    from library.models import Alias, Entity, Theme

    assert list(Theme.objects.values_list("name", flat=True)) == ["safety", "scaling", "governance"]
    assert Entity.objects.count() == 25
    assert Alias.objects.filter(entity__name="Sam Altman", text="奥特曼").exists()
    output = load_seeds()
    assert "themes: 0 new; entities: 0 new" in output
    assert Entity.objects.count() == 25


def test_search_and_related_evidence_on_the_five_seeds(seeded):
    """奥特曼 or Altman finds all five seeds (through the entity); 超级对齐 finds the seed
    that writes 超級對齊; each seed is related to the others sharing its entities."""
    from library import search
    from library.models import DocumentEntity, Entity, RelatedDocument

    matcher = Entity.objects.matcher()
    for query in ("奥特曼", "Altman", "奧特曼"):
        assert search.search(query, matcher=matcher).total == len(EXPECTATIONS), query

    [hit] = search.search("超级对齐").hits
    document = Document.objects.get(pk=hit.document_id)
    assert "超級對齊" in document.current_revision.text
    assert document.original_script == "traditional"

    entities = {
        document: set(
            DocumentEntity.objects.filter(document=document).values_list("entity_id", flat=True)
        )
        for document in Document.objects.all()
    }
    for document, mine in entities.items():
        sharing = {
            other.pk for other, theirs in entities.items() if other != document and mine & theirs
        }
        related = {r.other_id: r.reason for r in RelatedDocument.objects.of(document)}
        assert set(related) == sharing, document
        assert all(reason.startswith("shares ") for reason in related.values())


def test_the_entity_page_lists_the_right_passages(client, seeded, alice):
    from bs4 import BeautifulSoup

    from library.models import Mention

    client.force_login(alice)
    soup = BeautifulSoup(client.get("/entities/ilya-sutskever/").content, "html.parser")
    marked = [mark.get_text() for mark in soup.select(".passages mark")]
    assert marked and set(marked) <= {"伊利亞", "伊利亚", "Ilya Sutskever", "Sutskever", "苏茨克维"}
    titles = [h2.a.get_text() for h2 in soup.select(".mention-groups h2")]
    expected = set(
        Mention.objects.filter(entity__slug="ilya-sutskever").values_list(
            "document__title", flat=True
        )
    )
    assert set(titles) == expected
    spellings = {"伊利亞", "伊利亚", "Ilya Sutskever", "Sutskever", "苏茨克维", "伊利亞·蘇茨克維"}
    mentions = Mention.objects.filter(entity__slug="ilya-sutskever").select_related("revision")
    for mention in mentions:
        assert mention.revision.text[mention.start : mention.end] in spellings
