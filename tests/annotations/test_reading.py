"""annotations/reading.py::layer: what the reading page's script gets of highlights
shared with the reader (author, read-only, replies) and of the reader's groups."""

import json

from bs4 import BeautifulSoup

from annotations.models import Sharing, State
from tests.factories import make_document

from .factories import ARTICLE, make_group, make_highlight, share


def config(client, document) -> dict:
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return json.loads(soup.select_one("#pz-reader-config").string)


def test_others_shared_highlights_come_with_author_and_replies(client, alice, bob):
    document = make_document(ARTICLE)
    group = make_group(alice, bob, name="读书会")
    shared = share(make_highlight(alice, document, note="组内"), Sharing.GROUP, group.pk)
    reply = shared.replies.create(user=bob, body="*同意*")
    own = make_highlight(bob, document, quote="奥特曼表示")
    make_highlight(alice, document, quote="欧盟的人工智能法案", note="私人")
    client.force_login(bob)
    data = config(client, document)
    rows = {row["id"]: row for row in data["highlights"]}
    assert set(rows) == {shared.pk, own.pk}
    assert (rows[shared.pk]["author"], rows[shared.pk]["mine"]) == ("alice", False)
    assert (rows[own.pk]["mine"], rows[own.pk]["replies"]) == (True, [])
    (thread,) = rows[shared.pk]["replies"]
    assert (thread["id"], thread["mine"], thread["body_html"]) == (
        reply.pk,
        True,
        "<p><em>同意</em></p>",
    )
    assert data["groups"] == [{"id": group.pk, "name": "读书会"}]
    assert data["api"]["replies"] == "/api/highlights/{id}/replies/"
    assert "私人" not in json.dumps(data, ensure_ascii=False)


def test_others_orphans_stay_with_their_owner(client, alice, bob):
    document = make_document(ARTICLE)
    orphan = share(make_highlight(alice, document), Sharing.LIBRARY)
    orphan.__class__.objects.filter(pk=orphan.pk).update(state=State.ORPHANED)
    client.force_login(bob)
    assert config(client, document)["highlights"] == []
    client.force_login(alice)
    assert [row["id"] for row in config(client, document)["highlights"]] == [orphan.pk]


def test_a_revoked_share_leaves_the_page_at_once(client, alice, bob):
    document = make_document(ARTICLE)
    highlight = share(make_highlight(alice, document, note="曾分享"), Sharing.LIBRARY)
    client.force_login(bob)
    assert len(config(client, document)["highlights"]) == 1
    share(highlight, Sharing.PRIVATE)
    response = client.get(document.get_absolute_url())
    assert "曾分享" not in response.content.decode()


def test_anonymous_readers_get_no_highlights(client, alice):
    document = make_document(ARTICLE)
    share(make_highlight(alice, document, note="全馆笔记"), Sharing.LIBRARY)
    data = config(client, document)
    assert (data["highlights"], data["groups"]) == ([], [])
