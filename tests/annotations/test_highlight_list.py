"""GET (list) and POST (create) on /api/highlights/."""

import json

import pytest

from annotations.models import Highlight
from tests.factories import make_document

from .api import LIST_URL, csrf_client, send
from .factories import ARTICLE, make_highlight

QUOTE = "监管应当跟上技术的发展"


@pytest.fixture
def document(db):
    return make_document(ARTICLE)


def payload(document, quote: str = QUOTE, **fields) -> dict:
    start = document.current_revision.text.index(quote)
    return {"document": document.pk, "start": start, "end": start + len(quote), "exact": quote} | (
        fields
    )


def post(client, data=None, **kwargs):
    return send(client, "POST", LIST_URL, data, **kwargs)


def errors(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["errors"]


# --- create -----------------------------------------------------------------------


def test_it_creates_a_highlight(client, alice, document):
    client.force_login(alice)
    response = post(client, payload(document, note="**重要**", tags=[" Safety ", "治理"]))
    assert response.status_code == 201
    body = response.json()
    highlight = Highlight.objects.get()
    assert response["Location"] == f"/api/highlights/{highlight.pk}/"
    assert body == highlight.to_dict()
    assert highlight.user == alice
    assert highlight.document == document
    assert highlight.revision == document.current_revision
    assert (highlight.exact, highlight.note) == (QUOTE, "**重要**")
    assert (
        highlight.prefix == document.current_revision.text[highlight.start - 32 : highlight.start]
    )
    assert sorted(t.name for t in highlight.tags.all()) == ["Safety", "治理"]
    assert body["state"] == "exact" and body["version"] == 1


def test_anonymous_readers_get_401_and_nothing_is_created(client, document):
    response = post(client, payload(document))
    assert response.status_code == 401
    assert "errors" in response.json()
    assert not Highlight.objects.exists()


def test_put_is_405(client, alice):
    client.force_login(alice)
    response = send(client, "PUT", LIST_URL, {})
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"


def test_a_post_without_the_csrf_token_is_403(alice, document):
    client, token = csrf_client(alice)
    assert post(client, payload(document)).status_code == 403
    assert not Highlight.objects.exists()
    assert post(client, payload(document), HTTP_X_CSRFTOKEN=token).status_code == 201


def test_offsets_count_code_points_after_astral_characters(client, alice):
    document = make_document("标题\n😀𠀀𨋢 之后的一段话\n第三段")
    text = document.current_revision.text
    client.force_login(alice)
    start = text.index("之后")
    response = post(
        client, {"document": document.pk, "start": start, "end": start + 2, "exact": "之后"}
    )
    assert response.status_code == 201
    utf16_start = len(text[:start].encode("utf-16-le")) // 2
    response = post(
        client,
        {"document": document.pk, "start": utf16_start, "end": utf16_start + 2, "exact": "之后"},
    )
    assert list(errors(response)) == ["exact"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start", -1),
        ("start", 1.0),
        ("start", 2.5),
        ("start", "3"),
        ("start", True),
        ("start", None),
        ("start", 10**30),
        ("start", [1]),
        ("end", -5),
        ("end", 99999),
        ("end", 2**31),
        ("end", False),
        ("end", "10"),
        ("document", 0),
        ("document", "1"),
        ("document", 10**19),
    ],
)
def test_it_rejects_bad_offsets_field_by_field(client, alice, document, field, value):
    client.force_login(alice)
    response = post(client, payload(document) | {field: value})
    assert field in errors(response)
    assert not Highlight.objects.exists()


def test_it_rejects_offsets_past_the_end_of_the_text(client, alice, document):
    client.force_login(alice)
    length = len(document.current_revision.text)
    data = {"document": document.pk, "start": length - 1, "end": length + 1, "exact": "x"}
    assert "past the end" in errors(post(client, data))["end"][0].lower()


def test_it_rejects_start_not_before_end(client, alice, document):
    client.force_login(alice)
    data = payload(document)
    assert "start" in errors(post(client, data | {"end": data["start"]}))
    assert "start" in errors(post(client, data | {"end": data["start"] - 1, "exact": ""}))


