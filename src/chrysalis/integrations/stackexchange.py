"""Import a Stack Exchange data dump folder (`chrysalis import stackexchange SITE_DIR`).

How it works
------------
1. **Scan** (no writes): every file present is parsed in full, so malformed XML stops the import
   before anything is written (the error names the file and the line). The scan decides, row by
   row, what will be imported and why the rest is skipped: the *plan*.
2. **Write**, phase by phase (people, tags, questions, answers, comments, votes), streaming the
   files again and committing every `BATCH` rows with a handful of queries (one lookup of the
   external ids already present, then bulk inserts). Every row carries an external id
   (`se:<UserId>`, `se:post:<Id>`, `se:comment:<Id>`, `se:vote:<Id>`), so a rerun skips what is
   there: the import is idempotent, and an interrupted import resumes where it stopped.
3. **Aggregates** are recomputed from the database, never copied from the dump: score = sum of the
   votes, answer_count, comment_count, and the accepted answer when the dump's accepted answer was
   imported. Only rows whose value differs are updated (a rerun writes nothing).
4. **Search**: the imported content is indexed (a bulk rebuild of the index when much was
   imported, the per-object functions otherwise).

Decisions
---------
- `--until T` keeps only rows created strictly before T (questions, answers, comments, votes). An
  answer before T whose question is not imported is an *orphan answer*; an accepted answer at or
  after T is not accepted. People: those whose CreationDate is before T, plus everyone who authored
  imported content (so a person's existence is as of T, and no content lacks its author). Tags: those
  of imported questions (plus, without --until, every tag of Tags.xml). Tag descriptions come from
  Tags.xml excerpt posts (with --until, only excerpts created before T). Dump aggregates (Score,
  ViewCount, AnswerCount, CommentCount, FavoriteCount, Reputation, Views, UpVotes, DownVotes...)
  are never read.
- **Deleted owners**: a question, answer or comment whose owner was deleted (no OwnerUserId /
  UserId, or the Community user -1) is imported, credited to one placeholder person "Deleted user"
  (`se:deleted`, deactivated, so never suggested or listed), and reported as such: dropping it would
  orphan the answers and comments of a deleted asker.
- The Community user (-1) of Users.xml is a bot: it is not imported (reported).
- Every person gets an unusable password (people sign in through the organisation's accounts);
  username `se-<UserId>` (suffixed if already taken by someone else), bio = the About text as
  Markdown (sanitised first), date_joined = CreationDate (or the first content date for people
  absent from Users.xml, named "Stack Exchange user <id>").
- Bodies: body_html = the dump's HTML sanitised (chrysalis.core.markdown.sanitize_html), body = the
  same converted to Markdown (markdownify), so that an edit starts from a faithful source. Each
  imported question and answer gets revision 1 (the original). Comments (Stack Exchange
  mini-Markdown) are rendered with render_markdown.
- `--space NAME`: imported into the space of that name (case-insensitive), created open when
  missing (owned by the first administrator through spaces.actions.create_space, or without owner
  when there is no administrator); the authors become its members. Default: the company feed.
  A rerun never moves already imported content.
- Ids are those of the dump, so one Chrysalis holds one Stack Exchange site; importing a different
  site into a database that already holds one is refused (the first questions are compared).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from chrysalis.integrations import se_reader as r
from chrysalis.integrations.se_reader import DumpError

BATCH = 1000
DELETED_ID = "se:deleted"
REINDEX_ONE_BY_ONE_BELOW = 300  # objects; above it the whole search index is rebuilt in bulk
FILES = ("Users.xml", "Posts.xml", "Comments.xml", "Votes.xml", "Tags.xml")


def person_xid(user_id: str) -> str:
    return f"se:{user_id}"


def post_xid(post_id: str) -> str:
    return f"se:post:{post_id}"


def comment_xid(comment_id: str) -> str:
    return f"se:comment:{comment_id}"


def vote_xid(vote_id: str) -> str:
    return f"se:vote:{vote_id}"


# --- Report ----------------------------------------------------------------------------------


KINDS = ("people", "tags", "questions", "answers", "comments", "votes")


@dataclass
class ImportReport:
    site: str
    until: datetime | None = None
    space: str | None = None
    imported: Counter = field(default_factory=Counter)  # kind -> rows created by this run
    present: Counter = field(default_factory=Counter)  # kind -> rows already imported before
    excluded: Counter = field(default_factory=Counter)  # kind -> rows at or after --until
    skipped: Counter = field(default_factory=Counter)  # (file, reason) -> rows not imported
    deleted_owner: Counter = field(default_factory=Counter)  # kind -> rows credited to "Deleted user"
    updated: Counter = field(default_factory=Counter)  # aggregate -> posts whose value changed
    search: str = ""
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(sum(self.imported.values()) or sum(self.updated.values()))

    def format(self) -> str:
        lines = [f"Stack Exchange import of {self.site}"]
        if self.until:
            lines[0] += f" (until {self.until.isoformat()})"
        lines[0] += f" into {'space ' + repr(self.space) if self.space else 'the company feed'}"
        lines.append(f"  {'':10} {'imported':>9} {'already':>9} {'after --until':>14}")
        for kind in KINDS:
            lines.append(
                f"  {kind:10} {self.imported[kind]:>9} {self.present[kind]:>9} {self.excluded[kind]:>14}"
            )
        if self.deleted_owner:
            what = ", ".join(f"{n} {k}" for k, n in sorted(self.deleted_owner.items()))
            lines.append(f"  deleted owner: {what} credited to the placeholder person 'Deleted user'")
        if self.skipped:
            lines.append(f"  skipped rows: {sum(self.skipped.values())}")
            for (file, reason), n in sorted(self.skipped.items()):
                lines.append(f"    {file:13} {reason}: {n}")
        else:
            lines.append("  skipped rows: none")
        if self.updated:
            lines.append("  recomputed: " + ", ".join(f"{k} {n}" for k, n in sorted(self.updated.items())))
        if self.search:
            lines.append(f"  search index: {self.search}")
        lines.append(f"  done in {self.seconds:.1f} s")
        return "\n".join(lines)


# --- Scan: the plan --------------------------------------------------------------------------


@dataclass
class _Plan:
    users: dict[str, datetime] = field(default_factory=dict)  # Users.xml id -> CreationDate
    people: dict[str, datetime] = field(default_factory=dict)  # ids to import -> earliest date
    deleted_needed: datetime | None = None
    questions: dict[str, r.SEPost] = field(default_factory=dict)  # id -> post without its body
    answers: dict[str, r.SEPost] = field(default_factory=dict)
    comments: set[str] = field(default_factory=set)
    votes: set[str] = field(default_factory=set)
    tags: dict[str, datetime] = field(default_factory=dict)  # name -> first use
    tag_excerpts: dict[str, str] = field(default_factory=dict)  # tag name -> excerpt post id
    counts: Counter = field(default_factory=Counter)  # rows of each kind in the dump


def _before(created: datetime, until: datetime | None) -> bool:
    return until is None or created < until


def _need(plan: _Plan, owner: str | None, created: datetime) -> None:
    if owner is None:
        plan.deleted_needed = min(plan.deleted_needed or created, created)
    else:
        prev = plan.people.get(owner)
        plan.people[owner] = created if prev is None or created < prev else prev


def _scan(site: Path, until: datetime | None, report: ImportReport) -> _Plan:
    plan = _Plan()
    skips: list[r.Skip] = []

    users_path = site / "Users.xml"
    if users_path.exists():
        for u in r.read_users(users_path, skips):
            if u.id == "-1":
                skips.append(r.Skip("Users.xml", u.id, "Community bot user (-1)"))
                continue
            plan.counts["people"] += 1
            plan.users[u.id] = u.created
            if _before(u.created, until):
                _need(plan, u.id, u.created)
            else:
                report.excluded["people"] += 1

    others: set[str] = set()
    questions: dict[str, r.SEPost] = {}
    answers: list[r.SEPost] = []
    for p in r.read_posts(site / "Posts.xml", skips, others):
        slim = replace(p, body_html="")  # the plan keeps no bodies: they are streamed again
        if p.type == "question":
            questions[p.id] = slim
        else:
            answers.append(slim)
    for q in questions.values():
        plan.counts["questions"] += 1
        if _before(q.created, until):
            plan.questions[q.id] = q
        else:
            report.excluded["questions"] += 1
    for a in answers:
        plan.counts["answers"] += 1
        if not _before(a.created, until):
            report.excluded["answers"] += 1
        elif a.parent_id in plan.questions:
            plan.answers[a.id] = a
        elif a.parent_id in questions:
            skips.append(r.Skip("Posts.xml", a.id, "orphan answer (its question is at or after --until)"))
        else:
            skips.append(r.Skip("Posts.xml", a.id, "orphan answer (question missing)"))
    for p in (*plan.questions.values(), *plan.answers.values()):
        _need(plan, p.owner, p.created)
        if p.owner is None:
            report.deleted_owner[p.type + "s"] += 1
        for t in p.tags:
            plan.tags[t] = min(plan.tags.get(t, p.created), p.created)
    imported_posts = plan.questions.keys() | plan.answers.keys()
    all_qa = questions.keys() | {a.id for a in answers}

    def target_reason(post_id: str, what: str) -> str:
        if post_id in all_qa:
            return f"{what} on a post that is not imported (--until or skipped)"
        if post_id in others:
            return f"{what} on a tag wiki or other non-Q&A post"
        return f"{what} on a missing post"

    comments_path = site / "Comments.xml"
    if comments_path.exists():
        for c in r.read_comments(comments_path, skips):
            plan.counts["comments"] += 1
            if not _before(c.created, until):
                report.excluded["comments"] += 1
            elif c.post_id not in imported_posts:
                skips.append(r.Skip("Comments.xml", c.id, target_reason(c.post_id, "comment")))
            else:
                plan.comments.add(c.id)
                _need(plan, c.user, c.created)
                if c.user is None:
                    report.deleted_owner["comments"] += 1

    votes_path = site / "Votes.xml"
    if votes_path.exists():
        for v in r.read_votes(votes_path, skips):
            plan.counts["votes"] += 1
            if not _before(v.created, until):
                report.excluded["votes"] += 1
            elif v.post_id not in imported_posts:
                skips.append(r.Skip("Votes.xml", v.id, target_reason(v.post_id, "vote")))
            else:
                plan.votes.add(v.id)

    tags_path = site / "Tags.xml"
    if tags_path.exists():
        for t in r.read_tags(tags_path, skips):
            plan.counts["tags"] += 1
            if until is None:
                plan.tags.setdefault(t.name, None)
            if t.excerpt_post_id and t.name in plan.tags:
                plan.tag_excerpts[t.name] = t.excerpt_post_id

    for s in skips:
        report.skipped[(s.file, s.reason)] += 1
    return plan


# --- Writing ---------------------------------------------------------------------------------


def _bar(progress: bool, total: int, desc: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="row", disable=not progress, leave=False, file=sys.stderr)


def _batches(items, size: int = BATCH):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _existing(model, xids: list[str]) -> dict[str, int]:
    return dict(model.objects.filter(external_id__in=xids).values_list("external_id", "pk"))


def _html_to_markdown(html: str) -> str:
    from markdownify import markdownify

    return markdownify(html, heading_style="ATX", bullets="-").strip()


def _username(user_id: str, taken: set[str]) -> str:
    base = f"se-{user_id}"[:140]
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name)
    return name


def _import_people(site: Path, plan: _Plan, report: ImportReport, progress: bool) -> dict[str, int]:
    from chrysalis.core.markdown import sanitize_html
    from chrysalis.people.models import User

    wanted = dict(plan.people)
    if plan.deleted_needed is not None:
        wanted["deleted"] = plan.deleted_needed
    details: dict[str, r.SEUser] = {}

    def rows():
        users_path = site / "Users.xml"
        if users_path.exists():
            for u in r.read_users(users_path, []):
                if u.id in wanted:
                    details[u.id] = u
                    yield u.id
        for uid in wanted:  # owners absent from Users.xml, and the deleted-user placeholder
            if uid not in details:
                yield uid

    with _bar(progress, len(wanted), "people") as bar:
        for ids in _batches(rows()):
            xids = [DELETED_ID if i == "deleted" else person_xid(i) for i in ids]
            present = _existing(User, xids)
            new = [(i, x) for i, x in zip(ids, xids, strict=True) if x not in present]
            report.present["people"] += len(ids) - len(new)
            taken = set(
                User.objects.filter(username__in=[f"se-{i}"[:140] for i, _ in new]).values_list(
                    "username", flat=True
                )
            )
            people = []
            for uid, xid in new:
                u = details.get(uid)
                if uid == "deleted":
                    fields = dict(
                        display_name="Deleted user",
                        is_active=False,
                        bio="Content whose Stack Exchange author deleted their account.",
                    )
                elif u is not None:
                    bio = _html_to_markdown(sanitize_html(u.about_html)) if u.about_html else ""
                    fields = dict(
                        display_name=u.display_name[:150] or f"Stack Exchange user {uid}",
                        location=u.location[:120],
                        bio=bio[:4000],
                    )
                else:
                    fields = dict(display_name=f"Stack Exchange user {uid}")
                people.append(
                    User(
                        username=_username(uid, taken),
                        external_id=xid,
                        password=make_password(None),
                        date_joined=u.created if u is not None else wanted[uid],
                        **fields,
                    )
                )
            with transaction.atomic():
                User.objects.bulk_create(people)
            report.imported["people"] += len(people)
            bar.update(len(ids))
    return dict(User.objects.filter(Q(external_id__startswith="se:")).values_list("external_id", "pk"))


def _import_tags(site: Path, plan: _Plan, until: datetime | None, report: ImportReport) -> dict[str, int]:
    from django.utils import timezone

    from chrysalis.core.markdown import plain_text, sanitize_html
    from chrysalis.posts.models import Tag

    descriptions: dict[str, str] = {}
    if plan.tag_excerpts:
        # Excerpt posts have a CreationDate: with --until, only those written before it.
        excerpts = r.read_excerpts(site / "Posts.xml", set(plan.tag_excerpts.values()))
        for name, pid in plan.tag_excerpts.items():
            if pid in excerpts and (until is None or excerpts[pid].created < until):
                descriptions[name] = plain_text(sanitize_html(excerpts[pid].body_html))
    names = [n[:50] for n in plan.tags]
    tags: dict[str, int] = {}
    for batch in _batches(names):
        present = {t.name: t for t in Tag.objects.filter(name__in=batch)}
        new, described = [], []
        for name in batch:
            t = present.get(name)
            if t is None:
                new.append(
                    Tag(
                        name=name,
                        description=descriptions.get(name, ""),
                        created_at=plan.tags.get(name) or timezone.now(),
                    )
                )
            elif not t.description and descriptions.get(name):
                t.description = descriptions[name]
                described.append(t)
        with transaction.atomic():
            Tag.objects.bulk_create(new)
            Tag.objects.bulk_update(described, ["description"])
        report.imported["tags"] += len(new)
        report.present["tags"] += len(present)
        if described:
            report.updated["tag descriptions"] += len(described)
    for batch in _batches(names, 5000):
        tags.update(Tag.objects.filter(name__in=batch).values_list("name", "pk"))
    return tags


def _import_posts(
    site: Path,
    plan: _Plan,
    kind: str,
    people: dict[str, int],
    tags: dict[str, int],
    space,
    report: ImportReport,
    progress: bool,
) -> None:
    from chrysalis.core.markdown import sanitize_html
    from chrysalis.posts.models import Post, Revision

    wanted = plan.questions if kind == "question" else plan.answers
    label = kind + "s"
    question_pks: dict[str, int] = {}
    if kind == "answer":
        xids = [post_xid(q) for q in plan.questions]
        for part in _batches(xids, 5000):
            question_pks.update(_existing(Post, part))
    through = Post.tags.through
    stream = (p for p in r.read_posts(site / "Posts.xml", []) if p.type == kind and p.id in wanted)
    with _bar(progress, len(wanted), label) as bar:
        for batch in _batches(stream):
            present = _existing(Post, [post_xid(p.id) for p in batch])
            todo = [p for p in batch if post_xid(p.id) not in present]
            report.present[label] += len(batch) - len(todo)
            posts, revisions, links = [], [], []
            for p in todo:
                body_html = sanitize_html(p.body_html)
                posts.append(
                    Post(
                        author_id=people[person_xid(p.owner) if p.owner else DELETED_ID],
                        space=space,
                        kind=kind,
                        title=p.title[:200] if kind == "question" else "",
                        body=_html_to_markdown(body_html),
                        body_html=body_html,
                        created_at=p.created,
                        question_id=question_pks[post_xid(p.parent_id)] if kind == "answer" else None,
                        external_id=post_xid(p.id),
                    )
                )
            with transaction.atomic():
                Post.objects.bulk_create(posts)
                for p, post in zip(todo, posts, strict=True):
                    names = [t[:50] for t in p.tags]
                    links += [through(post_id=post.pk, tag_id=tags[n]) for n in names]
                    revisions.append(
                        Revision(
                            post_id=post.pk,
                            number=1,
                            author_id=post.author_id,
                            title=post.title,
                            body=post.body,
                            tags=" ".join(names),
                            note="Imported from Stack Exchange",
                            created_at=post.created_at,
                        )
                    )
                through.objects.bulk_create(links, ignore_conflicts=True)
                Revision.objects.bulk_create(revisions)
            report.imported[label] += len(posts)
            bar.update(len(batch))


def _post_pks(plan: _Plan) -> dict[str, int]:
    from chrysalis.posts.models import Post

    out: dict[str, int] = {}
    for part in _batches([post_xid(i) for i in (*plan.questions, *plan.answers)], 5000):
        out.update(_existing(Post, part))
    return out


def _import_comments(site, plan, people, posts, report, progress) -> None:
    from chrysalis.core.markdown import render_markdown
    from chrysalis.posts.models import Comment

    stream = (c for c in r.read_comments(site / "Comments.xml", []) if c.id in plan.comments)
    with _bar(progress, len(plan.comments), "comments") as bar:
        for batch in _batches(stream):
            present = _existing(Comment, [comment_xid(c.id) for c in batch])
            new = [
                Comment(
                    post_id=posts[post_xid(c.post_id)],
                    author_id=people[person_xid(c.user) if c.user else DELETED_ID],
                    body=c.text,
                    body_html=render_markdown(c.text),
                    created_at=c.created,
                    external_id=comment_xid(c.id),
                )
                for c in batch
                if comment_xid(c.id) not in present
            ]
            with transaction.atomic():
                Comment.objects.bulk_create(new)
            report.imported["comments"] += len(new)
            report.present["comments"] += len(batch) - len(new)
            bar.update(len(batch))


def _import_votes(site, plan, posts, report, progress) -> None:
    from chrysalis.posts.models import Vote

    stream = (v for v in r.read_votes(site / "Votes.xml", []) if v.id in plan.votes)
    with _bar(progress, len(plan.votes), "votes") as bar:
        for batch in _batches(stream):
            present = _existing(Vote, [vote_xid(v.id) for v in batch])
            new = [
                Vote(
                    user=None,
                    post_id=posts[post_xid(v.post_id)],
                    value=1 if v.kind == "up" else -1,
                    created_at=v.created,
                    external_id=vote_xid(v.id),
                )
                for v in batch
                if vote_xid(v.id) not in present
            ]
            with transaction.atomic():
                Vote.objects.bulk_create(new)
            report.imported["votes"] += len(new)
            report.present["votes"] += len(batch) - len(new)
            bar.update(len(batch))


def _recompute(plan: _Plan, posts: dict[str, int], report: ImportReport) -> None:
    """score, answer_count, comment_count and accepted_answer of the imported posts, from the
    database (all votes, answers and comments they have, imported or not)."""
    from chrysalis.posts.models import Comment, Post, Vote

    pks = list(posts.values())
    accepted: dict[int, int] = {}
    for q in plan.questions.values():
        a = q.accepted_answer_id
        if a and a in plan.answers and plan.answers[a].parent_id == q.id and post_xid(a) in posts:
            accepted[posts[post_xid(q.id)]] = posts[post_xid(a)]
    for part in _batches(pks, 5000):
        scores = dict(
            Vote.objects.filter(post_id__in=part)
            .values("post_id")
            .annotate(s=Sum("value"))
            .values_list("post_id", "s")
        )
        answers = dict(
            Post.objects.filter(question_id__in=part, removed_at__isnull=True)
            .values("question_id")
            .annotate(n=Count("pk"))
            .values_list("question_id", "n")
        )
        comments = dict(
            Comment.objects.filter(post_id__in=part, removed_at__isnull=True)
            .values("post_id")
            .annotate(n=Count("pk"))
            .values_list("post_id", "n")
        )
        rows = []
        for pk, score, n_answers, n_comments, acc in Post.objects.filter(pk__in=part).values_list(
            "pk", "score", "answer_count", "comment_count", "accepted_answer_id"
        ):
            new = (
                scores.get(pk) or 0,
                answers.get(pk, 0),
                comments.get(pk, 0),
                acc if acc is not None else accepted.get(pk),
            )
            if new != (score, n_answers, n_comments, acc):
                for name, old, value in zip(
                    ("score", "answer_count", "comment_count", "accepted answers"),
                    (score, n_answers, n_comments, acc),
                    new,
                    strict=True,
                ):
                    if old != value:
                        report.updated[name] += 1
                rows.append((*new, pk))
        if rows:
            # One statement per batch (bulk_update's CASE expressions are much slower here).
            with transaction.atomic(), connection.cursor() as cur:
                cur.executemany(_UPDATE_AGGREGATES, rows)


_UPDATE_AGGREGATES = (
    "UPDATE posts_post SET score = %s, answer_count = %s, comment_count = %s, accepted_answer_id = %s "
    "WHERE id = %s"
)


def _resolve_space(name: str | None):
    """The space named `name` (case-insensitive), created open when missing."""
    if not name:
        return None
    from chrysalis.core.text import clean_line
    from chrysalis.people.models import User
    from chrysalis.spaces.models import Space, Visibility

    name = clean_line(name, field="space", label="Space name", max_length=120)
    space = Space.objects.filter(name__iexact=name).order_by("pk").first()
    if space is not None:
        return space
    admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if admin is not None:
        from chrysalis.spaces.actions import create_space

        return create_space(admin, name=name, visibility=Visibility.OPEN)
    from chrysalis.core.text import unique_slug

    with transaction.atomic():
        space = Space.objects.create(name=name, slug=unique_slug(Space, name), visibility=Visibility.OPEN)
    from chrysalis.search.indexing import index_space

    index_space(space.pk)
    return space


def _join_space(space, people: dict[str, int], plan: _Plan, report: ImportReport) -> None:
    """Authors of the imported content become members of the space."""
    from chrysalis.posts.models import Comment
    from chrysalis.spaces.models import Membership

    owners = {p.owner for p in (*plan.questions.values(), *plan.answers.values()) if p.owner}
    ids = {people[person_xid(o)] for o in owners if person_xid(o) in people}
    ids |= set(
        Comment.objects.filter(
            post__space=space, external_id__startswith="se:comment:", author__is_active=True
        )
        .values_list("author_id", flat=True)
        .distinct()
    )
    members = set(Membership.objects.filter(space=space).values_list("user_id", flat=True))
    new = [Membership(space=space, user_id=u) for u in sorted(ids - members)]
    with transaction.atomic():
        Membership.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
    if new:
        report.updated["space members"] += len(new)


def _check_same_site(plan: _Plan) -> None:
    """Refuse a second, different site: its ids would collide with the first one's."""
    from chrysalis.posts.models import Post

    sample = {post_xid(q.id): q.created for q in list(plan.questions.values())[:20]}
    for xid, created in Post.objects.filter(external_id__in=sample).values_list("external_id", "created_at"):
        if abs((created - sample[xid]).total_seconds()) > 1:
            raise DumpError(
                "This database already holds a different Stack Exchange site (post "
                f"{xid} differs): import each site into its own Chrysalis data folder."
            )


