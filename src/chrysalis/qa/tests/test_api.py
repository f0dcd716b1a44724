import json

from chrysalis.posts.models import Post, Vote
from chrysalis.qa import actions
from chrysalis.qa.tests.conftest import snapshot
from chrysalis.testsupport.factories import api_headers, make_person


def call(client, method, url, headers, data=None):
    kw = {"headers": headers}
    if data is not None:
        kw.update(data=json.dumps(data), content_type="application/json")
    return getattr(client, method)(url, **kw)


def test_question_lifecycle_over_the_api(client, ana, bob, cy):
    ha, hb, hc = api_headers(ana), api_headers(bob), api_headers(cy)
    r = call(
        client, "post", "/api/v1/questions", ha, {"title": "How to deploy?", "body": "b", "tags": ["Deploy"]}
    )
    assert r.status_code == 201, r.content
    q = r.json()
    assert (q["title"], q["tags"], q["score"], q["answers"], q["can_accept"]) == (
        "How to deploy?",
        ["deploy"],
        0,
        [],
        True,
    )
    qid = q["id"]
    r = call(client, "post", f"/api/v1/questions/{qid}/answers", hb, {"body": "make deploy"})
    assert r.status_code == 201
    aid = r.json()["id"]
    assert call(client, "post", f"/api/v1/posts/{qid}/vote", hb, {"value": 1}).json() == {
        "post_id": qid,
        "score": 1,
        "my_vote": 1,
    }
    assert call(client, "post", f"/api/v1/posts/{qid}/vote", hb, {"value": 1}).status_code == 409
    assert call(client, "post", f"/api/v1/posts/{aid}/vote", hb, {"value": -1}).status_code == 403
    assert call(client, "post", f"/api/v1/posts/{aid}/vote", hc, {"value": 2}).status_code == 422
    assert call(client, "delete", f"/api/v1/posts/{qid}/vote", hb).json()["score"] == 0
    assert call(client, "post", f"/api/v1/answers/{aid}/accept", hc).status_code == 403
    assert call(client, "post", f"/api/v1/answers/{aid}/accept", ha).json() == {
        "question_id": qid,
        "accepted_answer_id": aid,
    }
    body = call(client, "get", f"/api/v1/questions/{qid}", hc).json()
    assert body["answers"][0]["accepted"] is True and body["resolved"] is True
    assert [a["id"] for a in call(client, "get", f"/api/v1/questions/{qid}/answers", hc).json()] == [aid]
    r = call(client, "patch", f"/api/v1/questions/{qid}", ha, {"body": "better body", "note": "clarify"})
    assert r.status_code == 200 and r.json()["body"] == "better body"
    revs = call(client, "get", f"/api/v1/posts/{qid}/revisions", hc).json()
    assert [(v["number"], v["note"]) for v in revs] == [(2, "clarify"), (1, "")] and "<ins>" in revs[0][
        "diff_html"
    ]
    assert call(client, "post", f"/api/v1/posts/{qid}/rollback", ha, {"revision": 1}).status_code == 403
    mod = make_person("mod", is_staff=True)
    hm = api_headers(mod)
    r = call(client, "post", f"/api/v1/posts/{qid}/rollback", hm, {"revision": 1})
    assert r.status_code == 201 and r.json()["number"] == 3 and r.json()["body"] == "b"
    r = call(client, "patch", f"/api/v1/answers/{aid}", hb, {"body": "make deploy, then check"})
    assert r.status_code == 200 and r.json()["accepted"] is True
    r = call(client, "post", "/api/v1/articles", hc, {"question": qid, "title": "Deploying", "body": "How"})
    assert r.status_code == 201
    art = r.json()
    assert art["source_question_id"] == qid and {c["person"]["username"] for c in art["credits"]} == {
        "ana",
        "bob",
        "cy",
    }
    r = call(client, "patch", f"/api/v1/articles/{art['id']}", ha, {"body": "How, better", "note": "n"})
    assert (
        r.status_code == 200
        and "edited the article"
        in [c["roles"] for c in r.json()["credits"] if c["person"]["username"] == "ana"][0]
    )
    assert call(client, "get", f"/api/v1/articles/{art['id']}", hb).json()["title"] == "Deploying"
    other = call(
        client, "post", "/api/v1/questions", hb, {"title": "Deploy again?", "body": "b", "tags": ["deploy"]}
    ).json()
    r = call(client, "post", f"/api/v1/questions/{other['id']}/close", hm, {"duplicate_of": qid})
    assert r.status_code == 200 and r.json()["closed"] is True and r.json()["duplicate_of_id"] == qid
    assert call(client, "post", f"/api/v1/questions/{other['id']}/reopen", hm).json()["closed"] is False


