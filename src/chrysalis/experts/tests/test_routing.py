from datetime import timedelta

import pytest
from django.utils import timezone

from chrysalis.core.errors import Conflict, Invalid, NotFound
from chrysalis.experts import actions, engine, queries
from chrysalis.experts.models import RoutingRequest, SpaceRoutingSettings
from chrysalis.experts.tests.conftest import answer, ask
from chrysalis.notifications.models import Notification
from chrysalis.testsupport.factories import make_space


def asked(question):
    return sorted(RoutingRequest.objects.filter(question=question).values_list("expert__username", flat=True))


def new_question(p, title="Kubernetes liveness probe fails", tags=("kubernetes",), space=None, who="asker"):
    q = ask(p[who], title, list(tags), space=space)
    engine.record("post", q.pk)
    return q


@pytest.mark.django_db
def test_routes_to_top_experts_never_the_asker_and_notifies(kube, settings):
    q = new_question(kube, who="alice")
    made = actions.route_question(q)
    # carol is the only other person whose work is about kubernetes: bob (postgres) is not asked
    assert len(made) == 1 and asked(q) == ["carol"]
    assert Notification.objects.filter(verb="routed", post=q).count() == 0  # written on commit


@pytest.mark.django_db
def test_notification_on_commit(kube, django_capture_on_commit_callbacks):
    q = new_question(kube)
    with django_capture_on_commit_callbacks(execute=True):
        made = actions.route_question(q)
    assert asked(q)[0:1] and "alice" in asked(q)
    assert set(
        Notification.objects.filter(verb="routed", post=q).values_list("recipient__username", flat=True)
    ) == {r.expert.username for r in made}


@pytest.mark.django_db
def test_opted_out_and_away_people_are_skipped(kube):
    answer(kube["dan"], ask(kube["erin"], "Kubernetes probes and restarts", ["kubernetes"]), "Kubernetes liveness.")
    engine.rebuild()
    actions.update_settings(kube["alice"], opt_out_of_expertise=True)
    actions.update_settings(kube["carol"], away_until=timezone.now() + timedelta(days=3))
    q = new_question(kube)
    actions.route_question(q)
    assert "alice" not in asked(q) and "carol" not in asked(q)
    assert asked(q) == ["dan"]


@pytest.mark.django_db
def test_weekly_cap(kube, settings):
    settings.CHRYSALIS_ROUTING_WEEKLY_CAP = 2
    for i in range(3):
        q = new_question(kube, title=f"Kubernetes question number {i}")
        actions.route_question(q)
    load = queries.weekly_load([kube["alice"].pk])
    assert load[kube["alice"].pk] == 2
    assert "alice" not in asked(q)


@pytest.mark.django_db
def test_space_setting_k_and_only_readers(kube):
    p = kube
    answer(p["bob"], ask(p["erin"], "Kubernetes node pressure", ["kubernetes"]), "Kubernetes eviction.")
    engine.rebuild()
    board = make_space(p["dan"], name="Ops", visibility="private", members=[p["bob"], p["asker"]])
    SpaceRoutingSettings.objects.create(space=board, experts_per_question=5)
    q = new_question(p, space=board)
    actions.route_question(q)
    assert asked(q) == ["bob"]  # alice and carol know more but cannot read the question


@pytest.mark.django_db
def test_escalation_after_the_configured_time(kube, settings):
    old = ask(kube["bob"], "Kubernetes helm charts", ["kubernetes"])
    answer(kube["dan"], old, "Kubernetes helm values.")
    answer(kube["erin"], old, "Kubernetes helm hooks.")
    engine.rebuild()
    q = new_question(kube)
    first = {r.expert_id for r in actions.route_question(q)}
    assert actions.escalate_unanswered() == 0  # too early
    later = timezone.now() + settings.CHRYSALIS_ROUTING_ESCALATE_AFTER + timedelta(minutes=1)
    made = actions.escalate_unanswered(now=later)
    assert made >= 1
    second = RoutingRequest.objects.filter(question=q, round=2)
    assert second.exists() and not ({r.expert_id for r in second} & first)
    assert set(RoutingRequest.objects.filter(question=q, round=1).values_list("status", flat=True)) == {
        "expired"
    }


@pytest.mark.django_db
def test_answered_question_is_not_escalated_and_answer_is_recorded(kube, settings):
    q = new_question(kube)
    made = actions.route_question(q)
    expert = made[0].expert
    a = answer(expert, q, "Here is how.")
    req = actions.on_answer(a)
    assert req.status == "answered" and req.response_seconds is not None
    later = timezone.now() + settings.CHRYSALIS_ROUTING_ESCALATE_AFTER + timedelta(minutes=1)
    assert actions.escalate_unanswered(now=later) == 0


