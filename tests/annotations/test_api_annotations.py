"""GET /api/annotations/ and /api/annotations/<pk>/: W3C Web Annotation JSON-LD with
content negotiation, paging, filters and ETags."""

import json

import pytest

from annotations.interop import API_PAGE_SIZE
from annotations.models import Highlight, Sharing
from annotations.webannotation import PROFILE
from tests.factories import make_document

from .factories import ARTICLE, make_group, make_highlight, share
from .interop import ACCEPT_LD, count_queries, items_of, ld

LIST = "/api/annotations/"


def detail(highlight) -> str:
    return f"/api/annotations/{highlight.pk}/"


def quotes(data: dict) -> list[str]:
    return [item["target"]["selector"][0]["exact"] for item in items_of(data)]


def test_the_list_is_an_annotation_collection_of_the_readers_visible_highlights(client, alice, bob):
    document = make_document(ARTICLE)
    make_highlight(alice, document, quote="人工智能的安全问题", tags=["safety"])
    share(make_highlight(bob, document, quote="欧盟的人工智能法案"), Sharing.LIBRARY)
    make_highlight(bob, document, quote="监管应当跟上技术的发展", note="bob 的秘密")
    client.force_login(alice)
    response = client.get(LIST, **ACCEPT_LD)
    assert response["Content-Type"] == PROFILE
    data = ld(response)
    assert (data["@context"], data["type"], data["total"]) == (
        "http://www.w3.org/ns/anno.jsonld",
        "AnnotationCollection",
        2,
    )
    assert quotes(data) == ["人工智能的安全问题", "欧盟的人工智能法案"]
    assert "bob 的秘密" not in response.content.decode()
    assert data["first"]["id"] == "http://testserver/api/annotations/?page=1"
    assert data["last"] == data["first"]["id"]


def test_one_annotation_has_its_own_context_and_iri(client, alice):
    highlight = make_highlight(alice, note="笔记", tags=["safety"])
    client.force_login(alice)
    data = ld(client.get(detail(highlight), **ACCEPT_LD))
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert data["id"] == f"http://testserver{detail(highlight)}"
    assert data["body"][0]["value"] == "笔记"


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (PROFILE, PROFILE),
        ("application/ld+json", PROFILE),
        (
            'application/ld+json;profile="http://www.w3.org/ns/anno.jsonld '
            'http://www.w3.org/ns/ldp.jsonld"',
            PROFILE,
        ),
        ("application/json", "application/json"),
        ("application/ld+json;q=0.5, application/json", "application/json"),
        ("text/html, */*;q=0.1", PROFILE),
        ("", PROFILE),
    ],
)
def test_it_answers_in_the_media_type_the_client_prefers(client, alice, accept, content_type):
    highlight = make_highlight(alice)
    client.force_login(alice)
    for url in (LIST, detail(highlight)):
        response = client.get(url, HTTP_ACCEPT=accept)
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert "Accept" in response["Vary"]
        assert json.loads(response.content)["@context"] == "http://www.w3.org/ns/anno.jsonld"


@pytest.mark.parametrize(
    "accept",
    [
        "text/html",
        "application/xml, text/plain",
        'application/ld+json; profile="http://www.w3.org/ns/json-ld#expanded"',
        "application/json;q=0",
    ],
)
def test_an_unacceptable_media_type_is_406(client, alice, accept):
    highlight = make_highlight(alice)
    client.force_login(alice)
    for url in (LIST, detail(highlight)):
        response = client.get(url, HTTP_ACCEPT=accept)
        assert response.status_code == 406
        assert "Accept" in response["Vary"]


def test_an_etag_answers_304_until_something_changes(client, alice):
    highlight = make_highlight(alice)
    client.force_login(alice)
    first = client.get(detail(highlight), **ACCEPT_LD)
    etag = first["ETag"]
    again = client.get(detail(highlight), HTTP_IF_NONE_MATCH=etag, **ACCEPT_LD)
    assert again.status_code == 304
    as_json = client.get(detail(highlight), HTTP_ACCEPT="application/json")
    assert as_json["ETag"] != etag  # another representation, another tag
    highlight.edit(version=highlight.version, note="改了")
    changed = client.get(detail(highlight), HTTP_IF_NONE_MATCH=etag, **ACCEPT_LD)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "no-store" in changed["Cache-Control"]


