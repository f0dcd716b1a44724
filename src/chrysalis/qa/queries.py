"""Reads of the Q&A. Every read starts from `posts.queries.visible_posts(viewer)` (the one access
door); lists and the question page cost a fixed number of queries whatever their size.

- `question_list`: newest / unanswered / no accepted answer / mine / answered by me, by tag, by space.
- `question_thread`: a question, its answers (accepted first, then score, then oldest), the
  comments of each, the viewer's votes and what the viewer may do.
- `similar_questions`: ranked full-text matches among questions the viewer may read.
- `revisions`: every revision with an inline diff against the one before.
- `tag_page`, `top_answerers`, `article_credits`.
"""

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from chrysalis.core.errors import Invalid, NotFound
from chrysalis.core.pagination import Page, paginate
from chrysalis.people.models import User
from chrysalis.posts.models import Comment, Post, Revision, Tag, TagFollow, Vote
from chrysalis.posts.queries import comments_for_posts, hydrate_posts, visible_posts
from chrysalis.search.models import Kind as SearchKind
from chrysalis.search.models import SearchDocument
from chrysalis.search.queries import SQLITE_WEIGHTS, access_q, terms_of
from chrysalis.spaces.queries import can_post_in, can_read_space

QUESTION, ANSWER, ARTICLE = Post.Kind.QUESTION, Post.Kind.ANSWER, Post.Kind.ARTICLE

TABS = {
    "newest": "Newest",
    "unanswered": "Unanswered",
    "unaccepted": "No accepted answer",
    "mine": "My questions",
    "answered": "My answers",
}


# --- lists ---------------------------------------------------------------------------------------


def attach_tags(posts: list[Post]) -> list[Post]:
    """`tag_list` on each post, in one query."""
    tags: dict[int, list[Tag]] = defaultdict(list)
    if posts:
        rows = Post.tags.through.objects.filter(post_id__in=[p.pk for p in posts]).select_related("tag")
        for row in rows.order_by("tag__name"):
            tags[row.post_id].append(row.tag)
    for p in posts:
        p.tag_list = tags.get(p.pk, [])
    return posts


def questions(viewer) -> QuerySet[Post]:
    return visible_posts(viewer).filter(kind=QUESTION)