@pytest.mark.django_db
def test_decline_not_my_area_feeds_back(kube, django_capture_on_commit_callbacks):
    q = new_question(kube, title="Kubernetes ingress certificate renewal")
    actions.route_question(q)
    req = RoutingRequest.objects.get(question=q, expert=kube["alice"])
    with pytest.raises(Invalid):
        actions.decline_request(kube["alice"], req.pk, "meh")
    with pytest.raises(NotFound):
        actions.decline_request(kube["bob"], req.pk, "busy")
    assert RoutingRequest.objects.get(pk=req.pk).status == "pending"

    def alice(title, tags=("kubernetes",)):
        hits = queries.rank_people(title, "", list(tags), visible={None}, limit=10)
        return next(h for h in hits if h.person == str(kube["alice"].pk))

    before = alice("Kubernetes ingress certificate")
    unrelated_before = alice("Postgres vacuum tuning", ())
    with django_capture_on_commit_callbacks(execute=True):  # the task journals the decline
        actions.decline_request(kube["alice"], req.pk, "not my area")
    with pytest.raises(Conflict):
        actions.decline_request(kube["alice"], req.pk, "busy")
    stored = RoutingRequest.objects.get(pk=req.pk)
    assert stored.declined_at is not None and stored.declined_reason == "not my area"
    assert f"d{req.pk}" in engine.get_engine().index.where  # decline evidence in the index
    after = alice("Kubernetes ingress certificate")
    assert before.features["declined"] == 0 < after.features["declined"]
    weight = engine.get_engine().model.weights[list(engine.get_engine().model.features).index("declined")]
    assert weight < 0 and after.score < before.score  # the model's declined weight lowers her
    assert alice("Postgres vacuum tuning", ()).score == unrelated_before.score  # unrelated: unchanged
    # a rebuild keeps it (the decline is read from the database like any other evidence)
    engine.rebuild()
    assert alice("Kubernetes ingress certificate").features["declined"] == after.features["declined"]


@pytest.mark.django_db
def test_busy_is_not_decline_evidence(kube, django_capture_on_commit_callbacks):
    q = new_question(kube)
    actions.route_question(q)
    req = RoutingRequest.objects.get(question=q, expert=kube["alice"])
    with django_capture_on_commit_callbacks(execute=True):
        actions.decline_request(kube["alice"], req.pk, "busy")
    assert f"d{req.pk}" not in engine.get_engine().index.where
    assert RoutingRequest.objects.get(pk=req.pk).status == "declined"


