import pytest

from .factories import make_user


@pytest.fixture
def carol(db):
    """A third reader: in a group of her own, not in alice's."""
    return make_user("carol")
