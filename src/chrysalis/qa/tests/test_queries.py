import pytest

from chrysalis.core.errors import NotFound
from chrysalis.posts import actions as post_actions
from chrysalis.qa import actions, queries
from chrysalis.testsupport.factories import make_person


def ask(user, title, tags=("deploy",), space=None, body="Some details."):
    return actions.ask_question(user, title=title, body=body, tags=list(tags), space=space)


def test_lists_filter_by_tab_tag_and_space(ana, bob, open_space):
    q1 = ask(ana, "Unanswered one")
    q2 = ask(ana, "Answered one", tags=["billing"])
    q3 = ask(ana, "Accepted one", space=open_space)
    actions.answer_question(bob, q2, body="a")
    a3 = actions.answer_question(ana, q3, body="a")
    actions.accept_answer(ana, a3)

    def titles(**kw):
        return [q.title for q in queries.question_list(bob, **kw).items]

    assert titles() == ["Accepted one", "Answered one", "Unanswered one"]
    assert titles(tab="unanswered") == ["Unanswered one"]
    assert titles(tab="unaccepted") == ["Answered one", "Unanswered one"]
    assert titles(tab="mine") == []
    assert titles(tab="answered") == ["Answered one"]
    assert titles(tag="#Billing") == ["Answered one"]
    assert titles(space=open_space) == ["Accepted one"]
    assert [q.pk for q in queries.question_list(ana, tab="mine").items] == [q3.pk, q2.pk, q1.pk]


def test_list_pages_with_cursor(ana):
    for i in range(5):
        ask(ana, f"Question {i}")
    first = queries.question_list(ana, limit=3)
    second = queries.question_list(ana, limit=3, cursor=first.next_cursor)
    assert [q.title for q in first.items + second.items] == [f"Question {i}" for i in range(4, -1, -1)]
    assert second.next_cursor is None


def test_private_questions_never_reach_non_members(ana, bob, private_space, secret_space, on_commit):
    with on_commit():
        ask(ana, "Deploy billing to production", space=private_space, tags=["deploy", "hushhush"])
        secret = ask(ana, "Deploy billing secretly", space=secret_space, tags=["deploy"])
        public = ask(ana, "Deploy billing to staging")
    actions.accept_answer(ana, actions.answer_question(ana, secret, body="secret answer"))
    assert [q.title for q in queries.question_list(bob).items] == ["Deploy billing to staging"]
    assert [q.title for q in queries.question_list(bob, tag="deploy").items] == ["Deploy billing to staging"]
    assert [q.pk for q in queries.similar_questions(bob, "deploy billing")] == [public.pk]
    assert len(queries.similar_questions(ana, "deploy billing")) == 3
    assert queries.top_answerers(bob, queries.get_visible_tag(bob, "deploy")) == []
    assert [a.person for a in queries.top_answerers(ana, queries.get_visible_tag(ana, "deploy"))] == [ana]
    with pytest.raises(NotFound):
        queries.get_visible_tag(bob, "hushhush")
    with pytest.raises(NotFound):
        queries.question_thread(bob, secret.pk)
    with pytest.raises(NotFound):
        queries.question_list(bob, space=secret_space)
    page = queries.tag_page(bob, "deploy")
    assert [q.title for q in page.questions.items] == [
        "Deploy billing to staging"
    ] and page.question_count == 1


def test_similar_questions_rank_and_exclude(ana, bob, on_commit):
    with on_commit():
        a = ask(ana, "How to rotate database credentials", body="Vault rotation")
        ask(ana, "Lunch options near the office", tags=["food"], body="Pizza?")
        post_actions.create_post(ana, body="rotate credentials is a plain post, not a question")
    assert [q.pk for q in queries.similar_questions(bob, "How do I rotate the credent")] == [a.pk]
    assert queries.similar_questions(bob, "how do I the") == []
    assert queries.similar_questions(bob, "rotate credentials", exclude=a.pk) == []
    assert queries.similar_questions(bob, 'rotate" * (') == [a]  # syntax is never passed through


def test_thread_orders_answers_accepted_then_score_then_oldest(ana, bob, cy):
    q = ask(ana, "Q")
    dee = make_person("dee")
    a1 = actions.answer_question(bob, q, body="oldest")
    a2 = actions.answer_question(cy, q, body="voted")
    a3 = actions.answer_question(dee, q, body="accepted")
    actions.vote(ana, a2, 1)
    actions.accept_answer(ana, a3)
    actions.vote(bob, q, 1)
    t = queries.question_thread(bob, q.pk)
    assert [a.pk for a in t.answers] == [a3.pk, a2.pk, a1.pk]
    assert [a.is_accepted for a in t.answers] == [True, False, False]
    assert (t.question.my_vote, t.resolved, t.can_accept, t.can_answer) == (1, True, False, True)


def _thread_with(ana, n_answers, n_comments):
    q = ask(ana, "Q")
    people = [make_person() for _ in range(n_answers)]
    for p in people:
        a = actions.answer_question(p, q, body="answer")
        for _ in range(n_comments):
            post_actions.add_comment(ana, a, body="comment")
        actions.vote(ana, a, 1)
    post_actions.add_comment(people[0], q, body="on the question")
    return q


@pytest.mark.parametrize("n", [1, 6])
def test_question_thread_query_count_is_fixed(ana, bob, n, django_assert_num_queries):
    q = _thread_with(ana, n, n)
    with django_assert_num_queries(11):
        t = queries.question_thread(bob, q.pk)
    assert len(t.answers) == n


@pytest.mark.parametrize("n", [2, 12])
def test_question_list_query_count_is_fixed(ana, bob, n, django_assert_num_queries):
    for i in range(n):
        ask(ana, f"Q{i}", tags=["a", "b"])
    with django_assert_num_queries(2):
        page = queries.question_list(bob, tab="unaccepted", tag="a")
    assert len(page.items) == n and all(len(q.tag_list) == 2 for q in page.items)
