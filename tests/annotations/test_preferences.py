"""POST /reading/preferences/: display script, theme and text size, kept per reader."""

import pytest
from django.test import Client

from annotations.models import ReadingPreferences
from annotations.reading import COOKIE, from_cookie

from .api import csrf_client

URL = "/reading/preferences/"
CHOICE = {"script": "hant", "theme": "dark", "text_size": "115"}


def test_a_readers_choice_is_saved_on_their_account_and_in_a_cookie(client, alice):
    client.force_login(alice)
    response = client.post(URL, {**CHOICE, "next": "/documents/3/"})
    assert response.status_code == 302
    assert response["Location"] == "/documents/3/"
    stored = ReadingPreferences.objects.get(user=alice)
    assert (stored.script, stored.theme, stored.text_size) == ("hant", "dark", 115)
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert from_cookie(cookie.value).to_dict() == stored.to_dict()


def test_scripts_get_json(client, alice):
    client.force_login(alice)
    response = client.post(URL, CHOICE, headers={"accept": "application/json"})
    assert response.status_code == 200
    assert response.json() == {"script": "hant", "theme": "dark", "text_size": 115}


def test_anonymous_readers_keep_their_choice_in_a_cookie_only(client, db):
    response = client.post(URL, {**CHOICE, "next": "/"})
    assert response.status_code == 302
    assert not ReadingPreferences.objects.exists()
    assert from_cookie(response.cookies[COOKIE].value).script == "hant"


def test_it_never_redirects_off_the_site(client, alice):
    client.force_login(alice)
    response = client.post(URL, {**CHOICE, "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    "change", [{"script": "s2twp"}, {"theme": "neon"}, {"text_size": "999"}, {"script": ""}]
)
def test_unknown_choices_are_422_and_change_nothing(client, alice, change):
    client.force_login(alice)
    response = client.post(URL, {**CHOICE, **change}, headers={"accept": "application/json"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == set(change)
    assert not ReadingPreferences.objects.exists()


def test_get_is_405(client, alice):
    client.force_login(alice)
    assert client.get(URL).status_code == 405


def test_csrf_is_enforced(alice):
    client, token = csrf_client(alice)
    assert client.post(URL, CHOICE).status_code == 403
    assert client.post(URL, CHOICE, headers={"x-csrftoken": token}).status_code == 302
    assert Client(enforce_csrf_checks=True).post(URL, CHOICE).status_code == 403


def test_each_reader_has_their_own(client, alice, bob):
    client.force_login(alice)
    client.post(URL, CHOICE)
    assert ReadingPreferences.objects.for_user(bob).script == "original"
    assert ReadingPreferences.objects.for_user(alice).script == "hant"


@pytest.mark.parametrize(
    "value",
    ["", "script=hant&theme=<script>", "text_size=1e9", "garbage%%%", "script=hant&script=x"],
)
def test_a_tampered_cookie_keeps_the_defaults_for_what_is_wrong(value):
    preferences = from_cookie(value)
    assert preferences.theme == "auto" and preferences.text_size == 100
    assert preferences.script in {"original", "hant"}
