"""Login throttling (django-axes: per username and address) and sign-up throttling."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

LOGIN = "/accounts/login/"


def attempt(client: Client, username: str, password: str, *, ip="203.0.113.7", url=LOGIN, **meta):
    data = {"username": username, "password": password}
    return client.post(url, data, REMOTE_ADDR=ip, **meta)


def fail(client: Client, username: str, times: int, **kwargs) -> list[int]:
    return [attempt(client, username, "wrong-password", **kwargs).status_code for _ in range(times)]


def logged_in_as(client: Client):
    return client.get("/").context["user"]


def test_failures_below_the_limit_still_let_the_right_password_in(alice):
    client = Client()
    assert fail(client, "alice", settings.AXES_FAILURE_LIMIT - 1) == [200] * 4
    response = attempt(client, "alice", "alice-password")
    assert response.status_code == 302
    assert logged_in_as(client) == alice


def test_it_locks_out_after_the_limit_with_a_clear_message(alice):
    client = Client()
    codes = fail(client, "alice", settings.AXES_FAILURE_LIMIT)
    assert codes == [200] * 4 + [429]
    response = attempt(client, "alice", "alice-password")
    assert response.status_code == 429
    page = response.content.decode()
    assert "locked for 15 minutes after 5 failed logins" in page
    assert not logged_in_as(client).is_authenticated


def test_the_lock_is_per_username_and_address(alice, bob):
    fail(Client(), "alice", settings.AXES_FAILURE_LIMIT)
    other_address = Client()
    assert attempt(other_address, "alice", "alice-password", ip="198.51.100.9").status_code == 302
    other_user = Client()
    assert attempt(other_user, "bob", "bob-password").status_code == 302


def test_the_lock_ends_after_the_cool_off(alice):
    client = Client()
    fail(client, "alice", settings.AXES_FAILURE_LIMIT)
    assert attempt(client, "alice", "alice-password").status_code == 429
    earlier = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=earlier)
    assert attempt(client, "alice", "alice-password").status_code == 302
    assert logged_in_as(client) == alice


def test_a_successful_login_clears_the_count(alice):
    client = Client()
    fail(client, "alice", settings.AXES_FAILURE_LIMIT - 1)
    assert attempt(client, "alice", "alice-password").status_code == 302
    client.logout()
    assert fail(client, "alice", settings.AXES_FAILURE_LIMIT - 1) == [200] * 4


def test_unknown_usernames_are_locked_out_alike(db):
    assert fail(Client(), "nobody", settings.AXES_FAILURE_LIMIT)[-1] == 429


def test_the_admin_login_shares_the_count(admin_user):
    client = Client()
    fail(client, "root", settings.AXES_FAILURE_LIMIT - 1)
    response = attempt(client, "root", "wrong", url="/admin/login/?next=/admin/")
    assert response.status_code == 429
    response = attempt(client, "root", "root-password", url="/admin/login/?next=/admin/")
    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302  # still not logged in


def test_the_throttle_counts_the_address_behind_trusted_proxies(alice, settings):
    settings.PIZHU_TRUSTED_PROXIES = 1
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "alice", "wrong", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    # Another client behind the same proxy is not locked out…
    other = attempt(
        Client(), "alice", "alice-password", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="5.6.7.8"
    )
    assert other.status_code == 302
    # …and a forged left-most entry does not dodge the lock.
    forged = "9.9.9.9, 1.2.3.4"
    again = attempt(Client(), "alice", "alice-password", ip="10.0.0.1", HTTP_X_FORWARDED_FOR=forged)
    assert again.status_code == 429


def test_force_login_and_the_test_client_login_are_not_throttled(alice):
    assert Client().login(username="alice", password="alice-password")
    client = Client()
    client.force_login(alice)
    assert logged_in_as(client) == alice


@pytest.fixture
def open_signup(db, settings):
    settings.PIZHU_ALLOW_SIGNUP = True
    settings.PIZHU_SIGNUPS_PER_HOUR = 3  # tests/conftest.py empties the cache per test


def sign_up(client: Client, username: str, ip: str = "203.0.113.7"):
    data = {"username": username, "password1": "a-long-pass-1234", "password2": "a-long-pass-1234"}
    return client.post("/accounts/signup/", data, REMOTE_ADDR=ip)


def test_sign_up_is_throttled_per_address(open_signup):
    codes = [sign_up(Client(), f"reader{n}").status_code for n in range(4)]
    assert codes == [302, 302, 302, 429]
    assert not get_user_model().objects.filter(username="reader3").exists()
    response = sign_up(Client(), "reader4")
    assert "Too many sign-ups from your address" in response.content.decode()
    assert sign_up(Client(), "reader5", ip="198.51.100.9").status_code == 302


def test_failed_sign_ups_count_too(open_signup):
    client = Client()
    bad = {"username": "x", "password1": "a", "password2": "b"}
    codes = [client.post("/accounts/signup/", bad).status_code for _ in range(4)]
    assert codes == [422, 422, 422, 429]


def test_the_sign_up_form_itself_is_not_throttled(open_signup):
    client = Client()
    assert [client.get("/accounts/signup/").status_code for _ in range(5)] == [200] * 5
