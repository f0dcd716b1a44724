"""Pages and htmx fragments of conversations. Thin: parse input, call one action or query, render.

Every page works without JavaScript (plain form posts and redirects); with htmx, the composer,
comment forms and reaction bars swap only their own fragment.
"""

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chrysalis.core.errors import ActionError, NotFound
from chrysalis.core.markdown import find_hashtags
from chrysalis.posts import actions, queries
from chrysalis.posts.models import Post
from chrysalis.spaces.queries import get_known_space


def _get_post(request, pk: int) -> Post:
    try:
        return queries.get_hydrated_post(request.user, pk)
    except NotFound:
        raise Http404("No such post.") from None


def _get_comment(request, pk: int):
    try:
        return queries.get_visible_comment(request.user, pk)
    except NotFound:
        raise Http404("No such comment.") from None


def _back(request, default: str) -> str:
    nxt = request.POST.get("next") or ""
    return nxt if nxt.startswith("/") and not nxt.startswith("//") else default


# --- composer -------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def create(request):
    """GET: a page with the composer. POST: create the post; htmx gets the new card (plus a fresh
    composer swapped out of band), or the composer again with the error; plain posts redirect."""
    if request.method == "GET":
        space = None
        if slug := request.GET.get("space"):
            try:
                space = get_known_space(request.user, slug)
            except NotFound:
                raise Http404("No such space.") from None
        return render(request, "posts/new.html", {"space": space})

    data = request.POST
    values = {k: data.get(k, "") for k in ("body", "title", "tags", "space", "kind")}
    locked = data.get("locked") == "1"
    space = None
    try:
        if values["space"]:
            space = get_known_space(request.user, values["space"])
        post = actions.create_post(
            request.user,
            body=values["body"],
            title=values["title"],
            tags=values["tags"],
            space=space,
            kind="question" if values["kind"] == "question" else "post",
            files=request.FILES.getlist("files"),
        )
    except ActionError as e:
        ctx = {"space": space if locked else None, "composer_error": e.message, "composer_values": values}
        if request.htmx:
            response = render(request, "posts/_composer.html", ctx)
            response["HX-Retarget"] = "#composer"
            response["HX-Reswap"] = "outerHTML"
            return response
        return render(request, "posts/new.html", ctx, status=e.status)
    if not request.htmx:
        return redirect("posts:detail", pk=post.pk)
    post = queries.hydrate_posts(request.user, [queries.get_visible_post(request.user, post.pk)])[0]
    return render(
        request,
        "posts/created.html",
        {"post": post, "space": post.space if locked else None, "composer_oob": True},
    )


# --- post page, edit, delete ----------------------------------------------------------------------

def _qa_url(post: Post) -> str | None:
    """Questions, answers and knowledge articles live on the Q&A pages (chrysalis.qa)."""
    if post.kind == Post.Kind.QUESTION:
        return reverse("qa:question", args=[post.pk])
    if post.kind == Post.Kind.ANSWER:
        return reverse("qa:question", args=[post.question_id]) + f"#answer-{post.pk}"
    if post.kind == Post.Kind.ARTICLE:
        return reverse("qa:article", args=[post.pk])
    return None


@require_GET
def detail(request, pk: int):
    post = _get_post(request, pk)
    if qa_url := _qa_url(post):
        return redirect(qa_url)
    comments = queries.comments_for(request.user, post)
    actions.record_read(request.user, post)  # distinct readers (chrysalis.impact)
    return render(request, "posts/detail.html", {"post": post, "comments": comments})


def _explicit_tags(post: Post) -> str:
    hashtags = set(find_hashtags(post.body))
    return " ".join(t.name for t in post.tag_list if t.name not in hashtags)


@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    post = _get_post(request, pk)
    if post.kind != Post.Kind.POST:  # edited with a revision note on the Q&A pages
        return redirect("qa:edit", pk=post.pk)
    if not post.viewer_can_edit:
        raise _forbidden("Only the author can edit this post.")
    if request.method == "GET":
        values = {"title": post.title, "body": post.body, "tags": _explicit_tags(post)}
        return render(request, "posts/edit.html", {"post": post, "values": values})
    values = {k: request.POST.get(k, "") for k in ("title", "body", "tags")}
    try:
        actions.edit_post(request.user, post, body=values["body"], title=values["title"], tags=values["tags"])
    except ActionError as e:
        return render(request, "posts/edit.html", {"post": post, "values": values, "error": e.message},
                      status=e.status)
    return redirect("posts:detail", pk=post.pk)


def _forbidden(message: str):
    from django.core.exceptions import PermissionDenied

    return PermissionDenied(message)


@require_POST
def delete(request, pk: int):
    post = _get_post(request, pk)
    try:
        actions.delete_post(request.user, post)
    except ActionError as e:
        raise _forbidden(e.message) from None
    return redirect(_back(request, reverse("home")))


@require_POST
def remove(request, pk: int):
    post = _get_post(request, pk)
    try:
        actions.remove_post(request.user, post)
    except ActionError as e:
        raise _forbidden(e.message) from None
    return redirect(_back(request, reverse("home")))