def test_the_collection_is_paged(client, alice):
    document = make_document("标题\n" + "".join(f"第{n}句。" for n in range(API_PAGE_SIZE + 5)))
    text = document.current_revision.text
    Highlight.objects.bulk_create(
        Highlight(
            user=alice,
            document=document,
            revision=document.current_revision,
            start=(start := text.index(f"第{n}句")),
            end=start + len(f"第{n}句"),
            exact=f"第{n}句",
        )
        for n in range(API_PAGE_SIZE + 5)
    )
    client.force_login(alice)
    collection = ld(client.get(LIST, {"document": document.pk}, **ACCEPT_LD))
    assert collection["id"] == f"http://testserver/api/annotations/?document={document.pk}"
    assert collection["total"] == API_PAGE_SIZE + 5
    assert len(collection["first"]["items"]) == API_PAGE_SIZE
    second = f"http://testserver/api/annotations/?document={document.pk}&page=2"
    assert collection["first"]["next"] == collection["last"] == second
    page = ld(client.get(LIST, {"document": document.pk, "page": 2}, **ACCEPT_LD))
    assert (page["type"], page["id"], page["startIndex"]) == ("AnnotationPage", second, 100)
    assert page["partOf"]["id"] == collection["id"] and page["partOf"]["total"] == 105
    assert page["prev"].endswith("page=1") and "next" not in page
    assert quotes(page) == [f"第{n}句" for n in range(API_PAGE_SIZE, API_PAGE_SIZE + 5)]
    assert client.get(LIST, {"page": 3}, **ACCEPT_LD).status_code == 404
    assert client.get(LIST, {"page": "x"}, **ACCEPT_LD).status_code == 400


def test_filters_by_document_group_and_own(client, alice, bob, carol):
    first, second = make_document(ARTICLE), make_document(ARTICLE)
    group = make_group(bob, alice)
    make_highlight(alice, first, quote="人工智能的安全问题")
    make_highlight(alice, second, quote="欧盟的人工智能法案")
    share(make_highlight(bob, first, quote="旧金山"), Sharing.GROUP, group)
    share(make_highlight(carol, second, quote="美国国会"), Sharing.LIBRARY)
    client.force_login(alice)

    def found(**query):
        return sorted(quotes(ld(client.get(LIST, query, **ACCEPT_LD))))

    assert found(document=first.pk) == ["人工智能的安全问题", "旧金山"]
    assert found(group=group.pk) == ["旧金山"]
    assert found(user="me") == ["人工智能的安全问题", "欧盟的人工智能法案"]
    assert found(user="me", document=second.pk) == ["欧盟的人工智能法案"]
    assert client.get(LIST, {"user": "bob"}, **ACCEPT_LD).status_code == 400
    assert client.get(LIST, {"document": 999999}, **ACCEPT_LD).status_code == 404


def test_another_groups_filter_and_anothers_private_annotation_are_404(client, alice, bob):
    group = make_group(bob)
    share(make_highlight(bob, quote="人工智能的安全问题"), Sharing.GROUP, group)
    private = make_highlight(bob, note="bob 的秘密")
    client.force_login(alice)
    response = client.get(LIST, {"group": group.pk}, **ACCEPT_LD)
    assert response.status_code == 404
    response = client.get(detail(private), **ACCEPT_LD)
    assert response.status_code == 404
    assert "bob 的秘密" not in response.content.decode()


def test_a_revoked_share_is_gone_from_the_next_response(client, alice, bob):
    shared = share(make_highlight(bob, note="分享的"), Sharing.LIBRARY)
    client.force_login(alice)
    assert client.get(detail(shared), **ACCEPT_LD).status_code == 200
    share(shared, Sharing.PRIVATE)
    assert client.get(detail(shared), **ACCEPT_LD).status_code == 404
    assert ld(client.get(LIST, **ACCEPT_LD))["total"] == 0


def test_the_query_count_does_not_grow_with_the_number_of_highlights(client, alice):
    document = make_document(ARTICLE)
    make_highlight(alice, document, tags=["safety"])
    client.force_login(alice)
    one = count_queries(lambda: client.get(LIST, **ACCEPT_LD))
    for quote in ("奥特曼", "人工智能的安全", "全球合作", "旧金山", "扼杀创新"):
        make_highlight(alice, document, quote=quote, tags=[quote], note=quote)
    assert count_queries(lambda: client.get(LIST, **ACCEPT_LD)) == one


def test_anonymous_clients_get_401(client, alice):
    highlight = make_highlight(alice)
    assert client.get(LIST, **ACCEPT_LD).status_code == 401
    assert client.get(detail(highlight), **ACCEPT_LD).status_code == 401


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writing_is_405(client, alice, method):
    highlight = make_highlight(alice)
    client.force_login(alice)
    for url in (LIST, detail(highlight)):
        response = getattr(client, method)(url, "{}", content_type="application/json")
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"