@pytest.mark.django_db
def test_inbox_page_api_and_htmx_decline(client, kube):
    q = new_question(kube)
    actions.route_question(q)
    req = RoutingRequest.objects.get(question=q, expert=kube["alice"])
    # why alice was asked: the question's words and tags her work covers
    assert req.topics[0] == "kubernetes" and set(req.topics) <= {"kubernetes", "liveness", "probe", "fails"}
    client.force_login(kube["alice"])
    r = client.get("/experts/inbox/")
    assert r.status_code == 200 and q.title in r.content.decode()
    why = r.content.decode().split("Asked because your work covers", 1)[1].split("</p>", 1)[0]
    assert all(f'<span class="chip chip-term">{t}</span>' in why for t in req.topics)
    r = client.get("/api/v1/me/routing")
    assert [i["id"] for i in r.json()["items"]] == [req.pk] and r.json()["items"][0]["topics"] == req.topics
    r = client.post(f"/experts/inbox/{req.pk}/decline/", {"reason": "busy"}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "You passed: busy." in r.content.decode() and "<html" not in r.content.decode()
    # the history tabs: passed shows it, waiting no longer does; an unknown status is a clear 422
    assert q.title in client.get("/experts/inbox/?status=declined").content.decode()
    assert q.title not in client.get("/experts/inbox/").content.decode()
    bad = client.get("/experts/inbox/?status=lost")
    assert bad.status_code == 422 and "status must be pending" in bad.content.decode()
    r = client.post(f"/api/v1/routing/{req.pk}/decline", {"reason": "busy"}, content_type="application/json")
    assert r.status_code == 409
    client.force_login(kube["bob"])
    r = client.post(f"/api/v1/routing/{req.pk}/decline", {"reason": "busy"}, content_type="application/json")
    assert r.status_code == 404


@pytest.mark.django_db
def test_a_decline_in_a_private_space_changes_nothing_for_outsiders(kube, django_capture_on_commit_callbacks):
    p = kube
    ops = make_space(p["dan"], name="Ops", visibility="private", members=[p["alice"], p["asker"]])
    q = new_question(p, title="Kubernetes ingress certificate renewal", space=ops)
    actions.route_question(q)
    req = RoutingRequest.objects.get(question=q, expert=p["alice"])

    def alice_for(viewer):
        hits = queries.find_experts(viewer, "kubernetes ingress certificate", limit=10)
        return next(r for r in hits if r.person == p["alice"])

    outsider_before, member_before = alice_for(p["bob"]), alice_for(p["asker"])
    with django_capture_on_commit_callbacks(execute=True):
        actions.decline_request(p["alice"], req.pk, "not my area")
    outsider_after, member_after = alice_for(p["bob"]), alice_for(p["asker"])
    assert outsider_after.features["declined"] == 0 and outsider_after.score == outsider_before.score
    assert member_after.features["declined"] > 0 and member_after.score < member_before.score


@pytest.mark.django_db
def test_a_removed_question_takes_its_answers_comments_and_declines_out_of_the_index(
    kube, django_capture_on_commit_callbacks
):
    from chrysalis.posts.actions import add_comment, delete_post

    p = kube
    with django_capture_on_commit_callbacks(execute=True):
        q = ask(p["dan"], "Kubernetes ingress certificate renewal", ["kubernetes"])
        a = answer(p["bob"], q, "Use cert-manager for the kubernetes ingress.")
        c = add_comment(p["carol"], a, body="And check the issuer.")
    actions.route_question(q)
    req = RoutingRequest.objects.filter(question=q).exclude(expert=p["bob"]).first()
    with django_capture_on_commit_callbacks(execute=True):
        actions.decline_request(req.expert, req.pk, "not my area")
    where = engine.get_engine().index.where
    assert {f"p{q.pk}", f"p{a.pk}", f"d{req.pk}"} <= set(where)
    with django_capture_on_commit_callbacks(execute=True):
        delete_post(p["dan"], q)
    where = engine.get_engine().index.where
    assert not ({f"p{q.pk}", f"p{a.pk}", f"c{c.pk}", f"d{req.pk}"} & set(where))
    # exactly what a rebuild from the database has
    live = set(where)
    engine.rebuild()
    assert set(engine.get_engine().index.where) == live


@pytest.mark.django_db
def test_the_asker_and_moderators_see_who_was_asked_and_how_it_went(client, kube, settings):
    from chrysalis.experts.templatetags.expertise_tags import duration_words

    q = new_question(kube)
    made = actions.route_question(q)
    first, second = made[0], made[1]
    answer(first.expert, q, "Here is how.")
    actions.on_answer(q.answers.get())
    actions.decline_request(second.expert, second.pk, "not my area")
    url = f"/experts/questions/{q.pk}/routing/"
    client.force_login(kube["asker"])
    html = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Experts asked" in html and first.expert.name in html and second.expert.name in html
    assert f"knows about {', '.join(first.topics)}" in html and first.topics
    assert "Answered" in html and "Passed" in html and "not my area" not in html  # no reasons shown
    assert "Only you and moderators see this." in html
    client.force_login(kube["bob"] if first.expert != kube["bob"] and second.expert != kube["bob"] else kube["carol"])
    assert "Experts asked" not in client.get(url).content.decode()  # other readers: nothing
    staff = kube["dan"]
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert "Only you, the asker and moderators see this." in client.get(url).content.decode()
    assert client.get("/experts/questions/999999/routing/").content.decode().strip() == ""
    assert [duration_words(s) for s in (5, 60, 3000, 7200, 200000, None)] == [
        "under a minute", "1 minute", "50 minutes", "2 hours", "2 days", ""
    ]
    page = client.get(f"/qa/{q.pk}/").content.decode()
    assert f'hx-get="{url}"' in page


@pytest.mark.django_db
def test_home_card_lists_the_questions_waiting_for_me_and_nothing_otherwise(client, kube):
    q = new_question(kube)
    made = actions.route_question(q)
    expert = made[0].expert
    client.force_login(expert)
    assert 'hx-get="/experts/inbox/card/"' in client.get("/").content.decode()
    html = client.get("/experts/inbox/card/", headers={"HX-Request": "true"}).content.decode()
    assert "Questions for you" in html and q.title in html and '<span class="badge-count">1</span>' in html
    actions.decline_request(expert, made[0].pk, "busy")
    assert client.get("/experts/inbox/card/").content.decode().strip() == ""
    client.force_login(kube["asker"])
    assert client.get("/experts/inbox/card/").content.decode().strip() == ""


@pytest.mark.django_db
def test_people_whose_work_does_not_match_are_not_asked(kube):
    # bob shares only everyday words ("please help") with a kubernetes question: not asked, however active
    for i in range(5):
        answer(kube["bob"], ask(kube["dan"], f"Postgres question {i}", ["postgres"]), "Please help with vacuum.")
    engine.rebuild()
    q = new_question(kube, who="erin", title="Kubernetes liveness probe fails")
    actions.route_question(q)
    assert "bob" not in asked(q) and set(asked(q)) <= {"alice", "carol"}
    hits = queries.rank_people("Kubernetes liveness probe fails", "Please help.", ["kubernetes"], visible={None})
    everyone = {h.person for h in hits}
    assert str(kube["bob"].pk) in everyone  # ranked by the model, then left out for lack of matching work
    assert str(kube["bob"].pk) not in {h.person for h in queries.matching(hits)}
