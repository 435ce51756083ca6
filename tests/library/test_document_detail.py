import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from library.cleaning import Block, Link
from library.models import Document
from tests.factories import make_document, make_document_from_blocks

BLOCK_SELECTOR = "#article-body [data-start]"


def url(document) -> str:
    return reverse("library:document-detail", args=[document.pk])


def page(client, document) -> BeautifulSoup:
    response = client.get(url(document))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_it_shows_title_source_date_and_every_block(client, db):
    document = make_document("标题\n第一段，奥特曼说。\n第二段。", source_site="华尔街见闻")
    soup = page(client, document)
    assert soup.h1.get_text() == "标题"
    assert "华尔街见闻" in soup.select_one(".article-head .meta").get_text()
    assert [el.get_text() for el in soup.select(BLOCK_SELECTOR)] == [
        "标题",
        "第一段，奥特曼说。",
        "第二段。",
    ]


def test_each_block_carries_its_code_point_offsets(client, db):
    text = "😀 emoji first\n𠀀 and 𨋢 are astral\n普通的一段"
    document = make_document(text)
    canonical = document.current_revision.text
    elements = page(client, document).select(BLOCK_SELECTOR)
    assert len(elements) == 3
    for element in elements:
        start, end = int(element["data-start"]), int(element["data-end"])
        assert canonical[start:end] == element.get_text()
    assert elements[2]["data-start"] == str(canonical.index("普通"))


def test_markup_in_the_text_is_shown_as_text(client, db):
    # Built from blocks: the cleaner would (rightly) drop leaked markup from plain text.
    document = make_document_from_blocks(
        [
            Block("paragraph", '<a href="javascript:alert(1)">点我</a>'),
            Block("paragraph", "<script>alert(1)</script>"),
        ]
    )
    response = client.get(url(document))
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    soup = BeautifulSoup(body, "html.parser")
    assert soup.select("#article-body a") == []
    assert soup.select(BLOCK_SELECTOR)[0].get_text() == '<a href="javascript:alert(1)">点我</a>'


def test_only_http_links_keep_their_href(client, db):
    blocks = [
        Block("paragraph", "见 OpenAI 官网", links=(Link(2, 8, "https://openai.com/"),)),
        Block("paragraph", "坏链接", links=(Link(0, 3, "javascript:alert(1)"),)),
    ]
    document = make_document_from_blocks(blocks)
    soup = page(client, document)
    links = soup.select("#article-body a")
    assert [(a.get_text(), a["href"]) for a in links] == [("OpenAI", "https://openai.com/")]
    assert "nofollow" in links[0]["rel"]
    assert soup.select(BLOCK_SELECTOR)[1].get_text() == "坏链接"


def test_block_kinds_become_their_elements(client, db):
    blocks = [
        Block("heading", "小标题", attrs={"level": 2}),
        Block("list_item", "一"),
        Block("list_item", "二"),
        Block("quote", "引用"),
        Block("preformatted", "code\n  indented"),
    ]
    document = make_document_from_blocks(blocks)
    soup = page(client, document)
    assert [el.name for el in soup.select(BLOCK_SELECTOR)] == [
        "h2",
        "li",
        "li",
        "blockquote",
        "pre",
    ]
    assert len(soup.select("#article-body ul > li")) == 2
    assert soup.select_one("#article-body pre").get_text() == "code\n  indented"


def test_traditional_documents_declare_zh_hant(client, db):
    document = make_document("這是繁體中文的文章。\n奧特曼說。")
    soup = page(client, document)
    assert soup.html["lang"] == "zh-Hant"


def test_the_query_count_does_not_grow_with_the_text(client, db, django_assert_num_queries):
    short = make_document("短")
    long = make_document("\n".join(f"第{i}段。" for i in range(2000)))
    # document + revision; the library's themes; related, same article, mentions, themes
    with django_assert_num_queries(6):
        client.get(url(short))
    with django_assert_num_queries(6):
        client.get(url(long))


def test_a_missing_document_is_404(client, db):
    assert client.get(reverse("library:document-detail", args=[999999])).status_code == 404


def test_post_is_405(client, db):
    document = make_document()
    assert client.post(url(document)).status_code == 405


@pytest.mark.parametrize("origin", ["javascript:alert(1)", "seeds/a.txt"])
def test_only_web_origins_are_linked(client, db, origin):
    soup = page(client, make_document(origin=origin))
    assert soup.find("a", string="Original page") is None


def test_the_broken_markup_of_seed_002_is_cleaned_away_and_no_link_is_made(client, db):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_seeds", stdout=StringIO())
    document = Document.objects.get(origin="seeds/002_3f6f694ff846cec8.txt")
    soup = page(client, document)
    text = soup.select_one("#article-body").get_text()
    assert "<a href=" not in text
    assert "冰雅憶史" not in text
    assert not soup.select("#article-body a")


# --- the reader's script, contents and the annotation layer ------------------------


def reader_config(soup) -> dict:
    import json

    return json.loads(soup.select_one("#pz-reader-config").string)


def test_it_shows_the_article_in_the_readers_script_with_the_same_offsets(client, alice):
    from annotations.models import ReadingPreferences

    document = make_document("人工智能的发展\n开发者说，发展很快。")
    plain = [
        (el["data-start"], el["data-end"]) for el in page(client, document).select(BLOCK_SELECTOR)
    ]
    ReadingPreferences.objects.create(user=alice, script="hant")
    client.force_login(alice)
    soup = page(client, document)
    blocks = soup.select(BLOCK_SELECTOR)
    assert [el.get_text() for el in blocks] == ["人工智能的發展", "開發者說，發展很快。"]
    assert [(el["data-start"], el["data-end"]) for el in blocks] == plain
    assert [el["data-original"] for el in blocks] == ["人工智能的发展", "开发者说，发展很快。"]
    assert soup.html["lang"] == "zh-Hant"
    assert soup.h1.get_text() == "人工智能的發展"


