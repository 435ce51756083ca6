"""Helpers for calling the highlight API as a browser would."""

import json

from django.test import Client

LIST_URL = "/api/highlights/"


def detail_url(highlight) -> str:
    return f"/api/highlights/{highlight.pk}/"


def send(client, method: str, url: str, data=None, *, raw: str | bytes | None = None, **extra):
    body = raw if raw is not None else json.dumps(data)
    return getattr(client, method.lower())(url, body, content_type="application/json", **extra)


def csrf_client(user) -> tuple[Client, str]:
    """A logged-in client that enforces CSRF, and the token a page would give it."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/accounts/login/")  # renders {% csrf_token %}, which sets the cookie
    return client, client.cookies["csrftoken"].value
