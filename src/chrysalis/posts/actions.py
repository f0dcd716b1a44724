"""Writes of posts, comments, reactions, tags, mentions, links and attachments.

Each action validates its input and checks permission through the access door
(chrysalis.spaces.queries) BEFORE it writes; it writes in one transaction; notifications and search
indexing run when that transaction commits. Refusals raise chrysalis.core.errors.
"""

import re
import uuid
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest, Lower
from django.utils import timezone

from chrysalis.core.errors import Conflict, Forbidden, Invalid, NotFound
from chrysalis.core.markdown import find_hashtags, find_links, find_mentions, render_markdown
from chrysalis.core.text import clean_line, clean_text
from chrysalis.experts import hooks as expertise
from chrysalis.notifications.actions import notify
from chrysalis.notifications.models import Notification
from chrysalis.posts.files import CheckedFile, check_uploads
from chrysalis.posts.models import Attachment, Comment, LinkResource, Mention, Post, Reaction, Revision, Tag
from chrysalis.spaces import queries as access
from chrysalis.spaces.models import Visibility

MAX_TAGS = 10
MAX_LINKS = 20
TAG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,49}$")


# --- helpers -------------------------------------------------------------------------------------

def _search(fn_name: str, *args) -> None:
    """Run a chrysalis.search.indexing function when the current transaction commits."""

    def run():
        from chrysalis.search import indexing

        getattr(indexing, fn_name)(*args)

    transaction.on_commit(run)


def _normalise_tag(raw: str) -> str:
    name = (raw or "").strip().lstrip("#").strip().lower()
    name = re.sub(r"[\s_]+", "-", name)
    return name


def _clean_tags(
    tags: Iterable[str] | str | None, body: str, space=None, *, hashtags: bool = True
) -> list[str]:
    """Tag names from the explicit `tags` and the #hashtags of `body`, normalised, in order.
    In a space that restricts tags (Space.restrict_tags) an explicit tag that does not exist yet is
    refused with its name, and #hashtags that are not existing tags are simply not applied."""
    if isinstance(tags, str):
        tags = re.split(r"[,\s]+", tags)
    names: dict[str, None] = {}
    for raw in list(tags or []):
        name = _normalise_tag(raw)
        if not name:
            continue
        if not TAG_RE.match(name):
            raise Invalid(
                f"“{raw}” is not a valid tag: use letters, digits and hyphens (at most 50 characters).",
                field="tags",
            )
        names.setdefault(name, None)
    restricted = space is not None and getattr(space, "restrict_tags", False)
    if restricted and names:
        known = set(Tag.objects.filter(name__in=list(names)).values_list("name", flat=True))
        unknown = [n for n in names if n not in known]
        if unknown:
            raise Invalid(
                f"The tag “{unknown[0]}” does not exist, and {space.name} only accepts existing tags. "
                "Pick one of its tags or ask a moderator to create it.",
                field="tags",
            )
    found = []
    for raw in find_hashtags(body) if hashtags else []:
        name = _normalise_tag(raw)
        if TAG_RE.match(name) and name not in names:
            found.append(name)
    if restricted and found:
        known = set(Tag.objects.filter(name__in=found).values_list("name", flat=True))
        found = [n for n in found if n in known]
    for name in found:
        names.setdefault(name, None)
    if len(names) > MAX_TAGS:
        raise Invalid(f"A post can have at most {MAX_TAGS} tags (this one has {len(names)}).", field="tags")
    return list(names)


def _tag_rows(names: list[str]) -> list[Tag]:
    if not names:
        return []
    existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    for name in names:
        if name not in existing:
            tag, _ = Tag.objects.get_or_create(name=name)
            existing[name] = tag
    return [existing[n] for n in names]


def _mentioned_users(text: str) -> list:
    """The people @mentioned in `text`; Invalid naming the first unknown ones."""
    names = find_mentions(text)
    if not names:
        return []
    User = get_user_model()
    found = {
        u.lname: u
        for u in User.objects.annotate(lname=Lower("username")).filter(lname__in=names, is_active=True)
    }
    unknown = [n for n in names if n not in found]
    if unknown:
        listed = " or ".join(f"@{n}" for n in unknown[:3])
        raise Invalid(f"No one is called {listed}. Check the spelling of the mention.", field="body")
    return [found[n] for n in names]