def test_blocks_shown_as_written_carry_no_second_copy(client, db):
    soup = page(client, make_document("人工智能的发展\n开发者说。"))
    assert all(not el.has_attr("data-original") for el in soup.select(BLOCK_SELECTOR))


def test_anonymous_readers_script_comes_from_their_cookie(client, db):
    document = make_document("人工智能的发展\n开发者说。")
    client.cookies["pizhu_reading"] = "script=hant-tw&theme=dark&text_size=130"
    soup = page(client, document)
    assert soup.select(BLOCK_SELECTOR)[0].get_text() == "人工智能的發展"
    assert (soup.html["data-theme"], soup.html["data-text-size"]) == ("dark", "130")
    assert soup.html["lang"] == "zh-Hant-TW"


def test_long_articles_have_contents_linking_their_headings(client, db):
    body = "很长的段落。" * 300
    blocks = [
        Block("heading", "第一部分", attrs={"level": 2}),
        Block("paragraph", body),
        Block("heading", "第二部分", attrs={"level": 2}),
        Block("paragraph", body),
    ]
    soup = page(client, make_document_from_blocks(blocks))
    links = soup.select("#contents a")
    assert [a.get_text() for a in links] == ["第一部分", "第二部分"]
    for link in links:
        assert soup.select_one(link["href"]).name == "h2"
    assert page(client, make_document("标题\n短文。")).select_one("#contents") is None


def test_the_readers_own_highlights_reach_the_page_as_json(client, alice, bob):
    from tests.annotations.factories import make_highlight

    document = make_document("标题\n第一段有关安全。\n第二段有关规模。")
    mine = make_highlight(alice, document, quote="有关安全", note="**要点**", tags=["safety"])
    make_highlight(bob, document, quote="有关规模", note="bob 的秘密")
    client.force_login(alice)
    response = client.get(url(document))
    assert "bob 的秘密" not in response.content.decode()
    config = reader_config(BeautifulSoup(response.content, "html.parser"))
    assert [h["id"] for h in config["highlights"]] == [mine.pk]
    highlight = config["highlights"][0]
    assert (highlight["start"], highlight["end"], highlight["exact"]) == (
        mine.start,
        mine.end,
        "有关安全",
    )
    assert highlight["note_html"] == "<p><strong>要点</strong></p>"
    assert highlight["tags"] == ["safety"]
    assert config["tags"] == ["safety"]
    assert config["loggedIn"] is True


def test_a_note_cannot_break_out_of_the_page_data(client, alice):
    from tests.annotations.factories import make_highlight

    document = make_document("标题\n第一段有关安全。")
    make_highlight(alice, document, quote="有关安全", note="</script><script>alert(1)</script>")
    client.force_login(alice)
    body = client.get(url(document)).content.decode()
    assert "<script>alert(1)</script>" not in body
    config = reader_config(BeautifulSoup(body, "html.parser"))
    assert config["highlights"][0]["note"] == "</script><script>alert(1)</script>"


def test_anonymous_readers_get_no_highlights_and_a_login_link(client, alice):
    from tests.annotations.factories import make_highlight

    document = make_document("标题\n第一段有关安全。")
    make_highlight(alice, document, quote="有关安全", note="私密")
    soup = page(client, document)
    assert reader_config(soup)["highlights"] == []
    assert "私密" not in str(soup)
    assert soup.select_one("#margin a")["href"].startswith("/accounts/login/?next=")


def test_without_reading_layers_the_page_is_the_bare_article(client, alice, settings):
    settings.PIZHU_READING_LAYERS = []
    client.force_login(alice)
    soup = page(client, make_document())
    assert soup.select_one("#margin") is None
    assert soup.select_one("#pz-reader-config") is None
    assert len(soup.select(BLOCK_SELECTOR)) == 3


def test_a_readers_query_count_does_not_grow_with_highlights(
    client, alice, django_assert_num_queries
):
    from annotations.models import ReadingPreferences, ReadingProgress
    from tests.annotations.factories import make_highlight

    document = make_document("标题\n" + "\n".join(f"第{i}段有关安全。" for i in range(40)))
    ReadingPreferences.objects.create(user=alice, script="hant")
    ReadingProgress.objects.record(alice, document, offset=10, fraction=0.1)
    make_highlight(alice, document, quote="第1段", tags=["safety"])
    client.force_login(alice)
    # session, user, document + revision, preferences, highlights, their tags, their
    # replies, the reader's groups, the reader's tag names, progress, the library's
    # themes; related, same article, mentions, themes (library/connections.py);
    # suggested passages, backlinks
    with django_assert_num_queries(17):
        client.get(url(document))
    for i in range(2, 32):
        make_highlight(alice, document, quote=f"第{i}段", note=f"笔记{i}", tags=["safety", f"t{i}"])
    with django_assert_num_queries(17):
        response = client.get(url(document))
    assert len(reader_config(BeautifulSoup(response.content, "html.parser"))["highlights"]) == 31


def test_a_headline_block_is_the_one_title_and_stays_highlightable(client, db):
    blocks = [Block("heading", "奥特曼回来了", attrs={"level": 1}), Block("paragraph", "正文。")]
    soup = page(client, make_document_from_blocks(blocks, title="奥特曼回来了"))
    headlines = soup.find_all("h1")
    assert [h.get_text() for h in headlines] == ["奥特曼回来了"]
    assert headlines[0].get("data-start") == "0"
    assert "headline" in headlines[0]["class"]
