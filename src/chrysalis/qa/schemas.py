"""JSON shapes of the Q&A API. Input schemas forbid unknown fields (422)."""

from datetime import datetime
from typing import Literal

from django.urls import reverse
from ninja import Schema
from pydantic import ConfigDict, Field

from chrysalis.people.schemas import PersonOut
from chrysalis.posts.schemas import SpaceRef


def _space(p) -> SpaceRef | None:
    return SpaceRef(slug=p.space.slug, name=p.space.name, visibility=p.space.visibility) if p.space else None


class QuestionSummary(Schema):
    id: int
    url: str
    title: str
    author: PersonOut
    space: SpaceRef | None
    tags: list[str]
    score: int
    answer_count: int
    accepted_answer_id: int | None
    closed: bool
    duplicate_of_id: int | None
    created_at: datetime

    @staticmethod
    def from_post(p) -> "QuestionSummary":
        return QuestionSummary(
            id=p.pk,
            url=reverse("qa:question", args=[p.pk]),
            title=p.title,
            author=PersonOut.from_user(p.author),
            space=_space(p),
            tags=[t.name for t in p.tag_list],
            score=p.score,
            answer_count=p.answer_count,
            accepted_answer_id=p.accepted_answer_id,
            closed=p.closed_at is not None,
            duplicate_of_id=p.duplicate_of_id,
            created_at=p.created_at,
        )


class QuestionPage(Schema):
    items: list[QuestionSummary]
    next_cursor: str | None


class CommentBrief(Schema):
    id: int
    author: str
    body: str
    created_at: datetime


class AnswerOut(Schema):
    id: int
    url: str
    question_id: int
    author: PersonOut
    body: str
    body_html: str
    score: int
    my_vote: int
    accepted: bool
    comment_count: int
    created_at: datetime
    edited_at: datetime | None

    @staticmethod
    def from_post(p, *, accepted_id: int | None = None, my_vote: int = 0) -> "AnswerOut":
        return AnswerOut(
            id=p.pk,
            url=reverse("qa:question", args=[p.question_id]) + f"#answer-{p.pk}",
            question_id=p.question_id,
            author=PersonOut.from_user(p.author),
            body=p.body,
            body_html=p.body_html,
            score=p.score,
            my_vote=getattr(p, "my_vote", my_vote),
            accepted=getattr(p, "is_accepted", p.pk == accepted_id),
            comment_count=p.comment_count,
            created_at=p.created_at,
            edited_at=p.edited_at,
        )


class NamedAskOut(Schema):
    username: str
    asked: bool
    reason: str = Field(description="Why they were not asked, in words; empty when they were")


class QuestionOut(QuestionSummary):
    body: str
    body_html: str
    my_vote: int
    comment_count: int
    edited_at: datetime | None
    can_answer: bool
    can_accept: bool
    can_moderate: bool
    resolved: bool
    answers: list[AnswerOut]
    article_ids: list[int]
    asked_by_name: NamedAskOut | None = None  # only in the answer to asking with `ask`

    @staticmethod
    def from_thread(t) -> "QuestionOut":
        q = t.question
        base = QuestionSummary.from_post(q).model_dump()
        base["author"] = PersonOut.from_user(q.author)
        base["space"] = _space(q)
        return QuestionOut(
            **base,
            body=q.body,
            body_html=q.body_html,
            my_vote=q.my_vote,
            comment_count=q.comment_count,
            edited_at=q.edited_at,
            can_answer=t.can_answer,
            can_accept=t.can_accept,
            can_moderate=t.can_moderate,
            resolved=t.resolved,
            answers=[AnswerOut.from_post(a) for a in t.answers],
            article_ids=[a.pk for a in t.articles],
        )


class QuestionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str
    body: str = Field(description="Markdown; @mentions notify readers")
    tags: list[str] = Field(description="At least one; in a space that restricts tags, existing ones only")
    space: str | None = Field(None, description="Slug of a space you are a member of; omit for company-wide")
    ask: str | None = Field(
        None,
        description="Username of a person to ask by name, besides the experts routing chooses (under the "
        "routing rules: `asked_by_name` in the answer says whether they were asked, and why not)",
    )


class QuestionPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    body: str | None = None
    tags: list[str] | None = None
    note: str = Field("", description="Edit summary, kept with the revision")


class AnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str


class AnswerPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str
    note: str = ""


class VoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    value: Literal[1, -1] = Field(description="1 (up) or -1 (down)")


class VoteOut(Schema):
    post_id: int
    score: int
    my_vote: int


class AcceptOut(Schema):
    question_id: int
    accepted_answer_id: int | None


class RevisionOut(Schema):
    number: int
    author: str | None
    title: str
    body: str
    tags: list[str]
    note: str
    created_at: datetime
    diff_html: str = Field(description="The body's changes from the revision before, as <ins>/<del> HTML")

    @staticmethod
    def from_view(v) -> "RevisionOut":
        r = v.revision
        return RevisionOut(
            number=r.number,
            author=r.author.username if r.author else None,
            title=r.title,
            body=r.body,
            tags=r.tags.split(),
            note=r.note,
            created_at=r.created_at,
            diff_html=str(v.body_diff),
        )


class RollbackIn(Schema):
    model_config = ConfigDict(extra="forbid")

    revision: int


class CloseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    duplicate_of: int = Field(description="Id of the original question")


class CreditOut(Schema):
    person: PersonOut
    roles: list[str]


class ArticleOut(Schema):
    id: int
    url: str
    title: str
    body: str
    body_html: str
    author: PersonOut
    space: SpaceRef | None
    tags: list[str]
    source_question_id: int | None
    credits: list[CreditOut]
    created_at: datetime
    edited_at: datetime | None

    @staticmethod
    def from_view(v) -> "ArticleOut":
        a = v.article
        return ArticleOut(
            id=a.pk,
            url=reverse("qa:article", args=[a.pk]),
            title=a.title,
            body=a.body,
            body_html=a.body_html,
            author=PersonOut.from_user(a.author),
            space=_space(a),
            tags=[t.name for t in a.tag_list],
            source_question_id=v.source.pk if v.source else None,
            credits=[CreditOut(person=PersonOut.from_user(c.person), roles=c.roles) for c in v.credits],
            created_at=a.created_at,
            edited_at=a.edited_at,
        )


class ArticleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    question: int = Field(description="Id of the resolved question the article distils")
    title: str
    body: str
    tags: list[str] | None = Field(None, description="Defaults to the question's tags")


class ArticlePatch(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    body: str | None = None
    tags: list[str] | None = None
    note: str = ""


class AnswererOut(Schema):
    person: PersonOut
    answers: int
    accepted: int
    score: int


class TagDetailOut(Schema):
    name: str
    description: str
    question_count: int
    follower_count: int
    following: bool
    top_answerers: list[AnswererOut]
    url: str


class TagPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    description: str


class SimilarOut(Schema):
    id: int
    url: str
    title: str
    answer_count: int
    accepted: bool
