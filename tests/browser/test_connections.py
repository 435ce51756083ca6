"""What only a browser shows of the cross-links: mention underlines at the right
offsets, and the [[title]] autocomplete in the note editor."""

from annotations.models import Highlight
from tests.library.indexed import load_entities, make_indexed

from .conftest import log_in
from .helpers import open_reader, select

MENTIONED = """
() => [...(CSS.highlights.get('pz-mention') ?? [])].map((range) => range.toString())
"""


def test_mentions_are_underlined_on_request_and_the_choice_is_remembered(live_server, page, alice):
    load_entities()
    document = make_indexed("宫斗\n伊利亞與😀奧特曼不和,Sam Altman 離開。")
    log_in(page, live_server, alice)
    open_reader(page, live_server.url + document.get_absolute_url())
    assert page.evaluate(MENTIONED) == []
    page.click(".reader-tools [data-action=toggle-mentions]")
    assert page.evaluate(MENTIONED) == ["伊利亞", "奧特曼", "Sam Altman"]
    open_reader(page, live_server.url + document.get_absolute_url())
    assert page.evaluate(MENTIONED) == ["伊利亞", "奧特曼", "Sam Altman"]
    assert (
        page.get_attribute(".reader-tools [data-action=toggle-mentions]", "aria-pressed") == "true"
    )


def test_typing_two_brackets_in_a_note_offers_titles(live_server, page, alice):
    make_indexed("OpenAI再陷宮斗\n正文。")
    document = make_indexed("来源\n值得记下的一句话。")
    log_in(page, live_server, alice)
    open_reader(page, live_server.url + document.get_absolute_url())
    select(page, "值得记下的一句话")
    page.keyboard.press("n")
    page.wait_for_selector("form.hl-editor textarea:focus")
    page.keyboard.type("见 [[宫斗")
    page.wait_for_selector(".link-suggest li")
    assert page.inner_text(".link-suggest li") == "OpenAI再陷宮斗"
    page.keyboard.press("Enter")
    assert page.input_value("form.hl-editor textarea") == "见 [[OpenAI再陷宮斗]]"
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("form.hl-editor", state="detached")
    highlight = Highlight.objects.get(user=alice)
    assert highlight.note == "见 [[OpenAI再陷宮斗]]"
    assert page.locator("#margin .hl-note a").inner_text() == "OpenAI再陷宮斗"
