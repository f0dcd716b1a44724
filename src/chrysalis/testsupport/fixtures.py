"""Fixtures shared by the apps' tests (registered in the root conftest.py). An app's own conftest
may override any of them."""

import pytest

from chrysalis.testsupport.factories import make_person, make_space


@pytest.fixture(autouse=True)
def _uploads_per_test(settings, tmp_path):
    """Uploaded files go to a fresh folder per test."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


@pytest.fixture
def ana(db):
    return make_person("ana")


@pytest.fixture
def bob(db):
    return make_person("bob")


@pytest.fixture
def cy(db):
    return make_person("cy")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """`with on_commit(): ...` runs the on-commit side effects (notifications, indexing)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def space_owner(ana):
    """Who owns the shared spaces below (an app's conftest may name someone else)."""
    return ana


@pytest.fixture
def open_space(space_owner):
    return make_space(space_owner, name="Engineering", visibility="open")


@pytest.fixture
def private_space(space_owner):
    return make_space(space_owner, name="Board", visibility="private")


@pytest.fixture
def secret_space(space_owner):
    return make_space(space_owner, name="Skunkworks", visibility="secret")


@pytest.fixture
def media(_uploads_per_test):
    """The folder this test's uploads go to."""
    return _uploads_per_test
