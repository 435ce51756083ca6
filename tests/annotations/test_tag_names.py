"""Tag names: one canonical key decides identity (NFKC, casefold, 繁→简, single spaces),
the first spelling is what readers see; invisible characters and long names are refused."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from taggit.models import Tag

from annotations.models import Highlight, TagKey, find_tag, tag_key, tags_named
from annotations.schemas import normalize_tag, tag_list
from annotations.tags import _create
from library.models import Theme
from tests.factories import make_document
from tests.library.indexed import load_entities

from .api import LIST_URL, csrf_client, send
from .factories import ARTICLE, make_highlight

COMPAT_QUAN = "安\ufa72"  # 全 as the CJK compatibility ideograph U+FA72; NFKC makes it 全
COMPAT_LI = "治\uf9e4"  # 理 as U+F9E4


@pytest.mark.parametrize(
    ("spellings", "key"),
    [
        (["安全", COMPAT_QUAN, "安全 "], "安全"),
        (["Safety", "safety", "SAFETY", "ｓａｆｅｔｙ", " Safety"], "safety"),
        (["治理", COMPAT_LI], "治理"),
        (["監管", "监管"], "监管"),
        (["AI  治理", "ＡＩ\u3000治理", "ai 治理"], "ai 治理"),
        (["Straße", "STRASSE"], "strasse"),
    ],
)
def test_spellings_of_one_name_share_one_key(spellings, key):
    assert {tag_key(normalize_tag(spelling)) for spelling in spellings} == {key}


@pytest.mark.parametrize(
    "raw",
    [
        "安\u200d全",  # zero-width joiner inside
        "安\u200b全",  # zero-width space
        "saf\u200cety",  # zero-width non-joiner
        "\u2060safety",  # word joiner
        "\u202esafety",  # right-to-left override
        "safety\u202c",  # pop directional formatting
        "\u2067治理\u2069",  # right-to-left isolate
        "\u200fsafety",  # right-to-left mark
        "safe\x1bty",  # escape
        "safe\u0085ty",  # next line (C1)
        "\ufeffsafety",  # byte-order mark
        "safe\u00adty",  # soft hyphen
    ],
)
def test_invisible_control_and_bidi_characters_are_refused_with_a_clear_error(raw):
    with pytest.raises(ValidationError, match="invisible or control characters"):
        normalize_tag(raw)


@pytest.mark.parametrize("length", [51, 200, 201, 5000])
def test_long_names_are_refused_with_their_length(length):
    with pytest.raises(ValidationError, match=f"at most 50 characters \\(this has {length}\\)"):
        normalize_tag("标" * length)


def test_a_name_of_fifty_characters_is_kept_and_keyed_in_full(db):
    name = normalize_tag("ß" * 50)  # casefolds to 100 characters
    assert len(tag_key(name)) == 100
    assert tags_named([name])[0].canonical.key == "ss" * 50


def test_a_tag_list_keeps_the_first_spelling_of_each_tag():
    assert tag_list(["監管", "监管", "Safety", "SAFETY", COMPAT_LI, "治理"]) == [
        "監管",
        "Safety",
        "治理",
    ]


def test_the_first_spelling_names_the_tag_and_later_spellings_find_it(db):
    (first,) = tags_named(["監管"])
    assert tags_named(["监管"]) == [first]
    assert tags_named([normalize_tag(COMPAT_LI)])[0] != first
    assert first.name == "監管"
    assert find_tag("监管") == first
    assert Tag.objects.count() == 2


def test_one_request_naming_a_tag_twice_gets_it_once(db):
    assert len(tags_named(["Safety", "safety", "SAFETY"])) == 1


def test_highlights_tagged_in_either_script_share_the_tag(alice, bob):
    first = make_highlight(alice, tags=["監管"])
    second = make_highlight(bob, quote="欧盟的人工智能法案", tags=["监管"])
    assert first.tag_names == second.tag_names == ["監管"]
    assert set(Highlight.objects.tagged("监管")) == {first, second}
    assert set(Highlight.objects.tagged("監管")) == {first, second}


def test_the_api_stores_one_tag_per_name_and_filters_by_any_spelling(alice):
    document = make_document(ARTICLE)
    client, token = csrf_client(alice)
    quote = "监管应当跟上技术的发展"
    start = document.current_revision.text.index(quote)
    body = {
        "document": document.pk,
        "start": start,
        "end": start + len(quote),
        "exact": quote,
        "tags": [COMPAT_QUAN, "安全", "Safety", "SAFETY"],
    }
    response = send(client, "POST", LIST_URL, body, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content
    assert response.json()["tags"] == ["Safety", "安全"]
    listed = client.get(LIST_URL, {"tag": "ｓａｆｅｔｙ"}).json()
    assert [item["id"] for item in listed["results"]] == [response.json()["id"]]


@pytest.mark.parametrize("bad", ["安\u200d全", "\u202eytefas", "标" * 200])
def test_the_api_refuses_bad_tag_names_with_a_message(alice, bad):
    document = make_document(ARTICLE)
    client, token = csrf_client(alice)
    quote = "监管应当跟上技术的发展"
    start = document.current_revision.text.index(quote)
    body = {"document": document.pk, "start": start, "end": start + len(quote), "exact": quote}
    response = send(client, "POST", LIST_URL, {**body, "tags": [bad]}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 400
    assert response.json()["errors"]["tags"]
    assert not Highlight.objects.exists()
    assert not Tag.objects.exists()


def test_theme_names_and_labels_in_either_script_resolve_to_the_theme(db):
    load_entities()
    scaling = Theme.objects.get(name="scaling")
    for spelling in ["規模化", "规模化", "Scaling", "SCALING", "ｓｃａｌｉｎｇ"]:
        assert Theme.objects.resolve(spelling) == scaling
    assert [tag.name for tag in tags_named(["規模化"])] == ["scaling"]
    assert tags_named(["规模化"]) == tags_named(["Scaling"]) == tags_named(["scaling"])
    governance = Theme.objects.get(name="governance")
    assert Theme.objects.resolve(normalize_tag(COMPAT_LI)) == governance


def test_a_tag_written_by_another_path_is_keyed_when_first_looked_up(db):
    document = make_document()
    document.tags.add("AI Safety")  # taggit's own path, as an import's --tag does
    legacy = Tag.objects.get(name="AI Safety")
    assert not TagKey.objects.filter(tag=legacy).exists()
    assert tags_named(["ai safety"]) == [legacy]
    assert TagKey.objects.get(tag=legacy).key == "ai safety"
    assert find_tag("AI SAFETY") == legacy


def test_a_concurrent_creation_of_another_spelling_yields_the_existing_tag(db):
    (existing,) = tags_named(["監管"])
    # As if this request had looked before the other one created its tag:
    assert _create("监管") == existing
    assert Tag.objects.count() == 1


def test_the_migration_merges_spellings_into_the_oldest_tag(alice, bob):
    migration = importlib.import_module("annotations.migrations.0005_tag_keys")
    first = make_highlight(alice, tags=["Safety"])
    second = make_highlight(bob, quote="欧盟的人工智能法案", tags=["监管"])
    TagKey.objects.all().delete()  # as before the migration
    safety = Tag.objects.get(name="Safety")
    upper = Tag.objects.create(name="SAFETY")
    traditional = Tag.objects.create(name="監管")
    first.tags.add(upper, traditional)  # the first highlight has both spellings of safety
    second.tags.add(traditional)
    document = make_document()
    document.tags.add(upper)

    migration.key_every_tag(apps, None)

    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Safety", "监管"]
    assert sorted(TagKey.objects.values_list("key", flat=True)) == ["safety", "监管"]
    assert sorted(Highlight.objects.get(pk=first.pk).tags.names()) == ["Safety", "监管"]
    assert list(Highlight.objects.get(pk=second.pk).tags.names()) == ["监管"]
    assert list(document.tags.all()) == [safety]
