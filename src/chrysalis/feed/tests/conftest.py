from datetime import timedelta

import pytest
from django.utils import timezone

from chrysalis.posts.actions import create_post
from chrysalis.posts.models import Post
from chrysalis.testsupport.factories import make_person

BASE = timezone.now().replace(microsecond=0) - timedelta(days=10)


def post(author, body, *, space=None, at: int | None = None, **kw) -> Post:
    """A post through the real action; `at` pins its time (minutes after BASE) for ordering."""
    p = create_post(author, body=body, space=space, **kw)
    if at is not None:
        Post.objects.filter(pk=p.pk).update(created_at=BASE + timedelta(minutes=at))
        p.refresh_from_db()
    return p


def ids(page) -> list[int]:
    return [p.pk for p in page.items]


@pytest.fixture
def viewer(db):
    return make_person("vera")


@pytest.fixture
def owner(db):
    return make_person("olga")


@pytest.fixture
def space_owner(owner):
    """The shared open/private/secret space fixtures (chrysalis.testsupport.fixtures) belong to olga here."""
    return owner
