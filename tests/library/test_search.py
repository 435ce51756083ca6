"""The search index on the database in use (FTS5 on SQLite, tsvector on PostgreSQL)."""

import pytest

from library import search
from library.entities import Entity
from library.indexing import reindex
from library.models import Document, SearchPart
from tests.annotations.factories import revise
from tests.library.indexed import load_entities, make_indexed


def found(text: str, **options) -> list[int]:
    return [hit.document_id for hit in search.search(text, **options).hits]


@pytest.fixture
def library(db):
    load_entities()
    return {
        "traditional": make_indexed(
            "奧特曼與董事會\n奧特曼回到OpenAI,董事會改組。超級對齊團隊解散。"
        ),
        "simplified": make_indexed("算力与规模\n大模型需要更多算力,规模定律仍然有效。"),
        "english": make_indexed("Altman returns\nSam Altman is back at OpenAI with a new board."),
        "other": make_indexed("阿尔特曼谈安全\n阿尔特曼认为人工智能安全需要监管。"),
    }


def test_a_simplified_query_finds_traditional_text_and_back(library):
    assert found("超级对齐") == [library["traditional"].pk]
    assert found("超級對齊") == [library["traditional"].pk]
    assert library["traditional"].pk in found("董事会")


def test_one_and_two_character_queries_are_answered_exactly(library):
    assert set(found("曼")) == {library["traditional"].pk, library["other"].pk}
    assert set(found("算")) == {library["simplified"].pk}
    assert set(found("算力")) == {library["simplified"].pk}
    assert found("力规") == []  # never written side by side
    assert found("鲸") == []


def test_a_phrase_must_be_written_as_typed(library):
    assert found("规模定律") == [library["simplified"].pk]
    assert found("定律规模") == []


def test_altman_finds_aliases_in_every_script(library):
    everyone = {library[k].pk for k in ("traditional", "english", "other")}
    assert set(found("Altman", matcher=Entity.objects.matcher())) == everyone
    assert set(found("奥特曼", matcher=Entity.objects.matcher())) == everyone
    # Without the entity, only the spelling typed (folded) matches.
    assert set(found("奥特曼")) == {library["traditional"].pk}


def test_mixed_chinese_and_english_queries_need_every_term(library):
    assert found("OpenAI 董事会") == [library["traditional"].pk]
    assert found("OpenAI 算力") == []
    assert set(found("OpenAI")) == {library["traditional"].pk, library["english"].pk}


def test_a_word_of_three_letters_also_finds_longer_words(db):
    gpus = make_indexed("Chips\nThey bought GPUs by the thousand.")
    assert found("gpu") == [gpus.pk]
    assert found("GPUs") == [gpus.pk]
    assert found("ai") == []


def test_title_matches_come_first_then_the_exact_phrase(db):
    in_text = make_indexed("别的标题\n正文里提到了监管和治理,也说到治理监管。", published_at=None)
    phrase = make_indexed("另一篇\n正文说监管治理很重要。")
    in_title = make_indexed("监管治理\n正文。")
    assert found("监管治理") == [in_title.pk, phrase.pk]
    ranked = found("监管 治理")
    assert ranked[0] == in_title.pk
    assert ranked.index(phrase.pk) < ranked.index(in_text.pk)


def test_filters_and_pages(library):
    within = Document.objects.filter(pk=library["english"].pk)
    assert found("OpenAI", within=within) == [library["english"].pk]
    first = search.search("OpenAI", limit=1)
    second = search.search("OpenAI", limit=1, offset=1)
    assert first.total == second.total == 2
    assert {first.hits[0].document_id, second.hits[0].document_id} == {
        library["traditional"].pk,
        library["english"].pk,
    }
    assert search.search("OpenAI", limit=1, offset=5).total == 2


def test_an_empty_query_lists_the_filtered_documents_newest_first(library):
    page = search.search("", within=Document.objects.filter(pk__in=[library["other"].pk]))
    assert [hit.document_id for hit in page.hits] == [library["other"].pk]


def test_documents_the_reader_matched_are_found_and_ranked_as_theirs(library):
    mine = [library["simplified"].pk]
    assert found("不在正文里的词", mine=mine) == mine
    assert found("OpenAI", mine=mine)[0] == library["simplified"].pk


def test_a_new_revision_replaces_the_documents_index_rows(library):
    document = library["simplified"]
    revise(document, "新的标题\n现在只谈开源模型。")
    reindex([document])
    assert found("算力") == []
    assert found("开源") == [document.pk]


def test_a_deleted_document_leaves_no_index_rows(library):
    document = library["other"]
    document.delete()
    assert not SearchPart.objects.filter(document_id=document.pk).exists()
    assert found("阿尔特曼") == []


def test_long_articles_are_indexed_in_parts_and_found_everywhere(db, monkeypatch):
    monkeypatch.setattr(search, "PART_TOKENS", 60)
    filler = "这是用来填充的句子。" * 20
    document = make_indexed(f"长文\n开头提到超级对齐。{filler}{filler}结尾提到规模定律。")
    assert SearchPart.objects.filter(document=document).count() > 2
    assert found("规模定律") == [document.pk]
    assert found("超级对齐") == [document.pk]
    # Words of one query are looked up together within a part (16,000 tokens in use):
    # in a very long article they must stand that close.
    assert found("超级对齐 填充") == [document.pk]
    assert found("超级对齐 规模定律") == []


def test_results_are_shown_in_the_readers_script_with_marks(library):
    page = search.search("超级对齐")
    [result] = search.results(page, script="hans")
    assert result.title == "奥特曼与董事会"
    start, end = result.marks[0]
    assert result.snippet[start:end] == "超级对齐"
    [traditional] = search.results(page, script="hant")
    assert traditional.snippet[start:end] == "超級對齊"


def test_entity_results_mark_the_aliases_the_text_uses(library):
    matcher = Entity.objects.matcher()
    page = search.search(
        "Altman", matcher=matcher, within=Document.objects.filter(pk=library["other"].pk)
    )
    [result] = search.results(page, matcher=matcher)
    assert [result.snippet[s:e] for s, e in result.marks] == ["阿尔特曼"]


def test_titles_for_the_link_autocomplete(library):
    assert [d.pk for d in search.titles("董事")] == [library["traditional"].pk]
    assert search.titles("") == []
