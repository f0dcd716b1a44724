"""Writes of the Q&A: questions, answers, votes, accepted answers, edits with revisions, rollback,
duplicates, knowledge articles, tag follows and descriptions.

Questions, answers and articles are posts (chrysalis.posts): they are written through
posts.actions (Markdown, tags, mentions, links, search indexing, revision 1) so there is one way
to write a post. Every action here validates its input and checks permission through the access
door (chrysalis.spaces.queries) BEFORE it writes, writes in one transaction, and notifies on commit.

Decisions:
- Answering needs the right to post in the question's space (`can_post_in`): on the company feed
  everyone, in a space its members. An open space's question is readable by all, but only its
  members answer (as with posts there); others can comment, vote and join the space.
- Voting needs the right to read; not on your own post; one vote per person and post (change it
  or take it back). The author hears of votes once per voter and post.
- Accepting: the asker or a moderator of the question's space (staff on the company feed).
- Editing: the author or a moderator; a knowledge article by anyone who may post in its space.
- Rollback and closing as a duplicate: moderators.
- Tag descriptions: staff, and owners/moderators of any space (the people who curate vocabularies).
"""

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from chrysalis.core.errors import Conflict, Forbidden, Invalid, NotFound
from chrysalis.core.text import clean_line, clean_text
from chrysalis.experts import hooks as expertise
from chrysalis.notifications.actions import notify
from chrysalis.notifications.models import Notification
from chrysalis.posts import actions as post_actions
from chrysalis.posts.models import Post, Tag, TagFollow, Vote
from chrysalis.spaces import queries as access
from chrysalis.spaces.models import Membership, Role, Visibility

QUESTION, ANSWER, ARTICLE = Post.Kind.QUESTION, Post.Kind.ANSWER, Post.Kind.ARTICLE
_WHAT = {QUESTION: "question", ANSWER: "answer", ARTICLE: "article"}


# --- helpers -------------------------------------------------------------------------------------


def _check_live(actor, post: Post, kinds, what: str = "post") -> None:
    """The post exists, is of one of `kinds`, is not removed, and the actor may read it."""
    if post is None or post.removed_at is not None or post.kind not in kinds:
        raise NotFound(f"No such {what}.")
    if not access.can_read_space(actor, post.space):
        raise NotFound(f"No such {what}.")


def _where(space) -> str:
    return space.name if space is not None else "the company feed"


def _notify_readers(users, post: Post, *, actor, verb: str) -> None:
    users = [u for u in users if u is not None]
    readers = access.readers_among(post.space, [u.pk for u in users])
    notify([u for u in users if u.pk in readers], actor=actor, verb=verb, post=post)


def _check_can_answer(actor, space) -> None:
    if not access.can_post_in(actor, space):
        raise Forbidden(f"Only members of {_where(space)} can answer questions there. Join the space first.")


# --- questions and answers -----------------------------------------------------------------------


def ask_question(actor, *, title: str, body: str, tags, space=None, files=(), ask=None) -> Post:
    """A question (title, Markdown body, at least one tag) on the company feed or in a space the
    actor is a member of. In a space that restricts tags only existing tags are accepted.

    `ask`: a person the asker chose by name (the "Ask" button of a profile). They are asked too,
    under the routing rules (experts.hooks.asked_by_name), besides the experts routing chooses; the
    returned question's `named_ask` (experts.actions.NamedAsk) says whether they were asked, and why
    not. Asking yourself, or someone no longer active, is refused before anything is written."""
    if ask is not None:
        if ask.pk == actor.pk:
            raise Invalid("You cannot ask yourself: leave “Ask” empty to ask the experts.", field="ask")
        if not ask.is_active:
            raise Invalid(f"{ask.name} is no longer active here: choose someone else.", field="ask")
    with transaction.atomic():
        question = post_actions.create_post(
            actor, body=body, title=title, tags=tags, space=space, kind=QUESTION, files=files
        )
        question.named_ask = expertise.asked_by_name(question, ask) if ask is not None else None
    return question


