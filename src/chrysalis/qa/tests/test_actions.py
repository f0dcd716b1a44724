import pytest

from chrysalis.core.errors import Conflict, Forbidden, Invalid, NotFound
from chrysalis.notifications.models import Notification
from chrysalis.posts import actions as post_actions
from chrysalis.posts.models import Post, Revision, Tag, Vote
from chrysalis.qa import actions, queries
from chrysalis.qa.tests.conftest import snapshot
from chrysalis.spaces.actions import set_role
from chrysalis.testsupport.factories import make_person


def verbs(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("verb", flat=True))


# --- asking --------------------------------------------------------------------------------------


def test_ask_question_creates_question_with_revision_1(ana, on_commit):
    with on_commit():
        q = actions.ask_question(
            ana, title="  How do we deploy?  ", body="Help **please**", tags="Deploy, k8s"
        )
    q.refresh_from_db()
    assert (q.kind, q.title, q.space, q.score, q.answer_count) == (
        "question",
        "How do we deploy?",
        None,
        0,
        0,
    )
    assert "<strong>please</strong>" in q.body_html
    assert sorted(q.tags.values_list("name", flat=True)) == ["deploy", "k8s"]
    rev = q.revisions.get()
    assert (rev.number, rev.author, rev.title, rev.body, rev.tags) == (
        1,
        ana,
        "How do we deploy?",
        "Help **please**",
        "deploy k8s",
    )


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"title": "   ", "body": "b", "tags": ["x"]}, "needs a title"),
        ({"title": "T", "body": "", "tags": ["x"]}, "cannot be empty"),
        ({"title": "T", "body": "b", "tags": []}, "at least one tag"),
        ({"title": "T", "body": "b", "tags": ["bad tag!"]}, "not a valid tag"),
    ],
)
def test_ask_refuses_bad_input_and_writes_nothing(ana, fields, message):
    before = snapshot()
    with pytest.raises(Invalid, match=message):
        actions.ask_question(ana, **fields)
    assert snapshot() == before


def test_ask_in_a_space_needs_membership(ana, bob, open_space, secret_space):
    before = snapshot()
    with pytest.raises(Forbidden, match="Only members of Engineering"):
        actions.ask_question(bob, title="T", body="b", tags=["x"], space=open_space)
    with pytest.raises(NotFound):
        actions.ask_question(bob, title="T", body="b", tags=["x"], space=secret_space)
    assert snapshot() == before


def test_restricted_space_refuses_unknown_tags_naming_them(ana, open_space):
    Tag.objects.create(name="deploy")
    actions.set_space_tag_policy(ana, open_space, restrict=True)
    before = snapshot()
    with pytest.raises(
        Invalid, match="The tag “kubernetes” does not exist, and Engineering only accepts existing"
    ):
        actions.ask_question(ana, title="T", body="b", tags=["deploy", "kubernetes"], space=open_space)
    assert snapshot() == before
    q = actions.ask_question(ana, title="T", body="b #unknownhash #deploy", tags=["deploy"], space=open_space)
    assert list(q.tags.values_list("name", flat=True)) == ["deploy"]  # unknown hashtags are not applied
    assert not Tag.objects.filter(name="unknownhash").exists()


def test_only_moderators_set_tag_policy(ana, bob, open_space):
    with pytest.raises(Forbidden):
        actions.set_space_tag_policy(bob, open_space, restrict=True)
    open_space.refresh_from_db()
    assert open_space.restrict_tags is False


# --- answering -----------------------------------------------------------------------------------


def test_answer_notifies_asker_and_bumps_count(ana, bob, question, on_commit):
    with on_commit():
        a = actions.answer_question(bob, question, body="Use `make deploy`.")
    question.refresh_from_db()
    assert question.answer_count == 1
    assert (a.kind, a.question, a.space, a.revisions.get().number) == ("answer", question, None, 1)
    assert verbs(ana) == ["answer"]


