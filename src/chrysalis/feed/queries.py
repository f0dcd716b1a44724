"""Reads of feeds. Every feed starts from `posts.queries.visible_posts(viewer)` (the one access door),
narrows it with conditions on the post's own columns (author_id, space_id: no joins, so the
newest-first indexes on posts stay usable), pages it with keyset cursors on (created_at, id) and
hydrates the page in a fixed number of queries.

A page costs the same number of queries whatever its size: one for the page, plus the fixed
number `hydrate_posts` needs.
"""

from django.db.models import BigIntegerField, Count, F, Func, Q, QuerySet

from chrysalis.core.errors import NotFound
from chrysalis.core.pagination import Page, paginate
from chrysalis.people.models import Department, Follow, User
from chrysalis.posts.models import Post, Tag, TagFollow
from chrysalis.posts.queries import hydrate_posts, visible_posts
from chrysalis.spaces.models import Membership, Space, Visibility
from chrysalis.spaces.queries import can_read_space, member_space_ids


def _page(viewer, qs: QuerySet[Post], cursor: str | None, limit: int | None) -> Page:
    page = paginate(qs.select_related("author", "author__department", "space"), cursor, limit)
    page.items = hydrate_posts(viewer, page.items)
    return page


def _no_index(field: str) -> Func:
    """`+column`: the same value, but a term the database will not answer from an index."""
    return Func(F(field), template="(+%(expressions)s)", output_field=BigIntegerField())


def home_feed_posts(viewer) -> QuerySet[Post]:
    """Unordered queryset of the home feed: company posts, posts in the viewer's spaces, posts by
    the people the viewer follows and posts with the tags the viewer follows (wherever the viewer
    may read them), and the viewer's own.

    Efficiency: the feed is dense (company posts alone are a large share of all posts), so the
    fastest plan walks the post_newest index newest first and keeps the rows that match, stopping
    at the page size. The branches are IN tests over small subqueries on the post's own columns
    (no joins, no duplicates), and they are written on `+space_id` / `+author_id` so that the
    planner cannot turn the OR into a union of per-branch index lookups followed by a sort of
    everything they return (seconds on a million posts): it has to use post_newest.
    """
    followed = Follow.objects.filter(follower_id=viewer.pk).values("followee_id")
    followed_tags = TagFollow.objects.filter(user_id=viewer.pk).values("tag_id")
    tagged = Post.tags.through.objects.filter(tag_id__in=followed_tags).values("post_id")
    return (
        visible_posts(viewer)
        .alias(feed_space=_no_index("space_id"), feed_author=_no_index("author_id"), feed_id=_no_index("id"))
        .filter(
            Q(feed_space__isnull=True)
            | Q(feed_space__in=member_space_ids(viewer))
            | Q(feed_author__in=followed)
            | Q(feed_author=viewer.pk)
            | Q(feed_id__in=tagged)
        )
    )


def home_feed(viewer, cursor: str | None = None, limit: int | None = None) -> Page:
    return _page(viewer, home_feed_posts(viewer), cursor, limit)


def company_feed(viewer, cursor: str | None = None, limit: int | None = None) -> Page:
    """Posts on the company feed (no space)."""
    return _page(viewer, visible_posts(viewer).filter(space_id__isnull=True), cursor, limit)


def space_feed(viewer, space: Space, cursor: str | None = None, limit: int | None = None) -> Page:
    """Posts in one space; NotFound unless the viewer may read it."""
    if not can_read_space(viewer, space):
        raise NotFound("No such space.")
    return _page(viewer, visible_posts(viewer).filter(space_id=space.pk), cursor, limit)


def person_feed(viewer, person: User, cursor: str | None = None, limit: int | None = None) -> Page:
    """A person's posts that the viewer may read."""
    return _page(viewer, visible_posts(viewer).filter(author_id=person.pk), cursor, limit)


def department_ids(department: Department) -> list[int]:
    """The department and all its sub-departments (one query: departments are few)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Department.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    ids, todo = [], [department.pk]
    while todo:
        pk = todo.pop()
        if pk in ids:  # a cycle would be a data error; do not loop on it
            continue
        ids.append(pk)
        todo.extend(children.get(pk, []))
    return ids


def department_feed(
    viewer, department: Department, cursor: str | None = None, limit: int | None = None
) -> Page:
    """Posts written by people of the department and its sub-departments."""
    authors = User.objects.filter(department_id__in=department_ids(department)).values("pk")
    return _page(viewer, visible_posts(viewer).filter(author_id__in=authors), cursor, limit)


def normalise_tag(name: str) -> str:
    return (name or "").strip().lstrip("#").lower()


def tag_feed(viewer, tag_name: str, cursor: str | None = None, limit: int | None = None) -> Page:
    """Posts carrying the tag (names are lower-case)."""
    tagged = Post.tags.through.objects.filter(tag__name=normalise_tag(tag_name)).values("post_id")
    return _page(viewer, visible_posts(viewer).filter(pk__in=tagged), cursor, limit)


# --- What the feed pages show beside the feed (each one query, bounded) ---


def spaces_to_join(viewer, limit: int = 5) -> list[Space]:
    """Open spaces the viewer is not in, the biggest first."""
    return list(
        Space.objects.filter(visibility=Visibility.OPEN)
        .exclude(pk__in=member_space_ids(viewer))
        .annotate(member_count=Count("memberships"))
        .order_by("-member_count", "name")[:limit]
    )


def my_spaces(viewer, limit: int = 12) -> list[Space]:
    return [
        m.space
        for m in Membership.objects.filter(user_id=viewer.pk)
        .select_related("space")
        .order_by("space__name")[:limit]
    ]


def popular_tags(viewer, limit: int = 10, window: int = 500) -> list[Tag]:
    """The tags most used on the latest `window` posts the viewer may read (bounded work, and a tag
    used only in a space the viewer cannot read never shows)."""
    recent = visible_posts(viewer).order_by("-created_at", "-id").values("pk")[:window]
    return list(
        Tag.objects.filter(posts__in=recent).annotate(uses=Count("posts")).order_by("-uses", "name")[:limit]
    )