def _links(text: str) -> list[tuple[str, str]]:
    out = []
    for url in find_links(text):
        if len(url) > 2000:
            continue
        host = (urlsplit(url).hostname or "").lower()
        if not host:
            continue
        out.append((url, host.removeprefix("www.")[:255]))
    return out[:MAX_LINKS]


def _clean_body(body: str, *, label: str, max_chars: int) -> str:
    return clean_text(body, field="body", label=label, max_length=max_chars)


def _check_can_post(actor, space) -> None:
    if access.can_post_in(actor, space):
        return
    if space is not None and space.visibility == Visibility.SECRET:
        raise NotFound("No such space.")
    where = space.name if space is not None else "the company feed"
    raise Forbidden(f"Only members of {where} can post there. Join the space first.")


def _check_readable(actor, post: Post) -> None:
    if post.removed_at is not None or not access.can_read_space(actor, post.space):
        raise NotFound("No such post.")


def _store_files(post: Post, files: list[CheckedFile], saved: list[str]) -> list[Attachment]:
    rows = []
    for f in files:
        att = Attachment(post=post, original_name=f.name, content_type=f.content_type, size=f.size)
        att.file.save(f"{uuid.uuid4().hex}.{f.ext}", ContentFile(f.data), save=False)
        saved.append(att.file.name)
        att.save()
        rows.append(att)
    return rows


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            pass


def _notify_mentions(actor, post: Post, users: list, *, comment: Comment | None = None,
                     exclude=()) -> set[int]:
    """Record mentions; notify those who can read the post. Returns the ids notified."""
    if not users:
        return set()
    Mention.objects.bulk_create([Mention(user=u, post=post, comment=comment) for u in users])
    readers = access.readers_among(post.space, [u.pk for u in users])
    recipients = [u for u in users if u.pk in readers and u.pk not in exclude]
    notify(recipients, actor=actor, verb=Notification.Verb.MENTION, post=post, comment=comment)
    return {u.pk for u in recipients}


# --- posts ---------------------------------------------------------------------------------------

QA_KINDS = (Post.Kind.QUESTION, Post.Kind.ANSWER, Post.Kind.ARTICLE)  # kept with revisions


def record_revision(post: Post, author, *, tag_names: list[str], note: str = "") -> None:
    """Store the current title/body/tags of a question, answer or article as its next revision."""
    last = post.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    Revision.objects.create(post=post, number=last + 1, author=author, title=post.title, body=post.body,
                            tags=" ".join(tag_names), note=note[:300])


def create_post(actor, *, body: str, space=None, title: str = "", tags=(), files=(),
                kind: str = Post.Kind.POST, question: Post | None = None,
                source_question: Post | None = None) -> Post:
    """A new post on the company feed (space=None) or in a space the actor is a member of.
    A question needs a title and at least one tag; questions, answers and articles get revision 1.
    (chrysalis.qa.actions wraps this for answers and articles: they carry `question` /
    `source_question`.)"""
    _check_can_post(actor, space)
    body = _clean_body(body, label="The post", max_chars=settings.CHRYSALIS_MAX_POST_CHARS)
    title = clean_line(title, field="title", label="Title", max_length=200, required=False)
    if kind not in Post.Kind.values:
        raise Invalid(f"Kind must be one of: {', '.join(Post.Kind.values)}.", field="kind")
    if kind == Post.Kind.QUESTION and not title:
        raise Invalid("A question needs a title.", field="title")
    tag_names = _clean_tags(tags, body, space, hashtags=kind != Post.Kind.ANSWER)
    if kind == Post.Kind.QUESTION and not tag_names:
        raise Invalid("A question needs at least one tag, so the right people find it.", field="tags")
    mentioned = _mentioned_users(body)
    links = _links(body)
    checked = check_uploads(files)

    saved: list[str] = []
    try:
        with transaction.atomic():
            post = Post.objects.create(
                author=actor, space=space, kind=kind, title=title, body=body, body_html=render_markdown(body),
                question=question, source_question=source_question,
            )
            post.tags.set(_tag_rows(tag_names))
            LinkResource.objects.bulk_create([LinkResource(post=post, url=u, domain=d) for u, d in links])
            _store_files(post, checked, saved)
            if kind in QA_KINDS:
                record_revision(post, actor, tag_names=tag_names)
            _notify_mentions(actor, post, mentioned)
            _search("index_post", post.pk)
            expertise.post_changed(post.pk)
            if kind == Post.Kind.QUESTION:
                expertise.question_asked(post.pk)
    except BaseException:
        _delete_files(saved)
        raise
    return post


