"""Q&A in the JSON API: questions, answers, votes, accepted answers, revisions and rollback,
duplicates, knowledge articles and tags. Routes are thin: parse, call one action or query, shape.
Anything the viewer may not read is 404, exactly as a missing one."""

from typing import Literal

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from chrysalis.core.errors import Invalid, NotFound
from chrysalis.people.queries import person_by_username
from chrysalis.people.schemas import PersonOut
from chrysalis.qa import actions, queries
from chrysalis.qa.schemas import (
    AcceptOut,
    AnswererOut,
    AnswerIn,
    AnswerOut,
    AnswerPatch,
    ArticleIn,
    ArticleOut,
    ArticlePatch,
    CloseIn,
    NamedAskOut,
    QuestionIn,
    QuestionOut,
    QuestionPage,
    QuestionPatch,
    QuestionSummary,
    RevisionOut,
    RollbackIn,
    SimilarOut,
    TagDetailOut,
    TagPatch,
    VoteIn,
    VoteOut,
)
from chrysalis.spaces.queries import get_known_space

router = Router(tags=["questions and answers"])

ERRORS = {401: dict, 403: dict, 404: dict, 409: dict, 422: dict}


class QuestionFilters(Schema):
    model_config = ConfigDict(extra="forbid")

    tab: Literal["newest", "unanswered", "unaccepted", "mine", "answered"] = Field(
        "newest",
        description="unanswered: no answers; unaccepted: no accepted answer; mine: asked by you; "
        "answered: questions you answered",
    )
    tag: str | None = None
    space: str | None = Field(None, description="Space slug")
    cursor: str | None = None
    limit: int | None = Field(None, ge=1, le=100)


def _thread(viewer, pk: int) -> QuestionOut:
    return QuestionOut.from_thread(queries.question_thread(viewer, pk))


