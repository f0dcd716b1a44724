"""Expertise in a real browser: "who knows about" with explanations and filters, a new question
routed to the expert's "questions for you" inbox, a "not my area" decline (htmx) that reaches the
engine, and the "knows about" topics on a profile. Screenshots go to test-output/screenshots/."""

import re

import pytest
from playwright.sync_api import expect

from chrysalis.experts import engine
from chrysalis.experts.models import RoutingRequest
from chrysalis.posts.models import Post
from chrysalis.qa.actions import accept_answer, answer_question, ask_question
from chrysalis.testsupport.factories import PASSWORD, make_department, make_person
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_expertise(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.CHRYSALIS_EXPERTISE_LIVE = True
    engine.reset()
    yield
    engine.reset()


def test_find_an_expert_route_a_question_and_decline_it(page, live_server, live_expertise):
    eng = make_department("Engineering")
    sales = make_department("Sales")
    raj = make_person("raj", display_name="Raj Patel", title="Platform Engineer", department=eng, location="Berlin")
    mei = make_person("mei", display_name="Mei Chen", title="Data Engineer", department=eng, location="Lisbon")
    make_person("dana", display_name="Dana Whitfield", title="Account Executive", department=sales)
    li = make_person("li", display_name="Li Novak", title="Sales Engineer", department=sales, location="Berlin")
    asker = make_person("ola", display_name="Ola Berg", title="Support Lead", department=sales)
    for i, (title, who, body) in enumerate([
        ("Kubernetes ingress returns 502 after deploy", raj, "The ingress controller needs the service port."),
        ("How do we renew the kubernetes ingress TLS certificate?", raj, "cert-manager renews it; check the issuer."),
        ("Kubernetes pod keeps restarting", li, "Look at the liveness probe of the pod."),
        ("Postgres vacuum is slow on the orders table", mei, "Tune autovacuum and check table bloat."),
    ]):
        q = ask_question(asker, title=title, body="Please help.", tags=["kubernetes" if i < 3 else "postgres"])
        a = answer_question(who, q, body=body)
        if i == 1:
            accept_answer(asker, a)
    engine.rebuild()

    # Dana (Sales) looks for someone who knows about kubernetes ingress: Raj first, with why.
    sign_in(page, "dana", PASSWORD)
    page.goto("/experts/")
    page.get_by_label("Topic or question").fill("kubernetes ingress certificate")
    page.get_by_role("button", name="Find experts").click()
    first = page.locator(".expert-card").first
    expect(first.locator(".expert-name")).to_have_text("Raj Patel")
    expect(first.locator(".expert-topics")).to_contain_text("kubernetes")
    expect(first.locator(".expert-counts")).to_contain_text("2 answers · 1 accepted")
    expect(first.locator(".expert-evidence")).to_contain_text("renew the kubernetes ingress TLS certificate")
    names = page.locator(".expert-name").all_inner_texts()
    assert names == ["Raj Patel", "Li Novak"]  # Mei has no evidence on the topic: not listed
    page.shot("search")

    # Outside my department: Li (Sales, like Dana) disappears; filtering by location keeps Berlin only.
    page.get_by_label("Outside my department").check()
    page.get_by_role("button", name="Find experts").click()
    expect(page.locator(".expert-name")).not_to_contain_text(["Li Novak"])
    expect(page.locator(".expert-name").first).to_have_text("Raj Patel")
    page.get_by_label("Outside my department").uncheck()
    page.get_by_label("Location").fill("Berlin")
    page.get_by_role("button", name="Find experts").click()
    expect(page.locator(".expert-name")).to_have_text(["Raj Patel", "Li Novak"])
    page.shot("search-berlin")

    # Dana would rather have the experts come to her: she asks it as a question (title carried over);
    # it is routed to the experts (never to her), Raj first.
    page.get_by_role("link", name="Ask it as a question").click()
    expect(page.get_by_label("Title")).to_have_value("kubernetes ingress certificate")
    page.get_by_label("Title").fill("Kubernetes ingress certificate expired on staging")
    page.get_by_label("Details").fill("The staging ingress shows an expired TLS certificate. Who can renew it?")
    page.get_by_label("Tags").fill("kubernetes")
    page.get_by_role("button", name="Post your question").click()
    page.wait_for_url(re.compile(r"/qa/\d+/$"))
    question = Post.objects.get(kind="question", title="Kubernetes ingress certificate expired on staging")
    asked = set(RoutingRequest.objects.filter(question=question).values_list("expert__username", flat=True))
    assert "raj" in asked and "dana" not in asked

    # Raj sees it in "Questions for you" and declines it as not his area, in place.
    page.context.clear_cookies()
    sign_in(page, "raj", PASSWORD)
    page.goto("/")  # the home page says so too
    expect(page.locator(".waiting-card")).to_contain_text("Kubernetes ingress certificate expired on staging")
    page.shot("home-questions-for-you")
    page.locator(".waiting-card").get_by_role("link", name="All questions for you").click()
    item = page.locator(".routing-item", has_text="Kubernetes ingress certificate expired on staging")
    expect(item).to_be_visible()
    # why he was asked: the question's topics his work covers
    expect(item.locator(".routing-why")).to_contain_text("Asked because your work covers")
    expect(item.locator(".routing-why .chip").first).to_have_text("kubernetes")
    page.shot("inbox")
    item.get_by_role("button", name="Not my area").click()
    expect(item.locator(".routing-status")).to_have_text("You passed: not my area. Thanks for letting us know.")
    req = RoutingRequest.objects.get(question=question, expert=raj)
    assert req.status == "declined" and req.declined_reason == "not my area" and req.declined_at is not None
    assert f"d{req.pk}" in engine.get_engine().index.where  # the decline reached the model's evidence
    page.shot("declined")
    page.get_by_role("link", name="Passed").click()  # what became of the questions routed to him
    expect(page.locator(".routing-item", has_text="Kubernetes ingress certificate expired on staging")).to_contain_text(
        "You passed: not my area."
    )
    page.shot("inbox-passed")

    # Raj goes on holiday: no questions are routed to him until he is back.
    page.get_by_role("link", name="My availability").click()
    page.get_by_label("Away until").fill("2099-01-31")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_contain_text("Your expertise settings are saved.")
    raj.expert_settings.refresh_from_db()
    assert raj.expert_settings.away_until.date().isoformat() == "2099-01-31"
    page.shot("away")

    # Dana sees on her question who was asked and how it went (Raj passed).
    page.context.clear_cookies()
    sign_in(page, "dana", PASSWORD)
    page.goto(f"/qa/{question.pk}/")
    card = page.locator(".routing-card")
    expect(card).to_contain_text("Experts asked")
    expect(card.locator("li", has_text="Raj Patel")).to_contain_text("Passed")
    expect(card.locator("li", has_text="Raj Patel")).to_contain_text("knows about kubernetes")
    expect(card.locator("li", has_text="Li Novak")).not_to_contain_text("kubernetes, kubernetes")
    page.shot("question-experts-asked")

    # Raj's profile shows what he knows about (loaded by htmx), in aligned columns.
    page.goto("/people/raj/")
    expect(page.locator(".knows-about")).to_contain_text("kubernetes")
    row = page.locator(".knows-list li").first
    expect(row.locator(".knows-name")).to_contain_text("kubernetes")
    expect(row.locator(".knows-count")).to_have_text(re.compile(r"^\d+ items?$"))
    page.shot("profile-knows-about")

    # Expert search on a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/experts/?q=postgres+vacuum")
    expect(page.locator(".expert-name").first).to_have_text("Mei Chen")
    page.shot("phone-search")
    assert page.console_errors == []
