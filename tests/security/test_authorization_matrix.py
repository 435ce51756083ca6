"""An authorization matrix generated from the URLconf.

Every URL pattern (included ones too, the admin's among them) must have a row in ROUTES
or be one of the admin's standard views (ADMIN_MODEL_VIEWS, generated from the models
registered with the admin): `test_every_url_pattern_has_a_row` fails when a new URL
appears without one, so the matrix stays complete. Each row says who may use the view
(PUBLIC, READER: logged in, STAFF: the admin) and how to build its URL for alice's
objects; PRIVATE rows name alice's private object. Then, for every row:

1. every unsafe method (POST, PUT, PATCH, DELETE) from a logged-in client without a
   CSRF token is refused by the CSRF check (403), and no view is csrf_exempt;
2. every method a PRIVATE view answers, sent by bob with a valid token, answers 404 for
   alice's private highlight, her reply to it and her group (also for a highlight she
   shared with a group bob is not in), and changes nothing;
3. an anonymous visitor is sent to log in (or gets 401 from the JSON API) for every
   view but the public ones; a reader who is not staff is sent to the admin's login.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from annotations.models import Highlight, Reply
from tests.annotations.factories import make_group, make_highlight, make_user, share
from tests.factories import make_document

PUBLIC, READER, STAFF = "public", "reader", "staff"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
METHODS = ("GET", *UNSAFE)


@dataclass
class World:
    """Alice's objects (and what the URLs need besides)."""

    alice: object
    bob: object
    carol: object
    document: object
    highlight: Highlight  # alice's, private (or shared with her group: see the fixture)
    reply: Reply  # alice's, to that highlight
    group: object  # alice's group, with carol in it; bob is in none of hers


@dataclass(frozen=True)
class Row:
    access: str
    kwargs: Callable[[World], dict] = field(default=lambda w: {})
    private: bool = False  # the URL names alice's private object: bob gets 404
    path: Callable[[World], str] | None = None  # for patterns without a name
    login: str | None = None  # where visitors are sent instead of the usual login page

    def url(self, name: str, world: World) -> str:
        if self.path is not None:
            return self.path(world)
        return reverse(name, kwargs=self.kwargs(world))


def highlight(w: World) -> dict:
    return {"pk": w.highlight.pk}


def group(w: World) -> dict:
    return {"pk": w.group.pk}


# How to build each URL for alice's objects, and who may use it.
ROUTES: dict[str, Row] = {
    # library
    "library:document-list": Row(PUBLIC),
    "library:document-detail": Row(PUBLIC, lambda w: {"pk": w.document.pk}),
    "library:source-raw": Row(STAFF, lambda w: {"pk": w.document.current_revision.source_id}),
    # accounts
    "signup": Row(PUBLIC),
    "login": Row(PUBLIC),
    "logout": Row(PUBLIC),
    "password_change": Row(READER),
    "password_change_done": Row(READER),
    "password_reset": Row(PUBLIC),
    "password_reset_done": Row(PUBLIC),
    "password_reset_confirm": Row(PUBLIC, lambda w: {"uidb64": "MQ", "token": "set-password"}),
    "password_reset_complete": Row(PUBLIC),
    # highlights, replies, progress, preferences
    "annotations:highlight-list": Row(READER),
    "annotations:highlight-detail": Row(READER, highlight, private=True),
    "annotations:reply-list": Row(READER, highlight, private=True),
    "annotations:reply-detail": Row(READER, lambda w: {"pk": w.reply.pk}, private=True),
    "annotations:reply-create": Row(READER, highlight, private=True),
    "annotations:highlight-sharing": Row(READER, highlight, private=True),
    "annotations:progress": Row(READER, lambda w: {"document_pk": w.document.pk}),
    "annotations:preferences": Row(PUBLIC),
    "annotations:my-highlights": Row(READER),
    # reading groups
    "annotations:group-list": Row(READER),
    "annotations:group-detail": Row(READER, group, private=True),
    "annotations:group-add-member": Row(READER, group, private=True),
    "annotations:group-remove-member": Row(
        READER, lambda w: {"pk": w.group.pk, "user_pk": w.carol.pk}, private=True
    ),
    "annotations:group-leave": Row(READER, group, private=True),
    "annotations:group-delete": Row(READER, group, private=True),
    # search, themes, entities, suggestions, note links
    "annotations:search": Row(READER),
    "annotations:theme-list": Row(READER),
    "annotations:theme-detail": Row(READER, lambda w: {"name": "safety"}),
    "annotations:entity-list": Row(READER),
    "annotations:entity-detail": Row(READER, lambda w: {"slug": "openai"}),
    "annotations:suggestion-accept": Row(READER, lambda w: {"document_pk": w.document.pk, "pk": 1}),
    "annotations:suggestion-dismiss": Row(
        READER, lambda w: {"document_pk": w.document.pk, "pk": 1}
    ),
    "annotations:link-targets": Row(READER),
    "annotations:follow-link": Row(READER),
    # export and interoperability
    "annotations:export-document": Row(READER, lambda w: {"pk": w.document.pk, "fmt": "markdown"}),
    "annotations:export-mine": Row(READER, lambda w: {"fmt": "csv"}),
    "annotations:export-group": Row(
        READER, lambda w: {"pk": w.group.pk, "fmt": "markdown"}, private=True
    ),
    "annotations:annotation-list": Row(READER),
    "annotations:annotation-detail": Row(READER, highlight, private=True),
    "annotations:annotation-import": Row(READER),
    # the admin site's own views and the custom admin views
    "admin:index": Row(STAFF),
    "admin:login": Row(PUBLIC),
    "admin:logout": Row(STAFF, login="/admin/"),  # Django sends them to the index first
    "admin:password_change": Row(STAFF),
    "admin:password_change_done": Row(STAFF),
    "admin:autocomplete": Row(STAFF),
    "admin:jsi18n": Row(STAFF),
    "admin:view_on_site": Row(
        STAFF,
        lambda w: {
            "content_type_id": ContentType.objects.get_for_model(Highlight).pk,
            "object_id": w.highlight.pk,
        },
    ),
    "admin:app_list": Row(STAFF, lambda w: {"app_label": "annotations"}),
    "admin/(?P<url>.*)$": Row(STAFF, path=lambda w: "/admin/no-such-page/"),
    "admin:library_document_reclean": Row(STAFF, lambda w: {"pk": w.document.pk}),
    "admin:library_importbatch_progress": Row(STAFF, lambda w: {"pk": 1}),
    "admin:library_importbatch_report": Row(STAFF, lambda w: {"pk": 1}),
    "admin:library_importbatch_retry": Row(STAFF, lambda w: {"pk": 1}),
    "admin:library_importbatch_resume": Row(STAFF, lambda w: {"pk": 1}),
    "admin:taggit_tag_merge_tags": Row(STAFF),
    "admin:auth_user_password_change": Row(STAFF, lambda w: {"id": w.alice.pk}),
}


