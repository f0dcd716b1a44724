"""Plain, frozen value types exchanged with the expertise engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Kinds of evidence. Answers, accepted answers, articles and posts count as expertise; questions count
# as interest (and activity), never as expertise; comments count a little. A "decline" is a person saying
# "not my area" to a question routed to them: never expertise, it feeds the ranker's `declined` feature
# (how closely a query matches questions the person declined), whose weight is learned like the others.
KINDS = ("question", "answer", "accepted_answer", "article", "comment", "post", "decline")
EXPERTISE_WEIGHT = {"question": 0.0, "answer": 1.0, "accepted_answer": 1.0, "article": 1.0,
                    "comment": 0.25, "post": 0.5, "decline": 0.0}


@dataclass(frozen=True, slots=True)
class Evidence:
    """One authored item. `created` must be timezone-aware or consistently naive UTC.

    For an answer (and a decline), `title` is the question's title and `question_id` its question; the
    index adds the question's text to the document when it knows the question. `visibility` is None for
    content everybody in the organisation may see, else a key (e.g. "space:12") that the caller
    resolves into the set of keys a viewer may see.
    """

    id: str
    person: str
    kind: str
    created: datetime
    title: str = ""
    text: str = ""
    tags: tuple[str, ...] = ()
    score: int = 0
    question_id: str | None = None
    visibility: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown evidence kind {self.kind!r}; expected one of {', '.join(KINDS)}")


Document = Evidence  # the same thing, seen from the index


@dataclass(frozen=True, slots=True)
class Query:
    title: str
    body: str = ""
    tags: tuple[str, ...] = ()
    asker: str | None = None
    created: datetime | None = None  # None = now (after all indexed evidence)


@dataclass(frozen=True, slots=True)
class EvidenceRef:
    id: str
    kind: str
    title: str
    created: datetime
    score: float  # how strongly this item matched the query


@dataclass(frozen=True, slots=True)
class ExpertHit:
    person: str
    score: float
    matched_topics: tuple[str, ...] = ()
    evidence: tuple[EvidenceRef, ...] = ()
    answers: int = 0
    accepted: int = 0
    articles: int = 0
    last_active: datetime | None = None
    features: dict[str, float] = field(default_factory=dict)
    coverage: float = 0.0  # idf-weighted share of the query's terms found in their expertise text (0..1)

    @property
    def why(self) -> str:
        parts = []
        if self.matched_topics:
            parts.append("knows about " + ", ".join(self.matched_topics))
        counts = f"{self.answers} answers, {self.accepted} accepted"
        if self.articles:
            counts += f", {self.articles} articles"
        parts.append(counts)
        if self.evidence:
            parts.append("e.g. " + "; ".join(e.title or e.id for e in self.evidence[:3]))
        if self.last_active:
            parts.append("last active " + self.last_active.date().isoformat())
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class TopicStrength:
    topic: str
    strength: float  # time-decayed evidence weight
    confidence: float  # 0..1, grows with the number of supporting items
    evidence_count: int
    evidence: tuple[str, ...] = ()  # strongest evidence ids
    declared: bool = False
    confirmed: bool = False  # declared and supported by evidence


@dataclass(frozen=True, slots=True)
class Profile:
    person: str
    topics: tuple[TopicStrength, ...]  # expertise, strongest first
    interests: tuple[TopicStrength, ...] = ()  # from questions asked
    answers: int = 0
    accepted: int = 0
    articles: int = 0
    questions: int = 0
    last_active: datetime | None = None
    key_terms: tuple[TopicStrength, ...] = ()  # distinctive words of their expertise text, strongest first
