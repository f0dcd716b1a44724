"""The suggestions page, the home page's cards, "not now" (htmx and plain form) and the JSON API."""

from django.urls import reverse

from chrysalis.connections.models import Dismissal
from chrysalis.testsupport.factories import api_headers

HTMX = {"HX-Request": "true"}


def test_the_page_lists_people_questions_and_spaces_with_their_reasons(client, org):
    client.force_login(org["vera"])
    response = client.get("/people/suggestions/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>People you should know</h1>" in html
    names = ["Kai Doe", "Fay Doe", "Sue Doe", "Gia Doe"]
    positions = [html.index(f">{n}</a>") for n in names]
    assert positions == sorted(positions)
    assert "Answers the questions about kubernetes that your team asks" in html
    assert "works in Sales, a department yours rarely talks to" in html
    for absent in ("Mona Field", "Ron Doe", "Fol Doe", "Wes Doe", "Opt Doe", "Dis Doe"):
        assert absent not in html
    assert 'href="/people/vera/impact/"' in html
    assert "Questions you could answer" in html and "Spaces worth joining" in html
    assert reverse("connections:page") == "/people/suggestions/"


def test_home_cards_and_not_now_with_htmx(client, org, on_commit):
    vera = org["vera"]
    client.force_login(vera)
    card = client.get(reverse("connections:people_card"), headers=HTMX).content.decode()
    assert card.count('class="suggestion suggestion-person"') == 3  # the first three
    assert "Kai Doe" in card and "Gia Doe" not in card
    assert 'name="next" value="/"' in card
    with on_commit():
        response = client.post(
            reverse("connections:dismiss"),
            {"kind": "person", "target": "kai", "reason": "Answers the questions about kubernetes that your team asks"},
            headers=HTMX,
        )
    assert response.status_code == 200
    assert "Hidden until" in response.content.decode()
    d = Dismissal.objects.get(user=vera, target_id=org["kai"].pk)
    assert d.reason == "Answers the questions about kubernetes that your team asks"
    card = client.get(reverse("connections:people_card"), headers=HTMX).content.decode()
    assert "Kai Doe" not in card and "Gia Doe" in card  # the cache was cleared by the dismissal


def test_not_now_without_javascript_redirects_back_and_bad_input_writes_nothing(client, org, secret_space):
    client.force_login(org["vera"])
    ok = client.post(reverse("connections:dismiss"), {"kind": "person", "target": "fay", "next": "/"})
    assert ok.status_code == 302 and ok["Location"] == "/"
    before = Dismissal.objects.count()
    bad = client.post(reverse("connections:dismiss"), {"kind": "planet", "target": "fay"}, headers=HTMX)
    assert bad.status_code == 422 and "kind" in bad.content.decode()
    secret = client.post(reverse("connections:dismiss"), {"kind": "space", "target": secret_space.slug}, headers=HTMX)
    assert secret.status_code == 404 and "No such space." in secret.content.decode()
    away = client.post(
        reverse("connections:dismiss"), {"kind": "person", "target": "fay", "next": "https://evil.example/"}
    )
    assert away.status_code == 302 and away["Location"] == "/people/suggestions/"
    assert client.get(reverse("connections:dismiss")).status_code == 405
    assert Dismissal.objects.count() == before + 1  # only the last, valid one


def test_questions_card_has_an_empty_state(client, org):
    client.force_login(org["sam"])  # sam answers nothing
    card = client.get(reverse("connections:questions_card"), headers=HTMX).content.decode()
    assert "Questions you could answer" in card and "No open question matches what you answer yet" in card


def test_home_page_leads_with_what_waits_and_links_to_impact_and_people(client, org):
    client.force_login(org["vera"])
    html = client.get("/").content.decode()
    lead = html.index('class="home-lead"')
    assert lead < html.index('id="people-you-should-know"') < html.index("Spaces you might join")
    assert html.index('id="waiting-questions"') > lead and 'class="card waiting-empty"' in html
    assert html.index('id="could-answer"') > lead
    assert 'href="/people/vera/impact/">My impact</a>' in html
    assert 'href="/people/suggestions/">People you should know</a>' in html
    # other feeds keep the plain aside
    company = client.get(reverse("company_feed")).content.decode()
    assert 'class="home-lead"' not in company and 'id="waiting-questions"' in company


def test_api_people_spaces_questions_and_dismissals(client, org, secret_space):
    headers = api_headers(org["vera"])
    people = client.get("/api/v1/suggestions/people?limit=2", headers=headers)
    assert people.status_code == 200
    assert people.json() == [
        {
            "username": "kai",
            "name": "Kai Doe",
            "title": "",
            "department": "Platform",
            "why": "Answers the questions about kubernetes that your team asks",
            "reasons": ["answers the questions about kubernetes that your team asks"],
            "topics": ["kubernetes"],
            "score": round(2 * 1.584962500721156**2 + 0.5, 4),
        },
        {
            "username": "fay",
            "name": "Fay Doe",
            "title": "",
            "department": "Finance",
            "why": "Knows pricing, which your questions are about and nobody in your department answers",
            "reasons": ["knows pricing, which your questions are about and nobody in your department answers"],
            "topics": ["pricing"],
            "score": 3.0,
        },
    ]
    assert client.get("/api/v1/suggestions/spaces", headers=headers).json() == []
    assert client.get("/api/v1/suggestions/questions", headers=headers).json() == []
    bad = client.get("/api/v1/suggestions/people?limit=0", headers=headers)
    assert bad.status_code == 422 and bad.json() == {"detail": "limit must be between 1 and 50.", "field": "limit"}
    made = client.post(
        "/api/v1/suggestions/dismissals",
        {"kind": "person", "target": "kai", "reason": "not now", "days": 7},
        content_type="application/json",
        headers=headers,
    )
    assert made.status_code == 201
    assert made.json()["kind"] == "person" and made.json()["target"] == "kai" and made.json()["reason"] == "not now"
    assert [p["username"] for p in client.get("/api/v1/suggestions/people", headers=headers).json()] == [
        "fay",
        "sue",
        "gia",
    ]
    secret = client.post(
        "/api/v1/suggestions/dismissals",
        {"kind": "space", "target": secret_space.slug},
        content_type="application/json",
        headers=headers,
    )
    missing = client.post(
        "/api/v1/suggestions/dismissals",
        {"kind": "space", "target": "no-such-space"},
        content_type="application/json",
        headers=headers,
    )
    assert secret.status_code == missing.status_code == 404
    assert secret.json() == missing.json() == {"detail": "No such space."}
    extra = client.post(
        "/api/v1/suggestions/dismissals",
        {"kind": "person", "target": "fay", "colour": "red"},
        content_type="application/json",
        headers=headers,
    )
    assert extra.status_code == 422
    assert Dismissal.objects.filter(user=org["vera"]).count() == 2  # the fixture's and kai's
    assert client.get("/api/v1/suggestions/people").status_code == 401


def test_query_counts_do_not_grow_with_the_number_of_suggestions(client, org, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = api_headers(org["vera"])
    client.get("/api/v1/suggestions/people?limit=1", headers=headers)  # the token's first use records last_used_at
    counts = []
    for limit in (1, 4):
        with CaptureQueriesContext(connection) as ctx:
            assert len(client.get(f"/api/v1/suggestions/people?limit={limit}", headers=headers).json()) == limit
        counts.append(len(ctx))
    assert counts[0] == counts[1]
    client.force_login(org["vera"])
    with django_assert_max_num_queries(60):  # a fixed number: three lists, each a fixed set of queries
        assert client.get("/people/suggestions/").status_code == 200
