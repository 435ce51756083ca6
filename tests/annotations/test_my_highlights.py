"""GET /highlights/: the reader's highlights across documents, filtered and paginated."""

from bs4 import BeautifulSoup

from annotations.models import ReadingPreferences
from annotations.views import MY_HIGHLIGHTS_PAGE_SIZE
from tests.factories import make_document

from .factories import ARTICLE, make_highlight, revise

URL = "/highlights/"


def cards(response) -> list[str]:
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [card.blockquote.get_text() for card in soup.select(".highlight-card")]


def test_it_lists_the_readers_highlights_with_notes_tags_and_links(client, alice):
    document = make_document(ARTICLE)
    highlight = make_highlight(alice, document, note="**要点**", tags=["safety", "OpenAI"])
    client.force_login(alice)
    response = client.get(URL)
    assert cards(response) == ["监管应当跟上技术的发展"]
    soup = BeautifulSoup(response.content, "html.parser")
    card = soup.select_one(".highlight-card")
    assert card.select_one(".hl-note strong").get_text() == "要点"
    assert sorted(a.get_text() for a in card.select(".tag")) == ["OpenAI", "safety"]
    assert card.find("a", href=highlight.get_absolute_url())
    assert soup.select_one(".doc-group a")["href"] == document.get_absolute_url()


def test_anonymous_readers_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"


def test_another_readers_highlights_never_show(client, alice, bob):
    document = make_document(ARTICLE)
    make_highlight(alice, document, note="alice 的秘密", tags=["私人标签"])
    client.force_login(bob)
    response = client.get(URL)
    body = response.content.decode()
    assert cards(response) == []
    assert "alice 的秘密" not in body and "私人标签" not in body
    assert "监管应当" not in body
    assert client.get(URL, {"tag": "私人标签"}).status_code == 200
    assert cards(client.get(URL, {"document": document.pk})) == []


def test_an_unknown_document_is_404(client, alice):
    client.force_login(alice)
    assert client.get(URL, {"document": 999999}).status_code == 404


def test_post_is_405(client, alice):
    client.force_login(alice)
    assert client.post(URL).status_code == 405


def test_it_filters_by_theme_tag_document_and_words(client, alice):
    first = make_document(ARTICLE)
    second = make_document(ARTICLE.replace("奥特曼", "阿尔特曼"))
    make_highlight(alice, first, quote="人工智能的安全问题", tags=["Safety"])
    make_highlight(alice, first, quote="欧盟的人工智能法案", tags=["governance"], note="立法进度")
    make_highlight(alice, second, quote="监管应当跟上技术的发展", tags=["governance"])
    client.force_login(alice)
    assert cards(client.get(URL, {"tag": "safety"})) == ["人工智能的安全问题"]
    assert sorted(cards(client.get(URL, {"tag": "governance"}))) == [
        "欧盟的人工智能法案",
        "监管应当跟上技术的发展",
    ]
    in_first = cards(client.get(URL, {"document": first.pk}))
    assert in_first == ["人工智能的安全问题", "欧盟的人工智能法案"]  # in document order
    assert cards(client.get(URL, {"tag": "governance", "document": second.pk})) == [
        "监管应当跟上技术的发展"
    ]
    assert cards(client.get(URL, {"q": "立法"})) == ["欧盟的人工智能法案"]
    assert cards(client.get(URL, {"tag": "nothing"})) == []
    assert client.get(URL, {"document": "abc"}).status_code == 200  # ignored, not an error


def test_quotes_show_in_the_readers_script(client, alice):
    make_highlight(alice, make_document(ARTICLE))
    ReadingPreferences.objects.create(user=alice, script="hant")
    client.force_login(alice)
    assert cards(client.get(URL)) == ["監管應當跟上技術的發展"]


