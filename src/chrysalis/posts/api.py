"""Posts, comments, reactions, attachments and tags in the JSON API. Routes are thin: they parse,
call one action or query, and shape the answer. A post the viewer may not read is 404, exactly as
a missing one."""

from django.http import HttpResponse
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict

from chrysalis.core.errors import NotFound
from chrysalis.posts import actions, queries
from chrysalis.posts.schemas import (
    AttachmentOut,
    CommentIn,
    CommentOut,
    CommentPatch,
    PostIn,
    PostOut,
    PostPatch,
    ReactionIn,
    TagOut,
)
from chrysalis.spaces.queries import get_known_space

router = Router(tags=["posts"])

ERRORS = {401: dict, 403: dict, 404: dict, 409: dict, 422: dict}


def _post_out(viewer, pk: int) -> PostOut:
    return PostOut.from_post(queries.get_hydrated_post(viewer, pk))


def _comment_out(viewer, comment) -> CommentOut:
    for top in queries.comments_for(viewer, comment.post):
        for c in [top, *top.reply_list]:
            if c.pk == comment.pk:
                return CommentOut.from_comment(c, with_replies=c.parent_id is None)
    raise NotFound("No such comment.")


@router.post("/posts", response={201: PostOut, **ERRORS}, summary="Create a post")
def create_post(request, payload: PostIn):
    """On the company feed (no `space`) or in a space you are a member of (403 otherwise; 404 for a
    secret space you are not in)."""
    space = get_known_space(request.auth, payload.space) if payload.space else None
    post = actions.create_post(request.auth, body=payload.body, title=payload.title, kind=payload.kind,
                               space=space, tags=payload.tags)
    return Status(201, _post_out(request.auth, post.pk))


@router.get("/posts/{int:post_id}", response={200: PostOut, **ERRORS}, summary="Read a post")
def get_post(request, post_id: int):
    return _post_out(request.auth, post_id)


@router.patch("/posts/{int:post_id}", response={200: PostOut, **ERRORS}, summary="Edit your post")
def edit_post(request, post_id: int, payload: PostPatch):
    post = queries.get_visible_post(request.auth, post_id)
    actions.edit_post(request.auth, post, body=payload.body, title=payload.title, tags=payload.tags)
    return _post_out(request.auth, post_id)


@router.delete("/posts/{int:post_id}", response={204: None, **ERRORS},
               summary="Delete your post, or remove it as a moderator")
def delete_post(request, post_id: int):
    post = queries.get_visible_post(request.auth, post_id)
    if post.author_id == request.auth.pk:
        actions.delete_post(request.auth, post)
    else:
        actions.remove_post(request.auth, post)
    return HttpResponse(status=204)


@router.post("/posts/{int:post_id}/attachments", response={201: list[AttachmentOut], **ERRORS},
             summary="Attach files to your post")
def add_attachments(request, post_id: int, files: File[list[UploadedFile]]):
    """Multipart upload (field `files`, up to 5 per post): images, PDF, text, CSV, DOCX, XLSX, PPTX;
    size and content are checked."""
    post = queries.get_visible_post(request.auth, post_id)
    rows = actions.add_attachments(request.auth, post, files)
    return Status(201, [AttachmentOut.from_row(a) for a in rows])


@router.get("/posts/{int:post_id}/comments", response={200: list[CommentOut], **ERRORS},
            summary="The comment thread of a post")
def list_comments(request, post_id: int):
    """Top-level comments oldest first, each with its replies (one level)."""
    post = queries.get_visible_post(request.auth, post_id)
    return [CommentOut.from_comment(c) for c in queries.comments_for(request.auth, post)]


@router.post("/posts/{int:post_id}/comments", response={201: CommentOut, **ERRORS},
             summary="Comment or reply")
def add_comment(request, post_id: int, payload: CommentIn):
    post = queries.get_visible_post(request.auth, post_id)
    parent = None
    if payload.parent is not None:
        parent = queries.get_visible_comment(request.auth, payload.parent)
    comment = actions.add_comment(request.auth, post, body=payload.body, parent=parent)
    return Status(201, _comment_out(request.auth, comment))


@router.patch("/comments/{int:comment_id}", response={200: CommentOut, **ERRORS}, summary="Edit your comment")
def edit_comment(request, comment_id: int, payload: CommentPatch):
    comment = queries.get_visible_comment(request.auth, comment_id)
    actions.edit_comment(request.auth, comment, body=payload.body)
    return _comment_out(request.auth, comment)


@router.delete("/comments/{int:comment_id}", response={204: None, **ERRORS},
               summary="Delete your comment, or remove it as a moderator")
def delete_comment(request, comment_id: int):
    comment = queries.get_visible_comment(request.auth, comment_id)
    if comment.author_id == request.auth.pk:
        actions.delete_comment(request.auth, comment)
    else:
        actions.remove_comment(request.auth, comment)
    return HttpResponse(status=204)


@router.post("/posts/{int:post_id}/reactions", response={201: PostOut, **ERRORS}, summary="React to a post")
def react_post(request, post_id: int, payload: ReactionIn):
    """409 if you already reacted with this kind."""
    post = queries.get_visible_post(request.auth, post_id)
    actions.react(request.auth, post=post, kind=payload.kind)
    return Status(201, _post_out(request.auth, post_id))


@router.delete("/posts/{int:post_id}/reactions", response={200: PostOut, **ERRORS},
               summary="Take back a reaction to a post")
def unreact_post(request, post_id: int, payload: ReactionIn):
    post = queries.get_visible_post(request.auth, post_id)
    actions.unreact(request.auth, post=post, kind=payload.kind)
    return _post_out(request.auth, post_id)


@router.post("/comments/{int:comment_id}/reactions", response={201: CommentOut, **ERRORS},
             summary="React to a comment")
def react_comment(request, comment_id: int, payload: ReactionIn):
    comment = queries.get_visible_comment(request.auth, comment_id)
    actions.react(request.auth, comment=comment, kind=payload.kind)
    return Status(201, _comment_out(request.auth, comment))


@router.delete("/comments/{int:comment_id}/reactions", response={200: CommentOut, **ERRORS},
               summary="Take back a reaction to a comment")
def unreact_comment(request, comment_id: int, payload: ReactionIn):
    comment = queries.get_visible_comment(request.auth, comment_id)
    actions.unreact(request.auth, comment=comment, kind=payload.kind)
    return _comment_out(request.auth, comment)


class TagFilters(Schema):
    model_config = ConfigDict(extra="forbid")

    q: str = ""


@router.get("/tags", response={200: list[TagOut], **ERRORS}, summary="Tags in use")
def list_tags(request, filters: Query[TagFilters]):
    """The 100 most used tags (optionally those starting with `q`), counting only posts you can read."""
    return [TagOut(name=t.name, post_count=t.post_count) for t in queries.tag_list(request.auth, filters.q)]