def answer_question(actor, question: Post, *, body: str) -> Post:
    """An answer to a readable, open question, by someone who may post in its space. The asker is
    notified; the question's answer count goes up."""
    _check_live(actor, question, [QUESTION], "question")
    _check_can_answer(actor, question.space)
    if question.closed_at is not None:
        raise Conflict("This question is closed and takes no new answers.")
    with transaction.atomic():
        answer = post_actions.create_post(
            actor, body=body, space=question.space, kind=ANSWER, question=question
        )
        Post.objects.filter(pk=question.pk).update(answer_count=F("answer_count") + 1)
        _notify_readers([question.author], answer, actor=actor, verb=Notification.Verb.ANSWER)
        expertise.answer_posted(answer)
    question.answer_count += 1
    return answer


# --- votes ---------------------------------------------------------------------------------------


def vote(actor, post: Post, value: int) -> Post:
    """Vote +1 or -1 on a question or answer (not your own). Voting the same way twice is a
    conflict; voting the other way changes the vote. Returns the post with its new score."""
    if value not in (1, -1):
        raise Invalid("A vote is +1 (up) or -1 (down).", field="value")
    _check_live(actor, post, [QUESTION, ANSWER])
    if post.author_id == actor.pk:
        raise Forbidden(f"You cannot vote on your own {_WHAT[post.kind]}.")
    existing = Vote.objects.filter(user=actor, post=post).first()
    if existing is not None and existing.value == value:
        raise Conflict(f"You have already voted this {_WHAT[post.kind]} {'up' if value > 0 else 'down'}.")
    try:
        with transaction.atomic():
            if existing is None:
                Vote.objects.create(user=actor, post=post, value=value)
                delta = value
            else:
                Vote.objects.filter(pk=existing.pk).update(value=value, created_at=timezone.now())
                delta = value - existing.value
            Post.objects.filter(pk=post.pk).update(score=F("score") + delta)
            told = Notification.objects.filter(
                recipient_id=post.author_id, actor=actor, verb=Notification.Verb.VOTE, post=post
            ).exists()
            if existing is None and not told:
                _notify_readers([post.author], post, actor=actor, verb=Notification.Verb.VOTE)
            expertise.post_changed(post.pk)
    except IntegrityError:
        raise Conflict(f"You have already voted on this {_WHAT[post.kind]}.") from None
    post.score += delta
    return post


def retract_vote(actor, post: Post) -> Post:
    """Take back your vote on a question or answer."""
    _check_live(actor, post, [QUESTION, ANSWER])
    existing = Vote.objects.filter(user=actor, post=post).first()
    if existing is None:
        raise Conflict(f"You have not voted on this {_WHAT[post.kind]}.")
    with transaction.atomic():
        Vote.objects.filter(pk=existing.pk).delete()
        Post.objects.filter(pk=post.pk).update(score=F("score") - existing.value)
        expertise.post_changed(post.pk)
    post.score -= existing.value
    return post


# --- accepted answers ----------------------------------------------------------------------------


def _question_of(actor, answer: Post) -> Post:
    _check_live(actor, answer, [ANSWER], "answer")
    question = Post.objects.select_related("space", "author").filter(pk=answer.question_id).first()
    if question is None or question.removed_at is not None:
        raise NotFound("No such question.")
    return question


def _check_can_accept(actor, question: Post) -> None:
    if question.author_id != actor.pk and not access.can_moderate(actor, question.space):
        raise Forbidden("Only the person who asked, or a moderator, can accept an answer.")


def accept_answer(actor, answer: Post) -> Post:
    """The asker (or a moderator) accepts this answer; accepting another one moves the mark.
    Returns the question."""
    question = _question_of(actor, answer)
    _check_can_accept(actor, question)
    if question.accepted_answer_id == answer.pk:
        raise Conflict("This answer is already the accepted one.")
    with transaction.atomic():
        Post.objects.filter(pk=question.pk).update(accepted_answer=answer)
        _notify_readers([answer.author], answer, actor=actor, verb=Notification.Verb.ACCEPTED)
        expertise.post_changed(answer.pk)
    question.accepted_answer = answer
    return question


def unaccept_answer(actor, answer: Post) -> Post:
    question = _question_of(actor, answer)
    _check_can_accept(actor, question)
    if question.accepted_answer_id != answer.pk:
        raise Conflict("This answer is not the accepted one.")
    with transaction.atomic():
        Post.objects.filter(pk=question.pk, accepted_answer=answer).update(accepted_answer=None)
        expertise.post_changed(answer.pk)
    question.accepted_answer = None
    return question


