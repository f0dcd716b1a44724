"""Reads of posts and comments. Every read goes through `visible_posts(viewer)` (or the same rule
from chrysalis.spaces.queries for comments and attachments): there is no other visibility rule."""

from collections import defaultdict
from types import SimpleNamespace

from django.db.models import Count, Q, QuerySet

from chrysalis.core.errors import NotFound
from chrysalis.posts.models import Attachment, Comment, LinkResource, Post, Reaction, Tag
from chrysalis.spaces.models import Membership, Role, Space
from chrysalis.spaces.queries import can_moderate, content_visible_q

# (kind, emoji, label) for every reaction kind, in display order
REACTION_KINDS: list[tuple[str, str, str]] = [
    (value, *label.split(" ", 1)) for value, label in Reaction.Kind.choices
]


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


def _summary(counts: dict[str, int], mine: set[str]) -> tuple[list, list]:
    """(summary of kinds with count > 0, every kind) as (kind, emoji, label, count, mine) tuples."""
    every = [(k, emoji, label, counts.get(k, 0), k in mine) for k, emoji, label in REACTION_KINDS]
    return [r for r in every if r[3] > 0], every


def hydrate_posts(viewer, posts) -> list[Post]:
    """Attach what a feed card shows, in a fixed number of queries whatever the number of posts
    (5 when there are posts: tags, attachments, links, reactions, the viewer's moderator roles;
    one more when the page holds answers: their questions' titles and askers' departments).

    Each post gets: question_title and question_asker (answers; the asker's department_id and department
    name, for the cross-department mark), tag_list, attachment_list, link_list, reaction_summary
    (kinds with count > 0), reaction_options (every kind, to click), viewer_can_edit,
    viewer_can_moderate. Callers pass posts selected with author, author__department and space
    (visible_posts(...).select_related(...)).
    """
    if isinstance(posts, QuerySet):
        posts = posts.select_related("author", "author__department", "space")
    posts = list(posts)
    if not posts:
        return posts
    ids = [p.pk for p in posts]
    tags: dict[int, list[Tag]] = defaultdict(list)
    for row in Post.tags.through.objects.filter(post_id__in=ids).select_related("tag").order_by("tag__name"):
        tags[row.post_id].append(row.tag)
    attachments: dict[int, list[Attachment]] = defaultdict(list)
    for a in Attachment.objects.filter(post_id__in=ids).order_by("pk"):
        attachments[a.post_id].append(a)
    links: dict[int, list[LinkResource]] = defaultdict(list)
    for link in LinkResource.objects.filter(post_id__in=ids).order_by("pk"):
        links[link.post_id].append(link)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    mine: dict[int, set[str]] = defaultdict(set)
    viewer_id = getattr(viewer, "pk", None)
    rows = (
        Reaction.objects.filter(post_id__in=ids)
        .values("post_id", "kind")
        .annotate(n=Count("pk"), own=Count("pk", filter=Q(user_id=viewer_id)))
        .order_by()
    )
    for row in rows:
        counts[row["post_id"]][row["kind"]] = row["n"]
        if row["own"]:
            mine[row["post_id"]].add(row["kind"])
    staff = bool(getattr(viewer, "is_staff", False)) and getattr(viewer, "is_active", False)
    space_ids = {p.space_id for p in posts if p.space_id is not None}
    moderated: set[int] = set()
    if space_ids and viewer_id is not None and not staff:
        moderated = set(
            Membership.objects.filter(
                user_id=viewer_id, space_id__in=space_ids, role__in=[Role.OWNER, Role.MODERATOR]
            ).values_list("space_id", flat=True)
        )
    # answers show their question's title and whether they crossed a department line to it (same
    # space, so the same readers): one query if any
    answer_qids = {p.question_id for p in posts if p.kind == Post.Kind.ANSWER and p.question_id}
    question_rows = (
        {
            pk: (title, SimpleNamespace(department_id=dept_id, department=SimpleNamespace(pk=dept_id, name=dept)))
            for pk, title, dept_id, dept in Post.objects.filter(pk__in=answer_qids).values_list(
                "pk", "title", "author__department_id", "author__department__name"
            )
        }
        if answer_qids
        else {}
    )
    for p in posts:
        title, asker = question_rows.get(p.question_id, ("", None)) if p.kind == Post.Kind.ANSWER else ("", None)
        p.question_title = title
        p.question_asker = asker  # the asker's department only (web/_crossed.html)
        p.tag_list = tags.get(p.pk, [])
        p.attachment_list = attachments.get(p.pk, [])
        p.link_list = links.get(p.pk, [])
        p.reaction_summary, p.reaction_options = _summary(counts.get(p.pk, {}), mine.get(p.pk, set()))
        p.viewer_can_edit = viewer_id is not None and p.author_id == viewer_id
        p.viewer_can_moderate = staff or (p.space_id is not None and p.space_id in moderated)
    return posts


