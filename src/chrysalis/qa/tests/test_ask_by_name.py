"""Asking a person by name: the profile's "Ask" button opens the ask form with them chosen; posting
asks them (a routing request marked by_name, under the routing rules) besides the usual routing, and
a refusal says why to the asker and asks nothing of them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chrysalis.experts import actions as expert_actions
from chrysalis.experts.models import RoutingRequest
from chrysalis.notifications.models import Notification
from chrysalis.posts.models import Post
from chrysalis.qa import actions
from chrysalis.qa.tests.conftest import snapshot
from chrysalis.testsupport.factories import make_department, make_person, make_space


@pytest.fixture
def people(db):
    fin = make_department("Finance")
    return {
        "ana": make_person("ana", display_name="Ana Lima"),
        "bob": make_person("bob", display_name="Bob Stone", title="Analyst", department=fin),
        "fin": fin,
    }


def _post(client, **extra):
    data = {"title": "How do we close the books?", "body": "At month end.", "tags": "finance", **extra}
    return client.post("/qa/ask/", data)


def _requests():
    return list(RoutingRequest.objects.values_list("question__title", "expert__username", "status", "by_name"))


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_the_ask_form_opens_with_the_person_chosen(client, people):
    client.force_login(people["ana"])
    r = client.get("/qa/ask/", {"ask": "bob"})
    html = r.content.decode()
    assert r.status_code == 200
    assert "<h1>Ask Bob Stone a question</h1>" in html
    assert "You are asking Bob Stone by name" in html
    assert '<input type="hidden" name="ask" value="bob">' in html
    assert 'Bob Stone</a><span class="byline-sep"> · </span><span class="byline-title">Analyst</span>' in html
    assert f'href="/departments/{people["fin"].slug}/">Finance</a>' in html
    assert 'hx-get="/experts/ask-hint/bob/"' in html


def test_asking_by_name_routes_to_that_person_and_tells_them(client, people, on_commit):
    client.force_login(people["ana"])
    with on_commit():
        r = client.post(
            "/qa/ask/",
            {"title": "How do we close the books?", "body": "At month end.", "tags": "finance", "ask": "bob"},
            follow=True,
        )
    q = Post.objects.get(title="How do we close the books?")
    assert r.redirect_chain == [(f"/qa/{q.pk}/", 302)]
    assert _requests() == [("How do we close the books?", "bob", "pending", True)]
    assert list(Notification.objects.values_list("recipient__username", "actor__username", "verb", "post_id")) == [
        ("bob", "ana", "asked_by_name", q.pk)
    ]
    assert _messages(r) == ["You asked Bob Stone by name; Chrysalis also asks others who know."]


def test_the_person_sees_they_were_asked_by_name_and_the_asker_sees_it_in_experts_asked(client, people):
    q = actions.ask_question(people["ana"], title="Close the books?", body="b", tags=["finance"], ask=people["bob"])
    assert q.named_ask.asked and q.named_ask.request.by_name
    client.force_login(people["bob"])
    inbox = client.get("/experts/inbox/").content.decode()
    assert '<span class="chip chip-brand">Asked you by name</span>' in inbox
    assert "Ana Lima chose you by name to answer this." in inbox
    assert '<a class="who" href="/people/ana/">Ana Lima</a>' in inbox  # who asked, with the shared byline
    card = client.get("/experts/inbox/card/").content.decode()  # the home page's "Questions for you"
    assert '<span class="chip chip-brand">by name</span> asked by <span class="byline">' in card
    client.force_login(people["ana"])
    card = client.get(f"/experts/questions/{q.pk}/routing/").content.decode()
    assert '<a class="who" href="/people/bob/">Bob Stone</a>' in card
    assert '<span class="chip chip-brand">asked by name</span>' in card


@pytest.mark.parametrize(
    "given, reason, hint",
    [
        (
            "away",
            "Bob Stone is away until {day}, so Chrysalis did not ask them.",
            "Bob Stone is away until {day}: Chrysalis will ask others who know instead.",
        ),
        (
            "opted_out",
            "Bob Stone has chosen not to be asked questions, so Chrysalis did not ask them.",
            "Bob Stone has chosen not to be asked questions: Chrysalis will ask others who know instead.",
        ),
        (
            "weekly_cap",
            "Bob Stone has already been asked 2 questions this week, the most Chrysalis asks of anyone, so "
            "Chrysalis did not ask them.",
            "Bob Stone has already been asked 2 questions this week, the most Chrysalis asks of anyone: "
            "Chrysalis will ask others who know instead.",
        ),
    ],
)
def test_a_person_routing_may_not_ask_is_not_asked_and_the_asker_is_told_why(
    client, people, settings, on_commit, given, reason, hint
):
    settings.CHRYSALIS_ROUTING_WEEKLY_CAP = 2
    bob, ana = people["bob"], people["ana"]
    away = timezone.now() + timedelta(days=3)
    if given == "away":
        expert_actions.update_settings(bob, away_until=away)
    elif given == "opted_out":
        expert_actions.update_settings(bob, opt_out_of_expertise=True)
    else:
        for i in range(2):
            other = actions.ask_question(make_person(), title=f"Earlier {i}", body="b", tags=["x"])
            RoutingRequest.objects.create(question=other, expert=bob)
    before = _requests()
    client.force_login(ana)
    with on_commit():
        r = _post(client, ask="bob")
    assert r.status_code == 302
    q = Post.objects.get(title="How do we close the books?")
    assert _requests() == before  # nothing asked of Bob
    assert not Notification.objects.filter(recipient=bob, post=q).exists()
    day = f"{timezone.localtime(away).day} {timezone.localtime(away).strftime('%B %Y')}"
    expected = reason.format(day=day)
    page = client.get(r["Location"])
    assert _messages(page) == [f"{expected} Chrysalis asks others who know, as usual."]
    # the ask form warned before posting too (except where it depends on the space)
    shown = client.get("/experts/ask-hint/bob/").content.decode()
    assert shown == f'<p class="ask-hint" role="note">{hint.format(day=day)}</p>\n'
    settings.CHRYSALIS_ROUTING_WEEKLY_CAP = 5
    expert_actions.update_settings(bob, opt_out_of_expertise=False, away_until=None)
    assert client.get("/experts/ask-hint/bob/").content.decode().strip() == ""  # nothing in the way now


def test_someone_who_cannot_read_the_space_is_not_asked(people):
    ana, bob = people["ana"], people["bob"]
    board = make_space(ana, name="Board", visibility="private")
    q = actions.ask_question(ana, title="Board pack?", body="b", tags=["board"], space=board, ask=bob)
    assert not q.named_ask.asked and q.named_ask.code == "cannot_see"
    assert q.named_ask.reason == "Bob Stone cannot read questions in Board, so Chrysalis did not ask them."
    assert RoutingRequest.objects.count() == 0


def test_an_unknown_person_or_yourself_is_refused_and_nothing_is_written(client, people):
    client.force_login(people["ana"])
    r = client.get("/qa/ask/", {"ask": "nobody"})
    assert r.status_code == 404 and "There is nobody called “nobody” here to ask." in r.content.decode()
    before = snapshot(), _requests()
    r = _post(client, ask="nobody")
    assert r.status_code == 422 and "There is nobody called “nobody” here to ask." in r.content.decode()
    r = _post(client, ask="ana")
    assert r.status_code == 422 and "You cannot ask yourself" in r.content.decode()
    people["bob"].is_active = False
    people["bob"].save()
    r = _post(client, ask="bob")
    assert r.status_code == 422 and "There is nobody called “bob” here to ask." in r.content.decode()
    assert (snapshot(), _requests()) == before


def test_the_action_refuses_yourself_and_inactive_people_before_writing(people):
    from chrysalis.core.errors import Invalid

    ana, bob = people["ana"], people["bob"]
    before = snapshot()
    with pytest.raises(Invalid, match="You cannot ask yourself"):
        actions.ask_question(ana, title="T", body="b", tags=["x"], ask=ana)
    bob.is_active = False
    with pytest.raises(Invalid, match="Bob Stone is no longer active here"):
        actions.ask_question(ana, title="T", body="b", tags=["x"], ask=bob)
    assert snapshot() == before


def test_an_escalation_keeps_the_person_asked_by_name(people, settings):
    settings.CHRYSALIS_ROUTING_ESCALATE_AFTER = timedelta(hours=1)
    q = actions.ask_question(people["ana"], title="Close?", body="b", tags=["x"], ask=people["bob"])
    RoutingRequest.objects.filter(question=q).update(asked_at=timezone.now() - timedelta(hours=2))
    expert_actions.escalate_unanswered()
    assert _requests() == [("Close?", "bob", "pending", True)]


def test_the_api_asks_by_name_and_says_why_not(client, people):
    from chrysalis.testsupport.factories import api_headers

    headers = api_headers(people["ana"])
    body = {"title": "Close the books?", "body": "b", "tags": ["finance"], "ask": "bob"}
    r = client.post("/api/v1/questions", body, content_type="application/json", headers=headers)
    assert r.status_code == 201 and r.json()["asked_by_name"] == {"username": "bob", "asked": True, "reason": ""}
    assert _requests() == [("Close the books?", "bob", "pending", True)]
    expert_actions.update_settings(people["bob"], opt_out_of_expertise=True)
    body["title"] = "Close the books again?"
    r = client.post("/api/v1/questions", body, content_type="application/json", headers=headers)
    assert r.json()["asked_by_name"] == {
        "username": "bob",
        "asked": False,
        "reason": "Bob Stone has chosen not to be asked questions, so Chrysalis did not ask them.",
    }
    before = snapshot(), _requests()
    for ask, detail in [
        ("nobody", "There is nobody called “nobody” here to ask."),
        ("ana", "You cannot ask yourself: leave “Ask” empty to ask the experts."),
    ]:
        r = client.post(
            "/api/v1/questions", {**body, "ask": ask}, content_type="application/json", headers=headers
        )
        assert (r.status_code, r.json()["detail"]) == (422, detail)
    assert (snapshot(), _requests()) == before
    q = Post.objects.get(title="Close the books?")
    assert client.get(f"/api/v1/questions/{q.pk}", headers=headers).json()["asked_by_name"] is None
