import pytest

from library.cleaning import clean_text
from library.models import Document, ImmutableRevisionError, RenderedBlock, group_lists
from tests.factories import make_document, make_source


def test_a_revision_cannot_be_edited_once_written(db):
    revision = make_document().current_revision
    revision.text = "篡改"
    with pytest.raises(ImmutableRevisionError):
        revision.save()
    revision.refresh_from_db()
    assert revision.text != "篡改"


def test_every_block_offset_cuts_its_own_text(db):
    document = make_document("😀一\n𠀀二二\n三三三")
    revision = document.current_revision
    assert [revision.text[b.start : b.end] for b in revision.rendered_blocks()] == [
        "😀一",
        "𠀀二二",
        "三三三",
    ]


def test_add_revision_writes_nothing_when_the_text_is_unchanged(db):
    document = make_document("一\n二")
    assert document.add_revision(clean_text("一\n二"), source=make_source()) is None
    revision = document.add_revision(clean_text("一\n二\n三"), source=make_source())
    assert revision.number == 2
    document.refresh_from_db()
    assert document.current_revision == revision
    assert document.revisions.count() == 2


def test_metadata_the_cleaner_did_not_find_keeps_the_old_value(db):
    document = make_document("标题\n正文", author="李墨天", source_site="網易號")
    document.add_revision(clean_text("新标题\n正文"), source=make_source())
    document.refresh_from_db()
    assert (document.title, document.author, document.source_site) == ("新标题", "李墨天", "網易號")


def test_origins_are_unique_but_many_documents_may_have_none(db):
    from django.db import IntegrityError, transaction

    make_document("一")
    make_document("二")
    make_document("三", origin="https://example.com/a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(origin="https://example.com/a")


def test_list_items_are_grouped_and_other_blocks_stand_alone():
    def block(kind):
        return RenderedBlock(kind, 0, 0, [], {})

    kinds = ["paragraph", "list_item", "list_item", "paragraph", "list_item"]
    groups = group_lists([block(kind) for kind in kinds])
    assert [(name, len(items)) for name, items in groups] == [
        ("block", 1),
        ("list", 2),
        ("block", 1),
        ("list", 1),
    ]


@pytest.mark.parametrize(("level", "expected"), [(1, 2), (3, 3), (9, 6), ("4", 4)])
def test_heading_levels_stay_below_the_page_title(level, expected):
    assert RenderedBlock("heading", 0, 1, [], {"level": level}).level == expected


def test_the_source_store_is_content_addressed(db):
    first = make_source(b"same bytes", filename="a.txt")
    second = make_source(b"same bytes", filename="b.txt")
    assert first.pk == second.pk
    assert first.sha256 == "58100dc8fc06562ce3e578231dc948e083520ee49c4b4ee5a5a28bb4b4003feb"
    assert second.filename == "a.txt"
