"""The HTML cleaner on small hand-written pages: structure, links, junk, limits."""

import pytest

from library.cleaning import Rejected, clean

ARTICLE = """
<p>OpenAI的董事会在周五突然宣布解除奥特曼的职务，这一决定震惊了整个硅谷。</p>
<p>多位知情人士表示，分歧的核心在于安全与商业化的优先次序。</p>
<p>但问题是，谁来监管？</p>
"""


def page(body: str, head: str = "<title>董事会风波_示例网</title>") -> bytes:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>".encode()


def cleaned(body: str, **options):
    return clean(page(body), filename="page.html", **options)


def blocks(result) -> list[tuple[str, str]]:
    return [(b["kind"], result.text[b["start"] : b["end"]]) for b in result.blocks]


def test_it_keeps_the_article_and_drops_navigation_and_footer():
    result = cleaned(
        '<nav><a href="/">首页</a><a href="/tech">科技</a></nav>'
        f'<div class="content"><h1>董事会风波</h1>{ARTICLE}</div>'
        "<footer>Copyright © 2024 示例网</footer>"
    )
    assert result.text.split("\n\n") == [
        "董事会风波",
        "OpenAI的董事会在周五突然宣布解除奥特曼的职务，这一决定震惊了整个硅谷。",
        "多位知情人士表示，分歧的核心在于安全与商业化的优先次序。",
        "但问题是，谁来监管？",
    ]
    rules = {removal.rule for removal in result.removed}
    assert {"page-chrome", "script-style"} & rules or "page-chrome" in rules


def test_scripts_styles_and_hidden_elements_never_reach_the_text():
    result = cleaned(
        "<style>.ad{display:none}</style><script>var x='脚本里的字';</script>"
        f'<div class="article">{ARTICLE}<p hidden>隐藏的字</p>'
        '<p style="display: none">也隐藏了</p><p class="ad">广告位招租</p>'
        '<p aria-hidden="true">读屏也看不见</p></div>'
    )
    for secret in ("脚本里的字", "隐藏的字", "也隐藏了", "广告位招租", "读屏也看不见"):
        assert secret not in result.text
    hidden = [r.text for r in result.removed if r.rule == "hidden"]
    assert "隐藏的字" in hidden and "广告位招租" in hidden


def test_headings_lists_quotes_and_code_keep_their_kind():
    result = cleaned(
        "<article><h2>小标题</h2><ul><li>第一点，算力。</li><li>第二点，数据。</li></ul>"
        "<blockquote><p>我们需要的算力是以千亿美元计算的。</p></blockquote>"
        f"{ARTICLE}<pre>def f():\n    return 1</pre></article>"
    )
    kinds = blocks(result)
    assert ("heading", "小标题") in kinds
    assert ("list_item", "第一点，算力。") in kinds
    assert ("quote", "我们需要的算力是以千亿美元计算的。") in kinds
    assert ("preformatted", "def f():\n    return 1") in kinds


def test_only_http_links_are_kept_resolved_against_the_page_url():
    head = '<link rel="canonical" href="https://news.example.com/a/1.html">'
    result = clean(
        page(
            '<div class="article"><p>据<a href="/b/2.html">此前报道</a>，'
            '<a href="javascript:alert(1)">点这里</a>的说法并不可信，这是一段正文。</p>'
            f"{ARTICLE}</div>",
            head,
        ),
        filename="a.html",
    )
    links = [link for block in result.blocks for link in block["links"]]
    assert [(result.text[s:e], href) for s, e, href in links] == [
        ("此前报道", "https://news.example.com/b/2.html")
    ]
    assert "点这里" in result.text  # the text stays; only the link goes


def test_a_link_list_inside_the_article_is_dropped_as_link_dense():
    related = "".join(f'<li><a href="/n/{i}">相关新闻标题第{i}条</a></li>' for i in range(5))
    result = cleaned(f'<div class="article">{ARTICLE}<ul>{related}</ul></div>')
    assert "相关新闻标题" not in result.text
    assert any(r.rule == "link-dense" for r in result.removed)


def test_comments_and_share_containers_inside_the_article_are_dropped():
    result = cleaned(
        f'<div class="article">{ARTICLE}'
        '<div class="comment-list"><p>网友甲：说得太对了，支持一下，希望越来越好。</p></div>'
        '<div class="share-bar"><span>分享到</span><span>微博</span></div></div>'
    )
    assert "网友甲" not in result.text
    assert "微博" not in result.text


def test_layout_tables_are_walked_and_data_tables_become_rows():
    result = cleaned(
        '<table><tr><td class="side"><a href="/">首页</a></td><td>'
        f'<div class="article">{ARTICLE}'
        "<table><tr><th>模型</th><th>参数</th></tr><tr><td>GPT-4</td><td>未公开</td></tr>"
        "</table></div></td></tr></table>"
    )
    assert "模型 参数" in result.text.split("\n\n")
    assert "GPT-4 未公开" in result.text.split("\n\n")


