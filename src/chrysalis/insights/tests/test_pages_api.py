"""Insights pages, CSV downloads and the API: who may see them, computing on demand, the range
filter, introductions; refusals write nothing."""

import csv
import io
from datetime import timedelta

import pytest

from chrysalis.insights import actions
from chrysalis.insights.models import InsightRequest, InsightSnapshot, Introduction
from chrysalis.insights.queries import NOT_ALLOWED, today
from chrysalis.notifications.models import Notification
from chrysalis.testsupport.factories import api_headers, make_person

pytestmark = pytest.mark.django_db
PAGES = ["/insights/", "/insights/qa/", "/insights/silos/", "/insights/risk/"]


@pytest.fixture
def manager(db):
    cm = make_person("cm")
    actions.set_community_manager(cm)
    return cm


@pytest.fixture
def computed(org):
    actions.compute_standard_snapshots()
    return org


def test_people_who_are_neither_staff_nor_community_managers_are_refused(client, org):
    client.force_login(org["e1"])
    for path in [*PAGES, "/insights/ei.csv"]:
        r = client.get(path)
        assert r.status_code == 403 and NOT_ALLOWED in r.content.decode()
    assert b'href="/insights/"' not in client.get("/").content  # no link in the navigation
    r = client.post("/insights/compute/")
    assert r.status_code == 403 and InsightRequest.objects.count() == 0
    headers = api_headers(org["e1"])
    r = client.get("/api/v1/insights", headers=headers)
    assert r.status_code == 403 and r.json() == {"detail": NOT_ALLOWED}


def test_signed_out_people_are_sent_to_sign_in(client, db):
    r = client.get("/insights/")
    assert r.status_code == 302 and "/signin/" in r["Location"]
    assert client.get("/api/v1/insights").status_code == 401


def test_before_any_snapshot_the_page_says_so_and_the_staff_compute_it(client, org, on_commit):
    client.force_login(org["admin"])
    r = client.get("/insights/")
    html = r.content.decode()
    assert r.status_code == 200 and "No figures have been computed for this range yet." in html
    assert "Recompute the standard ranges now" in html and 'href="/insights/"' in html
    with on_commit():
        r = client.post("/insights/compute/", {"next": "/insights/silos/"})
    assert r.status_code == 302 and r["Location"] == "/insights/silos/"
    assert sorted(InsightSnapshot.objects.values_list("range_key", flat=True)) == ["30", "365", "90"]
    html = client.get("/insights/silos/").content.decode()
    assert "computed" in html and "chart-heatmap" in html and "<svg" in html


def test_every_page_shows_its_charts_and_tables(client, computed):
    client.force_login(computed["admin"])
    expected = {
        "/insights/": ["chart-line-chart", "chart-bar-chart", "chart-column-chart", "Engineering"],
        "/insights/qa/": ["questions asked", "60%", "4.0 h"],
        "/insights/silos/": ["chart-heatmap", "Brokers", "E2", "0.20", "0.36"],
        "/insights/risk/": ["chart-column-chart", "kafka", "E2 (e2)"],
    }
    for path, needles in expected.items():
        html = client.get(path + "?range=30").content.decode()
        for n in needles:
            assert n in html, (path, n)
        assert ' style="' not in html  # the CSP allows no inline styles


def test_community_managers_see_figures_but_cannot_compute_or_introduce(client, computed, manager):
    client.force_login(manager)
    r = client.get("/insights/")
    assert r.status_code == 200 and "Recompute" not in r.content.decode()
    # the nav shows Insights to staff only (a permission check would cost two queries on every page)
    assert b'href="/insights/"' not in client.get("/").content
    r = client.post("/insights/compute/")
    assert r.status_code == 403 and InsightSnapshot.objects.count() == 3
    r = client.post("/insights/introductions/", {"expert": "e2", "asker": "h1", "topic": "kafka"})
    assert r.status_code == 403 and Introduction.objects.count() == 0


def test_csv_downloads(client, computed):
    client.force_login(computed["admin"])
    r = client.get("/insights/ei.csv?range=30")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    assert rows[0] == ["department", "people", "internal ties", "external ties", "E-I index", "E-I at random"]
    assert rows[1:] == [["Engineering", "5", "1", "3", "0.5", "0.273"], ["Sales", "5", "1", "3", "0.5", "0.273"]]
    rows = list(csv.reader(io.StringIO(client.get("/insights/matrix.csv").content.decode())))
    assert rows == [["from \\ to", "Engineering", "Sales"], ["Engineering", "1", "1"], ["Sales", "3", "1"]]
    assert client.get("/insights/nothing.csv").status_code == 404
    assert client.get("/insights/ei.csv?range=7").status_code == 422
    # every table of every page downloads
    for name in ("weekly", "participation", "departments", "locations", "spaces", "unanswered", "weak_pairs",
                 "brokers", "introductions", "truck_factors", "single_person"):
        assert client.get(f"/insights/{name}.csv").status_code == 200, name


def test_custom_range_bad_input_and_on_demand_computation(client, computed, on_commit):
    client.force_login(computed["admin"])
    end, start = today(), today() - timedelta(days=6)
    r = client.get(f"/insights/?range=custom&start={end}&end={start}")
    assert r.status_code == 422 and "The end date is before the start date." in r.content.decode()
    r = client.get("/insights/?range=custom&start=not-a-date&end=2026-01-01")
    assert r.status_code == 422
    r = client.get(f"/insights/?range=custom&start={start}&end={end + timedelta(days=3)}")
    assert r.status_code == 422 and "future" in r.content.decode()
    r = client.get(f"/insights/qa/?range=custom&start={start}&end={end}")
    assert r.status_code == 200 and "No figures have been computed for this range yet." in r.content.decode()
    with on_commit():
        client.post("/insights/compute/", {"start": start, "end": end, "next": "/insights/qa/"})
    snap = InsightSnapshot.objects.get(range_key="custom")
    assert (snap.period_start, snap.period_end) == (start, end + timedelta(days=1))
    assert InsightRequest.objects.get().done_at is not None
    html = client.get(f"/insights/qa/?range=custom&start={start}&end={end}").content.decode()
    assert "questions asked" in html and "No figures" not in html
    before = InsightRequest.objects.count()
    r = client.post("/insights/compute/", {"start": end, "end": start})
    assert r.status_code == 302 and InsightRequest.objects.count() == before


