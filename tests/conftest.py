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
