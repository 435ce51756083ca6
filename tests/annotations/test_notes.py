"""Notes are Markdown rendered to a small sanitised subset of HTML."""

import pytest
from bs4 import BeautifulSoup

from annotations.notes import ATTRIBUTES, TAGS, render_note

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "![x](https://evil.example/track.png)",
    '<svg onload="alert(1)"><circle/></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<div style="position:fixed;inset:0">overlay</div>',
    "<iframe src=https://evil.example></iframe>",
    "</script><script>alert(1)</script>",
    '<a href="https://ok.example" onclick="alert(1)">ok</a>',
    "<!-- <script>alert(1)</script> -->",
    '[x](https://ok.example "title" onmouseover=alert(1))',
    "<<script>script>alert(1)<</script>/script>",
    "``` \n<script>alert(1)</script>\n```",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_nothing_executable_survives(payload):
    html = str(render_note(payload))
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(True):
        assert element.name in TAGS, element.name
        for attribute, value in element.attrs.items():
            assert attribute in ATTRIBUTES.get(element.name, set()) | {"rel"}, attribute
            if attribute == "href":
                assert value.startswith(("http://", "https://", "mailto:", "/")), value
    assert "<script" not in html.lower()
    assert "javascript:" not in html.lower()


def test_markdown_becomes_html():
    html = str(render_note("**重要**，见 [论文](https://arxiv.org/abs/1)\n\n- 一\n- 二\n\n`代码`"))
    soup = BeautifulSoup(html, "html.parser")
    assert soup.strong.get_text() == "重要"
    assert soup.a["href"] == "https://arxiv.org/abs/1"
    assert set(soup.a["rel"]) == {"nofollow", "noopener", "noreferrer"}
    assert [li.get_text() for li in soup.select("ul li")] == ["一", "二"]
    assert soup.code.get_text() == "代码"


def test_line_breaks_are_kept_and_text_is_escaped():
    html = str(render_note("第一行\n第二行 a < b & c"))
    assert "<br" in html
    assert "a &lt; b &amp; c" in html


def test_an_empty_note_renders_nothing():
    assert render_note("") == ""
    assert render_note("  \n ") == ""
