"""Q&A pages and htmx fragments. Thin: parse input, call one action or query, render.

Every page works without JavaScript (plain forms and redirects). With htmx: the questions list
swaps its results, the ask page fetches duplicate suggestions as the title is typed, vote widgets
and the tag follow button swap themselves.
"""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chrysalis.core.errors import ActionError, Forbidden, NotFound
from chrysalis.posts.actions import record_reads
from chrysalis.posts.models import Post
from chrysalis.posts.queries import postable_spaces
from chrysalis.qa import actions, queries
from chrysalis.qa.forms import AskPersonForm
from chrysalis.spaces.queries import get_known_space

NAV = "questions"


def _or_404(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except NotFound as e:
        raise Http404(e.message) from None


def _space_param(request, slug: str):
    return _or_404(get_known_space, request.user, slug) if slug else None


def _post_url(post: Post) -> str:
    if post.kind == Post.Kind.ANSWER:
        return reverse("qa:question", args=[post.question_id]) + f"#answer-{post.pk}"
    if post.kind == Post.Kind.ARTICLE:
        return reverse("qa:article", args=[post.pk])
    return reverse("qa:question", args=[post.pk])


# --- lists ----------------------------------------------------------------------------------------


@require_GET
def index(request):
    tab = request.GET.get("tab", "newest")
    if tab not in queries.TABS:
        tab = "newest"
    tag = request.GET.get("tag", "").strip().lstrip("#").lower()
    space = _space_param(request, request.GET.get("space", ""))
    try:
        page = queries.question_list(
            request.user, tab=tab, tag=tag or None, space=space, cursor=request.GET.get("cursor") or None
        )
    except NotFound as e:
        raise Http404(e.message) from None
    except ActionError:  # a stale cursor: start again
        page = queries.question_list(request.user, tab=tab, tag=tag or None, space=space)
    base = {"tab": tab, "tag": tag, "space": space.slug if space else ""}
    ctx = {
        "nav": NAV,
        "page": page,
        "tab": tab,
        "tag": tag,
        "space": space,
        "tabs": queries.TABS.items(),
        "filters": {k: v for k, v in base.items() if v and k != "tab"},
        "spaces": postable_spaces(request.user),
        "followed": queries.followed_tags(request.user),
        "is_later_page": bool(request.GET.get("cursor")),
    }
    if page.next_cursor:
        from urllib.parse import urlencode

        ctx["next_url"] = (
            reverse("qa:index")
            + "?"
            + urlencode({**{k: v for k, v in base.items() if v}, "cursor": page.next_cursor})
        )
    template = "qa/index.html#results" if request.htmx else "qa/index.html"
    return render(request, template, ctx)


# --- asking ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def ask(request):
    """Ask a question; `ask=<username>` (from a profile's "Ask" button) asks that person by name too."""
    fields = ("title", "body", "tags", "space")
    source = request.POST if request.method == "POST" else request.GET
    values = {k: source.get(k, "") for k in fields}
    person_form = AskPersonForm(source, asker=request.user)
    person = person_form.cleaned_data["ask"] if person_form.is_valid() else None
    ctx = {
        "nav": NAV,
        "values": values,
        "spaces": postable_spaces(request.user),
        "ask_person": person,
        "ask_value": source.get("ask", "")[:150],
    }
    if not person_form.is_valid():
        ctx.update(error=person_form.error, error_field="ask")
        status = person_form.status if request.method == "GET" else 422  # a posted form: 422 whatever the cause
        return render(request, "qa/ask.html", ctx | {"similar": []}, status=status)
    if request.method == "GET":
        ctx["similar"] = queries.similar_questions(request.user, values["title"]) if values["title"] else []
        return render(request, "qa/ask.html", ctx)
    try:
        space = get_known_space(request.user, values["space"]) if values["space"] else None
        question = actions.ask_question(
            request.user,
            title=values["title"],
            body=values["body"],
            tags=values["tags"],
            space=space,
            files=request.FILES.getlist("files"),
            ask=person,
        )
    except ActionError as e:
        ctx.update(
            error=e.message,
            error_field=e.field,
            similar=queries.similar_questions(request.user, values["title"]),
        )
        return render(request, "qa/ask.html", ctx, status=e.status)
    named = question.named_ask
    if named is not None and named.asked:
        messages.success(request, f"You asked {named.person.name} by name; Chrysalis also asks others who know.")
    elif named is not None:
        messages.warning(request, f"{named.reason} Chrysalis asks others who know, as usual.")
    return redirect("qa:question", pk=question.pk)


@require_GET
def similar(request):
    """The duplicate suggestions fragment for a title being typed (and for closing as duplicate)."""
    title = request.GET.get("title", "")[:300]
    exclude = request.GET.get("exclude", "")
    found = queries.similar_questions(
        request.user, title, exclude=int(exclude) if exclude.isdigit() else None
    )
    return render(
        request,
        "qa/_similar.html",
        {"similar": found, "title": title, "pick": request.GET.get("pick") == "1"},
    )


# --- the question page ----------------------------------------------------------------------------


def _thread_ctx(request, pk: int, **extra) -> dict:
    thread = _or_404(queries.question_thread, request.user, pk)
    return {"nav": NAV, "t": thread, "q": thread.question, **extra}


@require_GET
def question(request, pk: int):
    ctx = _thread_ctx(request, pk)
    record_reads(request.user, [ctx["t"].question, *ctx["t"].answers])  # distinct readers (chrysalis.impact)
    return render(request, "qa/question.html", ctx)


@require_POST
def answer(request, pk: int):
    q = _or_404(queries.get_question, request.user, pk)
    body = request.POST.get("body", "")
    try:
        new = actions.answer_question(request.user, q, body=body)
    except ActionError as e:
        ctx = _thread_ctx(request, pk, answer_error=e.message, answer_body=body)
        return render(request, "qa/question.html", ctx, status=e.status)
    return redirect(reverse("qa:question", args=[pk]) + f"#answer-{new.pk}")


@require_POST
def vote(request, pk: int):
    """Up or down (direction=up|down); choosing your current vote again takes it back."""
    post = _or_404(queries.get_qa_post, request.user, pk)
    value = {"up": 1, "down": -1}.get(request.POST.get("direction", ""), 0)
    error = None
    try:
        current = queries.vote_state(request.user, post).my_vote
        if value and value == current:
            actions.retract_vote(request.user, post)
        else:
            actions.vote(request.user, post, value)
    except ActionError as e:
        error = e
    if not request.htmx:
        if error is not None:
            messages.error(request, error.message)
        return redirect(_post_url(post))
    post.refresh_from_db(fields=["score"])
    ctx = {"p": queries.vote_state(request.user, post), "vote_error": error.message if error else None}
    return render(request, "qa/_vote.html", ctx, status=200)


@require_POST
def accept(request, pk: int):
    """Accept this answer, or (when it is the accepted one) take the acceptance back."""
    ans = _or_404(queries.get_answer, request.user, pk)
    try:
        q = _or_404(queries.get_question, request.user, ans.question_id)
        if q.accepted_answer_id == ans.pk:
            actions.unaccept_answer(request.user, ans)
        else:
            actions.accept_answer(request.user, ans)
    except ActionError as e:
        messages.error(request, e.message)
    return redirect(_post_url(ans))


# --- edits and revisions --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    post = _or_404(queries.get_qa_post, request.user, pk)
    if request.method == "GET":
        values = {
            "title": post.title,
            "body": post.body,
            "tags": " ".join(post.tags.values_list("name", flat=True)),
            "note": "",
        }
        return render(request, "qa/edit.html", {"nav": NAV, "post": post, "values": values})
    values = {k: request.POST.get(k, "") for k in ("title", "body", "tags", "note")}
    try:
        actions.edit_qa_post(
            request.user,
            post,
            body=values["body"],
            note=values["note"],
            title=values["title"] if post.kind != Post.Kind.ANSWER else None,
            tags=values["tags"] if post.kind != Post.Kind.ANSWER else None,
        )
    except ActionError as e:
        ctx = {"nav": NAV, "post": post, "values": values, "error": e.message}
        return render(request, "qa/edit.html", ctx, status=e.status)
    return redirect(_post_url(post))


@require_GET
def revisions(request, pk: int):
    post = _or_404(queries.get_qa_post, request.user, pk)
    from chrysalis.spaces.queries import can_moderate

    ctx = {
        "nav": NAV,
        "post": post,
        "revisions": queries.revisions(request.user, post),
        "can_rollback": can_moderate(request.user, post.space),
        "back_url": _post_url(post),
    }
    if post.kind == Post.Kind.ANSWER:
        from chrysalis.posts.queries import visible_posts

        ctx["parent"] = visible_posts(request.user).filter(pk=post.question_id).only("title").first()
    return render(request, "qa/revisions.html", ctx)


@require_POST
def rollback(request, pk: int, number: int):
    post = _or_404(queries.get_qa_post, request.user, pk)
    try:
        actions.rollback(request.user, post, number)
    except ActionError as e:
        messages.error(request, e.message)
        return redirect("qa:revisions", pk=pk)
    messages.success(request, f"Rolled back to revision {number}.")
    return redirect("qa:revisions", pk=pk)


# --- duplicates -----------------------------------------------------------------------------------

_ID = re.compile(r"(\d+)/?(?:#.*)?$")


def _original_id(raw: str) -> int | None:
    m = _ID.search((raw or "").strip())
    return int(m.group(1)) if m else None


@require_http_methods(["GET", "POST"])
def close(request, pk: int):
    q = _or_404(queries.get_question, request.user, pk)
    from chrysalis.spaces.queries import can_moderate

    if not can_moderate(request.user, q.space):
        raise PermissionDenied("Only moderators can close a question.")
    ctx = {"nav": NAV, "q": q, "similar": queries.similar_questions(request.user, q.title, exclude=q.pk)}
    if request.method == "GET":
        return render(request, "qa/close.html", ctx)
    raw = request.POST.get("original", "")
    try:
        original_id = _original_id(raw)
        if original_id is None:
            raise NotFound("Give the original question's number or link.")
        original = queries.get_question(request.user, original_id)
        actions.close_as_duplicate(request.user, q, original)
    except ActionError as e:
        ctx.update(error=e.message, original=raw)
        return render(request, "qa/close.html", ctx, status=e.status)
    messages.success(request, "Closed as a duplicate.")
    return redirect("qa:question", pk=pk)


@require_POST
def reopen(request, pk: int):
    q = _or_404(queries.get_question, request.user, pk)
    try:
        actions.reopen(request.user, q)
    except Forbidden as e:
        raise PermissionDenied(e.message) from None
    except ActionError as e:
        messages.error(request, e.message)
    return redirect("qa:question", pk=pk)


# --- articles -------------------------------------------------------------------------------------


def _article_draft(thread) -> str:
    q = thread.question
    best = next((a for a in thread.answers if a.is_accepted), thread.answers[0] if thread.answers else None)
    parts = ["## The question", "", q.body, ""]
    if best is not None:
        parts += ["## The answer", "", best.body, ""]
    return "\n".join(parts).strip()


@require_http_methods(["GET", "POST"])
def article_new(request, pk: int):
    thread = _or_404(queries.question_thread, request.user, pk)
    ctx = {"nav": NAV, "q": thread.question, "t": thread}
    if request.method == "GET":
        ctx["values"] = {"title": thread.question.title, "body": _article_draft(thread)}
        return render(request, "qa/article_form.html", ctx)
    values = {k: request.POST.get(k, "") for k in ("title", "body")}
    try:
        art = actions.create_article(
            request.user, thread.question, title=values["title"], body=values["body"]
        )
    except ActionError as e:
        ctx.update(values=values, error=e.message)
        return render(request, "qa/article_form.html", ctx, status=e.status)
    return redirect("qa:article", pk=art.pk)


@require_GET
def article(request, pk: int):
    view = _or_404(queries.article_view, request.user, pk)
    record_reads(request.user, [view.article])  # distinct readers (chrysalis.impact)
    return render(request, "qa/article.html", {"nav": NAV, "v": view, "a": view.article})


# --- tags -----------------------------------------------------------------------------------------


@require_GET
def tag(request, name: str):
    page = _or_404(queries.tag_page, request.user, name)
    return render(
        request,
        "qa/tag.html",
        {"nav": NAV, "p": page, "tag": page.tag, "can_describe": actions.can_describe_tags(request.user)},
    )


@require_POST
def tag_follow(request, name: str):
    t = _or_404(queries.get_visible_tag, request.user, name)
    following = queries.TagFollow.objects.filter(tag=t, user_id=request.user.pk).exists()
    try:
        (actions.unfollow_tag if following else actions.follow_tag)(request.user, t.name)
    except ActionError as e:
        messages.error(request, e.message)
    if not request.htmx:
        return redirect("qa:tag", name=t.name)
    page = queries.tag_page(request.user, t.name)
    return render(request, "qa/tag.html#follow", {"p": page, "tag": page.tag})


@require_POST
def tag_describe(request, name: str):
    t = _or_404(queries.get_visible_tag, request.user, name)
    try:
        actions.set_tag_description(request.user, t.name, request.POST.get("description", ""))
    except Forbidden as e:
        raise PermissionDenied(e.message) from None
    except ActionError as e:
        messages.error(request, e.message)
    return redirect("qa:tag", name=t.name)


@require_POST
def space_tag_policy(request, slug: str):
    """Owners and moderators choose whether their space accepts only existing tags."""
    from chrysalis.spaces.queries import get_known_space

    try:
        space = get_known_space(request.user, slug)
    except ActionError:
        raise Http404("No such space.") from None
    try:
        actions.set_space_tag_policy(request.user, space, restrict=request.POST.get("restrict_tags") == "1")
    except ActionError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "Tag policy saved.")
    return redirect("spaces:settings", space.slug)
