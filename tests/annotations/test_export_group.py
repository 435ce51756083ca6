"""GET /groups/<pk>/export/<format>/: the highlights shared with a reading group."""

import io
import json
import zipfile

from annotations.models import Sharing
from tests.factories import make_document

from .factories import ARTICLE, make_group, make_highlight, share
from .interop import items_of


def url(group, fmt: str) -> str:
    return f"/groups/{group.pk}/export/{fmt}/"


def quotes(response) -> list[str]:
    assert response.status_code == 200
    return [
        item["target"]["selector"][0]["exact"] for item in items_of(json.loads(response.content))
    ]


def test_members_get_what_was_shared_with_the_group_and_nothing_else(client, alice, bob, carol):
    document = make_document(ARTICLE)
    group = make_group(alice, bob)
    other_group = make_group(carol, bob, name="别的小组")
    share(make_highlight(alice, document, quote="人工智能的安全问题"), Sharing.GROUP, group)
    share(make_highlight(bob, document, quote="欧盟的人工智能法案"), Sharing.GROUP, group)
    share(make_highlight(carol, document, quote="美国国会"), Sharing.GROUP, other_group)
    share(make_highlight(carol, document, quote="旧金山"), Sharing.LIBRARY)
    make_highlight(alice, document, quote="监管应当跟上技术的发展")  # private
    client.force_login(bob)
    assert quotes(client.get(url(group, "jsonld"))) == ["人工智能的安全问题", "欧盟的人工智能法案"]


def test_markdown_names_each_highlights_author(client, alice, bob):
    group = make_group(alice, bob, name="周五读书会")
    share(make_highlight(alice, note="alice 写的"), Sharing.GROUP, group)
    client.force_login(bob)
    response = client.get(url(group, "markdown"))
    assert "filename*=UTF-8''%E5%91%A8%E4%BA%94" in response["Content-Disposition"]
    [name] = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    note = zipfile.ZipFile(io.BytesIO(response.content)).read(name).decode()
    assert "— alice" in note and "alice 写的" in note


def test_a_highlight_made_private_or_a_member_who_left_is_gone_at_once(client, alice, bob):
    group = make_group(alice, bob)
    first = share(make_highlight(alice, quote="人工智能的安全问题"), Sharing.GROUP, group)
    share(make_highlight(bob, quote="欧盟的人工智能法案"), Sharing.GROUP, group)
    client.force_login(alice)
    assert len(quotes(client.get(url(group, "jsonld")))) == 2
    share(first, Sharing.PRIVATE)
    group.remove(bob)
    assert quotes(client.get(url(group, "jsonld"))) == []
    assert "no-store" in client.get(url(group, "jsonld"))["Cache-Control"]


def test_someone_outside_the_group_gets_404(client, alice, bob, carol):
    group = make_group(alice, bob)
    share(make_highlight(alice, note="小组秘密"), Sharing.GROUP, group)
    client.force_login(carol)
    for fmt in ("markdown", "csv", "jsonld"):
        assert client.get(url(group, fmt)).status_code == 404
    assert client.get("/groups/999999/export/csv/").status_code == 404


def test_anonymous_readers_are_sent_to_log_in_and_post_is_405(client, alice):
    group = make_group(alice)
    response = client.get(url(group, "csv"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(alice)
    assert client.post(url(group, "csv")).status_code == 405


def test_the_group_page_links_to_the_exports(client, alice):
    group = make_group(alice)
    client.force_login(alice)
    body = client.get(f"/groups/{group.pk}/").content.decode()
    for fmt in ("markdown", "csv", "jsonld"):
        assert f'href="{url(group, fmt)}"' in body