def test_br_separated_text_becomes_paragraphs_and_fullwidth_indent_goes():
    result = cleaned(
        '<div class="article">\u3000\u3000第一段文字，讲的是算力的问题。<br><br>'
        "\u3000\u3000第二段文字，讲的是安全的问题。<br>第三段，说的是监管。</div>"
    )
    assert result.text.split("\n\n") == [
        "第一段文字，讲的是算力的问题。",
        "第二段文字，讲的是安全的问题。",
        "第三段，说的是监管。",
    ]


def test_the_headline_leads_even_when_it_sits_outside_the_article_container():
    result = cleaned(
        f'<div class="header"><h1>董事会风波一周年</h1></div><div class="post-body">{ARTICLE}</div>'
    )
    assert result.text.startswith("董事会风波一周年\n\n")
    assert result.title == "董事会风波一周年"


def test_html_metadata_comes_from_the_head():
    head = (
        '<title>董事会风波_科技频道_示例网</title><meta property="og:site_name" content="示例网">'
        '<meta property="article:published_time" content="2024-11-17T14:32:00+08:00">'
        '<meta name="author" content="王小明">'
    )
    result = clean(page(f'<div class="article">{ARTICLE}</div>', head), filename="a.html")
    assert result.metadata.source_site == "示例网"
    assert result.metadata.author == "王小明"
    assert result.metadata.published.isoformat() == "2024-11-17T14:32:00+08:00"
    assert result.title == "董事会风波"


def test_a_dateline_above_the_article_becomes_metadata_not_text():
    result = cleaned(
        '<div class="article"><h1>标题</h1><div>2024年12月7日 08:30 来源：新浪科技</div>'
        f"{ARTICLE}</div>"
    )
    assert "2024年12月7日" not in result.text
    assert result.metadata.published.isoformat() == "2024-12-07T08:30:00"
    assert "新浪科技" in result.metadata.source_site


def test_pinyin_artifacts_are_repaired_in_html_too():
    broken = "<p>OpenAI爆發(fā)了一場內(nèi)部斗爭，震驚業界。</p>"
    result = cleaned(f'<div class="article">{broken}{ARTICLE}</div>')
    assert "OpenAI爆發了一場內部斗爭，震驚業界。" in result.text


def test_deep_nesting_is_flattened_not_lost_or_crashing():
    deep = "<div>" * 5000 + "深处的正文，也要保留下来。" + "</div>" * 5000
    result = cleaned(f'<div class="article">{ARTICLE}{deep}</div>')
    assert "深处的正文，也要保留下来。" in result.text


def test_a_page_of_nothing_but_navigation_is_rejected_with_a_reason():
    with pytest.raises(Rejected, match="no article text"):
        cleaned('<nav><a href="/">首页</a></nav><footer>版权所有</footer>')


def test_gbk_bytes_declared_as_utf8_are_still_read_right():
    html = (
        '<html><head><meta charset="utf-8"><title>标题</title></head><body>'
        f'<div class="article">{ARTICLE}</div></body></html>'
    )
    result = clean(html.encode("gb18030"), filename="a.html")
    assert result.encoding == "gb18030"
    assert "谁来监管" in result.text


def test_utf16_with_a_bom_is_html_too():
    html = f'<html><body><div class="article">{ARTICLE}</div></body></html>'
    result = clean(html.encode("utf-16"), filename="page")
    assert "谁来监管" in result.text


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_html_too(codec):
    html = f'<html><body><div class="article">{ARTICLE}</div></body></html>'
    result = clean(html.encode(codec), filename="page.html")
    assert "谁来监管" in result.text
    assert result.encoding == codec


def test_nul_bytes_in_html_are_dropped_and_audited_as_control_characters():
    article = ARTICLE.replace("监管", "监\x00\x00管", 1)
    html = f'<html><body><div class="article">{article}</div></body></html>'
    result = clean(html.encode(), filename="a.html")
    assert "谁来监管" in result.text
    assert "\ufffd" not in result.text and "\x00" not in result.text
    [nul] = [r for r in result.removed if r.rule == "control-characters"]
    assert (nul.text, nul.start) == ("\x00\x00", html.index("\x00"))


def test_removal_offsets_point_into_the_page_text_in_order():
    result = cleaned(
        f'<nav>首页 科技</nav><div class="article">{ARTICLE}</div><footer>关于我们</footer>'
    )
    starts = [r.start for r in result.removed if r.start >= 0]
    assert starts == sorted(starts)


def test_an_oversized_page_is_rejected_before_parsing():
    with pytest.raises(Rejected, match="larger than"):
        clean(page(ARTICLE * 10), filename="a.html", max_bytes=100)


def test_a_page_over_the_time_limit_is_rejected_not_crashing():
    with pytest.raises(Rejected, match="longer than"):
        clean(page(ARTICLE), filename="a.html", time_limit=0)


def test_binary_bytes_named_html_are_rejected_as_binary():
    with pytest.raises(Rejected, match="binary"):
        clean(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, filename="photo.html")


def test_a_rule_can_be_switched_off():
    body = f'<div class="article">{ARTICLE}<p>相关推荐</p></div>'
    assert "相关推荐" not in cleaned(body).text
    assert "相关推荐" in cleaned(body, disabled=frozenset({"related-list"})).text
    with pytest.raises(ValueError, match="unknown rules"):
        cleaned(body, disabled=frozenset({"no-such-rule"}))
