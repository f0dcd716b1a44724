from datetime import datetime

from ninja import Schema
from pydantic import ConfigDict


class SuggestedPersonOut(Schema):
    username: str
    name: str
    title: str
    department: str | None
    why: str
    reasons: list[str]
    topics: list[str]  # the tags of the caller's needs they answer questions on, strongest first
    score: float


class SuggestedSpaceOut(Schema):
    slug: str
    name: str
    description: str
    why: str
    topics: list[str]
    score: float


class SuggestedQuestionOut(Schema):
    id: int
    title: str
    asked_by: str
    created: datetime
    why: str
    topics: list[str]
    score: float


class DismissIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: str  # person, space or question
    target: str  # a username, a space slug or a question id
    reason: str = ""  # the reason that was shown
    days: int = 30


class DismissalOut(Schema):
    kind: str
    target: str
    reason: str
    until: datetime


def person_out(s) -> dict:
    p = s.person
    return {
        "username": p.username,
        "name": p.name,
        "title": p.title,
        "department": p.department.name if p.department else None,
        "why": s.why,
        "reasons": s.reasons,
        "topics": s.topics,
        "score": round(s.score, 4),
    }


def space_out(s) -> dict:
    return {
        "slug": s.space.slug,
        "name": s.space.name,
        "description": s.space.description,
        "why": s.why,
        "topics": s.topics,
        "score": round(s.score, 4),
    }


def question_out(s) -> dict:
    q = s.question
    return {
        "id": q.pk,
        "title": q.title,
        "asked_by": q.author.username,
        "created": q.created_at,
        "why": s.why,
        "topics": s.topics,
        "score": round(s.score, 4),
    }
