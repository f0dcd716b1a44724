from ninja import Schema

from chrysalis.posts.schemas import PostOut


class FeedPage(Schema):
    items: list[PostOut]
    next_cursor: str | None
