"""What annotations add to the reading page, and where a reader's preferences live.

`layer` is named in settings.PIZHU_READING_LAYERS: library's reading page calls it
without importing this app.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.http import QueryDict
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from taggit.models import Tag

from library.models import Document, Revision

from .forms import PreferencesForm
from .models import (
    Highlight,
    ReadingGroup,
    ReadingPreferences,
    ReadingProgress,
    State,
    theme_tags,
)

COOKIE = "pizhu_reading"
COOKIE_MAX_AGE = 365 * 24 * 3600


def preferences_for(request) -> ReadingPreferences:
    """The reader's preferences: stored for an account, from a cookie for anyone else.

    Read once per request.
    """
    preferences = getattr(request, "_pizhu_preferences", None)
    if preferences is None:
        if request.user.is_authenticated:
            preferences = ReadingPreferences.objects.for_user(request.user)
        else:
            preferences = from_cookie(request.COOKIES.get(COOKIE, ""))
        request._pizhu_preferences = preferences
    return preferences


def from_cookie(value: str) -> ReadingPreferences:
    """Preferences from the cookie; a missing or tampered value keeps its default."""
    preferences = ReadingPreferences()
    stored = QueryDict(value)
    for name, field in PreferencesForm.base_fields.items():
        if name in stored:
            try:
                setattr(preferences, name, field.clean(stored[name]))
            except Exception:  # noqa: S112 - a bad cookie value is ignored, not an error
                continue
    return preferences


def remember(response, preferences: ReadingPreferences) -> None:
    """Keep the preferences in a cookie too, for this browser when logged out."""
    value = QueryDict(mutable=True)
    value.update({name: str(value) for name, value in preferences.to_dict().items()})
    response.set_cookie(
        COOKIE,
        value.urlencode(),
        max_age=COOKIE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def page_data(value, element_id: str) -> SafeString:
    """`value` as a JSON <script> for the page's JavaScript, like Django's json_script,
    but with non-ASCII text kept as it is (a thousand Chinese quotes escaped as \\uXXXX
    would triple the page) and escaped with three replaces instead of a per-character
    translate. `<`, `>` and `&` never appear raw, so nothing can close the element."""
    text = json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003C"), (">", "\\u003E")):
        text = text.replace(char, escaped)
    element = '<script id="{}" type="application/json">{}</script>'
    return format_html(element, element_id, mark_safe(text))  # noqa: S308 - escaped above


def layer(request, document: Document, revision: Revision | None) -> dict:
    """The reading page's annotation layer: preferences, highlights, progress.

    The reader's highlights and progress reach the page's JavaScript as one
    json_script object; the queries are the same whatever the number of highlights.
    """
    preferences = preferences_for(request)
    user = request.user
    config = {
        "document": document.pk,
        "revision": revision.pk if revision else None,
        "loggedIn": user.is_authenticated,
        "loginUrl": f"{reverse('login')}?{urlencode({'next': document.get_absolute_url()})}",
        "csrfToken": get_token(request),
        "api": {
            "highlights": reverse("annotations:highlight-list"),
            "progress": reverse("annotations:progress", args=[document.pk]),
            "preferences": reverse("annotations:preferences"),
            "replies": reverse("annotations:reply-list", args=[0]).replace("/0/", "/{id}/"),
            "reply": reverse("annotations:reply-detail", args=[0]).replace("/0/", "/{id}/"),
        },
        "groups": [],
        "groupsUrl": reverse("annotations:group-list"),
        "themes": [{"name": name, "label": label} for name, label in theme_tags().items()],
        "tags": [],
        "highlights": [],
        "progress": None,
    }
    if user.is_authenticated and revision is not None:
        # Others' shared highlights too; their orphans are for their owners to place.
        highlights = Highlight.objects.visible_to(user).for_document(document)
        highlights = highlights.filter(Q(user=user) | ~Q(state=State.ORPHANED))
        config["highlights"] = highlights.for_reader(user)
        config["groups"] = list(ReadingGroup.objects.of(user).values("id", "name"))
        config["tags"] = list(
            Tag.objects.filter(annotations_taggedhighlight_items__content_object__user=user)
            .order_by("name")
            .values_list("name", flat=True)
            .distinct()
        )
        progress = ReadingProgress.objects.filter(user=user, document=document).first()
        config["progress"] = progress.to_dict() if progress else None
    return {
        "script": preferences.script,
        "reader_config": config,
        "reader_data": page_data(config, "pz-reader-config"),
        "preferences_form": PreferencesForm(initial=preferences.to_dict()),
        "highlight_count": len(config["highlights"]),
        "shared_count": sum(1 for row in config["highlights"] if not row["mine"]),
        "shared_url": (
            f"{reverse('annotations:my-highlights')}?document={document.pk}&shared=1"
            if user.is_authenticated
            else ""
        ),
        "my_highlights_url": (
            f"{reverse('annotations:my-highlights')}?document={document.pk}"
            if user.is_authenticated
            else ""
        ),
        "reading_tools": "annotations/_reading_tools.html",
        "reading_margin": "annotations/_reading_margin.html",
    }