def admin_model_views() -> dict[str, Row]:
    """The standard views of every model registered with the admin."""
    rows = {}
    for model in admin.site._registry:
        app, name = model._meta.app_label, model._meta.model_name
        prefix = f"admin:{app}_{name}"
        rows[f"{prefix}_changelist"] = Row(STAFF)
        rows[f"{prefix}_add"] = Row(STAFF)
        for view in ("change", "delete", "history"):
            rows[f"{prefix}_{view}"] = Row(STAFF, lambda w: {"object_id": "1"})
        # The unnamed redirect from /admin/<app>/<model>/<id>/ to its change page.
        rows[f"admin/{app}/{name}/<path:object_id>/"] = Row(
            STAFF, path=lambda w, app=app, name=name: f"/admin/{app}/{name}/1/"
        )
    return rows


ADMIN_MODEL_VIEWS = admin_model_views()
MATRIX = {**ADMIN_MODEL_VIEWS, **ROUTES}


def url_patterns():
    """(key, pattern) for every URL pattern: its namespaced name, else its route."""

    def walk(patterns, prefix: str, namespace: str):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                yield (f"{namespace}{entry.name}" if entry.name else route), entry

    return list(walk(get_resolver().url_patterns, "", ""))


PATTERNS = url_patterns()
KEYS = [key for key, _ in PATTERNS]
COVERED = [key for key in KEYS if key in MATRIX]  # the others fail the test just below
PRIVATE = [key for key in COVERED if MATRIX[key].private]


def test_every_url_pattern_has_a_row():
    missing = [key for key in KEYS if key not in MATRIX]
    assert not missing, f"add these URL patterns to ROUTES: {missing}"
    stale = [key for key in ROUTES if key not in KEYS]
    assert not stale, f"ROUTES names patterns that no longer exist: {stale}"


def test_no_view_is_exempt_from_csrf():
    exempt = [key for key, pattern in PATTERNS if getattr(pattern.callback, "csrf_exempt", False)]
    assert exempt == []


@pytest.fixture
def world(db) -> World:
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    document = make_document("标题\n第一段，监管应当跟上技术的发展。\n第二段。")
    highlight = make_highlight(alice, document, quote="监管应当跟上技术的发展", note="alice 的秘密")
    reply = highlight.replies.create(user=alice, body="alice 自己的回复")
    group = make_group(alice, carol, name="alice 的小组")
    return World(alice, bob, carol, document, highlight, reply, group)


def csrf_token(client: Client) -> str:
    client.get("/accounts/login/")
    return client.cookies["csrftoken"].value


def allowed_methods(client: Client, url: str) -> list[str]:
    """The methods a view answers, from the Allow header of its 405 (views that do not
    restrict methods, like the admin's, answer GET and POST)."""
    response = client.generic("TRACE", url)
    if response.status_code == 405 and response.has_header("Allow"):
        allowed = {method.strip() for method in response["Allow"].split(",")}
        return [method for method in METHODS if method in allowed]
    return ["GET", "POST"]