def test_answer_refused_when_not_allowed_to_post_in_space(ana, bob, open_space, private_space):
    q_open = actions.ask_question(ana, title="Open q", body="b", tags=["x"], space=open_space)
    q_private = actions.ask_question(ana, title="Private q", body="b", tags=["x"], space=private_space)
    before = snapshot()
    with pytest.raises(Forbidden, match="Only members of Engineering can answer"):
        actions.answer_question(bob, q_open, body="I know!")
    with pytest.raises(NotFound):
        actions.answer_question(bob, q_private, body="I know!")
    assert snapshot() == before


def test_answer_refused_on_closed_question_and_empty_body(ana, bob, question):
    other = actions.ask_question(ana, title="Original", body="b", tags=["x"])
    actions.close_as_duplicate(make_person("mod", is_staff=True), question, other)
    before = snapshot()
    with pytest.raises(Conflict, match="closed"):
        actions.answer_question(bob, question, body="late")
    with pytest.raises(Invalid, match="cannot be empty"):
        actions.answer_question(bob, other, body="  ")
    assert snapshot() == before


def test_comment_on_answer_notifies_with_qa_verb(ana, bob, question, on_commit):
    a = actions.answer_question(bob, question, body="answer")
    with on_commit():
        post_actions.add_comment(ana, a, body="Thanks, that worked")
    assert verbs(bob) == ["qa_comment"]


# --- votes ---------------------------------------------------------------------------------------


def test_vote_up_down_change_retract_keep_score(ana, bob, cy, question, on_commit):
    with on_commit():
        actions.vote(bob, question, 1)
        actions.vote(cy, question, 1)
    question.refresh_from_db()
    assert question.score == 2
    with on_commit():
        actions.vote(bob, question, -1)  # change of mind: -2
        actions.vote(bob, question, 1)
        actions.retract_vote(cy, question)
    question.refresh_from_db()
    assert question.score == 1
    assert list(Vote.objects.values_list("user__username", "value")) == [("bob", 1)]
    assert verbs(ana) == ["vote", "vote"]  # once per voter, never again


def test_vote_refusals_change_nothing(ana, bob, question):
    actions.vote(bob, question, 1)
    before = snapshot()
    with pytest.raises(Conflict, match="already voted this question up"):
        actions.vote(bob, question, 1)
    with pytest.raises(Forbidden, match="your own question"):
        actions.vote(ana, question, 1)
    with pytest.raises(Invalid):
        actions.vote(bob, question, 2)
    plain = post_actions.create_post(ana, body="a plain post")
    with pytest.raises(NotFound):
        actions.vote(bob, plain, 1)
    with pytest.raises(Conflict, match="not voted"):
        actions.retract_vote(make_person("dee"), question)
    assert snapshot()[1:] == before[1:]
    question.refresh_from_db()
    assert question.score == 1


def test_cannot_vote_on_unreadable_post(ana, bob, private_space):
    q = actions.ask_question(ana, title="Secret plan", body="b", tags=["x"], space=private_space)
    with pytest.raises(NotFound):
        actions.vote(bob, q, 1)
    assert Vote.objects.count() == 0


# --- accepting -----------------------------------------------------------------------------------


def test_accept_moves_and_unaccept(ana, bob, cy, question, on_commit):
    a1 = actions.answer_question(bob, question, body="one")
    a2 = actions.answer_question(cy, question, body="two")
    with on_commit():
        actions.accept_answer(ana, a1)
    question.refresh_from_db()
    assert question.accepted_answer == a1
    assert verbs(bob) == ["accepted"]
    actions.accept_answer(ana, a2)
    question.refresh_from_db()
    assert question.accepted_answer == a2
    with pytest.raises(Conflict):
        actions.accept_answer(ana, a2)
    with pytest.raises(Conflict):
        actions.unaccept_answer(ana, a1)
    actions.unaccept_answer(ana, a2)
    question.refresh_from_db()
    assert question.accepted_answer is None


