from datetime import datetime

from ninja import Schema
from pydantic import ConfigDict


class EvidenceOut(Schema):
    title: str
    url: str
    kind: str
    created: datetime


class ExpertPersonOut(Schema):
    username: str
    name: str
    title: str
    department: str | None
    location: str


class ExpertOut(Schema):
    person: ExpertPersonOut
    score: float
    topics: list[str]
    evidence: list[EvidenceOut]
    answers: int
    accepted: int
    articles: int
    last_active: datetime | None
    why: str


class RoutingOut(Schema):
    id: int
    question_id: int
    question_title: str
    asked_at: datetime
    round: int
    status: str
    declined_reason: str
    declined_at: datetime | None
    answered_at: datetime | None
    response_seconds: int | None
    topics: list[str]  # why they were asked: the question's topics their work covers


class RoutingPage(Schema):
    items: list[RoutingOut]
    next_cursor: str | None


class DeclineIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str


class ExpertiseSettingsIn(Schema):
    model_config = ConfigDict(extra="forbid")
    opt_out_of_expertise: bool | None = None
    away_until: datetime | None = None


class ExpertiseSettingsOut(Schema):
    opt_out_of_expertise: bool
    away_until: datetime | None


def expert_out(r) -> dict:
    p = r.person
    return {
        "person": {
            "username": p.username,
            "name": p.name,
            "title": p.title,
            "department": p.department.name if p.department_id else None,
            "location": p.location,
        },
        "score": r.score,
        "topics": r.topics,
        "evidence": [
            {"title": e.title, "url": e.url, "kind": e.kind, "created": e.created} for e in r.evidence
        ],
        "answers": r.answers,
        "accepted": r.accepted,
        "articles": r.articles,
        "last_active": r.last_active,
        "why": r.why,
    }


def routing_out(r) -> dict:
    return {
        "id": r.pk,
        "question_id": r.question_id,
        "question_title": r.question.title,
        "asked_at": r.asked_at,
        "round": r.round,
        "status": r.status,
        "declined_reason": r.declined_reason,
        "declined_at": r.declined_at,
        "answered_at": r.answered_at,
        "response_seconds": r.response_seconds,
        "topics": list(r.topics or ()),
    }


class TopicOut(Schema):
    name: str
    strength: float  # time-decayed evidence weight
    level: int  # 1..5 relative to the person's strongest topic (0 without evidence)
    evidence_count: int
    declared: bool  # a skill the person declared
    confirmed: bool  # declared and supported by their work


class ExpertiseOut(Schema):
    username: str
    topics: list[TopicOut]  # from evidence the caller may read, strongest first
    key_terms: list[str]  # words that set their writing apart ("often writes about")
    declared_without_evidence: list[str]
    answers: int
    accepted: int
    articles: int
    last_active: datetime | None


def expertise_out(username: str, k) -> dict:
    def topic(t) -> dict:
        return {"name": t.name, "strength": round(t.strength, 4), "level": t.level,
                "evidence_count": t.evidence_count, "declared": t.declared, "confirmed": t.confirmed}

    return {
        "username": username,
        "topics": [topic(t) for t in k.topics],
        "key_terms": k.key_terms,
        "declared_without_evidence": [t.name for t in k.declared],
        "answers": k.answers,
        "accepted": k.accepted,
        "articles": k.articles,
        "last_active": k.last_active,
    }
