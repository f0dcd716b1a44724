"""Routing tasks can run twice (a retry after a failure, two workers) without asking anyone more."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chrysalis.experts import actions, engine
from chrysalis.experts.models import RoutingRequest
from chrysalis.experts.tasks import route_question_task
from chrysalis.experts.tests.conftest import answer, ask


def requests_of(question):
    return sorted(RoutingRequest.objects.filter(question=question).values_list("expert__username", "round", "status"))


@pytest.mark.django_db
def test_routing_a_question_twice_asks_nobody_more(kube):
    answer(kube["dan"], ask(kube["erin"], "Kubernetes probes and restarts", ["kubernetes"]), "Kubernetes liveness.")
    engine.rebuild()
    q = ask(kube["asker"], "Kubernetes liveness probe fails", ["kubernetes"])
    engine.record("post", q.pk)
    first = route_question_task.call(q.pk)
    before = requests_of(q)
    assert first == len(before) >= 2
    assert route_question_task.call(q.pk) == 0
    assert requests_of(q) == before


@pytest.mark.django_db
def test_two_workers_escalating_the_same_round_start_it_once(kube, settings):
    """Both workers read that the question's last round is 1 before either writes round 2."""
    settings.CHRYSALIS_ROUTING_ESCALATE_AFTER = timedelta(hours=1)
    for who in ("dan", "erin"):
        answer(kube[who], ask(kube["bob"], f"Kubernetes question from {who}", ["kubernetes"]), "Kubernetes pods.")
    engine.rebuild()
    q = ask(kube["asker"], "Kubernetes liveness probe fails", ["kubernetes"])
    engine.record("post", q.pk)
    assert actions.route_question(q)
    RoutingRequest.objects.filter(question=q).update(asked_at=timezone.now() - timedelta(hours=2))
    first = actions._escalate_one(q.pk, 2)
    after_first = requests_of(q)
    assert first and {r for _, r, _ in after_first} == {1, 2}
    assert actions._escalate_one(q.pk, 2) == []  # the second worker finds round 2 started
    assert requests_of(q) == after_first