def test_what_a_leaver_would_orphan(client, computed):
    client.force_login(computed["admin"])
    html = client.get("/insights/risk/?person=e2").content.decode()
    assert "If E2 left" in html and "#kafka" in html and "100% of its threads" in html
    html = client.get("/insights/risk/?person=e1").content.decode()
    assert "No topic would be orphaned if E1 left." in html
    html = client.get("/insights/risk/?person=nobody").content.decode()
    assert "No person with the username" in html


def test_sending_an_introduction(client, computed, on_commit):
    client.force_login(computed["admin"])
    with on_commit():
        r = client.post("/insights/introductions/", {"expert": "e2", "asker": "h1", "topic": "Kafka",
                                                     "next": "/insights/silos/"})
    assert r.status_code == 302
    intro = Introduction.objects.get()
    assert (intro.person_a, intro.person_b, intro.topic, intro.introduced_by) == (
        computed["e2"], computed["h1"], "kafka", computed["admin"])
    assert set(Notification.objects.filter(verb="introduction").values_list("recipient__username", flat=True)) == {
        "e2", "h1"}
    with on_commit():
        r = client.post("/insights/introductions/", {"expert": "h1", "asker": "e2", "topic": "kafka"}, follow=True)
    assert "already introduced" in r.content.decode()
    assert Introduction.objects.count() == 1 and Notification.objects.filter(verb="introduction").count() == 2
    r = client.post("/insights/introductions/", {"expert": "e2", "asker": "e2", "topic": "kafka"}, follow=True)
    assert "two different people" in r.content.decode() and Introduction.objects.count() == 1


def test_api(client, computed, manager):
    headers = api_headers(manager)
    r = client.get("/api/v1/insights?range=30", headers=headers)
    assert r.status_code == 200
    body = r.json()
    assert body["range"] == "30" and body["figures"]["qa"]["questions"] == 5
    r = client.get("/api/v1/insights/tables/matrix?range=30", headers=headers)
    assert r.json() == {"name": "matrix", "header": ["from \\ to", "Engineering", "Sales"],
                        "rows": [["Engineering", 1, 1], ["Sales", 3, 1]]}
    r = client.get("/api/v1/insights/orphaned/e2", headers=headers)
    assert r.json() == {"username": "e2", "topics": [{"topic": "kafka", "share": 1.0}]}
    assert client.get("/api/v1/insights?range=custom", headers=headers).status_code == 422
    assert client.get("/api/v1/insights/tables/nope", headers=headers).status_code == 404
    r = client.post("/api/v1/insights/snapshots", {}, content_type="application/json", headers=headers)
    assert r.status_code == 403 and InsightRequest.objects.count() == 0
    r = client.post("/api/v1/insights/introductions", {"expert": "e2", "asker": "h1", "topic": "kafka"},
                    content_type="application/json", headers=headers)
    assert r.status_code == 403 and Introduction.objects.count() == 0


def test_api_for_administrators(client, org, on_commit):
    headers = api_headers(org["admin"])
    assert client.get("/api/v1/insights", headers=headers).status_code == 404
    with on_commit():
        r = client.post("/api/v1/insights/snapshots", {}, content_type="application/json", headers=headers)
    assert r.status_code == 202 and InsightSnapshot.objects.count() == 3
    r = client.post("/api/v1/insights/snapshots", {"start": "2026-05-02", "end": "2026-05-01"},
                    content_type="application/json", headers=headers)
    assert r.status_code == 422 and r.json()["detail"] == "The end date is before the start date."
    with on_commit():
        r = client.post("/api/v1/insights/introductions", {"expert": "e2", "asker": "h1", "topic": "kafka"},
                        content_type="application/json", headers=headers)
    assert r.status_code == 201 and r.json()["person_a"] == "e2"
    r = client.post("/api/v1/insights/introductions", {"expert": "e2", "asker": "h1", "topic": "kafka"},
                    content_type="application/json", headers=headers)
    assert r.status_code == 409
    r = client.post("/api/v1/insights/introductions", {"expert": "e2", "asker": "ghost", "topic": "kafka"},
                    content_type="application/json", headers=headers)
    assert r.status_code == 404 and Introduction.objects.count() == 1


def test_the_community_manager_command(org, client):
    from django.core.management import call_command

    call_command("insights_manager", "e3")
    client.force_login(org["e3"])
    assert client.get("/insights/").status_code == 200
    call_command("insights_manager", "e3", "--remove")
    from chrysalis.people.models import User

    client.force_login(User.objects.get(username="e3"))  # a fresh user object: no cached permissions
    assert client.get("/insights/").status_code == 403


def test_csv_cells_are_not_formulas(client, computed):
    from chrysalis.people.models import User

    User.objects.filter(username="e2").update(display_name="=HYPERLINK(1)")
    actions.compute_standard_snapshots(force=True)
    client.force_login(computed["admin"])
    rows = list(csv.reader(io.StringIO(client.get("/insights/brokers.csv").content.decode())))
    assert rows[1][0] == "'=HYPERLINK(1) (e2)"