def _check_author(actor, obj, what: str) -> None:
    if obj.author_id != actor.pk:
        raise Forbidden(f"Only the author can change this {what}.")


def edit_post(actor, post: Post, *, body: str | None = None, title: str | None = None, tags=None) -> Post:
    """The author changes the text (and tags). Only newly mentioned people are notified.
    tags=None keeps the tags given explicitly before and follows the #hashtags of the new body."""
    if post.removed_at is not None:
        raise NotFound("No such post.")
    if post.author_id != actor.pk:
        _check_readable(actor, post)
    _check_author(actor, post, "post")
    return apply_edit(actor, post, body=body, title=title, tags=tags)


def apply_edit(actor, post: Post, *, body: str | None = None, title: str | None = None, tags=None,
               note: str = "") -> Post:
    """Change a post's title/body/tags; the caller has checked that `actor` may. Questions,
    answers and articles get a new revision (with `note`). Validates everything before writing."""
    new_body = post.body if body is None else _clean_body(
        body, label="The post", max_chars=settings.CHRYSALIS_MAX_POST_CHARS
    )
    new_title = post.title if title is None else clean_line(
        title, field="title", label="Title", max_length=200, required=False
    )
    if post.kind in (Post.Kind.QUESTION, Post.Kind.ARTICLE) and not new_title:
        what = "A question" if post.kind == Post.Kind.QUESTION else "A knowledge article"
        raise Invalid(f"{what} needs a title.", field="title")
    note = clean_line(note, field="note", label="The edit summary", max_length=300, required=False)
    if tags is None:
        old_hashtags = {_normalise_tag(t) for t in find_hashtags(post.body)}
        tags = [t.name for t in post.tags.all() if t.name not in old_hashtags]
    tag_names = _clean_tags(tags, new_body, post.space, hashtags=post.kind != Post.Kind.ANSWER)
    if post.kind == Post.Kind.QUESTION and not tag_names:
        raise Invalid("A question needs at least one tag, so the right people find it.", field="tags")
    mentioned = _mentioned_users(new_body)
    already = set(Mention.objects.filter(post=post, comment__isnull=True).values_list("user_id", flat=True))
    new_mentions = [u for u in mentioned if u.pk not in already]
    links = _links(new_body)

    with transaction.atomic():
        post.body, post.title, post.body_html = new_body, new_title, render_markdown(new_body)
        post.edited_at = timezone.now()
        post.save(update_fields=["body", "title", "body_html", "edited_at"])
        post.tags.set(_tag_rows(tag_names))
        LinkResource.objects.filter(post=post).delete()
        LinkResource.objects.bulk_create([LinkResource(post=post, url=u, domain=d) for u, d in links])
        if post.kind in QA_KINDS:
            record_revision(post, actor, tag_names=tag_names, note=note)
        _notify_mentions(actor, post, new_mentions)
        _search("index_post", post.pk)
        expertise.post_changed(post.pk)
    return post


def add_attachments(actor, post: Post, files) -> list[Attachment]:
    """The author attaches more files to their post (at most 5 in all)."""
    if post.removed_at is not None:
        raise NotFound("No such post.")
    _check_author(actor, post, "post")
    checked = check_uploads(files, already=post.attachments.count())
    if not checked:
        raise Invalid("Choose at least one file.", field="files")
    saved: list[str] = []
    try:
        with transaction.atomic():
            rows = _store_files(post, checked, saved)
    except BaseException:
        _delete_files(saved)
        raise
    return rows


def _soft_remove_post(actor, post: Post) -> Post:
    comment_ids = list(post.comments.values_list("pk", flat=True))
    with transaction.atomic():
        post.removed_at, post.removed_by = timezone.now(), actor
        post.save(update_fields=["removed_at", "removed_by"])
        _search("unindex", "post", post.pk)
        expertise.post_removed(post.pk)
        for cid in comment_ids:
            _search("unindex", "comment", cid)
    return post


