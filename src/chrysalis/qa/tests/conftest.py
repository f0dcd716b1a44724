import pytest

from chrysalis.qa import actions
from chrysalis.testsupport.factories import make_person, make_space


@pytest.fixture(autouse=True)
def fast(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def open_space(ana):
    return make_space(ana, name="Engineering", visibility="open")


@pytest.fixture
def private_space(ana):
    return make_space(ana, name="Board", visibility="private")


@pytest.fixture
def secret_space(ana):
    return make_space(ana, name="Skunkworks", visibility="secret")


@pytest.fixture
def question(ana):
    return actions.ask_question(
        ana, title="How do we deploy the billing service?", body="The README is out of date.", tags=["deploy"]
    )


def api_headers(user) -> dict:
    from chrysalis.people.actions import create_api_token

    _token, secret = create_api_token(user, name="tests")
    return {"Authorization": f"Bearer {secret}"}


def snapshot():
    """Everything the Q&A actions write, to assert that a refusal changed nothing."""
    from chrysalis.notifications.models import Notification
    from chrysalis.posts.models import Comment, Post, Revision, Tag, TagFollow, Vote

    posts = list(
        Post.objects.order_by("pk").values_list(
            "pk",
            "kind",
            "title",
            "body",
            "score",
            "answer_count",
            "accepted_answer_id",
            "duplicate_of_id",
            "closed_at",
            "edited_at",
        )
    )
    return (
        posts,
        list(Vote.objects.values_list("pk", "user_id", "post_id", "value")),
        Revision.objects.count(),
        Comment.objects.count(),
        Notification.objects.count(),
        list(Tag.objects.values_list("name", "description")),
        TagFollow.objects.count(),
    )