def test_accept_on_someone_elses_question_is_refused(ana, bob, cy, question):
    a = actions.answer_question(bob, question, body="one")
    before = snapshot()
    with pytest.raises(Forbidden, match="Only the person who asked"):
        actions.accept_answer(cy, a)
    with pytest.raises(Forbidden):
        actions.accept_answer(bob, a)  # not even the answerer
    assert snapshot() == before


def test_space_moderator_may_accept(ana, bob, cy, open_space):
    from chrysalis.spaces.actions import _add_member

    _add_member(open_space, bob)
    _add_member(open_space, cy)
    set_role(ana, open_space, cy, "moderator")
    q = actions.ask_question(bob, title="Q", body="b", tags=["x"], space=open_space)
    a = actions.answer_question(ana, q, body="answer")
    actions.accept_answer(cy, a)
    q.refresh_from_db()
    assert q.accepted_answer == a


# --- edits, revisions, rollback ------------------------------------------------------------------


def test_edit_keeps_revisions_and_rollback_restores(ana, bob, question, on_commit):
    mod = make_person("mod", is_staff=True)
    with on_commit():
        actions.edit_question(
            ana,
            question,
            title="How do we deploy billing?",
            body="Updated body",
            tags=["deploy", "billing"],
            note="clearer title",
        )
    question.refresh_from_db()
    assert question.title == "How do we deploy billing?" and question.edited_at is not None
    revs = list(question.revisions.values_list("number", "title", "tags", "note"))
    assert revs == [
        (1, "How do we deploy the billing service?", "deploy", ""),
        (2, "How do we deploy billing?", "deploy billing", "clearer title"),
    ]
    with pytest.raises(Forbidden):
        actions.rollback(ana, question, 1)  # authors do not roll back
    with pytest.raises(Conflict):
        actions.rollback(mod, question, 2)
    with pytest.raises(NotFound):
        actions.rollback(mod, question, 9)
    assert question.revisions.count() == 2
    actions.rollback(mod, question, 1)
    question.refresh_from_db()
    assert (question.title, question.body) == (
        "How do we deploy the billing service?",
        "The README is out of date.",
    )
    assert list(question.tags.values_list("name", flat=True)) == ["deploy"]
    last = question.revisions.order_by("-number").first()
    assert (last.number, last.author, last.note) == (3, mod, "Rolled back to revision 1")
    views = queries.revisions(ana, question)
    assert [v.revision.number for v in views] == [3, 2, 1]
    assert "<ins>" in str(views[1].body_diff) and "<del>" in str(views[1].body_diff)


def test_edit_refusals(ana, bob, question):
    before = snapshot()
    with pytest.raises(Forbidden, match="Only the author, or a moderator"):
        actions.edit_question(bob, question, body="vandalism")
    with pytest.raises(Invalid, match="at least one tag"):
        actions.edit_question(ana, question, tags=[], body="no hashtags either")
    with pytest.raises(Invalid, match="needs a title"):
        actions.edit_question(ana, question, title=" ")
    assert snapshot() == before


def test_moderator_edits_answer_and_posts_edit_records_revision(ana, bob, question):
    a = actions.answer_question(bob, question, body="first")
    actions.edit_answer(make_person("mod", is_staff=True), a, body="fixed", note="typo")
    post_actions.edit_post(bob, a, body="fixed again")
    assert list(a.revisions.values_list("number", "body")) == [(1, "first"), (2, "fixed"), (3, "fixed again")]


def test_inline_diff_escapes_and_marks():
    html = str(queries.inline_diff("a <b> c\nsame\n", "a <i> c\nsame\nnew line\n"))
    assert "&lt;" in html and "<b>" not in html and "<i>" not in html
    assert "<del>" in html and "<ins>" in html and "same" in html


# --- duplicates ----------------------------------------------------------------------------------


