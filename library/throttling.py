"""Throttling of logins (django-axes, configured in settings) and of sign-ups.

Logins: django-axes counts failures per username and client address in the database
and locks that pair out for a cool-off (settings.AXES_*). Sign-ups have no username to
count against yet, so they are counted per address in Django's cache.
"""

from functools import wraps

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

SIGNUP_WINDOW_SECONDS = 3600


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for logins that come with a web request.

    `authenticate()` without a request (the test client's `login()`, a shell) is no web
    login attempt and has no client address to count, so it is left to the next backend
    instead of raising as axes' own backend does.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request) -> str:
    """The client's address: the connection's, or, behind PIZHU_TRUSTED_PROXIES reverse
    proxies, the address the outermost of them saw (X-Forwarded-For read from the right,
    so a client cannot choose its own address by sending the header)."""
    proxies = settings.PIZHU_TRUSTED_PROXIES
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login (settings.AXES_LOCKOUT_CALLABLE): 429
    with a page saying how long the lock lasts. The same page whatever the password, so
    it tells an attacker nothing about the account."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"what": "login", "minutes": minutes, "limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "registration/throttled.html", context, status=429)


def throttle_signups(view):
    """Refuse a sign-up POST (429, with a page saying when to try again) once the client
    address has sent settings.PIZHU_SIGNUPS_PER_HOUR of them within the hour."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            key = f"pizhu:signups:{client_ip(request)}"
            cache.add(key, 0, SIGNUP_WINDOW_SECONDS)
            try:
                attempts = cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.set(key, 1, SIGNUP_WINDOW_SECONDS)
                attempts = 1
            if attempts > settings.PIZHU_SIGNUPS_PER_HOUR:
                context = {"what": "sign-up", "minutes": SIGNUP_WINDOW_SECONDS // 60}
                return render(request, "registration/throttled.html", context, status=429)
        return view(request, *args, **kwargs)

    return wrapper