def test_it_rejects_a_quote_that_is_not_the_text_at_the_offsets(client, alice, document):
    client.force_login(alice)
    data = payload(document)
    message = errors(post(client, data | {"exact": "监管应当跟上技术的發展"}))["exact"][0]
    assert "does not match" in message.lower()
    assert "code points" in message


def test_it_rejects_a_quote_of_only_whitespace(client, alice):
    document = make_document("一二\n三四")
    client.force_login(alice)
    data = {"document": document.pk, "start": 2, "end": 4, "exact": "\n\n"}
    assert "exact" in errors(post(client, data))


@pytest.mark.parametrize("field", ["exact", "note", "prefix"])
def test_it_rejects_lone_surrogates(client, alice, document, field):
    client.force_login(alice)
    raw = json.dumps(payload(document) | {field: "PLACEHOLDER"}).replace("PLACEHOLDER", "\\ud800")
    assert "surrogate" in errors(post(client, raw=raw))[field][0]


def test_a_surrogate_pair_is_one_astral_character(client, alice):
    document = make_document("标题\n看😀这里")
    client.force_login(alice)
    start = document.current_revision.text.index("😀")
    raw = json.dumps({"document": document.pk, "start": start, "end": start + 1, "exact": "😀"})
    assert "\\ud83d\\ude00" in raw
    assert post(client, raw=raw).status_code == 201


def test_it_computes_prefix_and_suffix_and_checks_them_when_given(client, alice, document):
    client.force_login(alice)
    text = document.current_revision.text
    data = payload(document)
    right = payload(document, prefix=text[data["start"] - 5 : data["start"]], suffix="，而")
    assert post(client, right).status_code == 201
    assert "prefix" in errors(post(client, payload(document, prefix="不对")))
    assert "suffix" in errors(post(client, payload(document, suffix="不对")))
    assert "prefix" in errors(post(client, payload(document, prefix="x" * 33)))


def test_it_rejects_unknown_and_read_only_fields(client, alice, document):
    client.force_login(alice)
    found = errors(post(client, payload(document, colour="yellow", state="fuzzy", id=7)))
    assert found == {
        "colour": ["Unknown field."],
        "state": ["This field is read-only."],
        "id": ["This field is read-only."],
    }


def test_it_requires_document_and_offsets(client, alice):
    client.force_login(alice)
    assert set(errors(post(client, {}))) == {"document", "start", "end", "exact"}


def test_it_rejects_a_document_that_does_not_exist(client, alice, document):
    client.force_login(alice)
    assert errors(post(client, payload(document) | {"document": 999999})) == {
        "document": ["No such document."]
    }


def test_it_rejects_an_oversized_note(client, alice, document):
    client.force_login(alice)
    assert post(client, payload(document, note="字" * 10_000)).status_code == 201
    assert "note" in errors(post(client, payload(document, note="字" * 10_001)))
    assert "note" in errors(post(client, payload(document, note="a\x00b")))


@pytest.mark.parametrize(
    "tags",
    [
        [f"tag{i}" for i in range(21)],
        ["x" * 51],
        [""],
        ["   "],
        ["safe\u200bty"],
        ["\u202egnirts"],
        ["a\nb\x07"],
        ["ok", 3],
        "safety",
        [["nested"]],
    ],
)
def test_it_rejects_bad_tags(client, alice, document, tags):
    client.force_login(alice)
    assert "tags" in errors(post(client, payload(document, tags=tags)))