def _unindexed() -> dict[str, list[int]]:
    """Imported people, posts and comments missing from the search index (those of this run, and
    those of an interrupted earlier run)."""
    from chrysalis.people.models import User
    from chrysalis.posts.models import Comment, Post
    from chrysalis.search.models import Kind, SearchDocument

    def missing(qs, kind):
        indexed = SearchDocument.objects.filter(kind=kind).values("object_id")
        return list(qs.exclude(pk__in=indexed).values_list("pk", flat=True))

    return {
        "people": missing(User.objects.filter(external_id__startswith="se:", is_active=True), Kind.PERSON),
        "posts": missing(
            Post.objects.filter(external_id__startswith="se:post:", removed_at__isnull=True), Kind.POST
        ),
        "comments": missing(
            Comment.objects.filter(
                external_id__startswith="se:comment:", removed_at__isnull=True, post__removed_at__isnull=True
            ),
            Kind.COMMENT,
        ),
    }


def _reindex(report: ImportReport, new: dict[str, list[int]], progress: bool) -> None:
    from chrysalis.search import indexing

    total = sum(len(v) for v in new.values())
    if total == 0:
        report.search = "unchanged (nothing new)"
        return
    if total >= REINDEX_ONE_BY_ONE_BELOW:
        counts = indexing.rebuild_index(progress=progress)
        report.search = "rebuilt in bulk (" + ", ".join(f"{n} {k}" for k, n in counts.items()) + ")"
        return
    for pk in new["posts"]:
        indexing.index_post(pk)
    for pk in new["comments"]:
        indexing.index_comment(pk)
    for pk in new["people"]:
        indexing.index_person(pk)
    report.search = f"{total} new documents indexed"


