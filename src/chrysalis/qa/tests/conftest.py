import pytest

from chrysalis.qa import actions


@pytest.fixture
def question(ana):
    return actions.ask_question(
        ana, title="How do we deploy the billing service?", body="The README is out of date.", tags=["deploy"]
    )


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
