from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse


def test_the_demo_account_command_prints_credentials_that_log_in(client, db):
    out = StringIO()
    call_command("create_demo_account", stdout=out)
    password = out.getvalue().split("password ")[1].strip().strip("'")
    assert client.login(username="demo", password=password)
    user = get_user_model().objects.get(username="demo")
    assert user.is_staff and user.is_superuser


def test_running_it_again_resets_the_password(client, db):
    call_command("create_demo_account", password="first-pass-123", stdout=StringIO())
    out = StringIO()
    call_command("create_demo_account", password="second-pass-456", stdout=out)
    assert "reset" in out.getvalue()
    assert not client.login(username="demo", password="first-pass-123")
    assert client.login(username="demo", password="second-pass-456")
    assert get_user_model().objects.filter(username="demo").count() == 1


def test_the_login_page_logs_in_and_the_header_shows_the_reader(client, alice):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(
        reverse("login"), {"username": "alice", "password": "alice-password"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("library:document-list")
    assert b"alice" in response.content
    assert b"Log out" in response.content


def test_logging_out_needs_a_post_with_csrf(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(reverse("logout")).status_code == 403
    assert client.get(reverse("logout")).status_code == 405
