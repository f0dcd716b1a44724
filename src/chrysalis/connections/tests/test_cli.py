"""`chrysalis people suggest`, run as a real process on its own SQLite data folder (production settings)."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from tests.test_cli import run

NOW = datetime.now(UTC).replace(microsecond=0)

BUILD = f"""
from datetime import datetime, timedelta
from chrysalis.posts.models import Post
from chrysalis.qa.actions import ask_question, answer_question
from chrysalis.testsupport.factories import make_department, make_person
now = datetime.fromisoformat({NOW.isoformat()!r})
a, b = make_department("Support"), make_department("Platform")
old = now - timedelta(days=30)
v = make_person("v", display_name="Vera Lind", department=a, date_joined=old)
c = make_person("c", department=a, date_joined=old)
kai = make_person("kai", display_name="Kai Ito", department=b, date_joined=old, external_id="se:7")
neo = make_person("neo", display_name="Neo Park", department=b, date_joined=now - timedelta(days=2))
q = ask_question(c, title="Kubernetes pod restarts", body="?", tags=["kubernetes"])
k = answer_question(kai, q, body="Check the probe.")
n = answer_question(neo, q, body="Check the limits.")
for post, days in ((q, 10), (k, 9), (n, 2)):
    Post.objects.filter(pk=post.pk).update(created_at=now - timedelta(days=days))
print("built")
"""

WHY = "Answers the questions about kubernetes that your team asks"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("suggest")
    made = run(folder, "manage", "shell", "-c", BUILD) if run(folder, "migrate").returncode == 0 else None
    assert made is not None and made.returncode == 0 and "built" in made.stdout, made and made.stderr
    return folder


def test_suggest_one_person_as_text_and_json(data_dir):
    text = run(data_dir, "people", "suggest", "v")
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines() == [
        "  1. Kai Ito (@kai)",
        f"     {WHY}",
        "  2. Neo Park (@neo)",
        f"     {WHY}",
    ]
    as_json = run(data_dir, "people", "suggest", "v", "--json", "--limit", "1")
    assert as_json.returncode == 0, as_json.stderr
    rec = json.loads(as_json.stdout)
    assert rec["person"] == "v"
    assert [(p["external_id"], p["username"], p["why"]) for p in rec["people"]] == [("se:7", "kai", WHY)]


def test_batch_answers_each_line_as_of_its_time(data_dir, tmp_path):
    lines = [
        {"id": 1, "person": "v", "as_of": (NOW - timedelta(days=5)).isoformat()},  # neo had not joined
        {"id": "b", "person": "v"},  # now
        {"id": 3, "person": "v", "as_of": (NOW - timedelta(days=9, seconds=1)).isoformat()},  # before kai answered
        {"id": 4, "person": "se:7", "as_of": (NOW - timedelta(days=5)).isoformat()},  # kai needs nothing
        {"id": 5, "person": "neo", "as_of": (NOW - timedelta(days=5)).isoformat()},  # not there yet
    ]
    path = tmp_path / "people.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n")
    result = run(data_dir, "people", "suggest", "--batch", str(path))
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["id"], [p["username"] for p in r["people"]]) for r in out] == [
        (1, ["kai"]),
        ("b", ["kai", "neo"]),
        (3, []),
        (4, []),
        (5, []),
    ]
    assert out[0]["people"][0] == {
        "external_id": "se:7",
        "username": "kai",
        "name": "Kai Ito",
        "why": WHY,
        "topics": ["kubernetes"],
        # kubernetes: 1 question of the team (2 * log2 2) x 1 answer (log2 2), + 0.5 * log2(1 + c talks to kai)
        "score": 2.5,
    }
    assert out[4]["error"].startswith("no active person 'neo' as of ")
    # from standard input too
    piped = run(data_dir, "people", "suggest", "--batch", "-", stdin=json.dumps(lines[0]) + "\n")
    assert piped.returncode == 0 and json.loads(piped.stdout)["people"][0]["username"] == "kai"


def test_bad_input_is_a_clear_error_naming_the_line(data_dir, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1, "person": "v"}\n{"id": 2, "person": "v", "as_of": "yesterday"}\n')
    result = run(data_dir, "people", "suggest", "--batch", str(path))
    assert result.returncode == 2
    assert "line 2: 'as_of' is not an ISO 8601 date-time" in result.stderr
    assert result.stdout == ""
    cases = [
        (("people", "suggest"), "give a USERNAME (or external id) or --batch FILE"),
        (("people", "suggest", "v", "--limit", "0"), "--limit must be between 1 and 50"),
        (("people", "suggest", "nobody"), "no active person 'nobody'"),
    ]
    for args, message in cases:
        r = run(data_dir, *args)
        assert r.returncode == 2 and message in r.stderr, (args, r.stderr)
