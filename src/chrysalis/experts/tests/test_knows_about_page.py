from chrysalis.experts import engine
from chrysalis.experts.tests.conftest import answer, ask
from chrysalis.spaces.actions import create_space
from chrysalis.testsupport.factories import make_space


def test_profile_card_shows_topics_from_visible_work_only(client, people):
    p = people
    q = ask(p["dan"], "Kubernetes pod keeps restarting", ["kubernetes"])
    answer(p["alice"], q, "Check the liveness probe of the kubernetes deployment.")
    secret = create_space(p["alice"], name="Falcon", visibility="secret")
    hidden = ask(p["alice"], "Valuation model for the target", ["valuation"], space=secret)
    answer(p["alice"], hidden, "Use the discounted cash flow valuation.")
    client.force_login(p["bob"])
    html = client.get("/experts/knows/alice/", headers={"HX-Request": "true"}).content.decode()
    assert "Knows about" in html and "kubernetes" in html
    assert "valuation" not in html
    assert client.get("/experts/knows/nobody-here/").status_code == 404


def test_profile_card_shows_key_terms_and_text_confirmed_skills(client, people):
    from chrysalis.people.models import Skill

    p = people
    for title in ("Kubernetes pod keeps restarting", "Ingress returns 502", "Helm upgrade fails"):
        q = ask(p["dan"], title, ["kubernetes"])
        answer(p["alice"], q, "Read the kubelet logs and the cgroup limits first.")
    skill, _ = Skill.objects.get_or_create(slug="kubelet", defaults={"name": "Kubelet"})
    p["alice"].skills.add(skill)
    client.force_login(p["bob"])
    html = client.get("/experts/knows/alice/", headers={"HX-Request": "true"}).content.decode()
    assert "Often writes about" in html
    terms = html.split("Often writes about", 1)[1].split("</p>", 1)[0]
    assert "kubelet" in terms and "cgroup" in terms
    # a declared skill that is a word of their answers (not a tag) is confirmed by them
    assert "Kubelet</span> <span class=\"badge-confirmed\"" in html


def test_person_expertise_api_uses_visible_evidence_and_respects_opt_out(client, people):
    from chrysalis.experts import actions
    from chrysalis.testsupport.factories import api_headers

    p = people
    for title in ("Kubernetes pod keeps restarting", "Ingress returns 502"):
        q = ask(p["dan"], title, ["kubernetes"])
        answer(p["alice"], q, "Read the kubelet logs and the cgroup limits first.")
    secret = create_space(p["alice"], name="Falcon", visibility="secret")
    hidden = ask(p["alice"], "Valuation model for the target", ["valuation"], space=secret)
    answer(p["alice"], hidden, "Use the discounted cash flow valuation.")
    r = client.get("/api/v1/people/alice/expertise", headers=api_headers(p["bob"]))
    body = r.json()
    assert r.status_code == 200 and body["username"] == "alice" and body["answers"] == 2
    assert [t["name"] for t in body["topics"]] == ["kubernetes"] and body["topics"][0]["level"] == 5
    # key terms in the phrases they recur in
    assert {"kubelet logs", "cgroup limits"} <= set(body["key_terms"]) and "valuation" not in str(body)
    assert client.get("/api/v1/people/nobody/expertise", headers=api_headers(p["bob"])).status_code == 404
    actions.update_settings(p["alice"], opt_out_of_expertise=True)
    r = client.get("/api/v1/people/alice/expertise", headers=api_headers(p["bob"]))
    assert r.status_code == 404 and "expert search" in r.json()["detail"]
    assert client.get("/api/v1/people/alice/expertise", headers=api_headers(p["alice"])).status_code == 200


def test_key_phrases_come_from_writing_the_viewer_may_read_only(people):
    from chrysalis.experts import queries

    p = people
    for title in ("Cache stampede at nine", "Cold caches after deploy", "Stampede again"):
        q = ask(p["dan"], title, ["caching"])
        answer(p["alice"], q, "The stampede hit the origin; stagger the expiry times.")
    secret = make_space(p["alice"], name="Falcon", visibility="secret", members=[p["carol"]])
    for title in ("Origin load", "Expiry jitter"):
        q = ask(p["alice"], title, ["caching"], space=secret)
        answer(p["carol"], q, "ok")
        answer(p["alice"], q, "Stampede protection with probabilistic early expiry.")
    engine.rebuild()
    outsider = queries.knows_about(p["bob"], p["alice"]).key_terms
    member = queries.knows_about(p["carol"], p["alice"]).key_terms
    # "stampede" recurs as "stampede hit"; a phrase never spans the semicolon ("origin; stagger")
    assert outsider == ["stampede hit", "origin", "stagger", "expiry"]
    assert "protection" in member  # the secret space's writing counts for its member only
