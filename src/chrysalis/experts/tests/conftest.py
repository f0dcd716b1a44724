import pytest

from chrysalis.experts import engine
from chrysalis.qa import actions as qa
from chrysalis.testsupport.factories import make_person


@pytest.fixture(autouse=True)
def expertise_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.CHRYSALIS_EXPERTISE_LIVE = True
    engine.reset()
    yield tmp_path / "expertise"
    engine.reset()


@pytest.fixture
def people(db):
    return {n: make_person(n) for n in ("asker", "alice", "bob", "carol", "dan", "erin")}


def answer(author, question, body):
    return qa.answer_question(author, question, body=body)


def ask(author, title, tags, space=None, body="Please help."):
    return qa.ask_question(author, title=title, body=body, tags=tags, space=space)


@pytest.fixture
def kube(people):
    """alice answered kubernetes questions, bob postgres, carol both a little; the index is built."""
    p = people
    q1 = ask(p["dan"], "Kubernetes pod keeps restarting", ["kubernetes"])
    answer(p["alice"], q1, "Check the liveness probe of the kubernetes deployment and pod logs.")
    q2 = ask(p["erin"], "Kubernetes ingress returns 502", ["kubernetes"])
    answer(p["alice"], q2, "The kubernetes ingress controller needs the service port.")
    q3 = ask(p["dan"], "Postgres vacuum is slow", ["postgres"])
    answer(p["bob"], q3, "Tune autovacuum in postgres and check bloat.")
    answer(p["carol"], q1, "Maybe kubernetes memory limits.")
    engine.rebuild()
    return p