def delete_post(actor, post: Post) -> Post:
    """The author deletes their post (kept as removed, no longer shown anywhere)."""
    if post.removed_at is not None:
        raise NotFound("No such post.")
    _check_author(actor, post, "post")
    return _soft_remove_post(actor, post)


def remove_post(actor, post: Post) -> Post:
    """A moderator of the post's space (staff for the company feed) removes it."""
    _check_readable(actor, post)
    if not access.can_moderate(actor, post.space):
        raise Forbidden("Only the author, or the space's owners and moderators, can remove this post.")
    return _soft_remove_post(actor, post)


# --- comments ------------------------------------------------------------------------------------

def add_comment(actor, post: Post, *, body: str, parent: Comment | None = None) -> Comment:
    """A comment on a post, or a reply to a top-level comment (a reply to a reply attaches to its
    top-level comment: one level of threading)."""
    _check_readable(actor, post)
    body = _clean_body(body, label="The comment", max_chars=settings.CHRYSALIS_MAX_COMMENT_CHARS)
    if parent is not None:
        if parent.post_id != post.pk:
            raise Invalid("You can only reply to a comment on the same post.", field="parent")
        if parent.parent_id is not None:  # one level: a reply to a reply joins its top-level thread
            parent = Comment.objects.select_related("author").get(pk=parent.parent_id)
        if parent.removed_at is not None:
            raise Invalid("This comment was removed; it takes no new replies.", field="parent")
    mentioned = _mentioned_users(body)

    with transaction.atomic():
        comment = Comment.objects.create(post=post, author=actor, parent=parent, body=body,
                                         body_html=render_markdown(body))
        Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
        done = _notify_mentions(actor, post, mentioned, comment=comment) | {actor.pk}
        candidates = []
        if parent is not None and parent.author_id not in done:
            candidates.append((parent.author, Notification.Verb.REPLY))
        if post.author_id not in done and (parent is None or parent.author_id != post.author_id):
            answer = post.kind == Post.Kind.ANSWER
            verb = Notification.Verb.QA_COMMENT if answer else Notification.Verb.COMMENT
            candidates.append((post.author, verb))
        readers = access.readers_among(post.space, [u.pk for u, _ in candidates])
        for user, verb in candidates:
            if user.pk in readers:
                notify([user], actor=actor, verb=verb, post=post, comment=comment)
        _search("index_comment", comment.pk)
        expertise.comment_changed(comment.pk)
    post.comment_count += 1
    return comment


def _check_comment_live(actor, comment: Comment) -> None:
    if comment.removed_at is not None:
        raise NotFound("No such comment.")
    if comment.post.removed_at is not None or not access.can_read_space(actor, comment.post.space):
        raise NotFound("No such comment.")


def edit_comment(actor, comment: Comment, *, body: str) -> Comment:
    _check_comment_live(actor, comment)
    _check_author(actor, comment, "comment")
    body = _clean_body(body, label="The comment", max_chars=settings.CHRYSALIS_MAX_COMMENT_CHARS)
    mentioned = _mentioned_users(body)
    already = set(Mention.objects.filter(comment=comment).values_list("user_id", flat=True))
    with transaction.atomic():
        comment.body, comment.body_html, comment.edited_at = body, render_markdown(body), timezone.now()
        comment.save(update_fields=["body", "body_html", "edited_at"])
        _notify_mentions(actor, comment.post, [u for u in mentioned if u.pk not in already], comment=comment)
        _search("index_comment", comment.pk)
        expertise.comment_changed(comment.pk)
    return comment


def _soft_remove_comment(actor, comment: Comment) -> Comment:
    with transaction.atomic():
        comment.removed_at, comment.removed_by = timezone.now(), actor
        comment.save(update_fields=["removed_at", "removed_by"])
        Post.objects.filter(pk=comment.post_id).update(comment_count=Greatest(F("comment_count") - 1, 0))
        _search("unindex", "comment", comment.pk)
        expertise.comment_removed(comment.pk)
    return comment


def delete_comment(actor, comment: Comment) -> Comment:
    _check_comment_live(actor, comment)
    _check_author(actor, comment, "comment")
    return _soft_remove_comment(actor, comment)