def test_close_as_duplicate_and_reopen(ana, bob, question, private_space):
    mod = make_person("mod", is_staff=True)
    original = actions.ask_question(bob, title="Deploying billing", body="b", tags=["deploy"])
    hidden = actions.ask_question(ana, title="Private", body="b", tags=["x"], space=private_space)
    before = snapshot()
    with pytest.raises(Forbidden):
        actions.close_as_duplicate(bob, question, original)
    with pytest.raises(Invalid, match="itself"):
        actions.close_as_duplicate(mod, question, question)
    with pytest.raises(NotFound):
        actions.close_as_duplicate(mod, question, hidden)  # the moderator cannot read it
    from chrysalis.spaces.actions import _add_member

    _add_member(private_space, mod)
    with pytest.raises(Invalid, match="not everyone who can read this question"):
        actions.close_as_duplicate(mod, question, hidden)
    assert snapshot() == before
    actions.close_as_duplicate(mod, question, original)
    question.refresh_from_db()
    assert (question.duplicate_of, question.closed_by) == (original, mod)
    with pytest.raises(Conflict):
        actions.close_as_duplicate(mod, question, original)
    actions.reopen(mod, question)
    question.refresh_from_db()
    assert (question.duplicate_of, question.closed_at) == (None, None)


# --- articles ------------------------------------------------------------------------------------


def test_article_needs_resolved_thread_and_credits_everyone(ana, bob, cy, question, on_commit):
    dee = make_person("dee")
    a = actions.answer_question(bob, question, body="Run make deploy")
    before = snapshot()
    with pytest.raises(Invalid, match="resolved thread"):
        actions.create_article(cy, question, title="How to deploy", body="...")
    assert snapshot() == before
    post_actions.add_comment(cy, a, body="Works for me")
    actions.vote(cy, a, 1)  # positive score: resolved
    with on_commit():
        art = actions.create_article(dee, question, title="Deploying billing", body="Run `make deploy`.")
    assert (art.kind, art.source_question, art.space) == ("article", question, None)
    assert list(art.tags.values_list("name", flat=True)) == ["deploy"]
    assert list(question.articles.all()) == [art]
    actions.edit_article(ana, art, body="Run `make deploy` from main.", note="branch")
    credits = {c.person.username: c.roles for c in queries.article_credits(art)}
    assert credits == {
        "ana": ["asked", "edited the article"],
        "bob": ["answered"],
        "cy": ["commented"],
        "dee": ["wrote the article"],
    }
    for person in (ana, bob, cy):
        assert "article" in verbs(person)
    assert "article" not in verbs(dee)


def test_article_edit_needs_membership_of_space(ana, bob, open_space):
    q = actions.ask_question(ana, title="Q", body="b", tags=["x"], space=open_space)
    actions.accept_answer(ana, actions.answer_question(ana, q, body="self answer"))
    art = actions.create_article(ana, q, title="Article", body="text")
    before = snapshot()
    with pytest.raises(Forbidden, match="Only members of Engineering"):
        actions.edit_article(bob, art, body="outsider edit")
    with pytest.raises(Forbidden):
        actions.create_article(bob, q, title="Another", body="text")
    assert snapshot() == before


# --- tags ----------------------------------------------------------------------------------------


def test_follow_and_describe_tags(ana, bob, question, open_space):
    actions.follow_tag(bob, "deploy")
    with pytest.raises(Conflict):
        actions.follow_tag(bob, "#Deploy")
    with pytest.raises(NotFound):
        actions.follow_tag(bob, "nope")
    actions.unfollow_tag(bob, "deploy")
    with pytest.raises(Conflict):
        actions.unfollow_tag(bob, "deploy")
    before = snapshot()
    with pytest.raises(Forbidden):
        actions.set_tag_description(bob, "deploy", "Shipping code")
    assert snapshot() == before
    actions.set_tag_description(ana, "deploy", "Shipping code")  # ana owns a space
    assert Tag.objects.get(name="deploy").description == "Shipping code"


def test_removed_posts_cannot_be_voted_or_answered(ana, bob, question):
    post_actions.delete_post(ana, question)
    with pytest.raises(NotFound):
        actions.answer_question(bob, question, body="x")
    with pytest.raises(NotFound):
        actions.vote(bob, question, 1)
    assert Post.objects.filter(kind="answer").count() == 0 and Revision.objects.count() == 1