# --- edits, revisions, rollback ------------------------------------------------------------------


def _check_can_edit(actor, post: Post) -> None:
    if post.kind == ARTICLE:
        if not (access.can_post_in(actor, post.space) or access.can_moderate(actor, post.space)):
            raise Forbidden(f"Only members of {_where(post.space)} can edit this article.")
        return
    if post.author_id != actor.pk and not access.can_moderate(actor, post.space):
        raise Forbidden(f"Only the author, or a moderator, can edit this {_WHAT[post.kind]}.")


def edit_question(actor, question: Post, *, title=None, body=None, tags=None, note: str = "") -> Post:
    _check_live(actor, question, [QUESTION], "question")
    _check_can_edit(actor, question)
    return post_actions.apply_edit(actor, question, title=title, body=body, tags=tags, note=note)


def edit_answer(actor, answer: Post, *, body: str, note: str = "") -> Post:
    _check_live(actor, answer, [ANSWER], "answer")
    _check_can_edit(actor, answer)
    return post_actions.apply_edit(actor, answer, body=body, tags=[], note=note)


def edit_article(actor, article: Post, *, title=None, body=None, tags=None, note: str = "") -> Post:
    _check_live(actor, article, [ARTICLE], "article")
    _check_can_edit(actor, article)
    return post_actions.apply_edit(actor, article, title=title, body=body, tags=tags, note=note)


def edit_qa_post(actor, post: Post, *, title=None, body=None, tags=None, note: str = "") -> Post:
    """Dispatch to edit_question / edit_answer / edit_article by kind."""
    if post.kind == QUESTION:
        return edit_question(actor, post, title=title, body=body, tags=tags, note=note)
    if post.kind == ANSWER:
        return edit_answer(actor, post, body=post.body if body is None else body, note=note)
    return edit_article(actor, post, title=title, body=body, tags=tags, note=note)


def rollback(actor, post: Post, revision_number: int) -> Post:
    """A moderator restores an earlier revision: a new revision equal to the old one."""
    _check_live(actor, post, [QUESTION, ANSWER, ARTICLE])
    if not access.can_moderate(actor, post.space):
        raise Forbidden("Only moderators can roll back an edit.")
    revision = post.revisions.filter(number=revision_number).first()
    if revision is None:
        raise NotFound(f"This {_WHAT[post.kind]} has no revision {revision_number}.")
    latest = post.revisions.order_by("-number").values_list("number", flat=True).first()
    if revision_number == latest:
        raise Conflict(f"Revision {revision_number} is already the current version.")
    tags = revision.tags.split() if post.kind != ANSWER else []
    return post_actions.apply_edit(
        actor,
        post,
        title=revision.title,
        body=revision.body,
        tags=tags,
        note=f"Rolled back to revision {revision_number}",
    )


# --- duplicates ----------------------------------------------------------------------------------


def _same_readers_can_see(question: Post, original: Post) -> bool:
    """Everyone who can read `question` can also read `original`."""
    if original.space_id is None or original.space_id == question.space_id:
        return True
    return original.space.visibility == Visibility.OPEN


def close_as_duplicate(actor, question: Post, original: Post) -> Post:
    """A moderator closes a question as a duplicate of another visible question that everyone who
    can read this one can read too."""
    _check_live(actor, question, [QUESTION], "question")
    if not access.can_moderate(actor, question.space):
        raise Forbidden("Only moderators can close a question.")
    if original is None:
        raise NotFound("No such original question.")
    _check_live(actor, original, [QUESTION], "original question")
    if original.pk == question.pk:
        raise Invalid("A question cannot be a duplicate of itself.", field="original")
    if original.duplicate_of_id == question.pk:
        raise Invalid("That question is already closed as a duplicate of this one.", field="original")
    if not _same_readers_can_see(question, original):
        raise Invalid(
            f"The original is in {original.space.name}, which not everyone who can read this question can "
            "see. Choose a question they can all read.",
            field="original",
        )
    if question.closed_at is not None:
        raise Conflict("This question is already closed.")
    now = timezone.now()
    Post.objects.filter(pk=question.pk).update(duplicate_of=original, closed_at=now, closed_by=actor)
    question.duplicate_of, question.closed_at, question.closed_by = original, now, actor
    return question


