import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from annotations.models import Highlight, Stale, reanchor_document, tags_named
from library.chinese import converter
from tests.factories import make_document

from .factories import ARTICLE, make_highlight, revise

QUOTE = "监管应当跟上技术的发展"


def test_a_new_highlight_stores_its_selector_on_the_current_revision(alice):
    document = make_document(ARTICLE)
    text = document.current_revision.text
    highlight = make_highlight(alice, document, note="要点", tags=["safety"])
    highlight.refresh_from_db()
    start = text.index(QUOTE)
    assert (highlight.start, highlight.end, highlight.exact) == (start, start + 11, QUOTE)
    assert highlight.prefix == text[start - 32 : start]
    assert highlight.suffix == text[start + 11 : start + 11 + 32]
    assert highlight.revision == document.current_revision
    assert (highlight.state, highlight.version, highlight.note) == ("exact", 1, "要点")
    assert [tag.name for tag in highlight.tags.all()] == ["safety"]


def test_a_quote_that_is_not_the_text_at_the_offsets_is_refused(alice):
    document = make_document(ARTICLE)
    start = document.current_revision.text.index(QUOTE)
    with pytest.raises(ValidationError) as error:
        Highlight.objects.create_on(
            document, user=alice, start=start + 1, end=start + 12, exact=QUOTE
        )
    assert list(error.value.message_dict) == ["exact"]
    assert not Highlight.objects.exists()