def test_orphans_are_listed_as_could_not_be_placed(client, alice):
    document = make_document(ARTICLE)
    make_highlight(alice, document, note="留着")
    revise(document, "完全不同的文章\n没有那句话了。")
    document.after_revision()
    client.force_login(alice)
    response = client.get(URL)
    assert cards(response) == ["监管应当跟上技术的发展"]
    assert "Could not be placed" in response.content.decode()


def test_it_paginates(client, alice):
    document = make_document("标题\n" + "\n".join(f"第{i:03}段。" for i in range(60)))
    for i in range(MY_HIGHLIGHTS_PAGE_SIZE + 3):
        make_highlight(alice, document, quote=f"第{i:03}段")
    client.force_login(alice)
    assert len(cards(client.get(URL))) == MY_HIGHLIGHTS_PAGE_SIZE
    second = client.get(URL, {"page": 2, "document": document.pk})
    assert cards(second) == ["第050段", "第051段", "第052段"]
    assert f"document={document.pk}" in second.content.decode()


def test_notes_are_rendered_safely(client, alice):
    make_highlight(alice, note="<img src=x onerror=alert(1)> [x](javascript:alert(1))")
    client.force_login(alice)
    body = client.get(URL).content.decode()
    assert "onerror" not in body and "javascript:" not in body


def test_the_query_count_does_not_grow_with_highlights(client, alice, django_assert_num_queries):
    document = make_document(ARTICLE)
    make_highlight(alice, document, tags=["safety"])
    client.force_login(alice)
    # session, user, count, page, tags of the page, replies of the page, preferences, tag
    # facet, document facet, the library's themes, the reader's groups (sharing control)
    with django_assert_num_queries(11):
        client.get(URL)
    for i in range(30):
        other = make_document(f"文章{i}\n第{i}段有关安全。")
        make_highlight(alice, other, quote=f"第{i}段", tags=["safety", f"t{i}"], note="笔记")
    with django_assert_num_queries(11):
        assert len(cards(client.get(URL))) == 31


# --- sharing: "Shared with me", the sharing control and replies -----------------------


def test_my_highlights_leaves_out_what_others_shared(client, alice, bob):
    from annotations.models import Sharing

    from .factories import share

    share(make_highlight(alice, note="全馆可见"), Sharing.LIBRARY)
    make_highlight(bob, quote="奥特曼表示")
    client.force_login(bob)
    response = client.get(URL)
    assert cards(response) == ["奥特曼表示"]
    assert "全馆可见" not in response.content.decode()


def test_shared_with_me_lists_others_shares_with_author_and_replies(client, alice, bob, carol):
    from annotations.models import Sharing

    from .factories import make_group, share

    group = make_group(alice, bob, name="读书会")
    shared = share(make_highlight(alice, note="组内笔记"), Sharing.GROUP, group.pk)
    shared.replies.create(user=bob, body="我的回复")
    make_highlight(carol, quote="奥特曼表示", note="carol 私人")
    make_highlight(bob, quote="欧盟的人工智能法案")
    client.force_login(bob)
    response = client.get(URL, {"shared": "1"})
    assert cards(response) == ["监管应当跟上技术的发展"]
    soup = BeautifulSoup(response.content, "html.parser")
    card = soup.select_one(".highlight-card")
    assert card.select_one(".byline .author").get_text() == "alice"
    assert "读书会" in card.select_one(".byline").get_text()
    assert card.select_one(".reply .hl-note").get_text() == "我的回复"
    assert card.select_one(f'form[action="/highlights/{shared.pk}/replies/"]')
    assert not card.select('form[action$="/sharing/"]')
    assert "carol 私人" not in response.content.decode()


def test_own_cards_carry_the_sharing_control(client, alice):
    from .factories import make_group

    group = make_group(alice, name="读书会")
    highlight = make_highlight(alice)
    client.force_login(alice)
    soup = BeautifulSoup(client.get(URL).content, "html.parser")
    form = soup.select_one(f'form[action="/highlights/{highlight.pk}/sharing/"]')
    values = [option["value"] for option in form.select("option")]
    assert values == ["private", f"group:{group.pk}", "library"]
