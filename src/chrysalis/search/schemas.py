from datetime import datetime

from ninja import Schema


class SearchHitOut(Schema):
    kind: str
    id: int  # the post's, comment's, person's or space's id
    title: str  # HTML: escaped text with <mark> around matched words
    snippet: str  # HTML: escaped text with <mark> around matched words
    url: str
    author: str | None  # username of the author (posts, comments) or of the person
    space: str | None  # slug of the space the content is in, or of the space itself
    post_id: int | None  # the post a comment belongs to
    created_at: datetime


class SearchCounts(Schema):
    post: int
    comment: int
    person: int
    space: int


class SearchOut(Schema):
    q: str
    kind: str | None
    counts: SearchCounts
    more: bool  # more documents match than were ranked (a very common word): counts are lower bounds
    items: list[SearchHitOut]
    next_cursor: str | None
