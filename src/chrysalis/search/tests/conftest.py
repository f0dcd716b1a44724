import pytest

from chrysalis.testsupport.factories import make_person, make_space


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """`with indexed(): ...` runs the on-commit side effects (search indexing) of the actions inside."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def viewer(db):
    return make_person("vera", display_name="Vera Viewer")


@pytest.fixture
def owner(db):
    return make_person("olga", display_name="Olga Owner")


@pytest.fixture
def spaces(owner, indexed):
    with indexed():
        return {
            "open": make_space(owner, name="Open Kitchen", visibility="open"),
            "private": make_space(owner, name="Board Room", visibility="private"),
            "secret": make_space(owner, name="Skunkworks Lab", visibility="secret"),
        }
