import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_user("alice", password="alice-password")


@pytest.fixture
def bob(db):
    return get_user_model().objects.create_user("bob", password="bob-password")


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("root", password="root-password")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The persona fixtures hash a password; PBKDF2 would cost half a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: sign-up throttling (library/throttling.py)
    counts attempts there, and counts must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
