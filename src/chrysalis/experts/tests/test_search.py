import pytest

from chrysalis.experts import actions, engine, queries
from chrysalis.experts.tasks import index_post_task
from chrysalis.experts.tests.conftest import answer, ask
from chrysalis.testsupport.factories import make_department, make_person, make_space


def names(results):
    return [r.person.username for r in results]


@pytest.mark.django_db
def test_find_experts_ranks_by_evidence_with_explanations(kube):
    found = queries.find_experts(kube["asker"], "kubernetes ingress")
    assert names(found)[0] == "alice"
    top = found[0]
    assert "kubernetes" in top.topics
    assert top.answers == 2 and top.accepted == 0
    assert top.evidence and all(e.url.startswith("/qa/") for e in top.evidence)
    assert top.last_active is not None


@pytest.mark.django_db
def test_opted_out_people_never_appear(kube):
    actions.update_settings(kube["alice"], opt_out_of_expertise=True)
    assert "alice" not in names(queries.find_experts(kube["asker"], "kubernetes"))
    assert queries.knows_about(kube["asker"], kube["alice"]) is None
    assert queries.knows_about(kube["alice"], kube["alice"]).hidden is True


@pytest.mark.django_db
def test_department_location_and_outside_filters(kube):
    eng, ops = make_department("Engineering"), make_department("Ops")
    for u, d, loc in (("alice", eng, "Paris"), ("carol", ops, "Oslo"), ("asker", eng, "")):
        kube[u].department, kube[u].location = d, loc
        kube[u].save()
    assert names(queries.find_experts(kube["asker"], "kubernetes", department=ops)) == ["carol"]
    assert names(queries.find_experts(kube["asker"], "kubernetes", location="paris")) == ["alice"]
    assert "alice" not in names(queries.find_experts(kube["asker"], "kubernetes", outside_my_department=True))


@pytest.mark.django_db
def test_incremental_update_through_the_task(kube, django_capture_on_commit_callbacks):
    q = ask(kube["dan"], "Terraform state lock stuck", ["terraform"])
    assert queries.find_experts(kube["asker"], "terraform state") == [] or "erin" not in names(
        queries.find_experts(kube["asker"], "terraform state")
    )
    a = answer(kube["erin"], q, "Use terraform force-unlock with the lock id from the terraform state.")
    with django_capture_on_commit_callbacks(execute=True):  # tasks are enqueued on commit
        index_post_task.enqueue(q.pk)
        index_post_task.enqueue(a.pk)
    assert names(queries.find_experts(kube["asker"], "terraform state"))[0] == "erin"
    # another process (a fresh engine) sees it too, through the journal
    engine.reset()
    assert names(queries.find_experts(kube["asker"], "terraform state"))[0] == "erin"


@pytest.mark.django_db
def test_knows_about_marks_declared_skills_confirmed(kube):
    from chrysalis.people.models import Skill

    k8s = Skill.objects.create(name="Kubernetes", slug="kubernetes")
    cobol = Skill.objects.create(name="COBOL", slug="cobol")
    kube["alice"].skills.add(k8s, cobol)
    ka = queries.knows_about(kube["bob"], kube["alice"])
    topic = next(t for t in ka.topics if t.name == "Kubernetes")
    assert topic.declared and topic.confirmed
    assert [t.name for t in ka.declared] == ["COBOL"]
    assert not ka.declared[0].confirmed


@pytest.mark.django_db
def test_private_answers_do_not_make_an_expert_for_non_members(people):
    p = people
    board = make_space(p["dan"], name="Board", visibility="private", members=[p["bob"]])
    q = ask(p["dan"], "Merger valuation model", ["finance"], space=board)
    answer(p["bob"], q, "The merger valuation uses discounted cash flow.")
    engine.rebuild()
    assert names(queries.find_experts(p["dan"], "merger valuation")) == ["bob"]
    assert queries.find_experts(p["asker"], "merger valuation") == []
    assert queries.knows_about(p["asker"], p["bob"]).topics == []


@pytest.mark.django_db
def test_search_page_api_and_htmx(client, kube):
    client.force_login(kube["asker"])
    r = client.get("/experts/?q=kubernetes")
    assert r.status_code == 200 and b"Alice" in r.content and b"<html" in r.content
    r = client.get("/experts/?q=kubernetes", headers={"HX-Request": "true"})
    assert r.status_code == 200 and b"Alice" in r.content and b"<html" not in r.content
    r = client.get("/api/v1/experts?q=kubernetes&limit=2")
    assert r.status_code == 200
    body = r.json()
    assert body[0]["person"]["username"] == "alice" and "kubernetes" in body[0]["topics"]
    assert client.get("/api/v1/experts?q=").status_code == 422
    assert client.get("/api/v1/experts?q=x&limit=0").json()["detail"] == "limit must be between 1 and 50."


@pytest.mark.django_db
def test_settings_api_and_page(client, people):
    u = people["alice"]
    client.force_login(u)
    r = client.patch("/api/v1/me/expertise-settings", {"opt_out_of_expertise": True}, content_type="application/json")
    assert r.status_code == 200 and r.json() == {"opt_out_of_expertise": True, "away_until": None}
    r = client.patch(
        "/api/v1/me/expertise-settings",
        {"away_until": "2000-01-01T00:00:00Z"},
        content_type="application/json",
    )
    assert r.status_code == 422 and "future" in r.json()["detail"]
    assert queries.settings_for(u).away_until is None
    r = client.patch("/api/v1/me/expertise-settings", {"bogus": 1}, content_type="application/json")
    assert r.status_code == 422
    r = client.post("/experts/settings/", {"away_until": "not a date"})
    assert r.status_code == 422 and "must be a date" in r.content.decode()
    r = client.post("/experts/settings/", {"away_until": "2999-01-01"})
    assert r.status_code == 302
    s = queries.settings_for(u)
    assert s.opt_out_of_expertise is False and s.away_until.year == 2999


