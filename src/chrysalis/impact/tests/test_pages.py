"""The impact page and its API: what each viewer sees, bad input, and a fixed number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chrysalis.posts.models import Post
from chrysalis.qa.actions import answer_question, ask_question
from chrysalis.testsupport.factories import api_headers, make_department, make_person, make_space

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(ana, bob, cy):
    """Ana answers bob's public question this month and cy's question in a private space (ana and
    cy only) last month."""
    ana.department = make_department("Platform")
    ana.save()
    space = make_space(ana, name="Board", visibility="private", members=[cy])
    q = ask_question(bob, title="Where are the runbooks?", body="?", tags=["ops"])
    answer_question(ana, q, body="In the wiki.")
    pq = ask_question(cy, title="Board pack deadline?", body="?", tags=["board"], space=space)
    pa = answer_question(ana, pq, body="Friday.")
    last_month = (timezone.now().replace(day=1) - timedelta(days=3))
    Post.objects.filter(pk__in=[pq.pk, pa.pk]).update(created_at=last_month)
    return space


def tile(html: str, key: str) -> str:
    start = html.index(f'id="tile-{key}"')
    return html[start: html.index("</li>", start)]


def test_the_owner_sees_everything_and_readers(client, ana, world):
    client.force_login(ana)
    r = client.get("/people/ana/impact/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "<h1>My impact</h1>" in html
    assert "<strong>2</strong>" in tile(html, "people_helped")  # bob and cy
    assert 'id="tile-readers"' in html and 'id="tile-article_readers"' in html
    assert html.count('<svg class="chart') >= 8
    assert "style=" not in html.split("<main", 1)[1]  # strict CSP: no inline styles
    assert "/static/impact/impact.css" in html


def test_another_viewer_sees_only_what_they_may_read(client, ana, bob, cy, world):
    client.force_login(bob)
    html = client.get("/people/ana/impact/").content.decode()
    assert "Impact of Ana" in html
    assert "<strong>1</strong>" in tile(html, "people_helped")  # bob only: cy's question is private
    assert "board" not in html.lower()  # not the private question's topic, nor the space
    assert 'id="tile-readers"' not in html and 'id="tile-article_readers"' not in html
    client.force_login(cy)  # a member of the private space sees the private answer
    assert "<strong>2</strong>" in tile(client.get("/people/ana/impact/").content.decode(), "people_helped")


def test_weeks_and_bad_input(client, ana, bob, world):
    client.force_login(bob)
    r = client.get("/people/ana/impact/?by=week")
    assert r.status_code == 200 and "by week" in r.content.decode()
    r = client.get("/people/ana/impact/?by=year")
    assert r.status_code == 400 and "Show the figures by “month” or by “week”." in r.content.decode()
    assert client.get("/people/nobody/impact/").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, ana):
    r = client.get("/people/ana/impact/")
    assert r.status_code == 302 and "/signin/" in r["Location"]


@pytest.mark.parametrize("n", [1, 6])
def test_the_page_costs_a_fixed_number_of_queries(client, ana, bob, n, django_assert_num_queries):
    space = make_space(ana, name="Ops", visibility="private", members=[bob])
    for i in range(n):
        asker = make_person(department=make_department(f"D{i}"), location=f"City {i}")
        q = ask_question(asker, title=f"Question {i}", body="?", tags=[f"t{i}", "ops"])
        answer_question(ana, q, body="Yes.")
        pq = ask_question(bob, title=f"Private {i}", body="?", tags=["ops"], space=space)
        answer_question(ana, pq, body="Yes.")
    client.force_login(ana)
    client.get("/people/ana/impact/")  # the organisation's influence is now cached for the day
    # session, user, the person, then 7 reads: work, tags, comments, reactions, votes, routing,
    # readers; then the page's chrome (2 permission lookups, the unread badge)
    with django_assert_num_queries(11):
        r = client.get("/people/ana/impact/")
    assert r.status_code == 200


def test_the_api_returns_the_same_figures(client, ana, bob, cy, world):
    r = client.get("/api/v1/people/ana/impact", headers=api_headers(bob))
    assert r.status_code == 200
    body = r.json()
    figures = {f["key"]: f for f in body["figures"]}
    assert body["username"] == "ana" and body["is_owner"] is False
    assert body["computed_from"] == "only content the caller may read"
    assert figures["people_helped"]["total"] == 1 and figures["answers"]["total"] == 1
    assert figures["people_helped"]["this_month"] == 1 and figures["people_helped"]["last_month"] == 0
    assert figures["people_helped"]["change"] == 1
    assert len(figures["answers"]["weekly"]) == len(body["weeks"]) == 12
    assert len(figures["answers"]["monthly"]) == len(body["months"]) == 12
    assert "readers" not in figures
    assert body["topics"] == [{"name": "ops", "count": 1}]
    assert body["breadth"] == {"topics": 1, "entropy": 0.0, "effective_topics": 1.0}
    assert body["departments"] == [] and body["locations"] == []  # bob has neither

    mine = client.get("/api/v1/people/ana/impact", headers=api_headers(ana)).json()
    figures = {f["key"]: f for f in mine["figures"]}
    assert mine["is_owner"] is True and figures["people_helped"]["total"] == 2
    assert figures["people_helped"]["last_month"] == 1  # cy, in the private space
    assert figures["readers"]["total"] == 0
    assert [t["name"] for t in mine["topics"]] == ["board", "ops"]


def test_the_api_errors(client, bob):
    r = client.get("/api/v1/people/nobody/impact", headers=api_headers(bob))
    assert r.status_code == 404 and r.json() == {"detail": "No such person."}
    r = client.get("/api/v1/people/bob/impact")
    assert r.status_code == 401 and "detail" in r.json()


def test_the_profile_links_to_the_impact_page(client, ana, bob):
    client.force_login(ana)
    assert '<a href="/people/ana/impact/">My impact</a>' in client.get("/people/ana/").content.decode()
    assert '<a href="/people/bob/impact/">Impact</a>' in client.get("/people/bob/").content.decode()


def test_tile_formatting():
    from chrysalis.impact.charts import _signed, fmt

    assert fmt(None) == "–" and fmt(3) == "3" and fmt(1234) == "1,234" and fmt(2.5) == "2.5"
    assert fmt(4.0) == "4" and fmt(3.25, "h") == "3.25 h" and fmt(96.7, "%") == "97"
    assert _signed(0.3, "%") == "+0.3" and _signed(-2.0, "") == "−2" and _signed(0, "h") == "±0"
    assert _signed(None, "") == ""
