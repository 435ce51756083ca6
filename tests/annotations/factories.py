"""Plain factory functions for highlights (see tests/factories.py)."""

from django.contrib.auth import get_user_model

from annotations.models import Highlight, ReadingGroup
from library.cleaning import clean_text
from tests.factories import make_document, make_source

ARTICLE = (
    "奥特曼谈人工智能安全\n"
    "OpenAI 的首席执行官奥特曼表示，人工智能的安全问题需要全球合作。\n"
    "他在旧金山的一次活动上说，监管应当跟上技术的发展，而不是扼杀创新。\n"
    "欧盟的人工智能法案已经生效，美国国会仍在讨论相关立法。"
)


def make_highlight(user, document=None, quote: str = "监管应当跟上技术的发展", **fields):
    """A highlight of the first occurrence of `quote` in the document's current text."""
    document = document or make_document(ARTICLE)
    start = document.current_revision.text.index(quote)
    return Highlight.objects.create_on(
        document, user=user, start=start, end=start + len(quote), exact=quote, **fields
    )


def revise(document, text: str):
    """Give `document` a new current revision made from `text`."""
    revision = document.add_revision(clean_text(text), source=make_source())
    document.refresh_from_db()
    return revision


def make_group(owner, *members, name: str = "读书会"):
    """A reading group owned by `owner`, with `members` added."""
    group = ReadingGroup.objects.start(owner=owner, name=name)
    for member in members:
        group.add(member)
    return group


def share(highlight, sharing: str, group=None):
    """Share `highlight` as its owner would through the API, and return it fresh."""
    highlight.edit(version=highlight.version, sharing=sharing, group=group)
    return highlight


def make_user(username: str):
    return get_user_model().objects.create_user(username, password=f"{username}-password")