def remove_comment(actor, comment: Comment) -> Comment:
    _check_comment_live(actor, comment)
    if not access.can_moderate(actor, comment.post.space):
        raise Forbidden("Only the author, or the space's owners and moderators, can remove this comment.")
    return _soft_remove_comment(actor, comment)


# --- reactions -----------------------------------------------------------------------------------

def _reaction_target(actor, post, comment, kind) -> tuple[Post | None, Comment | None]:
    if (post is None) == (comment is None):
        raise Invalid("React to exactly one post or comment.")
    if kind not in Reaction.Kind.values:
        choices = ", ".join(Reaction.Kind.values)
        raise Invalid(f"Unknown reaction “{kind}”; use one of: {choices}.", field="kind")
    if post is not None:
        _check_readable(actor, post)
    else:
        _check_comment_live(actor, comment)
    return post, comment


def _reaction_label(kind: str) -> str:
    return Reaction.Kind(kind).label.split(" ", 1)[-1]


def react(actor, *, post: Post | None = None, comment: Comment | None = None, kind: str) -> Reaction:
    post, comment = _reaction_target(actor, post, comment, kind)
    target = {"post": post} if post is not None else {"comment": comment}
    if Reaction.objects.filter(user=actor, kind=kind, **target).exists():
        raise Conflict(f"You have already reacted “{_reaction_label(kind)}”.")
    # the post's author hears once per person: on their first reaction, and never again if told before
    first = post is not None and not Reaction.objects.filter(user=actor, post=post).exists()
    try:
        with transaction.atomic():
            reaction = Reaction.objects.create(user=actor, kind=kind, **target)
            if post is not None:
                Post.objects.filter(pk=post.pk).update(reaction_count=F("reaction_count") + 1)
                already = not first or Notification.objects.filter(
                    recipient_id=post.author_id, actor=actor, verb=Notification.Verb.REACTION, post=post
                ).exists()
                if not already and post.author_id in access.readers_among(post.space, [post.author_id]):
                    notify([post.author], actor=actor, verb=Notification.Verb.REACTION, post=post)
    except IntegrityError:
        raise Conflict(f"You have already reacted “{_reaction_label(kind)}”.") from None
    if post is not None:
        post.reaction_count += 1
    return reaction


def unreact(actor, *, post: Post | None = None, comment: Comment | None = None, kind: str) -> None:
    post, comment = _reaction_target(actor, post, comment, kind)
    target = {"post": post} if post is not None else {"comment": comment}
    with transaction.atomic():
        deleted, _ = Reaction.objects.filter(user=actor, kind=kind, **target).delete()
        if not deleted:
            raise Conflict(f"You have not reacted “{_reaction_label(kind)}”.")
        if post is not None:
            Post.objects.filter(pk=post.pk).update(reaction_count=Greatest(F("reaction_count") - 1, 0))
    if post is not None:
        post.reaction_count = max(post.reaction_count - 1, 0)


# --- distinct readers ----------------------------------------------------------------------------

def record_reads(viewer, posts) -> int:
    """Record that `viewer` has read these posts (the post page, a question with its answers, an
    article): one INSERT that skips rows already there, so reading again changes nothing. Only the
    first read is kept; authors' own reads, removed posts and posts the viewer may not read are
    never recorded. Never fails the page: a write that cannot happen now is skipped. Returns how
    many (post, reader) pairs were offered to the database."""
    from django.db import DatabaseError

    from chrysalis.posts.models import PostRead

    if not access._active(viewer):
        return 0
    readable: dict[int | None, bool] = {}
    rows = []
    for post in posts:
        if post is None or post.removed_at is not None or post.author_id == viewer.pk:
            continue
        if post.space_id not in readable:
            readable[post.space_id] = access.can_read_space(viewer, post.space)
        if readable[post.space_id]:
            rows.append(PostRead(post_id=post.pk, user_id=viewer.pk))
    if not rows:
        return 0
    try:  # pages run in autocommit: a failed INSERT leaves nothing half-done
        PostRead.objects.bulk_create(rows, ignore_conflicts=True)
    except DatabaseError:  # e.g. SQLite busy under load: a missed read is better than a failed page
        return 0
    return len(rows)


def record_read(viewer, post: Post) -> int:
    """Record that `viewer` has read `post` (see record_reads)."""
    return record_reads(viewer, [post])
