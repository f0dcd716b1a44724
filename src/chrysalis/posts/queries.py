"""Reads of posts and comments. Every read goes through `visible_posts(viewer)`, which applies the
one visibility rule from chrysalis.spaces.queries."""

from django.db.models import QuerySet

from chrysalis.core.errors import NotFound
from chrysalis.posts.models import Post
from chrysalis.spaces.queries import content_visible_q


def visible_posts(viewer) -> QuerySet[Post]:
    """Posts the viewer may read (not removed), unordered, nothing joined."""
    return Post.objects.filter(content_visible_q(viewer), removed_at__isnull=True)


def get_visible_post(viewer, pk: int) -> Post:
    """The post if the viewer may read it; NotFound otherwise (private content is not revealed to
    exist)."""
    post = visible_posts(viewer).select_related("author", "author__department", "space").filter(pk=pk).first()
    if post is None:
        raise NotFound("No such post.")
    return post