@pytest.mark.django_db
def test_cli_context_ranks_with_public_content_only(people):
    p = people
    secret = make_space(p["dan"], name="Skunkworks", visibility="secret", members=[p["bob"]])
    q = ask(p["dan"], "Quantum widget calibration", ["widgets"], space=secret)
    answer(p["bob"], q, "Quantum widget calibration needs a cold start.")
    engine.rebuild()
    ctx = queries.cli_context(None)
    assert ctx.rank("quantum widget", "", (), None, None, 5) == []
    ctx = queries.cli_context("dan")
    assert [h["username"] for h in ctx.rank("quantum widget", "", (), None, None, 5)] == ["bob"]


@pytest.mark.django_db
def test_demo_style_posts_and_comments_count_as_evidence(people):
    from chrysalis.posts import actions as posts

    p = people
    post = posts.create_post(
        p["alice"], title="Our gRPC migration", body="We moved the billing services to gRPC streaming."
    )
    posts.add_comment(p["bob"], post, body="gRPC deadlines need care with streaming retries.")
    engine.rebuild()
    assert names(queries.find_experts(p["asker"], "grpc streaming")) == ["alice"]  # comments alone: too weak


def test_unknown_person_in_a_new_org(db):
    v = make_person("v")
    assert queries.find_experts(v, "anything") == []


@pytest.mark.django_db
def test_an_untitled_post_is_titled_by_its_opening_words_without_half_words(people):
    from chrysalis.posts.actions import create_post

    body = (
        "We finally tracked down lock contention on the orders table in the service mesh. Root cause was a retry loop."
    )
    post = create_post(people["alice"], body=body)
    ev = engine.post_evidence(post.pk)
    assert ev.title == "We finally tracked down lock contention on the orders table in the service mesh. Root…"
    assert len(ev.title) <= 91
    engine.rebuild()
    found = queries.find_experts(people["bob"], "lock contention orders table")
    assert found[0].person == people["alice"]
    assert [e.title for e in found[0].evidence] == [ev.title]  # named by its opening words on the page


@pytest.mark.django_db
def test_outside_my_department_keeps_weaker_matches_of_other_departments(people):
    eng, sales = make_department("Engineering"), make_department("Sales")
    for name, dept in (("alice", eng), ("bob", eng), ("carol", sales)):
        people[name].department = dept
        people[name].save()
    for i in range(6):  # alice (engineering) is by far the strongest on kubernetes
        answer(
            people["alice"],
            ask(people["dan"], f"Kubernetes cluster question {i}", ["kubernetes"]),
            "Kubernetes helm kubectl cluster nodes.",
        )
    from chrysalis.posts.actions import create_post

    create_post(people["carol"], body="Our Nordics accounts form a cluster of renewals this quarter.")
    engine.rebuild()
    everyone = names(queries.find_experts(people["bob"], "kubernetes cluster"))
    outside = names(queries.find_experts(people["bob"], "kubernetes cluster", outside_my_department=True))
    assert everyone[0] == "alice" and outside == ["carol"]


@pytest.mark.django_db
def test_a_short_keyword_query_lists_people_who_cover_every_word_first(people):
    """ "react performance": the people-operations analyst who writes a lot about performance reviews
    (and is the most active) comes after the engineer who wrote about React performance."""
    from chrysalis.posts import actions as posts

    p = people
    for i in range(8):
        posts.create_post(p["dan"], title=f"Performance review timeline {i}", body="Performance reviews and goals.")
        hr = ask(p["carol"], f"When is my performance review {i}?", ["hr"])
        answer(p["dan"], hr, "Performance reviews start in April; your manager books the performance review.")
    for i in range(30):  # everyday traffic on other topics
        posts.create_post(p["bob"], title=f"Postgres vacuum notes {i}", body="Autovacuum and bloat in postgres.")
    q = ask(p["asker"], "The product list renders slowly", ["frontend"])
    answer(p["erin"], q, "Measure its performance with the react profiler.")
    engine.rebuild()
    found = queries.find_experts(p["asker"], "react performance")
    assert names(found) == ["erin", "dan"]
    assert queries.is_short_query("react performance") and not queries.is_short_query(
        "How do I make a long react list render faster on old phones?"
    )


def test_expert_search_order_puts_full_coverage_first_only_for_keyword_queries():
    from expertise.types import ExpertHit

    # dan: the stronger match and the higher learned score, but for half of the query only
    dan = ExpertHit("dan", 2.0, features={"doc_sum": 6.0, "profile": 6.0}, coverage=0.5)
    erin = ExpertHit("erin", 1.0, features={"doc_sum": 2.0, "profile": 2.0}, coverage=1.0)
    none = ExpertHit("zed", 3.0, features={}, coverage=0.0)  # no matching work: never listed
    assert [h.person for h in queries.expert_search_order([dan, erin, none], short_query=True)] == ["erin", "dan"]
    assert [h.person for h in queries.expert_search_order([dan, erin, none], short_query=False)] == ["dan", "erin"]