def parse_until(value: str) -> datetime:
    """An ISO 8601 date or datetime; without a zone it is UTC (as the dump's dates are)."""
    try:
        return r.parse_date(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"--until: {value!r} is not an ISO 8601 date or date and time") from None


def import_stackexchange(
    site_dir,
    *,
    until: datetime | None = None,
    space_name: str | None = None,
    progress: bool = True,
    stdout: TextIO | None = None,
) -> ImportReport:
    """Import the dump folder `site_dir`; returns (and prints to `stdout` when given) the report.
    Raises DumpError (nothing written) when Posts.xml is missing or a file is malformed."""
    started = time.perf_counter()
    site = Path(site_dir)
    if not site.is_dir():
        raise DumpError(f"{site}: no such folder")
    if not (site / "Posts.xml").is_file():
        raise DumpError(
            f"{site}: Posts.xml is missing (it is required; Users, Comments, Votes and Tags.xml are optional)"
        )
    if until is not None and until.tzinfo is None:
        until = until.replace(tzinfo=r.UTC)
    report = ImportReport(site=site.name, until=until, space=space_name)
    plan = _scan(site, until, report)
    _check_same_site(plan)
    space = _resolve_space(space_name)
    if space is not None:
        report.space = space.name

    people = _import_people(site, plan, report, progress)
    tags = _import_tags(site, plan, until, report)
    _import_posts(site, plan, "question", people, tags, space, report, progress)
    _import_posts(site, plan, "answer", people, tags, space, report, progress)
    posts = _post_pks(plan)
    if plan.comments:
        _import_comments(site, plan, people, posts, report, progress)
    if plan.votes:
        _import_votes(site, plan, posts, report, progress)
    _recompute(plan, posts, report)
    if space is not None:
        _join_space(space, people, plan, report)

    new = _unindexed()
    _reindex(report, new, progress)
    report.seconds = time.perf_counter() - started
    if stdout is not None:
        print(report.format(), file=stdout)
    return report
