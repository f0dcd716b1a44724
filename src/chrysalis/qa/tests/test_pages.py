import pytest

from chrysalis.posts import actions as post_actions
from chrysalis.posts.models import Post, Vote
from chrysalis.qa import actions
from chrysalis.qa.tests.conftest import snapshot
from chrysalis.testsupport.factories import make_person

HX = {"HX-Request": "true"}


def test_index_tabs_and_htmx_results(client, ana, bob, question):
    client.force_login(bob)
    r = client.get("/qa/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "How do we deploy the billing service?" in html and 'aria-current="page">Newest' in html
    assert 'href="/qa/" aria-current="page">Questions</a>' in html
    r = client.get("/qa/?tab=unanswered", headers=HX)
    assert (
        r.content.decode().lstrip().startswith('<ol id="q-results"')
        and "billing service" in r.content.decode()
    )
    assert "billing service" not in client.get("/qa/?tab=mine").content.decode()


@pytest.mark.parametrize("n", [2, 15])
def test_index_query_count_is_fixed(client, ana, bob, n, django_assert_num_queries):
    for i in range(n):
        actions.ask_question(ana, title=f"Q{i}", body="b", tags=["x", "y"])
    client.force_login(bob)
    with django_assert_num_queries(7):
        assert client.get("/qa/").status_code == 200
    with django_assert_num_queries(5):
        assert client.get("/qa/", headers=HX).status_code == 200


def test_ask_page_suggestions_and_errors(
    client, ana, bob, question, on_commit, django_capture_on_commit_callbacks
):
    from chrysalis.search.indexing import rebuild_index

    rebuild_index()
    client.force_login(bob)
    html = client.get("/qa/ask/").content.decode()
    assert 'hx-trigger="input changed delay:400ms"' in html and 'hx-get="/qa/similar/"' in html
    r = client.get("/qa/similar/", {"title": "deploy billing"}, headers=HX)
    assert "How do we deploy the billing service?" in r.content.decode()
    before = snapshot()
    r = client.post("/qa/ask/", {"title": "New", "body": "b", "tags": ""})
    assert r.status_code == 422 and "at least one tag" in r.content.decode()
    assert snapshot() == before
    r = client.post("/qa/ask/", {"title": "New question", "body": "b", "tags": "x"})
    q = Post.objects.get(title="New question")
    assert r.status_code == 302 and r["Location"] == f"/qa/{q.pk}/"


@pytest.mark.parametrize("n", [1, 5])
def test_question_page_query_count_is_fixed(client, ana, bob, n, django_assert_num_queries):
    q = actions.ask_question(ana, title="Q", body="b", tags=["x"])
    for _ in range(n):
        a = actions.answer_question(make_person(), q, body="answer")
        post_actions.add_comment(ana, a, body="c")
    client.force_login(bob)
    with django_assert_num_queries(15):
        r = client.get(f"/qa/{q.pk}/")
    assert r.content.decode().count('class="card q-post q-answer') == n


def test_question_page_vote_accept_answer_flow(client, ana, bob, question):
    client.force_login(bob)
    html = client.get(f"/qa/{question.pk}/").content.decode()
    assert f'id="vote-{question.pk}"' in html and "Your answer" in html and "✓ Accept" not in html
    r = client.post(f"/qa/{question.pk}/answer/", {"body": "Use make deploy"})
    a = Post.objects.get(kind="answer")
    assert r.status_code == 302 and r["Location"] == f"/qa/{question.pk}/#answer-{a.pk}"
    r = client.post(f"/qa/posts/{question.pk}/vote/", {"direction": "up"}, headers=HX)
    assert r.status_code == 200 and 'aria-pressed="true"' in r.content.decode()
    assert Vote.objects.get().value == 1
    r = client.post(f"/qa/posts/{question.pk}/vote/", {"direction": "up"}, headers=HX)  # toggles off
    assert Vote.objects.count() == 0 and 'aria-pressed="true"' not in r.content.decode()
    r = client.post(f"/qa/posts/{a.pk}/vote/", {"direction": "up"}, headers=HX)
    assert "cannot vote on your own answer" in r.content.decode() and Vote.objects.count() == 0
    r = client.post(f"/qa/answers/{a.pk}/accept/")  # bob did not ask
    question.refresh_from_db()
    assert r.status_code == 302 and question.accepted_answer is None
    client.force_login(ana)
    assert "✓ Accept" in client.get(f"/qa/{question.pk}/").content.decode()
    client.post(f"/qa/answers/{a.pk}/accept/")
    question.refresh_from_db()
    assert question.accepted_answer == a
    html = client.get(f"/qa/{question.pk}/").content.decode()
    assert "✓ Accepted answer" in html and "Make a knowledge article" in html


def test_vote_without_htmx_redirects(client, ana, bob, question):
    client.force_login(bob)
    r = client.post(f"/qa/posts/{question.pk}/vote/", {"direction": "down"})
    assert r.status_code == 302 and Vote.objects.get().value == -1


def test_non_member_sees_why_they_cannot_answer(client, ana, bob, open_space):
    q = actions.ask_question(ana, title="Q", body="b", tags=["x"], space=open_space)
    client.force_login(bob)
    assert "Only members of Engineering can answer here" in client.get(f"/qa/{q.pk}/").content.decode()
    r = client.post(f"/qa/{q.pk}/answer/", {"body": "sneaky"})
    assert r.status_code == 403 and not Post.objects.filter(kind="answer").exists()


def test_private_question_is_404_everywhere_for_outsiders(client, ana, bob, private_space, secret_space):
    for space in (private_space, secret_space):
        q = actions.ask_question(ana, title="Hidden", body="b", tags=["hidden"], space=space)
        client.force_login(bob)
        for url in (
            f"/qa/{q.pk}/",
            f"/qa/posts/{q.pk}/revisions/",
            f"/qa/posts/{q.pk}/edit/",
            f"/posts/{q.pk}/",
        ):
            assert client.get(url).status_code == 404, url
        assert client.post(f"/qa/posts/{q.pk}/vote/", {"direction": "up"}).status_code == 404
        assert "Hidden" not in client.get("/qa/").content.decode()
        assert client.get("/qa/tags/hidden/").status_code == 404
    assert Vote.objects.count() == 0


def test_edit_revisions_rollback_pages(client, ana, bob, question):
    client.force_login(ana)
    r = client.post(
        f"/qa/posts/{question.pk}/edit/",
        {"title": question.title, "body": "The README is wrong.", "tags": "deploy", "note": "precise"},
    )
    assert r.status_code == 302
    html = client.get(f"/qa/posts/{question.pk}/revisions/").content.decode()
    assert "Revision 2" in html and "precise" in html and "<del>" in html and "<ins>" in html
    assert "Roll back to this" not in html
    mod = make_person("mod", is_staff=True)
    client.force_login(mod)
    assert "Roll back to this" in client.get(f"/qa/posts/{question.pk}/revisions/").content.decode()
    client.post(f"/qa/posts/{question.pk}/revisions/1/rollback/")
    question.refresh_from_db()
    assert question.body == "The README is out of date." and question.revisions.count() == 3
    assert client.get(f"/posts/{question.pk}/edit/")["Location"] == f"/qa/posts/{question.pk}/edit/"


def test_close_article_and_tag_pages(client, ana, bob, question):
    mod = make_person("mod", is_staff=True)
    original = actions.ask_question(bob, title="Original deploy question", body="b", tags=["deploy"])
    client.force_login(mod)
    assert client.get(f"/qa/{question.pk}/close/").status_code == 200
    r = client.post(f"/qa/{question.pk}/close/", {"original": f"http://x/qa/{question.pk}/"})
    assert r.status_code == 422 and "itself" in r.content.decode()
    client.post(f"/qa/{question.pk}/close/", {"original": str(original.pk)})
    html = client.get(f"/qa/{question.pk}/").content.decode()
    assert "Closed as a duplicate of" in html and "Original deploy question" in html
    client.force_login(bob)
    assert client.get(f"/qa/{question.pk}/close/").status_code == 403
    a = actions.answer_question(ana, original, body="Here is how")
    actions.accept_answer(bob, a)
    assert client.get(f"/qa/{original.pk}/article/").status_code == 200
    r = client.post(f"/qa/{original.pk}/article/", {"title": "Deploying", "body": "Do this."})
    art = Post.objects.get(kind="article")
    assert r["Location"] == f"/qa/articles/{art.pk}/"
    html = client.get(f"/qa/articles/{art.pk}/").content.decode()
    assert "Credits" in html and "accepted answer" in html and "wrote the article" in html
    assert f"/qa/{original.pk}/" in html
    html = client.get("/qa/tags/deploy/").content.decode()
    assert "Top answerers" in html and "Deploying" in html and 'aria-pressed="false"' in html
    r = client.post("/qa/tags/deploy/follow/", headers=HX)
    assert 'aria-pressed="true"' in r.content.decode() and bob.tag_follows.count() == 1
    client.post("/qa/tags/deploy/follow/")
    assert bob.tag_follows.count() == 0


def test_feed_shows_questions_and_answers(client, ana, bob, question):
    a = actions.answer_question(bob, question, body="Use make deploy")
    client.force_login(ana)
    html = client.get("/company/").content.decode()
    assert "How do we deploy the billing service?" in html and "Unanswered" not in html
    assert f'answered <a href="/qa/{question.pk}/">How do we deploy the billing service?</a>' in html
    assert client.get(f"/posts/{a.pk}/")["Location"] == f"/qa/{question.pk}/#answer-{a.pk}"
