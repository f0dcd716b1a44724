"""Background work of the expertise app (django.tasks; `chrysalis worker` runs them).

Enqueue on commit from the actions that write content, e.g.
    transaction.on_commit(lambda: index_post_task.enqueue(post.pk))
"""

from django.tasks import task

from chrysalis.experts import engine


@task
def index_post_task(post_id: int) -> None:
    """(Re)index one post, question, answer or article: a new one, an edit, an accepted answer."""
    engine.record("post", post_id)


@task
def unindex_post_task(post_id: int) -> None:
    engine.record("unpost", post_id)


@task
def index_comment_task(comment_id: int) -> None:
    engine.record("comment", comment_id)


@task
def unindex_comment_task(comment_id: int) -> None:
    engine.record("uncomment", comment_id)


@task
def index_decline_task(request_id: int) -> None:
    """A "not my area" decline: the ranker's `declined` feature sees it on the next query."""
    engine.record("decline", request_id)


@task
def rebuild_task() -> dict:
    return engine.rebuild()


@task
def route_question_task(question_id: int) -> int:
    """Ask the top experts to answer a new question; returns how many were asked. Idempotent: a
    question already routed (a retried or doubled run) is not routed again to further people."""
    from chrysalis.experts.actions import route_question
    from chrysalis.experts.models import RoutingRequest

    if RoutingRequest.objects.filter(question_id=question_id, round=1, by_name=False).exists():
        return 0
    return len(route_question(question_id))


@task
def escalate_unanswered_task() -> int:
    from chrysalis.experts.actions import escalate_unanswered

    return escalate_unanswered()


def index_post(post_id: int) -> None:
    """Plain helpers for callers that want the functions without a task."""
    engine.record("post", post_id)


def unindex_post(post_id: int) -> None:
    engine.record("unpost", post_id)
