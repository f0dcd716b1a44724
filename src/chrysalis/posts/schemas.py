"""JSON shapes of the conversations API. Input schemas forbid unknown fields (422)."""

from datetime import datetime
from typing import Literal

from django.urls import reverse
from ninja import Schema
from pydantic import ConfigDict, Field

from chrysalis.people.schemas import PersonOut


class SpaceRef(Schema):
    slug: str
    name: str
    visibility: str


class LinkOut(Schema):
    url: str
    domain: str


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    is_image: bool
    url: str

    @staticmethod
    def from_row(a) -> "AttachmentOut":
        return AttachmentOut(id=a.pk, name=a.original_name, content_type=a.content_type, size=a.size,
                             is_image=a.is_image, url=reverse("posts:attachment", args=[a.pk]))


class ReactionCount(Schema):
    kind: str
    emoji: str
    label: str
    count: int
    mine: bool


class PostOut(Schema):
    id: int
    url: str
    kind: str
    title: str
    author: PersonOut
    space: SpaceRef | None
    tags: list[str]
    body: str
    body_html: str
    comment_count: int
    reaction_count: int
    reactions: list[ReactionCount]
    links: list[LinkOut]
    attachments: list[AttachmentOut]
    created_at: datetime
    edited_at: datetime | None
    can_edit: bool
    can_moderate: bool

    @staticmethod
    def from_post(p) -> "PostOut":
        """From a post hydrated by posts.queries.hydrate_posts."""
        return PostOut(
            id=p.pk,
            url=reverse("posts:detail", args=[p.pk]),
            kind=p.kind,
            title=p.title,
            author=PersonOut.from_user(p.author),
            space=SpaceRef(slug=p.space.slug, name=p.space.name, visibility=p.space.visibility)
            if p.space else None,
            tags=[t.name for t in p.tag_list],
            body=p.body,
            body_html=p.body_html,
            comment_count=p.comment_count,
            reaction_count=p.reaction_count,
            reactions=[ReactionCount(kind=k, emoji=e, label=lb, count=n, mine=m)
                       for k, e, lb, n, m in p.reaction_summary],
            links=[LinkOut(url=link.url, domain=link.domain) for link in p.link_list],
            attachments=[AttachmentOut.from_row(a) for a in p.attachment_list],
            created_at=p.created_at,
            edited_at=p.edited_at,
            can_edit=p.viewer_can_edit,
            can_moderate=p.viewer_can_moderate,
        )


class PostIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(description="Markdown; #hashtags become tags, @mentions notify readers")
    title: str = ""
    kind: Literal["post", "question"] = "post"
    space: str | None = Field(
        None, description="Slug of a space you are a member of; omit for the company feed"
    )
    tags: list[str] = []


class PostPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str | None = None
    title: str | None = None
    tags: list[str] | None = None


class CommentOut(Schema):
    id: int
    post_id: int
    parent_id: int | None
    author: PersonOut | None
    body: str
    body_html: str
    removed: bool
    reactions: list[ReactionCount]
    created_at: datetime
    edited_at: datetime | None
    replies: list["CommentOut"] = []

    @staticmethod
    def from_comment(c, with_replies: bool = True) -> "CommentOut":
        removed = c.removed_at is not None
        summary = getattr(c, "reaction_summary", [])
        return CommentOut(
            id=c.pk,
            post_id=c.post_id,
            parent_id=c.parent_id,
            author=None if removed else PersonOut.from_user(c.author),
            body="" if removed else c.body,
            body_html="" if removed else c.body_html,
            removed=removed,
            reactions=[
                ReactionCount(kind=k, emoji=e, label=lb, count=n, mine=m) for k, e, lb, n, m in summary
            ],
            created_at=c.created_at,
            edited_at=c.edited_at,
            replies=[CommentOut.from_comment(r, False) for r in getattr(c, "reply_list", [])]
            if with_replies else [],
        )


class CommentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str
    parent: int | None = Field(None, description="Id of the comment replied to (one level of threading)")


class CommentPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    body: str


class ReactionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="like, celebrate, insightful, support or curious")


class TagOut(Schema):
    name: str
    post_count: int
