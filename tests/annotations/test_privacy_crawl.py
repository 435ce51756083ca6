"""Privacy end to end: what alice keeps private never reaches anyone else.

alice writes a private highlight whose note, tag and reply each carry a unique marker.
bob (a reader of the same library), carol (in a group of her own), an anonymous
visitor and a staff member who is not a superuser each crawl everything they can
reach — "/", every URL of the URLconf with its parameters filled in with alice's ids
and the marker, every same-site link and GET form on the pages they get, every
redirect — GET only, bounded. The marker must appear in no
response. The same after alice shares with a group and revokes it, and after bob is
removed from the group; and, so that the test can fail, the crawl does find the marker
while a share stands.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections import Counter, deque
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import AnonymousUser, Permission
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from annotations.models import Sharing
from tests.factories import make_document

from .factories import ARTICLE, make_group, make_highlight, make_user, share

MAX_PAGES = 1500
VARIANTS_PER_PATH = 6
SKIP = ("/static/", "/media/", "/accounts/logout/", "/accounts/reset/")
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def url_templates() -> list[str]:
    """Every route of the URLconf as a template like `groups/<int:pk>/`."""
    found = []

    def walk(patterns, prefix):
        for entry in patterns:
            route = str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + route)
            elif isinstance(entry, URLPattern):
                found.append(prefix + route)

    walk(get_resolver().url_patterns, "")
    # Regex routes (the admin's) are reached by following links instead.
    return ["/" + route for route in found if not any(c in route for c in "^$()?\\[")]


def filled(template: str, ints: list[int], strings: list[str]) -> list[str]:
    """`template` with its parameters filled in every way from the candidates."""
    names = CONVERTER.findall(template)
    if not names:
        return [template]
    choices = [ints if kind == "int" else strings for kind, _ in names]
    urls = []
    for values in itertools.islice(itertools.product(*choices), 60):
        parts = CONVERTER.split(template)  # text, kind, name, text, kind, name, …, text
        texts = parts[::3]
        urls.append("".join(t + str(v) for t, v in zip(texts, values, strict=False)) + texts[-1])
    return urls


def links(response, base: str) -> list[str]:
    """Same-site URLs a page leads to: links, GET forms (filled with the marker), and
    the redirect target."""
    urls = []
    if location := response.get("Location"):
        urls.append(urljoin(base, location))
    if "html" not in response.get("Content-Type", ""):
        return urls
    soup = BeautifulSoup(response.content, "html.parser")
    for anchor in soup.find_all("a", href=True):
        urls.append(urljoin(base, anchor["href"]))
    for form in soup.find_all("form"):
        if form.get("method", "get").lower() != "get":
            continue
        names = [field["name"] for field in form.find_all(["input", "select"]) if field.get("name")]
        urls.append(
            urljoin(base, form.get("action") or base) + "?" + urlencode(dict.fromkeys(names, ""))
        )
    return urls


def crawl(user, seeds: list[str], marker: str) -> tuple[dict[str, str], int]:
    """GET everything reachable from `seeds` as `user`; the URLs whose response (body or
    headers) holds one of alice's secrets (the marker with -note, -tag or -reply), with
    the text around it, and how many pages were fetched. A secret the URL itself carries
    (a probe like ?tag=<the tag>) is not counted where the page merely echoes it; the
    other two still are."""
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    queue, seen, leaks, variants = deque(seeds), set(), {}, Counter()
    while queue:
        assert len(seen) < MAX_PAGES, "the crawl did not end: raise MAX_PAGES"
        url = queue.popleft()
        parts = urlsplit(url)
        if parts.netloc not in ("", "testserver") or parts.path.startswith(SKIP):
            continue
        if parts.path.startswith("/admin/") and parts.path != "/admin/" and not user.is_staff:
            continue  # every admin page sends a non-staff visitor to the admin's login
        # The admin carries its list filters along to every page: the same page again.
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        query = urlencode(sorted(p for p in pairs if p[0] != "_changelist_filters"))
        key = parts.path + ("?" + query if query else "")
        # Filters and pages multiply: a few variants of each path are enough.
        if key in seen or (query and variants[parts.path] >= VARIANTS_PER_PATH):
            continue
        seen.add(key)
        variants[parts.path] += 1
        response = client.get(key, HTTP_ACCEPT="text/html,application/json,*/*")
        content = b"".join(response) if response.streaming else response.content
        text = content.decode("utf-8", "replace") + str(response.headers)
        asked = unquote(key)
        for secret in (f"{marker}-note", f"{marker}-tag", f"{marker}-reply"):
            if secret in text and secret not in asked:
                at = text.index(secret)
                leaks[f"{key} ({secret[-5:]})"] = text[max(0, at - 80) : at + 80]
        queue.extend(links(response, "http://testserver" + key))
    return leaks, len(seen)


@pytest.fixture
def world(db, alice, bob, carol):
    marker = "pzmarker" + uuid.uuid4().hex[:12]
    document = make_document(ARTICLE)
    make_document("另一篇文章\n关于规模化的讨论。")
    highlight = make_highlight(
        alice, document, note=f"私人笔记 {marker}-note", tags=[f"{marker}-tag"]
    )
    reply = highlight.replies.create(user=alice, body=f"紧挨着引文的回复 {marker}-reply")
    group = make_group(alice, bob, name="alice 与 bob")
    make_group(carol, make_user("dave"), name="carol 的小组")
    # bob and carol have their own highlights, so their pages list something.
    make_highlight(bob, document, quote="奥特曼表示")
    make_highlight(carol, document, quote="欧盟的人工智能法案")
    ints = sorted({document.pk, highlight.pk, reply.pk, group.pk, alice.pk})
    strings = [f"{marker}-tag", "markdown", "csv", "jsonld"]
    seeds = ["/"]
    for template in url_templates():
        if template.startswith(SKIP):
            continue
        if template.startswith("/admin/"):
            # The admin's object URLs take ids; a missing one's message would echo a string.
            seeds += filled(template, ints, [str(pk) for pk in ints])
            continue
        seeds += filled(template, ints, strings)
        if "<" not in template:  # a list: search it for the marker and filter by the tag
            seeds += [f"{template}?q={marker}", f"{template}?tag={marker}-tag"]
            seeds += [f"{template}?document={document.pk}&shared=1"]
    return {
        "marker": marker,
        "highlight": highlight,
        "group": group,
        "seeds": seeds,
    }


def assert_clean(user, world):
    leaks, pages = crawl(user, world["seeds"], world["marker"])
    assert pages > 50, f"the crawl reached only {pages} pages"
    assert leaks == {}, f"{user} saw alice's private marker at {sorted(leaks)}: {leaks}"


def staff_member(name: str):
    """A staff member who is not a superuser, allowed to view everything in the admin."""
    user = make_user(name)
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    return user


@pytest.mark.parametrize("who", ["bob", "carol", "anonymous", "staff"])
def test_a_private_highlight_reaches_nobody_else(world, bob, carol, who):
    users = {"bob": bob, "carol": carol, "anonymous": AnonymousUser()}
    user = users[who] if who in users else staff_member("erin")
    assert_clean(user, world)


def test_a_revoked_group_share_vanishes_at_once(world, bob, carol):
    highlight = share(world["highlight"], Sharing.GROUP, world["group"].pk)
    leaks, _ = crawl(bob, world["seeds"], world["marker"])
    # The crawl finds the share while it stands: it can fail.
    assert any(key.endswith("-note)") for key in leaks), leaks
    assert any(key.endswith("reply)") for key in leaks), leaks
    assert any(key.endswith("-tag)") for key in leaks), leaks
    assert_clean(carol, world)
    share(highlight, Sharing.PRIVATE)
    assert_clean(bob, world)


def test_a_removed_member_loses_the_groups_shares_at_once(world, bob):
    share(world["highlight"], Sharing.GROUP, world["group"].pk)
    world["group"].remove(bob)
    assert_clean(bob, world)


def test_a_revoked_library_share_vanishes_for_everyone(world, bob, carol):
    highlight = share(world["highlight"], Sharing.LIBRARY)
    leaks, _ = crawl(carol, world["seeds"], world["marker"])
    assert leaks, "the crawl should find a highlight shared with the whole library"
    assert_clean(AnonymousUser(), world)
    share(highlight, Sharing.PRIVATE)
    assert_clean(carol, world)