def reopen(actor, question: Post) -> Post:
    _check_live(actor, question, [QUESTION], "question")
    if not access.can_moderate(actor, question.space):
        raise Forbidden("Only moderators can reopen a question.")
    if question.closed_at is None:
        raise Conflict("This question is not closed.")
    Post.objects.filter(pk=question.pk).update(duplicate_of=None, closed_at=None, closed_by=None)
    question.duplicate_of, question.closed_at, question.closed_by = None, None, None
    return question


# --- knowledge articles --------------------------------------------------------------------------


def is_resolved(question: Post) -> bool:
    """A resolved thread: an accepted answer, or a live answer with a positive score."""
    return Post.objects.filter(
        Q(pk=question.pk, accepted_answer__isnull=False)
        | Q(question=question, kind=ANSWER, removed_at__isnull=True, score__gt=0)
    ).exists()


def create_article(actor, question: Post, *, title: str, body: str, tags=None) -> Post:
    """Distil a resolved thread into a knowledge article in the question's space (tags default to
    the question's). Everyone credited (asker, answerers, commenters) who can read it is told."""
    from chrysalis.qa.queries import thread_contributors

    _check_live(actor, question, [QUESTION], "question")
    if not access.can_post_in(actor, question.space):
        raise Forbidden(f"Only members of {_where(question.space)} can write articles there.")
    if not is_resolved(question):
        raise Invalid(
            "Only a resolved thread (with an accepted answer, or an answer with a positive score) "
            "can become a knowledge article."
        )
    title = clean_line(title, field="title", label="Title", max_length=200)
    if tags is None:
        tags = list(question.tags.values_list("name", flat=True))
    with transaction.atomic():
        article = post_actions.create_post(
            actor,
            body=body,
            title=title,
            tags=tags,
            space=question.space,
            kind=ARTICLE,
            source_question=question,
        )
        _notify_readers(thread_contributors(question), article, actor=actor, verb=Notification.Verb.ARTICLE)
    return article


# --- tags ----------------------------------------------------------------------------------------


def _visible_tag(actor, name: str) -> Tag:
    from chrysalis.qa.queries import get_visible_tag

    return get_visible_tag(actor, name)


def follow_tag(actor, name: str) -> TagFollow:
    tag = _visible_tag(actor, name)
    if TagFollow.objects.filter(user=actor, tag=tag).exists():
        raise Conflict(f"You already follow #{tag.name}.")
    try:
        with transaction.atomic():
            return TagFollow.objects.create(user=actor, tag=tag)
    except IntegrityError:
        raise Conflict(f"You already follow #{tag.name}.") from None


def unfollow_tag(actor, name: str) -> None:
    tag = _visible_tag(actor, name)
    deleted, _ = TagFollow.objects.filter(user=actor, tag=tag).delete()
    if not deleted:
        raise Conflict(f"You do not follow #{tag.name}.")


def can_describe_tags(actor) -> bool:
    if not (actor is not None and actor.is_authenticated and actor.is_active):
        return False
    return (
        actor.is_staff
        or Membership.objects.filter(user_id=actor.pk, role__in=[Role.OWNER, Role.MODERATOR]).exists()
    )


def set_tag_description(actor, name: str, description: str) -> Tag:
    tag = _visible_tag(actor, name)
    if not can_describe_tags(actor):
        raise Forbidden("Only staff and space moderators can describe tags.")
    text = clean_text(
        description, field="description", label="The description", max_length=2000, required=False
    )
    Tag.objects.filter(pk=tag.pk).update(description=text)
    tag.description = text
    return tag


def set_space_tag_policy(actor, space, *, restrict: bool) -> None:
    """Owners and moderators decide whether their space accepts only existing tags."""
    if not access.known_spaces(actor).filter(pk=space.pk).exists():
        raise NotFound(access.NO_SUCH_SPACE)
    if not access.can_moderate(actor, space):
        raise Forbidden("Only the space's owners and moderators can change its tag policy.")
    type(space).objects.filter(pk=space.pk).update(restrict_tags=bool(restrict))
    space.restrict_tags = bool(restrict)