def get_hydrated_post(viewer, pk: int) -> Post:
    """get_visible_post + hydrate_posts for one post (post page, API)."""
    return hydrate_posts(viewer, [get_visible_post(viewer, pk)])[0]


def comments_for(viewer, post: Post) -> list[Comment]:
    """The comments of a post the viewer may read (get it through get_visible_post), as top-level
    comments each with `reply_list`; authors selected; `reaction_summary`/`reaction_options`,
    `viewer_can_edit` and `viewer_can_moderate` attached. Three queries whatever the thread size.
    Removed comments are dropped, except a removed top-level comment that has live replies (shown
    as a placeholder: its text is cleared here so no template can show it)."""
    return comments_for_posts(viewer, [post])[post.pk]


def comments_for_posts(viewer, posts: list[Post]) -> dict[int, list[Comment]]:
    """comments_for for several readable posts of ONE place (a question and its answers), in the
    same three queries whatever the number of posts and comments: {post id: top-level comments}."""
    ids = [p.pk for p in posts]
    comments = list(
        Comment.objects.filter(post_id__in=ids).select_related("author", "author__department").order_by(
            "created_at", "pk"
        )
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    mine: dict[int, set[str]] = defaultdict(set)
    viewer_id = getattr(viewer, "pk", None)
    if comments:
        rows = (
            Reaction.objects.filter(comment__post_id__in=ids)
            .values("comment_id", "kind")
            .annotate(n=Count("pk"), own=Count("pk", filter=Q(user_id=viewer_id)))
            .order_by()
        )
        for row in rows:
            counts[row["comment_id"]][row["kind"]] = row["n"]
            if row["own"]:
                mine[row["comment_id"]].add(row["kind"])
    spaces = {p.space_id: p.space for p in posts}
    moderate = {sid: can_moderate(viewer, sp) for sid, sp in spaces.items()} if comments else {}
    top: dict[int, list[Comment]] = {pk: [] for pk in ids}
    by_id: dict[int, Comment] = {}
    space_of = {p.pk: p.space_id for p in posts}
    for c in comments:
        c.reply_list = []
        c.reaction_summary, c.reaction_options = _summary(counts.get(c.pk, {}), mine.get(c.pk, set()))
        c.viewer_can_edit = c.removed_at is None and c.author_id == viewer_id
        c.viewer_can_moderate = moderate.get(space_of[c.post_id], False) and c.removed_at is None
        if c.removed_at is not None:
            c.body, c.body_html = "", ""
        by_id[c.pk] = c
    for c in comments:
        if c.parent_id is None:
            top[c.post_id].append(c)
        elif c.parent_id in by_id and c.removed_at is None:
            by_id[c.parent_id].reply_list.append(c)
    return {pk: [c for c in items if c.removed_at is None or c.reply_list] for pk, items in top.items()}


def visible_comments(viewer) -> QuerySet[Comment]:
    """Live comments on live posts the viewer may read."""
    return Comment.objects.filter(
        content_visible_q(viewer, space_field="post__space"),
        removed_at__isnull=True,
        post__removed_at__isnull=True,
    )


def get_visible_comment(viewer, pk: int) -> Comment:
    comment = (
        visible_comments(viewer)
        .select_related("author", "post", "post__space", "post__author", "parent")
        .filter(pk=pk)
        .first()
    )
    if comment is None:
        raise NotFound("No such comment.")
    return comment


def get_visible_attachment(viewer, pk: int) -> Attachment:
    """An attachment of a live post the viewer may read; NotFound otherwise."""
    att = (
        Attachment.objects.filter(
            content_visible_q(viewer, space_field="post__space"), post__removed_at__isnull=True
        )
        .select_related("post")
        .filter(pk=pk)
        .first()
    )
    if att is None:
        raise NotFound("No such file.")
    return att


def postable_spaces(viewer) -> QuerySet[Space]:
    """Spaces the viewer may post in (their memberships), by name."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return Space.objects.none()
    return Space.objects.filter(memberships__user_id=viewer.pk).order_by("name")


def tag_list(viewer, prefix: str = "", limit: int = 100) -> list[Tag]:
    """Tags with the number of posts the viewer may read (`post_count`), most used first. Tags
    used only where the viewer cannot read are not listed."""
    prefix = (prefix or "").strip().lstrip("#").lower()
    qs = Tag.objects.filter(posts__in=visible_posts(viewer))
    if prefix:
        qs = qs.filter(name__startswith=prefix)
    return list(qs.annotate(post_count=Count("posts", distinct=True)).order_by("-post_count", "name")[:limit])
