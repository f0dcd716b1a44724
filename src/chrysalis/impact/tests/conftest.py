import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_influence_cache():
    """The organisation's influence is cached per day: every test starts from an empty cache."""
    cache.clear()
    yield
    cache.clear()
