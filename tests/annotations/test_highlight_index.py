"""Highlight.index(): the folded search key, and theme names in either script."""

from annotations.models import Highlight, tags_named, theme_tags
from tests.factories import make_document
from tests.library.indexed import load_entities

from .factories import ARTICLE, make_highlight


def test_the_search_key_folds_quote_note_and_tags(alice, db):
    highlight = make_highlight(alice, note="記住ＡＩ監管", tags=["OpenAI"])
    highlight.refresh_from_db()
    assert "监管应当跟上技术的发展" in highlight.search_key
    assert "记住ai监管" in highlight.search_key
    assert "openai" in highlight.search_key
    highlight.edit(version=highlight.version, note="新的笔记")
    assert Highlight.objects.get(pk=highlight.pk).search_key.count("新的笔记") == 1
    assert Highlight.objects.filter(pk=highlight.pk).matching(["新的笔记", "监管"]).exists()
    assert not Highlight.objects.filter(pk=highlight.pk).matching(["记住"]).exists()


def test_a_theme_label_in_either_script_tags_with_the_theme(alice, db):
    load_entities()
    assert [tag.name for tag in tags_named(["規模化", "安全", "Governance", "自定义"])] == [
        "scaling",
        "safety",
        "governance",
        "自定义",
    ]
    highlight = make_highlight(alice, make_document(ARTICLE), tags=["规模化", "scaling"])
    assert highlight.tag_names == ["scaling"]


def test_the_themes_come_from_the_library_else_the_built_in_three(db):
    assert theme_tags() == {"safety": "安全", "scaling": "规模化", "governance": "治理"}
    load_entities()
    assert list(theme_tags()) == ["safety", "scaling", "governance"]