def test_question_list_filters_and_query_count(client, ana, bob, django_assert_num_queries):
    for i in range(4):
        actions.ask_question(ana, title=f"Q{i}", body="b", tags=["x"])
    h = api_headers(bob)
    with django_assert_num_queries(4):  # token (read, last used), page, tags
        r = call(client, "get", "/api/v1/questions?tab=unanswered&limit=3", h)
    body = r.json()
    assert [q["title"] for q in body["items"]] == ["Q3", "Q2", "Q1"] and body["next_cursor"]
    r = call(client, "get", f"/api/v1/questions?limit=3&cursor={body['next_cursor']}", h)
    assert [q["title"] for q in r.json()["items"]] == ["Q0"]
    assert call(client, "get", "/api/v1/questions?tab=weird", h).status_code == 422


def test_unknown_fields_and_bad_input_are_422_and_write_nothing(client, ana):
    h = api_headers(ana)
    before = snapshot()
    assert (
        call(
            client, "post", "/api/v1/questions", h, {"title": "T", "body": "b", "tags": ["x"], "extra": 1}
        ).status_code
        == 422
    )
    r = call(client, "post", "/api/v1/questions", h, {"title": "", "body": "b", "tags": ["x"]})
    assert r.status_code == 422 and r.json()["detail"] == "A question needs a title."
    r = call(client, "post", "/api/v1/questions", h, {"title": "T", "body": "b", "tags": []})
    assert r.status_code == 422 and "at least one tag" in r.json()["detail"]
    assert snapshot() == before


def test_private_content_is_404_over_the_api(client, ana, bob, private_space, on_commit):
    with on_commit():
        q = actions.ask_question(ana, title="Board deploy", body="b", tags=["boardonly"], space=private_space)
    h = api_headers(bob)
    for url in (
        f"/api/v1/questions/{q.pk}",
        f"/api/v1/questions/{q.pk}/answers",
        f"/api/v1/posts/{q.pk}/revisions",
        "/api/v1/tags/boardonly",
    ):
        assert call(client, "get", url, h).status_code == 404, url
    assert call(client, "post", f"/api/v1/posts/{q.pk}/vote", h, {"value": 1}).status_code == 404
    assert call(client, "post", f"/api/v1/questions/{q.pk}/answers", h, {"body": "x"}).status_code == 404
    assert call(client, "get", "/api/v1/questions", h).json()["items"] == []
    assert call(client, "get", "/api/v1/questions/similar?title=board deploy", h).json() == []
    assert [
        s["id"]
        for s in call(client, "get", "/api/v1/questions/similar?title=board deploy", api_headers(ana)).json()
    ] == [q.pk]
    assert Vote.objects.count() == 0 and not Post.objects.filter(kind="answer").exists()


def test_tags_api(client, ana, bob, question, open_space):  # ana owns a space: may describe tags
    hb = api_headers(bob)
    assert call(client, "post", "/api/v1/tags/deploy/follow", hb).json()["following"] is True
    assert call(client, "post", "/api/v1/tags/deploy/follow", hb).status_code == 409
    assert call(client, "patch", "/api/v1/tags/deploy", hb, {"description": "x"}).status_code == 403
    r = call(client, "patch", "/api/v1/tags/deploy", api_headers(ana), {"description": "Shipping"})
    assert r.json()["description"] == "Shipping" and r.json()["follower_count"] == 1
    assert call(client, "delete", "/api/v1/tags/deploy/follow", hb).status_code == 204
    assert call(client, "get", "/api/v1/tags/deploy", hb).json()["question_count"] == 1


def test_openapi_lists_qa_paths(client, ana):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for p in (
        "/api/v1/questions",
        "/api/v1/questions/{question_id}",
        "/api/v1/questions/similar",
        "/api/v1/questions/{question_id}/answers",
        "/api/v1/answers/{answer_id}/accept",
        "/api/v1/posts/{post_id}/vote",
        "/api/v1/posts/{post_id}/revisions",
        "/api/v1/posts/{post_id}/rollback",
        "/api/v1/questions/{question_id}/close",
        "/api/v1/articles",
        "/api/v1/articles/{article_id}",
        "/api/v1/tags/{name}",
        "/api/v1/tags/{name}/follow",
    ):
        assert p in paths, p