def test_the_database_refuses_an_empty_range(alice):
    highlight = make_highlight(alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Highlight.objects.filter(pk=highlight.pk).update(end=highlight.start)


def test_tags_are_shared_whatever_their_case(alice, bob):
    first = make_highlight(alice, tags=["Safety", "治理"])
    second = make_highlight(bob, quote="欧盟的人工智能法案", tags=["SAFETY", "ＡＩ"])
    assert {t.name for t in second.tags.all()} == {"Safety", "ＡＩ"}
    assert first.tags.get(name="Safety") == second.tags.get(name="Safety")
    assert tags_named(["safety"])[0].name == "Safety"
    assert list(Highlight.objects.tagged("sAfEtY").order_by("pk")) == [first, second]
    assert list(Highlight.objects.tagged("ΣΑΦ")) == []


def test_tags_match_beyond_ascii_case(alice):
    highlight = make_highlight(alice, tags=["Ärger"])
    assert list(Highlight.objects.tagged("ärger")) == [highlight]
    assert tags_named(["ÄRGER"])[0].name == "Ärger"


def test_a_reader_sees_only_their_own_highlights(alice, bob):
    from django.contrib.auth.models import AnonymousUser

    mine = make_highlight(alice)
    make_highlight(bob)
    assert list(Highlight.objects.visible_to(alice)) == [mine]
    assert list(Highlight.objects.visible_to(AnonymousUser())) == []


def test_for_document_keeps_to_one_document(alice):
    highlight = make_highlight(alice)
    make_highlight(alice)  # on another document
    assert list(Highlight.objects.for_document(highlight.document)) == [highlight]


def test_reanchoring_moves_highlights_to_the_new_revision(alice):
    document = make_document(ARTICLE)
    moved = make_highlight(alice, document)
    before = make_highlight(alice, document, quote="人工智能的安全问题")
    revise(document, ARTICLE.replace("他在旧金山", "上周，他在旧金山"))
    counts = reanchor_document(document)
    assert counts == {"exact": 1, "moved": 1, "fuzzy": 0, "orphaned": 0}
    text = document.current_revision.text
    for highlight in (moved, before):
        highlight.refresh_from_db()
        assert highlight.revision == document.current_revision
        assert text[highlight.start : highlight.end] == highlight.exact
        assert highlight.version == 2
    assert moved.state == "moved"
    assert moved.start == text.index(QUOTE)
    assert moved.prefix == text[moved.start - 32 : moved.start]


def test_a_fuzzy_match_takes_the_new_text_and_records_its_score(alice):
    document = make_document(ARTICLE)
    highlight = make_highlight(alice, document, quote="监管应当跟上技术的发展，而不是扼杀创新")
    revise(document, ARTICLE.replace("技术的发展", "技术发展的步伐"))
    assert reanchor_document(document)["fuzzy"] == 1
    highlight.refresh_from_db()
    assert highlight.state == "fuzzy"
    assert 0.8 <= highlight.score < 1
    assert highlight.exact == "监管应当跟上技术发展的步伐，而不是扼杀创新"


def test_a_script_change_keeps_highlights_in_place(alice):
    document = make_document(ARTICLE)
    highlight = make_highlight(alice, document)
    start = highlight.start
    revise(document, converter("s2t").convert(ARTICLE))
    assert reanchor_document(document)["exact"] == 1
    highlight.refresh_from_db()
    assert (highlight.start, highlight.exact) == (start, "監管應當跟上技術的發展")


def test_an_orphan_keeps_its_last_placement_and_is_never_deleted(alice):
    document = make_document(ARTICLE)
    highlight = make_highlight(alice, document, note="别丢了我")
    old_revision, old_start = highlight.revision, highlight.start
    revise(
        document,
        ARTICLE.replace("他在旧金山的一次活动上说，监管应当跟上技术的发展，而不是扼杀创新。\n", ""),
    )
    assert reanchor_document(document) == {"exact": 0, "moved": 0, "fuzzy": 0, "orphaned": 1}
    highlight.refresh_from_db()
    assert highlight.state == "orphaned"
    assert highlight.score is None
    assert (highlight.revision, highlight.start, highlight.exact) == (
        old_revision,
        old_start,
        QUOTE,
    )
    assert highlight.revision.text[highlight.start : highlight.end] == QUOTE
    assert highlight.note == "别丢了我"


def test_reanchoring_twice_changes_nothing(alice):
    document = make_document(ARTICLE)
    placed = make_highlight(alice, document, quote="人工智能的安全问题")
    orphan = make_highlight(alice, document)
    revise(document, ARTICLE.replace("监管应当跟上技术的发展", "（此句已删除）"))
    reanchor_document(document)
    versions = {h.pk: (h.version, h.state) for h in Highlight.objects.all()}
    assert reanchor_document(document) == {"exact": 0, "moved": 0, "fuzzy": 0, "orphaned": 1}
    assert {h.pk: (h.version, h.state) for h in Highlight.objects.all()} == versions
    assert versions[placed.pk] == (2, "exact")
    assert versions[orphan.pk] == (2, "orphaned")


def test_an_orphan_comes_back_when_a_later_revision_has_its_text_again(alice):
    document = make_document(ARTICLE)
    highlight = make_highlight(alice, document)
    revise(document, ARTICLE.replace(QUOTE, "（此句已删除）"))
    reanchor_document(document)
    revise(document, "新的导语。\n" + ARTICLE)
    assert reanchor_document(document)["moved"] == 1
    highlight.refresh_from_db()
    assert highlight.state == "moved"
    assert highlight.revision == document.current_revision


def test_edit_changes_note_and_tags_and_raises_the_version(alice):
    highlight = make_highlight(alice, tags=["old"])
    highlight.edit(version=1, note="新的笔记", tags=["scaling"])
    assert highlight.version == 2
    stored = Highlight.objects.get(pk=highlight.pk)
    assert (stored.note, stored.version) == ("新的笔记", 2)
    assert [t.name for t in stored.tags.all()] == ["scaling"]


def test_edit_with_a_stale_version_changes_nothing(alice):
    highlight = make_highlight(alice, note="原来")
    highlight.edit(version=1, note="第二版")
    with pytest.raises(Stale) as stale:
        highlight.edit(version=1, note="基于旧版")
    assert stale.value.current.note == "第二版"
    assert Highlight.objects.get(pk=highlight.pk).note == "第二版"


def test_edit_reattaches_an_orphan_to_the_current_revision(alice):
    document = make_document(ARTICLE)
    highlight = make_highlight(alice, document)
    revise(document, ARTICLE.replace(QUOTE, "监管须跟上科技进步"))
    reanchor_document(document)
    highlight.refresh_from_db()
    assert highlight.state == "orphaned"
    text = document.current_revision.text
    start = text.index("科技进步")
    highlight.edit(version=highlight.version, start=start, end=start + 4, exact="科技进步")
    highlight.refresh_from_db()
    assert (highlight.state, highlight.revision) == ("exact", document.current_revision)
    assert text[highlight.start : highlight.end] == "科技进步"


def test_deleting_a_document_deletes_its_highlights(alice):
    highlight = make_highlight(alice)
    highlight.document.delete()
    assert not Highlight.objects.exists()


def test_to_dict_carries_the_api_fields(alice):
    highlight = make_highlight(alice, tags=["b", "A"])
    data = highlight.to_dict()
    assert data["id"] == highlight.pk
    assert data["document"] == highlight.document_id
    assert data["tags"] == ["A", "b"]
    assert data["url"] == f"/api/highlights/{highlight.pk}/"
    assert data["html_url"] == f"/documents/{highlight.document_id}/#highlight-{highlight.pk}"
    assert highlight.get_absolute_url() == data["html_url"]


def test_reanchor_document_serves_as_the_after_revision_hook(alice, settings):
    settings.PIZHU_AFTER_REVISION = ["annotations.models.reanchor_document"]
    document = make_document(ARTICLE)
    highlight = make_highlight(alice, document)
    revise(document, "导语。\n" + ARTICLE)
    document.after_revision()
    highlight.refresh_from_db()
    assert (highlight.state, highlight.revision) == ("moved", document.current_revision)


# --- what the reading page shows ---------------------------------------------------


def test_to_dict_carries_the_note_rendered_safely(alice):
    highlight = make_highlight(alice, note="**粗** <script>x</script>")
    data = highlight.to_dict()
    assert data["note_html"].startswith("<p><strong>粗</strong>")
    assert "<script" not in data["note_html"]
    (row,) = Highlight.objects.filter(pk=highlight.pk).for_reader(alice)
    assert (row.pop("mine"), row.pop("replies")) == (True, [])
    assert row == {name: data[name] for name in row}


def test_note_html_is_read_only_in_the_api(client, alice):
    from .api import detail_url, send

    highlight = make_highlight(alice)
    client.force_login(alice)
    response = send(client, "PATCH", detail_url(highlight), {"version": 1, "note_html": "<b>"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"note_html": ["This field is read-only."]}


def test_preferences_default_until_changed(alice):
    from annotations.models import ReadingPreferences

    preferences = ReadingPreferences.objects.for_user(alice)
    assert preferences.to_dict() == {"script": "original", "theme": "auto", "text_size": 100}
    assert not ReadingPreferences.objects.exists()
    preferences.change(script="hant-hk")
    assert ReadingPreferences.objects.for_user(alice).script == "hant-hk"


def test_progress_is_one_row_per_reader_and_document(alice):
    from annotations.models import ReadingProgress

    document = make_document()
    ReadingProgress.objects.record(alice, document, offset=5, fraction=0.2)
    ReadingProgress.objects.record(alice, document, offset=9, fraction=0.4)
    assert ReadingProgress.objects.get().offset == 9
