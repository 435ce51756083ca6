"""Links in notes ([[title]], pasted URLs), their rendering and the backlinks they give."""

from bs4 import BeautifulSoup
from django.urls import reverse

from annotations.links import NoteLink, find_links
from annotations.notes import FOLLOW_URL, render_note
from tests.library.indexed import make_indexed

from .factories import make_highlight


def test_find_links_reads_titles_and_pizhu_urls(settings):
    settings.ALLOWED_HOSTS = ["pizhu.example"]
    note = (
        "见 [[OpenAI再陷宮斗]] 与 https://pizhu.example/documents/12/#highlight-34,"
        "还有 /documents/7/ 和 https://evil.example/documents/9/"
    )
    links = find_links(note)
    assert [(link.title, link.document, link.highlight) for link in links] == [
        ("OpenAI再陷宮斗", None, None),
        ("", 12, 34),
        ("", 7, None),
    ]


def test_title_links_render_as_links_to_the_title(db):
    html = render_note("见 [[OpenAI再陷宮斗]],`[[代码]]`")
    soup = BeautifulSoup(str(html), "html.parser")
    assert soup.a.get_text() == "OpenAI再陷宮斗"
    assert soup.a["href"].startswith(FOLLOW_URL + "?title=")
    assert soup.code.get_text() == "[[代码]]"
    assert reverse("annotations:follow-link") == FOLLOW_URL


def test_a_title_in_the_other_script_resolves_and_the_target_shows_the_backlink(client, alice, db):
    target = make_indexed("OpenAI再陷宮斗\n正文。")
    source = make_indexed("别的文章\n这里有一句话值得记下。")
    make_highlight(alice, source, quote="这里有一句话", note="和 [[OpenAI再陷宫斗]] 一起读")
    [link] = NoteLink.objects.all()
    assert link.document_id == target.pk
    client.force_login(alice)
    soup = BeautifulSoup(client.get(target.get_absolute_url()).content, "html.parser")
    backlinks = soup.select_one("#backlinks")
    assert "别的文章" in backlinks.get_text()
    assert "这里有一句话" in backlinks.select_one(".quote").get_text()
    assert "一起读" in backlinks.get_text()


def test_a_title_imported_later_still_gets_its_backlink(alice, db):
    source = make_indexed("先写的\n一句话。")
    make_highlight(alice, source, quote="一句话", note="[[后来的文章]]")
    later = make_indexed("后来的文章\n正文。")
    assert [link.source.note for link in NoteLink.objects.to_document(later, alice)] == [
        "[[后来的文章]]"
    ]


def test_a_pasted_url_links_a_highlight(client, alice, db):
    target = make_indexed("目标\n被链接的那一句。")
    linked = make_highlight(alice, target, quote="被链接的那一句")
    source = make_indexed("来源\n另一句话。")
    make_highlight(alice, source, quote="另一句话", note=f"见 {linked.get_absolute_url()}")
    [link] = NoteLink.objects.all()
    assert (link.document_id, link.target_id) == (target.pk, linked.pk)
    client.force_login(alice)
    soup = BeautifulSoup(client.get(target.get_absolute_url()).content, "html.parser")
    assert "被链接的那一句" in soup.select_one("#backlinks").get_text()


def test_a_private_note_never_shows_as_a_backlink_to_anyone_else(client, alice, bob, db):
    target = make_indexed("目标\n正文。")
    source = make_indexed("来源\n另一句话。")
    make_highlight(bob, source, quote="另一句话", note="bob 的秘密 [[目标]]")
    for reader in (alice, None):
        if reader:
            client.force_login(reader)
        else:
            client.logout()
        page = client.get(target.get_absolute_url()).content.decode()
        assert "bob 的秘密" not in page
        assert 'id="backlinks"' not in page
        if reader:
            assert list(NoteLink.objects.to_document(target, reader)) == []
    client.force_login(bob)
    assert "bob 的秘密" in client.get(target.get_absolute_url()).content.decode()


def test_a_link_to_someone_elses_highlight_does_not_show_its_quote(client, alice, bob, db):
    target = make_indexed("目标\n只有爱丽丝能看的一句。")
    hers = make_highlight(alice, target, quote="只有爱丽丝能看的一句")
    source = make_indexed("来源\n另一句话。")
    make_highlight(
        bob, source, quote="另一句话", note=f"猜的 /documents/{target.pk}/#highlight-{hers.pk}"
    )
    client.force_login(bob)
    backlinks = BeautifulSoup(
        client.get(target.get_absolute_url()).content, "html.parser"
    ).select_one("#backlinks")
    assert "只有爱丽丝能看的一句" not in backlinks.get_text()


def test_editing_the_note_replaces_its_links(alice, db):
    target = make_indexed("目标\n正文。")
    source = make_indexed("来源\n另一句话。")
    highlight = make_highlight(alice, source, quote="另一句话", note="[[目标]]")
    highlight.edit(version=highlight.version, note="不再链接")
    assert not NoteLink.objects.exists()
    assert target.pk
