"""Indexing a document: mentions, entity and theme rows, passages, frequencies."""

import pytest
from django.conf import settings

from library.indexing import rebuild, reindex
from library.models import (
    DocumentEntity,
    DocumentTheme,
    Entity,
    IndexedDocument,
    Mention,
    Term,
    ThemePassage,
)
from library.related import DOCUMENTS_KEY, entity_key
from tests.annotations.factories import revise
from tests.factories import make_document
from tests.library.indexed import load_entities, make_indexed

TEXT = (
    "奧特曼與伊利亞\n"
    "伊利亞帶領超級對齊團隊,研究對齊與安全風險。\n"
    "Sam Altman 和马斯克林的名字里没有马斯克这个人吗?马斯克在。"
)


@pytest.fixture
def entities(db):
    load_entities()


def test_mentions_point_at_the_aliases_in_the_text(entities):
    document = make_indexed(TEXT)
    text = document.current_revision.text
    found = {
        (m.entity.name, text[m.start : m.end]) for m in Mention.objects.select_related("entity")
    }
    assert ("Sam Altman", "奧特曼") in found
    assert ("Sam Altman", "Sam Altman") in found
    assert ("Ilya Sutskever", "伊利亞") in found
    # 马斯克林 is an island, not Musk: only the two real mentions count.
    assert [text[m.start : m.end] for m in Mention.objects.filter(entity__name="Elon Musk")] == [
        "马斯克",
        "马斯克",
    ]
    assert all(m.revision_id == document.current_revision_id for m in Mention.objects.all())


def test_entity_and_theme_rows_count_what_the_text_says(entities):
    document = make_indexed(TEXT)
    counts = dict(
        DocumentEntity.objects.filter(document=document).values_list("entity__name", "mentions")
    )
    assert counts["Sam Altman"] == 2
    assert counts["Ilya Sutskever"] == 2
    safety = DocumentTheme.objects.get(document=document, theme__name="safety")
    assert safety.hits >= 3 and safety.score > 0
    passage = ThemePassage.objects.get(document=document, theme__name="safety")
    assert document.current_revision.text[passage.start : passage.end].startswith("伊利亞帶領")


def test_a_new_revision_is_indexed_by_the_after_revision_hook(entities):
    assert "library.indexing.index_document" in settings.PIZHU_AFTER_REVISION
    document = make_indexed(TEXT)
    revise(document, "新标题\n这篇只谈微软。")
    document.after_revision()
    assert set(Mention.objects.values_list("entity__name", flat=True)) == {"Microsoft"}
    state = IndexedDocument.objects.get(document=document)
    assert state.revision_id == document.current_revision_id
    assert state.title_key == "新标题"


def test_document_frequencies_move_with_what_changed(entities):
    altman = Entity.objects.get(name="Sam Altman")
    first = make_indexed(TEXT)
    make_indexed("第二篇\n奥特曼又说话了。")

    def frequency(key):
        return Term.objects.filter(key=key).values_list("documents", flat=True).first() or 0

    assert frequency(DOCUMENTS_KEY) == 2
    assert frequency(entity_key(altman.pk)) == 2
    revise(first, "第一篇\n不再提到那个人。")
    reindex([first])
    assert frequency(DOCUMENTS_KEY) == 2
    assert frequency(entity_key(altman.pk)) == 1
    reindex([first])  # idempotent
    assert frequency(entity_key(altman.pk)) == 1


def test_the_import_pipeline_indexes_new_documents(entities):
    from library.importing import import_bytes

    result = import_bytes("标题\n奥特曼与马斯克。".encode(), name="a.txt", origin="a.txt")
    assert DocumentEntity.objects.filter(document_id=result.document).count() == 2


def test_rebuild_gives_what_incremental_indexing_gave(entities):
    make_indexed(TEXT)
    make_indexed("第二篇\n奥特曼又说话了,董事会监管治理。")
    before = sorted(Mention.objects.values_list("document_id", "entity_id", "start", "end"))
    themes = sorted(DocumentTheme.objects.values_list("document_id", "theme_id", "hits"))
    assert rebuild() == 2
    assert sorted(Mention.objects.values_list("document_id", "entity_id", "start", "end")) == before
    assert sorted(DocumentTheme.objects.values_list("document_id", "theme_id", "hits")) == themes
    assert Term.objects.get(key=DOCUMENTS_KEY).documents == 2


def test_a_document_without_text_keeps_no_derived_rows(entities):
    document = make_document("标题\n奥特曼。")
    reindex([document])
    from library.models import Document

    Document.objects.filter(pk=document.pk).update(current_revision=None)
    reindex([document])
    assert not Mention.objects.filter(document=document).exists()
    assert not IndexedDocument.objects.filter(document=document).exists()