def is_csrf_refusal(response) -> bool:
    return response.status_code == 403 and b"CSRF verification failed" in response.content


@pytest.mark.parametrize("key", COVERED)
def test_unsafe_methods_without_a_csrf_token_are_refused(world, key):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice)
    url = MATRIX[key].url(key, world)
    for method in UNSAFE:
        response = client.generic(method, url, "{}", content_type="application/json")
        assert is_csrf_refusal(response), (method, url, response.status_code)
        form = client.generic(method, url, "a=1", content_type="application/x-www-form-urlencoded")
        assert is_csrf_refusal(form), (method, url, form.status_code)


@pytest.fixture(params=["private", "shared with a group bob is not in"])
def shared_or_not(request, world) -> World:
    if request.param != "private":
        share(world.highlight, "group", group=world.group)
        world.highlight.refresh_from_db()
    return world


def snapshot(world: World) -> tuple:
    world.highlight.refresh_from_db()
    return (
        world.highlight.note,
        world.highlight.version,
        world.highlight.sharing,
        Reply.objects.filter(pk=world.reply.pk).values_list("body", flat=True).first(),
        sorted(world.group.members.values_list("username", flat=True)),
        Reply.objects.count(),
    )


@pytest.mark.parametrize("key", PRIVATE)
def test_another_readers_private_object_answers_404(shared_or_not, key):
    world = shared_or_not
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.bob)
    token = csrf_token(client)
    url = MATRIX[key].url(key, world)
    before = snapshot(world)
    methods = allowed_methods(client, url)
    bodies = {"body": "bob 的回复", "note": "bob 改了", "username": "bob", "sharing": "library"}
    for method in methods:
        if method == "GET":
            response = client.get(url)
        else:
            form = client.generic(
                method,
                url,
                "&".join(f"{name}={value}" for name, value in bodies.items()).encode(),
                content_type="application/x-www-form-urlencoded",
                HTTP_X_CSRFTOKEN=token,
            )
            assert form.status_code == 404, (method, url, form.status_code)
            response = client.generic(
                method, url, "{}", content_type="application/json", HTTP_X_CSRFTOKEN=token
            )
        assert response.status_code == 404, (method, url, response.status_code)
        assert b"alice" not in response.content
    assert snapshot(world) == before


def login_redirect(response, login: str) -> bool:
    if response.status_code != 302:
        return False
    return response["Location"] == login or response["Location"].startswith(f"{login}?next=")


def first_method(client: Client, url: str) -> str:
    methods = allowed_methods(client, url)
    return "GET" if "GET" in methods else methods[0]


NOT_PUBLIC = [key for key in COVERED if MATRIX[key].access != PUBLIC]


@pytest.mark.parametrize("key", NOT_PUBLIC)
def test_anonymous_visitors_are_sent_to_log_in(world, key):
    client = Client()
    url = MATRIX[key].url(key, world)
    method = first_method(client, url)
    response = client.generic(method, url)
    row = MATRIX[key]
    if row.access == STAFF:
        login = row.login or "/admin/login/"
        assert login_redirect(response, login), (method, url, response.status_code)
    elif url.startswith("/api/"):
        # The JSON API answers 401; a login redirect is fine too.
        assert response.status_code == 401 or login_redirect(response, "/accounts/login/"), (
            method,
            url,
            response.status_code,
        )
        assert b"alice" not in response.content
    else:
        assert login_redirect(response, "/accounts/login/"), (method, url, response.status_code)


STAFF_ONLY = [key for key in COVERED if MATRIX[key].access == STAFF]


@pytest.mark.parametrize("key", STAFF_ONLY)
def test_readers_who_are_not_staff_are_sent_to_the_admin_login(world, key):
    client = Client()
    client.force_login(world.alice)
    url = MATRIX[key].url(key, world)
    login = MATRIX[key].login or "/admin/login/"
    for method in allowed_methods(client, url):
        response = client.generic(method, url)
        assert login_redirect(response, login), (method, url, response.status_code)


PUBLIC_ROUTES = [key for key in COVERED if MATRIX[key].access == PUBLIC]


@pytest.mark.parametrize("key", PUBLIC_ROUTES)
def test_public_views_answer_anonymous_visitors_without_private_data(world, key):
    client = Client()
    url = MATRIX[key].url(key, world)
    method = first_method(client, url)
    response = client.generic(method, url)
    assert response.status_code < 500
    assert not login_redirect(response, "/accounts/login/")
    assert "alice 的秘密" not in response.content.decode(errors="replace")


def test_the_matrix_covers_the_admin_of_every_registered_model():
    names = {re.sub(r"_(changelist|add|change|delete|history)$", "", k) for k in ADMIN_MODEL_VIEWS}
    assert "admin:annotations_highlight" in names
    assert "admin:library_document" in names
