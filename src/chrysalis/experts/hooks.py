"""What content actions tell the expertise engine, on commit: the incremental index update (a task
the worker runs), routing of a new question (a task), and "a routed expert answered"; and, at once,
a person the asker chose by name (`asked_by_name`).

CHRYSALIS_EXPERTISE_LIVE (default on) can switch the live engine off; the test settings do, so
that other apps' tests do not depend on the engine's files; the experts tests switch it on.
"""

from django.conf import settings
from django.db import transaction


def _live() -> bool:
    return getattr(settings, "CHRYSALIS_EXPERTISE_LIVE", True)


def _enqueue(task_name: str, pk: int) -> None:
    if not _live():
        return

    def run():
        from chrysalis.experts import tasks

        getattr(tasks, task_name).enqueue(pk)

    transaction.on_commit(run)


def post_changed(post_id: int) -> None:
    _enqueue("index_post_task", post_id)


def post_removed(post_id: int) -> None:
    _enqueue("unindex_post_task", post_id)


def comment_changed(comment_id: int) -> None:
    _enqueue("index_comment_task", comment_id)


def comment_removed(comment_id: int) -> None:
    _enqueue("unindex_comment_task", comment_id)


def declined(request_id: int) -> None:
    _enqueue("index_decline_task", request_id)


def question_asked(question_id: int) -> None:
    _enqueue("route_question_task", question_id)


def asked_by_name(question, person):
    """The asker chose `person` by name for a new question (inside the asking transaction): ask them
    now, under the routing rules, so the asker learns at once whether they were asked and why not.
    Not an engine matter (no ranking), so it runs whether or not the live engine is on. Returns
    experts.actions.NamedAsk."""
    from chrysalis.experts.actions import ask_by_name

    return ask_by_name(question, person)


def answer_posted(answer) -> None:
    if not _live():
        return

    def run():
        from chrysalis.experts.actions import on_answer

        on_answer(answer)

    transaction.on_commit(run)
