"""/accounts/signup/: closed unless PIZHU_ALLOW_SIGNUP is on."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

URL = "/accounts/signup/"
NEW = {
    "username": "carol",
    "password1": "a-long-pass-phrase-9",
    "password2": "a-long-pass-phrase-9",
}


@pytest.fixture
def open_signup(settings):
    settings.PIZHU_ALLOW_SIGNUP = True


def test_it_is_closed_by_default(client, db, settings):
    assert settings.PIZHU_ALLOW_SIGNUP is False
    assert client.get(URL).status_code == 404
    assert client.post(URL, NEW).status_code == 404
    assert not get_user_model().objects.filter(username="carol").exists()
    assert b"Sign up" not in client.get("/accounts/login/").content


def test_when_open_it_creates_an_account_and_logs_in(client, db, open_signup):
    page = client.get(URL)
    assert page.status_code == 200
    assert b"Sign up" in client.get("/accounts/login/").content
    response = client.post(URL, {**NEW, "next": "/highlights/"})
    assert response.status_code == 302
    assert response["Location"] == "/highlights/"
    user = get_user_model().objects.get(username="carol")
    assert not user.is_staff and user.check_password(NEW["password1"])
    assert client.get("/highlights/").status_code == 200  # logged in


def test_bad_input_is_422_with_the_reasons(client, db, open_signup):
    response = client.post(URL, {**NEW, "password2": "different"})
    assert response.status_code == 422
    assert "password" in response.content.decode().lower()
    assert not get_user_model().objects.filter(username="carol").exists()


def test_it_never_redirects_off_the_site(client, db, open_signup):
    response = client.post(URL, {**NEW, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_logged_in_reader_is_sent_on(client, alice, open_signup):
    client.force_login(alice)
    assert client.get(URL)["Location"] == "/"


def test_put_is_405(client, db, open_signup):
    assert client.put(URL).status_code == 405


def test_csrf_is_enforced(db, open_signup):
    client = Client(enforce_csrf_checks=True)
    assert client.post(URL, NEW).status_code == 403
    client.get(URL)
    token = client.cookies["csrftoken"].value
    assert client.post(URL, {**NEW, "csrfmiddlewaretoken": token}).status_code == 302