@router.get("/questions", response={200: QuestionPage, **ERRORS}, summary="List questions")
def list_questions(request, filters: Query[QuestionFilters]):
    """Newest first, keyset-paginated (`next_cursor`)."""
    space = get_known_space(request.auth, filters.space) if filters.space else None
    page = queries.question_list(
        request.auth,
        tab=filters.tab,
        tag=filters.tag,
        space=space,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return QuestionPage(
        items=[QuestionSummary.from_post(p) for p in page.items], next_cursor=page.next_cursor
    )


class SimilarFilters(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = ""
    exclude: int | None = None


@router.get(
    "/questions/similar",
    response={200: list[SimilarOut], **ERRORS},
    summary="Questions similar to a title (duplicate suggestions)",
)
def similar_questions(request, filters: Query[SimilarFilters]):
    found = queries.similar_questions(request.auth, filters.title, exclude=filters.exclude)
    return [
        SimilarOut(
            id=p.pk,
            url=f"/qa/{p.pk}/",
            title=p.title,
            answer_count=p.answer_count,
            accepted=p.accepted_answer_id is not None,
        )
        for p in found
    ]


@router.post("/questions", response={201: QuestionOut, **ERRORS}, summary="Ask a question")
def ask_question(request, payload: QuestionIn):
    space = get_known_space(request.auth, payload.space) if payload.space else None
    person = None
    if payload.ask:
        try:
            person = person_by_username(payload.ask.strip().lstrip("@"), active_only=True)
        except NotFound:
            raise Invalid(f"There is nobody called “{payload.ask}” here to ask.", field="ask") from None
    q = actions.ask_question(
        request.auth, title=payload.title, body=payload.body, tags=payload.tags, space=space, ask=person
    )
    out = _thread(request.auth, q.pk)
    if q.named_ask is not None:
        n = q.named_ask
        out.asked_by_name = NamedAskOut(username=n.person.username, asked=n.asked, reason=n.reason)
    return Status(201, out)


@router.get(
    "/questions/{int:question_id}",
    response={200: QuestionOut, **ERRORS},
    summary="A question with its answers",
)
def get_question(request, question_id: int):
    """Answers: the accepted one first, then by score, then oldest."""
    return _thread(request.auth, question_id)


@router.patch(
    "/questions/{int:question_id}", response={200: QuestionOut, **ERRORS}, summary="Edit a question"
)
def edit_question(request, question_id: int, payload: QuestionPatch):
    """The author or a moderator; keeps a revision."""
    q = queries.get_question(request.auth, question_id)
    actions.edit_question(
        request.auth, q, title=payload.title, body=payload.body, tags=payload.tags, note=payload.note
    )
    return _thread(request.auth, question_id)


@router.post(
    "/questions/{int:question_id}/close",
    response={200: QuestionOut, **ERRORS},
    summary="Close a question as a duplicate (moderators)",
)
def close_question(request, question_id: int, payload: CloseIn):
    q = queries.get_question(request.auth, question_id)
    original = queries.get_question(request.auth, payload.duplicate_of)
    actions.close_as_duplicate(request.auth, q, original)
    return _thread(request.auth, question_id)


@router.post(
    "/questions/{int:question_id}/reopen",
    response={200: QuestionOut, **ERRORS},
    summary="Reopen a closed question (moderators)",
)
def reopen_question(request, question_id: int):
    actions.reopen(request.auth, queries.get_question(request.auth, question_id))
    return _thread(request.auth, question_id)


@router.get(
    "/questions/{int:question_id}/answers",
    response={200: list[AnswerOut], **ERRORS},
    summary="The answers to a question",
)
def list_answers(request, question_id: int):
    return [AnswerOut.from_post(a) for a in queries.question_thread(request.auth, question_id).answers]


@router.post(
    "/questions/{int:question_id}/answers", response={201: AnswerOut, **ERRORS}, summary="Answer a question"
)
def answer_question(request, question_id: int, payload: AnswerIn):
    """You must be able to post in the question's space (members; everyone on the company feed)."""
    q = queries.get_question(request.auth, question_id)
    a = actions.answer_question(request.auth, q, body=payload.body)
    return Status(201, AnswerOut.from_post(queries.get_answer(request.auth, a.pk)))


@router.patch("/answers/{int:answer_id}", response={200: AnswerOut, **ERRORS}, summary="Edit an answer")
def edit_answer(request, answer_id: int, payload: AnswerPatch):
    a = queries.get_answer(request.auth, answer_id)
    actions.edit_answer(request.auth, a, body=payload.body, note=payload.note)
    a = queries.vote_state(request.auth, queries.get_answer(request.auth, answer_id))
    accepted = queries.get_question(request.auth, a.question_id).accepted_answer_id
    return AnswerOut.from_post(a, accepted_id=accepted)


@router.post(
    "/answers/{int:answer_id}/accept", response={200: AcceptOut, **ERRORS}, summary="Accept an answer"
)
def accept_answer(request, answer_id: int):
    """The asker or a moderator; accepting another answer moves the mark."""
    q = actions.accept_answer(request.auth, queries.get_answer(request.auth, answer_id))
    return AcceptOut(question_id=q.pk, accepted_answer_id=q.accepted_answer.pk)


@router.delete(
    "/answers/{int:answer_id}/accept",
    response={200: AcceptOut, **ERRORS},
    summary="Take back the acceptance of an answer",
)
def unaccept_answer(request, answer_id: int):
    q = actions.unaccept_answer(request.auth, queries.get_answer(request.auth, answer_id))
    return AcceptOut(question_id=q.pk, accepted_answer_id=None)


@router.post(
    "/posts/{int:post_id}/vote", response={200: VoteOut, **ERRORS}, summary="Vote on a question or answer"
)
def vote(request, post_id: int, payload: VoteIn):
    """Not on your own; the same vote twice is 409; the other value changes your vote."""
    post = actions.vote(request.auth, queries.get_qa_post(request.auth, post_id), payload.value)
    return VoteOut(post_id=post.pk, score=post.score, my_vote=payload.value)


@router.delete("/posts/{int:post_id}/vote", response={200: VoteOut, **ERRORS}, summary="Take back your vote")
def retract_vote(request, post_id: int):
    post = actions.retract_vote(request.auth, queries.get_qa_post(request.auth, post_id))
    return VoteOut(post_id=post.pk, score=post.score, my_vote=0)


@router.get(
    "/posts/{int:post_id}/revisions",
    response={200: list[RevisionOut], **ERRORS},
    summary="Revisions of a question, answer or article",
)
def list_revisions(request, post_id: int):
    """Newest first, each with the diff of its body against the revision before."""
    post = queries.get_qa_post(request.auth, post_id)
    return [RevisionOut.from_view(v) for v in queries.revisions(request.auth, post)]


@router.post(
    "/posts/{int:post_id}/rollback",
    response={201: RevisionOut, **ERRORS},
    summary="Roll back to an earlier revision (moderators)",
)
def rollback(request, post_id: int, payload: RollbackIn):
    """Creates a new revision equal to the chosen one."""
    post = queries.get_qa_post(request.auth, post_id)
    actions.rollback(request.auth, post, payload.revision)
    return Status(201, RevisionOut.from_view(queries.revisions(request.auth, post)[0]))


@router.post("/articles", response={201: ArticleOut, **ERRORS}, summary="Make a knowledge article")
def create_article(request, payload: ArticleIn):
    """From a resolved question (accepted answer, or an answer with a positive score)."""
    q = queries.get_question(request.auth, payload.question)
    art = actions.create_article(request.auth, q, title=payload.title, body=payload.body, tags=payload.tags)
    return Status(201, ArticleOut.from_view(queries.article_view(request.auth, art.pk)))


@router.get("/articles/{int:article_id}", response={200: ArticleOut, **ERRORS}, summary="A knowledge article")
def get_article(request, article_id: int):
    return ArticleOut.from_view(queries.article_view(request.auth, article_id))


@router.patch(
    "/articles/{int:article_id}", response={200: ArticleOut, **ERRORS}, summary="Edit a knowledge article"
)
def edit_article(request, article_id: int, payload: ArticlePatch):
    """Members who can post in its space; keeps a revision."""
    art = queries.get_article(request.auth, article_id)
    actions.edit_article(
        request.auth, art, title=payload.title, body=payload.body, tags=payload.tags, note=payload.note
    )
    return ArticleOut.from_view(queries.article_view(request.auth, article_id))


def _tag_out(viewer, name: str) -> TagDetailOut:
    p = queries.tag_page(viewer, name)
    return TagDetailOut(
        name=p.tag.name,
        description=p.tag.description,
        question_count=p.question_count,
        follower_count=p.follower_count,
        following=p.following,
        url=f"/qa/tags/{p.tag.name}/",
        top_answerers=[
            AnswererOut(
                person=PersonOut.from_user(a.person), answers=a.answers, accepted=a.accepted, score=a.score
            )
            for a in p.answerers
        ],
    )


@router.get(
    "/tags/{name}", response={200: TagDetailOut, **ERRORS}, summary="A tag: description, top answerers"
)
def get_tag(request, name: str):
    return _tag_out(request.auth, name)


@router.patch("/tags/{name}", response={200: TagDetailOut, **ERRORS}, summary="Describe a tag")
def describe_tag(request, name: str, payload: TagPatch):
    """Staff and space owners/moderators."""
    actions.set_tag_description(request.auth, name, payload.description)
    return _tag_out(request.auth, name)


@router.post("/tags/{name}/follow", response={201: TagDetailOut, **ERRORS}, summary="Follow a tag")
def follow_tag(request, name: str):
    actions.follow_tag(request.auth, name)
    return Status(201, _tag_out(request.auth, name))


@router.delete("/tags/{name}/follow", response={204: None, **ERRORS}, summary="Stop following a tag")
def unfollow_tag(request, name: str):
    actions.unfollow_tag(request.auth, name)
    return HttpResponse(status=204)
