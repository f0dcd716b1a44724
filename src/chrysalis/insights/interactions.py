"""The interaction graph read from the database (see expertise.graph for what an interaction is).

Access: every read here is filtered by the access door (spaces.queries). `interactions(viewer)`
holds only interactions on content the viewer may read; `interactions(None)` only those on public
content (the company feed and open spaces), for organisation-wide figures that everybody may see.
Removed posts and comments are never interactions; deactivated people keep their history.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import F, Q

from chrysalis.posts.models import Comment, Mention, Post, Reaction, Vote
from chrysalis.spaces.queries import content_visible_q, public_content_q
from expertise.graph import Interactions


def _scope(viewer, space_field: str) -> Q:
    return public_content_q(space_field) if viewer is None else content_visible_q(viewer, space_field)


def _window(field: str, since: datetime | None, until: datetime | None) -> Q:
    q = Q()
    if since is not None:
        q &= Q(**{f"{field}__gte": since})
    if until is not None:
        q &= Q(**{f"{field}__lt": until})
    return q


def interaction_rows(viewer=None, *, since: datetime | None = None, until: datetime | None = None):
    """(source id, target id, kind, epoch seconds, space id) for every interaction in scope."""
    live_post = Q(removed_at__isnull=True)
    answers = (
        Post.objects.filter(live_post, kind=Post.Kind.ANSWER, question__removed_at__isnull=True)
        .filter(_scope(viewer, "space"), _window("created_at", since, until))
        .values_list("question__author_id", "author_id", "created_at", "space_id")
    )
    for asker, answerer, at, space in answers.iterator(chunk_size=5000):
        yield asker, answerer, "answer", at.timestamp(), space

    comments = (
        Comment.objects.filter(removed_at__isnull=True, post__removed_at__isnull=True)
        .filter(_scope(viewer, "post__space"), _window("created_at", since, until))
        .annotate(
            target=F("post__author_id"),
            parent_author=F("parent__author_id"),
            space=F("post__space_id"),
        )
        .values_list("author_id", "target", "parent_author", "created_at", "space")
    )
    for author, post_author, parent_author, at, space in comments.iterator(chunk_size=5000):
        if parent_author is not None:
            yield author, parent_author, "reply", at.timestamp(), space
        else:
            yield author, post_author, "comment", at.timestamp(), space

    mentions = (
        Mention.objects.filter(post__removed_at__isnull=True)
        .filter(Q(comment__isnull=True) | Q(comment__removed_at__isnull=True))
        .filter(_scope(viewer, "post__space"), _window("created_at", since, until))
        .values_list("post__author_id", "comment__author_id", "user_id", "created_at", "post__space_id")
    )
    for post_author, comment_author, mentioned, at, space in mentions.iterator(chunk_size=5000):
        yield comment_author or post_author, mentioned, "mention", at.timestamp(), space

    post_reactions = (
        Reaction.objects.filter(post__isnull=False, post__removed_at__isnull=True)
        .filter(_scope(viewer, "post__space"), _window("created_at", since, until))
        .values_list("user_id", "post__author_id", "created_at", "post__space_id")
    )
    for reactor, author, at, space in post_reactions.iterator(chunk_size=5000):
        yield reactor, author, "reaction", at.timestamp(), space
    comment_reactions = (
        Reaction.objects.filter(comment__isnull=False, comment__removed_at__isnull=True)
        .filter(comment__post__removed_at__isnull=True)
        .filter(_scope(viewer, "comment__post__space"), _window("created_at", since, until))
        .values_list("user_id", "comment__author_id", "created_at", "comment__post__space_id")
    )
    for reactor, author, at, space in comment_reactions.iterator(chunk_size=5000):
        yield reactor, author, "reaction", at.timestamp(), space

    votes = (
        Vote.objects.filter(user__isnull=False, post__removed_at__isnull=True)
        .filter(_scope(viewer, "post__space"), _window("created_at", since, until))
        .values_list("user_id", "post__author_id", "created_at", "post__space_id")
    )
    for voter, author, at, space in votes.iterator(chunk_size=5000):
        yield voter, author, "vote", at.timestamp(), space


def interactions(viewer=None, *, since: datetime | None = None, until: datetime | None = None) -> Interactions:
    """The interactions in scope as arrays (expertise.graph.Interactions)."""
    return Interactions.from_rows(interaction_rows(viewer, since=since, until=until))
