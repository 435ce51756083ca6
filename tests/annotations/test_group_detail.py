"""GET /groups/<id>/: members and the highlights shared with the group."""

from bs4 import BeautifulSoup

from annotations.models import Sharing

from .factories import make_group, make_highlight, share


def url(group) -> str:
    return f"/groups/{group.pk}/"


def test_members_see_the_groups_shared_highlights_with_authors(client, alice, bob):
    group = make_group(alice, bob, name="读书会")
    shared = share(make_highlight(alice, note="组内笔记"), Sharing.GROUP, group.pk)
    make_highlight(alice, quote="欧盟的人工智能法案", note="私人笔记")
    share(make_highlight(alice, quote="奥特曼表示"), Sharing.LIBRARY)
    client.force_login(bob)
    response = client.get(url(group))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    (card,) = soup.select(".highlight-card")
    assert card["id"] == f"highlight-{shared.pk}"
    assert card.select_one(".author").get_text() == "alice"
    assert "组内笔记" in card.get_text()
    assert "私人笔记" not in response.content.decode()
    members = [li.select_one(".author").get_text() for li in soup.select(".member-list li")]
    assert members == ["alice", "bob"]


def test_only_the_owner_gets_the_member_controls(client, alice, bob):
    group = make_group(alice, bob)
    client.force_login(bob)
    soup = BeautifulSoup(client.get(url(group)).content, "html.parser")
    assert not soup.select('form[action$="/members/"]')
    assert soup.select_one(f'form[action="/groups/{group.pk}/leave/"]')
    client.force_login(alice)
    soup = BeautifulSoup(client.get(url(group)).content, "html.parser")
    assert soup.select_one(f'form[action="/groups/{group.pk}/members/"]')
    assert soup.select_one(f'form[action="/groups/{group.pk}/members/{bob.pk}/remove/"]')


def test_a_non_member_gets_404(client, alice, carol):
    group = make_group(alice, name="内部小组")
    client.force_login(carol)
    response = client.get(url(group))
    assert response.status_code == 404
    assert "内部小组" not in response.content.decode()


def test_anonymous_readers_are_sent_to_log_in(client, alice):
    group = make_group(alice)
    response = client.get(url(group))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_post_is_405(client, alice):
    group = make_group(alice)
    client.force_login(alice)
    assert client.post(url(group)).status_code == 405


def test_the_query_count_does_not_grow_with_highlights(
    client, alice, bob, django_assert_num_queries
):
    group = make_group(alice, bob)
    share(make_highlight(alice), Sharing.GROUP, group.pk)
    client.force_login(bob)
    # session, user, group, highlights, their tags, count, preferences, memberships
    with django_assert_num_queries(8):
        client.get(url(group))
    for quote in ["奥特曼表示", "欧盟的人工智能法案", "美国国会"]:
        share(make_highlight(alice, quote=quote, tags=["safety"]), Sharing.GROUP, group.pk)
    with django_assert_num_queries(8):
        client.get(url(group))