def question_list(
    viewer,
    *,
    tab: str = "newest",
    tag: str | None = None,
    space=None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page:
    """A page of questions the viewer may read, newest first, each with `tag_list`; two queries.
    `space` must be one the viewer may read (NotFound otherwise)."""
    if tab not in TABS:
        raise Invalid(f"Unknown list “{tab}”: use one of {', '.join(TABS)}.", field="tab")
    qs = questions(viewer)
    if tab == "unanswered":
        qs = qs.filter(answer_count=0)
    elif tab == "unaccepted":
        qs = qs.filter(accepted_answer__isnull=True)
    elif tab == "mine":
        qs = qs.filter(author_id=viewer.pk)
    elif tab == "answered":
        qs = qs.filter(
            pk__in=Post.objects.filter(kind=ANSWER, author_id=viewer.pk, removed_at__isnull=True).values(
                "question_id"
            )
        )
    if tag:
        qs = qs.filter(tags__name=tag.strip().lstrip("#").lower())
    if space is not None:
        if not can_read_space(viewer, space):
            raise NotFound("No such space.")
        qs = qs.filter(space_id=space.pk)
    page = paginate(qs.select_related("author", "author__department", "space"), cursor, limit)
    attach_tags(page.items)
    return page


# --- one thread ----------------------------------------------------------------------------------


@dataclass
class Thread:
    question: Post
    answers: list[Post]
    articles: list[Post]
    duplicate_of: Post | None
    can_answer: bool
    can_accept: bool
    can_moderate: bool
    resolved: bool


def _get(viewer, pk: int, kind: str, what: str) -> Post:
    post = (
        visible_posts(viewer)
        .filter(pk=pk, kind=kind)
        .select_related("author", "author__department", "space")
        .first()
    )
    if post is None:
        raise NotFound(f"No such {what}.")
    return post


def get_question(viewer, pk: int) -> Post:
    return _get(viewer, pk, QUESTION, "question")


def get_answer(viewer, pk: int) -> Post:
    return _get(viewer, pk, ANSWER, "answer")


def get_article(viewer, pk: int) -> Post:
    return _get(viewer, pk, ARTICLE, "article")


def get_qa_post(viewer, pk: int) -> Post:
    """A question, answer or article the viewer may read."""
    post = (
        visible_posts(viewer)
        .filter(pk=pk, kind__in=[QUESTION, ANSWER, ARTICLE])
        .select_related("author", "author__department", "space")
        .first()
    )
    if post is None:
        raise NotFound("No such post.")
    return post


def question_thread(viewer, pk: int) -> Thread:
    """Everything the question page shows, in a fixed number of queries whatever the number of
    answers and comments. Each post (question and answers) gets the hydrate_posts attributes plus
    `comment_list`, `my_vote` (1, -1 or 0), `is_accepted` and `viewer_can_change` (author or
    moderator)."""
    question = get_question(viewer, pk)
    answers = list(
        visible_posts(viewer)
        .filter(question_id=question.pk, kind=ANSWER)
        .select_related("author", "author__department", "space")
        .annotate(
            accepted_rank=Case(
                When(pk=question.accepted_answer_id or 0, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("accepted_rank", "-score", "created_at", "pk")
    )
    posts = hydrate_posts(viewer, [question, *answers])
    comments = comments_for_posts(viewer, posts)
    mine = dict(
        Vote.objects.filter(user_id=viewer.pk, post_id__in=[p.pk for p in posts]).values_list(
            "post_id", "value"
        )
    )
    for p in posts:
        p.comment_list = comments.get(p.pk, [])
        p.my_vote = mine.get(p.pk, 0)
        p.is_accepted = p.pk == question.accepted_answer_id
        p.viewer_can_change = p.viewer_can_edit or p.viewer_can_moderate
    articles = list(
        visible_posts(viewer).filter(source_question_id=question.pk, kind=ARTICLE).order_by("-created_at")
    )
    duplicate_of = None
    if question.duplicate_of_id:
        duplicate_of = questions(viewer).filter(pk=question.duplicate_of_id).first()
    moderate = question.viewer_can_moderate
    return Thread(
        question=question,
        answers=answers,
        articles=articles,
        duplicate_of=duplicate_of,
        can_answer=question.closed_at is None and can_post_in(viewer, question.space),
        can_accept=question.author_id == viewer.pk or moderate,
        can_moderate=moderate,
        resolved=question.accepted_answer_id is not None or any(a.score > 0 for a in answers),
    )


def vote_state(viewer, post: Post) -> Post:
    """The post with `my_vote` set (for the vote widget)."""
    post.my_vote = (
        Vote.objects.filter(user_id=viewer.pk, post_id=post.pk).values_list("value", flat=True).first() or 0
    )
    return post


# --- similar questions ---------------------------------------------------------------------------

STOPWORDS = set(
    "a an and are as at be but by can could do does for from has have how i if in into is it its me my "
    "no not of on or our should so than that the their them then there these they this to was we what "
    "when where which who why will with would you your any get use using".split()
)


def similar_questions(viewer, title: str, *, exclude: int | None = None, limit: int = 5) -> list[Post]:
    """Questions the viewer may read whose title or body share words with `title`, best first
    (the search index's ranking: bm25 on SQLite, ts_rank_cd on PostgreSQL). Any significant word
    may match (duplicates are phrased differently); the last word also as a prefix, as it is being
    typed. Two queries; none for a title without significant words."""
    terms = [t.lower() for t in terms_of(title) if t.lower() not in STOPWORDS and len(t) > 1]
    if not terms:
        return []
    docs = SearchDocument.objects.filter(
        access_q(viewer), kind=SearchKind.POST, post__kind=QUESTION, post__removed_at__isnull=True
    )
    if exclude:
        docs = docs.exclude(object_id=exclude)
    if connection.vendor == "postgresql":
        expr = " | ".join(terms[:-1] + [f"{terms[-1]}:*"])  # terms are letters and digits only
        tsq = "to_tsquery('english', %s)"
        docs = docs.extra(where=[f"search_searchdocument.search_vector @@ {tsq}"], params=[expr])
        rank, params = f"-ts_rank_cd(search_searchdocument.search_vector, {tsq}, 1)", [expr]
    else:
        parts = [f'"{t}"' for t in terms]  # no quotes inside: letters and digits only
        parts[-1] += "*"
        docs = docs.extra(
            tables=["search_fts"],
            where=["search_fts.rowid = search_searchdocument.id", "search_fts MATCH %s"],
            params=[" OR ".join(parts)],
        )
        rank, params = "bm25(search_fts, %s, %s)", list(SQLITE_WEIGHTS)
    ids = list(
        docs.extra(select={"rank": rank}, select_params=params)
        .order_by("rank", "-created_at")
        .values_list("object_id", flat=True)[:limit]
    )
    found = {p.pk: p for p in questions(viewer).filter(pk__in=ids).select_related("space")}
    return [found[i] for i in ids if i in found]


# --- revisions -----------------------------------------------------------------------------------

_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


def _mark(tag: str, label: str, text: str) -> str:
    return (
        f'<{tag}><span class="visually-hidden">[{label}: </span>{escape(text)}'
        f'<span class="visually-hidden">]</span></{tag}>'
    )


def _diff(a: list[str], b: list[str], inner=None) -> str:
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old, new = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            out.append(escape(old))
        elif op == "replace" and inner is not None:
            out.append(inner(old, new))
        else:
            if old:
                out.append(_mark("del", "removed", old))
            if new:
                out.append(_mark("ins", "added", new))
    return "".join(out)


def _word_diff(old: str, new: str) -> str:
    return _diff(_WORDS.findall(old), _WORDS.findall(new))


def inline_diff(old: str, new: str) -> SafeString:
    """HTML of `new` with what changed from `old` marked <del>/<ins> (with hidden labels for screen
    readers): lines first, then words inside changed lines. Everything else is escaped."""
    return mark_safe(_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), _word_diff))  # noqa: S308


@dataclass
class RevisionView:
    revision: Revision
    title_diff: SafeString
    body_diff: SafeString
    tags_diff: SafeString
    title_changed: bool
    body_changed: bool
    tags_changed: bool
    is_current: bool = False
    extra: dict = field(default_factory=dict)


def revisions(viewer, post: Post) -> list[RevisionView]:
    """The revisions of a readable question/answer/article, newest first, each with its diff
    against the one before (the first against nothing). One query."""
    rows = list(Revision.objects.filter(post_id=post.pk).select_related("author").order_by("number"))
    out, prev = [], None
    for r in rows:
        old_title, old_body, old_tags = (prev.title, prev.body, prev.tags) if prev else ("", "", "")
        out.append(
            RevisionView(
                revision=r,
                title_diff=inline_diff(old_title, r.title),
                body_diff=inline_diff(old_body, r.body),
                tags_diff=inline_diff(old_tags, r.tags),
                title_changed=old_title != r.title,
                body_changed=old_body != r.body,
                tags_changed=old_tags != r.tags,
            )
        )
        prev = r
    if out:
        out[-1].is_current = True
    return out[::-1]


# --- articles and credits ------------------------------------------------------------------------

ROLE_ORDER = ["asked", "accepted answer", "answered", "commented", "wrote the article", "edited the article"]


@dataclass
class Credit:
    person: User
    roles: list[str]


def _credits(question: Post | None, article: Post | None) -> list[Credit]:
    roles: dict[int, set[str]] = defaultdict(set)
    if question is not None:
        roles[question.author_id].add("asked")
        for author_id, pk in Post.objects.filter(
            question_id=question.pk, kind=ANSWER, removed_at__isnull=True
        ).values_list("author_id", "pk"):
            roles[author_id].add("accepted answer" if pk == question.accepted_answer_id else "answered")
        for author_id in Comment.objects.filter(
            Q(post_id=question.pk) | Q(post__question_id=question.pk, post__removed_at__isnull=True),
            removed_at__isnull=True,
        ).values_list("author_id", flat=True):
            roles[author_id].add("commented")
    if article is not None:
        for number, author_id in Revision.objects.filter(post_id=article.pk).values_list(
            "number", "author_id"
        ):
            if author_id is not None:
                roles[author_id].add("wrote the article" if number == 1 else "edited the article")
    people = {u.pk: u for u in User.objects.filter(pk__in=list(roles)).select_related("department")}
    credits = [
        Credit(person=people[pk], roles=[r for r in ROLE_ORDER if r in rs])
        for pk, rs in roles.items()
        if pk in people
    ]
    credits.sort(key=lambda c: (ROLE_ORDER.index(c.roles[0]), c.person.name.lower()))
    return credits


def thread_contributors(question: Post) -> list[User]:
    """The asker, answerers and commenters of a thread (credited in articles made from it)."""
    return [c.person for c in _credits(question, None)]


def article_credits(article: Post) -> list[Credit]:
    """Everyone credited for an article: the thread's asker, answerers and commenters, and the
    article's writers and editors, each with what they did. Computed from the data (3-4 queries).
    The source thread is in the article's own space, so the credits hold nothing its readers
    cannot read."""
    source = None
    if article.source_question_id:
        source = Post.objects.filter(pk=article.source_question_id, removed_at__isnull=True).first()
    return _credits(source, article)


@dataclass
class ArticleView:
    article: Post
    source: Post | None
    credits: list[Credit]
    can_edit: bool


def article_view(viewer, pk: int) -> ArticleView:
    article = hydrate_posts(viewer, [get_article(viewer, pk)])[0]
    source = None
    if article.source_question_id:
        source = questions(viewer).filter(pk=article.source_question_id).first()
    can_edit = can_post_in(viewer, article.space) or article.viewer_can_moderate
    return ArticleView(article=article, source=source, credits=article_credits(article), can_edit=can_edit)


# --- tags ----------------------------------------------------------------------------------------


def get_visible_tag(viewer, name: str) -> Tag:
    """A tag that has a description or is used on something the viewer may read; NotFound
    otherwise (a tag used only in a private space is not revealed)."""
    name = (name or "").strip().lstrip("#").lower()
    tag = Tag.objects.filter(name=name).first()
    if tag is None or not (tag.description or visible_posts(viewer).filter(tags=tag).exists()):
        raise NotFound(f"No tag “{name[:50]}”.")
    return tag


@dataclass
class Answerer:
    person: User
    answers: int
    accepted: int
    score: int


def top_answerers(viewer, tag: Tag, limit: int = 10) -> list[Answerer]:
    """People with the most accepted answers (then score) to questions tagged `tag`, counting only
    answers and questions the viewer may read. Two queries."""
    tagged = questions(viewer).filter(tags=tag)
    rows = list(
        visible_posts(viewer)
        .filter(kind=ANSWER, question__in=tagged)
        .values("author_id")
        .annotate(
            n=Count("pk"),
            accepted=Count("pk", filter=Q(question__accepted_answer_id=F("pk"))),
            total=Sum("score"),
        )
        .order_by("-accepted", "-total", "-n", "author_id")[:limit]
    )
    people = {u.pk: u for u in User.objects.filter(pk__in=[r["author_id"] for r in rows]).select_related("department")}
    return [
        Answerer(person=people[r["author_id"]], answers=r["n"], accepted=r["accepted"], score=r["total"] or 0)
        for r in rows
        if r["author_id"] in people
    ]


@dataclass
class TagPage:
    tag: Tag
    questions: Page
    articles: list[Post]
    answerers: list[Answerer]
    question_count: int
    follower_count: int
    following: bool


def tag_page(viewer, name: str, cursor: str | None = None) -> TagPage:
    tag = get_visible_tag(viewer, name)
    articles = attach_tags(
        list(
            visible_posts(viewer)
            .filter(kind=ARTICLE, tags=tag)
            .select_related("author", "space")
            .order_by("-created_at")[:10]
        )
    )
    return TagPage(
        tag=tag,
        questions=question_list(viewer, tag=tag.name, cursor=cursor),
        articles=articles,
        answerers=top_answerers(viewer, tag),
        question_count=questions(viewer).filter(tags=tag).count(),
        follower_count=TagFollow.objects.filter(tag=tag).count(),
        following=TagFollow.objects.filter(tag=tag, user_id=viewer.pk).exists(),
    )


def followed_tags(viewer) -> list[Tag]:
    return list(Tag.objects.filter(follows__user_id=viewer.pk).order_by("name"))