def test_tags_are_normalised_and_deduplicated(client, alice, document):
    client.force_login(alice)
    tags = ["ＡＩ  safety", "ai SAFETY", " 治理 ", "x" * 50] + ["dup"] * 30
    response = post(client, payload(document, tags=tags))
    assert response.status_code == 201
    assert response.json()["tags"] == ["AI safety", "dup", "x" * 50, "治理"]


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        ("not json", "application/json"),
        ("[1, 2]", "application/json"),
        ('{"start": NaN}', "application/json"),
        ('{"start": 1, "start": 2}', "application/json"),
        ("[" * 100_000, "application/json"),
        ('{"start": 1}', "text/plain"),
        ("start=1", "application/x-www-form-urlencoded"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_400(client, alice, raw, content_type):
    client.force_login(alice)
    response = client.post(LIST_URL, raw, content_type=content_type)
    assert "body" in errors(response)


def test_invalid_utf8_is_400(client, alice):
    client.force_login(alice)
    response = client.post(LIST_URL, b'{"note": "\xff"}', content_type="application/json")
    assert "body" in errors(response)


# --- list -------------------------------------------------------------------------


def test_it_lists_only_the_readers_own_highlights(client, alice, bob, document):
    mine = make_highlight(alice, document)
    make_highlight(bob, document)
    client.force_login(alice)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [h["id"] for h in body["results"]] == [mine.pk]
    assert body["results"][0] == mine.to_dict()


def test_anonymous_readers_cannot_list(client, alice, document):
    make_highlight(alice, document)
    response = client.get(LIST_URL)
    assert response.status_code == 401


def test_it_filters_by_document_in_reading_order(client, alice, document):
    later = make_highlight(alice, document, quote="欧盟")
    earlier = make_highlight(alice, document, quote="人工智能的安全")
    make_highlight(alice)  # another document
    client.force_login(alice)
    body = client.get(LIST_URL, {"document": document.pk}).json()
    assert [h["id"] for h in body["results"]] == [earlier.pk, later.pk]
    assert errors(client.get(LIST_URL, {"document": "abc"})) == {
        "document": ["Must be a whole number from 1."]
    }


def test_it_filters_by_tag_whatever_its_case_and_by_state(client, alice, document):
    tagged = make_highlight(alice, document, tags=["Safety"])
    make_highlight(alice, document, quote="欧盟", tags=["scaling"])
    client.force_login(alice)
    assert [h["id"] for h in client.get(LIST_URL, {"tag": "SAFETY"}).json()["results"]] == [
        tagged.pk
    ]
    assert client.get(LIST_URL, {"tag": "nothing"}).json()["count"] == 0
    assert client.get(LIST_URL, {"state": "exact"}).json()["count"] == 2
    assert client.get(LIST_URL, {"state": "orphaned"}).json()["count"] == 0
    assert "state" in errors(client.get(LIST_URL, {"state": "lost"}))
    assert "tag" in errors(client.get(LIST_URL, {"tag": "a\u200b"}))


def test_it_pages_through_long_lists(client, alice):
    from annotations.views import PAGE_SIZE

    document = make_document("\n".join(f"第{i}段。" for i in range(PAGE_SIZE + 5)))
    text = document.current_revision.text
    for i in range(PAGE_SIZE + 5):
        start = text.index(f"第{i}段")
        Highlight.objects.create_on(document, user=alice, start=start, end=start + 1, exact="第")
    client.force_login(alice)
    first = client.get(LIST_URL, {"document": document.pk}).json()
    assert (first["count"], len(first["results"]), first["previous"]) == (
        PAGE_SIZE + 5,
        PAGE_SIZE,
        None,
    )
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 5
    assert second["next"] is None
    assert second["previous"] is not None
    ids = [h["id"] for h in first["results"] + second["results"]]
    assert ids == list(Highlight.objects.order_by("start").values_list("pk", flat=True))


def test_the_query_count_does_not_grow_with_the_highlights(
    client, alice, document, django_assert_num_queries
):
    client.force_login(alice)
    make_highlight(alice, document, tags=["a"])
    with django_assert_num_queries(5):  # session, user, count, page, tags
        client.get(LIST_URL, {"document": document.pk})
    for quote in ["欧盟", "美国国会", "旧金山", "人工智能的安全"]:
        make_highlight(alice, document, quote=quote, tags=["b", "c"])
    with django_assert_num_queries(5):
        assert len(client.get(LIST_URL, {"document": document.pk}).json()["results"]) == 5
