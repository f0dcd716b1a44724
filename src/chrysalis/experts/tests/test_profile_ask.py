"""With the live engine: a profile leads with what the person knows (topics and the evidence behind them,
only evidence the viewer may read) and an "Ask" button; asking by name goes to that person and the usual
routing still asks the experts."""

import pytest

from chrysalis.experts.models import RoutingRequest
from chrysalis.experts.tests.conftest import answer, ask
from chrysalis.notifications.models import Notification
from chrysalis.qa import actions as qa
from chrysalis.spaces.actions import create_space

HX = {"HX-Request": "true"}


@pytest.mark.django_db
def test_asking_by_name_asks_them_and_routing_still_asks_the_experts(kube, django_capture_on_commit_callbacks):
    p = kube
    with django_capture_on_commit_callbacks(execute=True):  # the routing task runs on commit
        q = qa.ask_question(
            p["dan"],
            title="Kubernetes pod restarts after upgrade",
            body="Since 1.29.",
            tags=["kubernetes"],
            ask=p["erin"],
        )
    rows = set(RoutingRequest.objects.filter(question=q).values_list("expert__username", "by_name", "round"))
    # erin wrote nothing about kubernetes and is asked because dan chose her; alice and carol by routing
    assert rows == {("erin", True, 1), ("alice", False, 1), ("carol", False, 1)}
    verbs = dict(Notification.objects.filter(post=q).values_list("recipient__username", "verb"))
    assert verbs == {"erin": "asked_by_name", "alice": "routed", "carol": "routed"}


@pytest.mark.django_db
def test_asking_an_expert_by_name_does_not_ask_them_twice(kube, django_capture_on_commit_callbacks):
    p = kube
    with django_capture_on_commit_callbacks(execute=True):
        q = qa.ask_question(p["dan"], title="Kubernetes ingress 404", body="b", tags=["kubernetes"], ask=p["alice"])
    rows = set(RoutingRequest.objects.filter(question=q).values_list("expert__username", "by_name"))
    assert rows == {("alice", True), ("carol", False)}


@pytest.mark.django_db
def test_knows_about_lists_the_evidence_the_viewer_may_read(client, people):
    p = people
    q1 = ask(p["dan"], "Kubernetes pod keeps restarting", ["kubernetes"])
    a1 = answer(p["alice"], q1, "Check the liveness probe of the kubernetes deployment.")
    q2 = ask(p["erin"], "Kubernetes ingress returns 502", ["kubernetes"])
    answer(p["alice"], q2, "The kubernetes ingress controller needs the service port.")
    qa.accept_answer(p["dan"], a1)
    falcon = create_space(p["alice"], name="Falcon", visibility="secret")
    hidden = ask(p["alice"], "Kubernetes for the Falcon deal", ["kubernetes"], space=falcon)
    answer(p["alice"], hidden, "Run the kubernetes cluster in the deal room.")
    client.force_login(p["bob"])
    html = client.get("/experts/knows/alice/", headers=HX).content.decode()
    evidence = html.split('<ul class="knows-evidence">', 1)[1].split("</ul>", 1)[0]
    assert "What shows it" in html
    assert f'<a href="/qa/{q1.pk}/#answer-{a1.pk}">Kubernetes pod keeps restarting</a>' in evidence
    assert '<span class="chip chip-kind">Accepted answer</span>' in evidence
    assert "Kubernetes ingress returns 502" in evidence and "kubernetes" in evidence
    assert "Falcon" not in html  # a secret space's work is neither listed nor named
    assert evidence.count("<li>") == 2
    client.force_login(p["alice"])
    own = client.get("/experts/knows/alice/", headers=HX).content.decode()
    assert "Kubernetes for the Falcon deal" in own  # its member sees it


@pytest.mark.django_db
def test_the_profile_leads_with_ask_and_knows_about_before_the_posts(client, people):
    client.force_login(people["bob"])
    html = client.get("/people/alice/").content.decode()
    ask_at = html.index('id="ask-person" href="/qa/ask/?ask=alice"')
    knows_at = html.index('hx-get="/experts/knows/alice/"')
    assert ask_at < knows_at < html.index('id="about-heading"') < html.index('id="posts-heading"')
    client.force_login(people["alice"])
    assert 'id="ask-person"' not in client.get("/people/alice/").content.decode()  # not yourself


@pytest.mark.django_db
def test_expert_search_shows_bylines_and_an_ask_button_per_expert(client, kube):
    from chrysalis.testsupport.factories import make_department

    ops = make_department("Operations")
    kube["alice"].title, kube["alice"].department = "SRE", ops
    kube["alice"].save()
    client.force_login(kube["dan"])
    html = client.get("/experts/", {"q": "kubernetes"}).content.decode()
    card = html.split('<li class="card expert-card">', 2)[1]
    assert (
        '<a class="who expert-name" href="/people/alice/">Alice</a><span class="byline-sep"> · </span>'
        f'<span class="byline-title">SRE</span><span class="byline-sep"> · </span><a class="byline-dept" '
        f'href="/departments/{ops.slug}/">Operations</a>'
    ) in card
    assert (
        'href="/qa/ask/?ask=alice&amp;title=kubernetes&amp;tags=">Ask<span class="visually-hidden"> Alice</span>'
        in card
    )