# --- reactions ------------------------------------------------------------------------------------

def _toggle(request, *, post=None, comment=None):
    kind = request.POST.get("kind", "")
    target = post if post is not None else comment
    mine = {k for k, _e, _l, _c, m in target.reaction_options if m}
    if kind in mine:
        actions.unreact(request.user, post=post, comment=comment, kind=kind)
    else:
        actions.react(request.user, post=post, comment=comment, kind=kind)


@require_POST
def react(request, pk: int):
    """Toggle one reaction on a post; htmx gets the reaction bar back, plain posts a redirect."""
    post = _get_post(request, pk)
    try:
        _toggle(request, post=post)
    except ActionError as e:
        return render(request, "web/error.html", {"status": e.status, "message": e.message}, status=e.status)
    if not request.htmx:
        return redirect(_back(request, reverse("posts:detail", args=[post.pk])))
    post = queries.hydrate_posts(request.user, [post])[0]
    return render(request, "posts/_reactions.html",
                  {"obj": post, "react_url": "posts:react", "dom_prefix": "reactions-post-"})


@require_POST
def comment_react(request, pk: int):
    comment = _get_comment(request, pk)
    c = _comment_in_thread(request, comment)
    try:
        _toggle(request, comment=c)
    except ActionError as e:
        return render(request, "web/error.html", {"status": e.status, "message": e.message}, status=e.status)
    if not request.htmx:
        return redirect(reverse("posts:detail", args=[comment.post_id]) + f"#comment-{comment.pk}")
    c = _comment_in_thread(request, comment)
    return render(request, "posts/_reactions.html",
                  {"obj": c, "react_url": "posts:comment_react", "dom_prefix": "reactions-comment-"})


def _comment_in_thread(request, comment):
    """The comment as comments_for hydrates it (reaction summary, permissions)."""
    for top in queries.comments_for(request.user, comment.post):
        for c in [top, *top.reply_list]:
            if c.pk == comment.pk:
                c.post = comment.post
                return c
    raise Http404("No such comment.")


# --- comments -------------------------------------------------------------------------------------

@require_POST
def comment(request, pk: int):
    """Add a comment or reply. htmx gets the whole thread back (with the error in the right form)."""
    post = _get_post(request, pk)
    body = request.POST.get("body", "")
    parent_id = request.POST.get("parent") or None
    error, new = None, None
    try:
        parent = None
        if parent_id is not None:
            try:
                parent = queries.get_visible_comment(request.user, int(parent_id))
            except (ValueError, NotFound):
                raise NotFound("The comment you are replying to no longer exists.") from None
        new = actions.add_comment(request.user, post, body=body, parent=parent)
    except ActionError as e:
        error = e
    if not request.htmx:
        if error is None:
            return redirect(reverse("posts:detail", args=[post.pk]) + f"#comment-{new.pk}")
    post = _get_post(request, pk)
    ctx = {
        "post": post,
        "comments": queries.comments_for(request.user, post),
        "comment_error": error.message if error else None,
        "comment_parent": int(parent_id) if (parent_id and parent_id.isdigit()) else None,
        "comment_body": body,
    }
    if request.htmx:  # with the post card's comment count, swapped out of band
        return render(request, "posts/_comments.html", ctx | {"oob": True})
    return render(request, "posts/detail.html", ctx, status=error.status)


@require_http_methods(["GET", "POST"])
def comment_edit(request, pk: int):
    comment = _get_comment(request, pk)
    if comment.author_id != request.user.pk:
        raise _forbidden("Only the author can edit this comment.")
    if request.method == "GET":
        return render(request, "posts/comment_edit.html", {"comment": comment, "body": comment.body})
    body = request.POST.get("body", "")
    try:
        actions.edit_comment(request.user, comment, body=body)
    except ActionError as e:
        ctx = {"comment": comment, "body": body, "error": e.message}
        return render(request, "posts/comment_edit.html", ctx, status=e.status)
    return redirect(reverse("posts:detail", args=[comment.post_id]) + f"#comment-{comment.pk}")


@require_POST
def comment_delete(request, pk: int):
    comment = _get_comment(request, pk)
    try:
        actions.delete_comment(request.user, comment)
    except ActionError as e:
        raise _forbidden(e.message) from None
    return redirect(reverse("posts:detail", args=[comment.post_id]) + "#comments")


@require_POST
def comment_remove(request, pk: int):
    comment = _get_comment(request, pk)
    try:
        actions.remove_comment(request.user, comment)
    except ActionError as e:
        raise _forbidden(e.message) from None
    return redirect(reverse("posts:detail", args=[comment.post_id]) + "#comments")


# --- files ----------------------------------------------------------------------------------------

@require_GET
def attachment(request, pk: int):
    """Serve an attachment after the access check: images inline, other files as downloads; the
    browser is told not to sniff nor run anything in it."""
    try:
        att = queries.get_visible_attachment(request.user, pk)
        fh = att.file.open("rb")
    except (NotFound, FileNotFoundError, OSError):
        raise Http404("No such file.") from None
    response = FileResponse(fh, content_type=att.content_type, as_attachment=not att.is_image,
                            filename=att.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
