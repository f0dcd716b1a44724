"""Who is who, in a real browser: a profile that leads with what the person knows and an "Ask" button (on a
phone the knows-about card is above their first answer), asking that person by name, and the bylines with
the cross-department mark on a question, in search and in the inbox. Screenshots at desktop and phone size
go to test-output/screenshots/."""

import re

import pytest
from playwright.sync_api import expect

from chrysalis.experts import engine
from chrysalis.experts.models import RoutingRequest
from chrysalis.posts.actions import add_comment
from chrysalis.posts.models import Post
from chrysalis.qa.actions import accept_answer, answer_question, ask_question
from chrysalis.testsupport.factories import PASSWORD, make_department, make_person
from tests.conftest import Shots, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LONG = (
    "Start with the pod's events and the previous container's logs: `kubectl logs --previous` shows why it "
    "stopped. Then look at the liveness probe: a probe that is too strict restarts a slow pod forever. "
) * 3


@pytest.fixture
def live_expertise(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.CHRYSALIS_EXPERTISE_LIVE = True
    engine.reset()
    yield
    engine.reset()


@pytest.fixture
def org(live_expertise):
    eng = make_department("Engineering")
    fin = make_department("Finance")
    sales = make_department("Sales")
    raj = make_person("raj", display_name="Raj Patel", title="Platform Engineer", department=eng)
    fay = make_person("fay", display_name="Fay Moreau", title="Controller", department=fin)
    ola = make_person("ola", display_name="Ola Berg", title="Support Lead", department=sales)
    threads = []
    for i, title in enumerate(
        [
            "Kubernetes pod keeps restarting",
            "Kubernetes ingress returns 502 after deploy",
            "How do we renew the kubernetes ingress TLS certificate?",
            "Kubernetes job never finishes",
        ]
    ):
        q = ask_question(
            ola if i % 2 else fay, title=title, body="Please help, it blocks a release.", tags=["kubernetes"]
        )
        a = answer_question(raj, q, body=LONG)
        threads.append((q, a))
    q, a = threads[0]  # answers and comments from two departments on Fay's (Finance) question
    accept_answer(fay, a)
    answer_question(ola, q, body="Support saw the same last week: the memory limit was too low.")
    add_comment(fay, a, body="Thanks Raj, the probe was it.")
    add_comment(raj, q, body="Which namespace is it in?")
    engine.rebuild()
    return {"raj": raj, "fay": fay, "ola": ola, "thread": q}


def _sign_in(pg, username):
    """Sign in; console errors of the home page it lands on (not this test's subject) are left out."""
    pg.kept_errors = getattr(pg, "kept_errors", []) + list(pg.console_errors)
    sign_in(pg, username, PASSWORD)
    pg.console_errors.clear()


def test_a_profile_leads_with_knows_about_and_asks_by_name(page, browser, live_server, org):
    phone_ctx = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    phone_ctx.set_default_timeout(10_000)
    phone = phone_ctx.new_page()
    phone.shot = Shots(phone, "phone-profile-ask")
    phone.console_errors = []
    phone.on("console", lambda m: phone.console_errors.append(m.text) if m.type == "error" else None)
    phone.on("pageerror", lambda e: phone.console_errors.append(str(e)))
    try:
        # On a phone, Ola opens Raj's profile: what he knows (and the Ask button) come before his answers.
        _sign_in(phone, "ola")
        phone.goto("/people/raj/")
        knows = phone.locator(".knows-about")
        expect(knows).to_contain_text("kubernetes")
        expect(knows.locator(".knows-evidence")).to_contain_text("Kubernetes pod keeps restarting")
        first_answer = phone.locator(".profile-feed .post").first
        expect(first_answer).to_be_visible()
        ask_box, knows_box, answer_box = (
            phone.locator("#ask-person").bounding_box(),
            knows.bounding_box(),
            first_answer.bounding_box(),
        )
        assert ask_box["y"] < knows_box["y"] < answer_box["y"]
        assert ask_box["y"] + ask_box["height"] < PHONE["height"]  # the Ask button is on the first screen
        phone.shot("profile")

        # Ask: the form opens with Raj chosen; posting routes the question to him by name.
        phone.locator("#ask-person").click()
        expect(phone.locator(".q-ask-person")).to_contain_text("You are asking Raj Patel by name")
        expect(phone.locator(".q-ask-person .byline")).to_have_text("Raj Patel · Platform Engineer · Engineering")
        phone.get_by_label("Title").fill("Can our support tooling run on the cluster?")
        phone.get_by_label("Details").fill("We would like to host the ticket exporter next to the ingress.")
        phone.get_by_label("Tags").fill("kubernetes")
        phone.evaluate("window.scrollTo(0, 0)")
        phone.shot("ask-by-name")
        phone.get_by_role("button", name="Post your question").click()
        phone.wait_for_url(re.compile(r"/qa/\d+/$"))
        expect(phone.locator(".flash")).to_contain_text("You asked Raj Patel by name")
        card = phone.locator(".routing-card")
        expect(card).to_contain_text("Experts asked")
        raj_row = card.locator("li", has_text="Raj Patel")
        expect(raj_row).to_contain_text("asked by name")
        expect(raj_row.locator(".byline")).to_have_text("Raj Patel · Platform Engineer · Engineering")
        phone.shot("question-experts-asked")
        question = Post.objects.get(title="Can our support tooling run on the cluster?")
        assert RoutingRequest.objects.filter(question=question, expert=org["raj"], by_name=True).exists()

        # The thread with answers and comments from two departments, on both screens.
        for pg in (page, phone):
            if pg is page:
                _sign_in(page, "ola")
            pg.goto(f"/qa/{org['thread'].pk}/")
            answers = pg.locator(".q-answer")
            expect(answers.first.locator(".q-byline .byline")).to_have_text(
                "Raj Patel · Platform Engineer · Engineering"
            )
            expect(answers.first.locator(".q-byline .cross-dept")).to_have_text(
                re.compile(r"Across departments:\s*Engineering\s*→\s*to\s*Finance")
            )
            expect(pg.locator(".comment", has_text="Thanks Raj").locator(".cross-dept")).to_have_count(1)
            pg.shot("question-two-departments")
            pg.goto("/search/?q=probe")  # Raj's answers (Engineering) to Fay (Finance), Fay's comment to Raj
            expect(pg.locator(".search-hits .byline").first).to_be_visible()
            expect(pg.locator(".search-hits .cross-dept").first).to_be_visible()
            pg.shot("search")
            pg.goto("/people/raj/")
            expect(pg.locator(".knows-about .knows-evidence")).to_be_visible()
            pg.shot("profile")

        # Raj's inbox: who asked, in which department, and that it was by name.
        for pg in (page, phone):
            pg.context.clear_cookies()
            _sign_in(pg, "raj")
            pg.goto("/experts/inbox/")
            item = pg.locator(".routing-item", has_text="Can our support tooling run on the cluster?")
            expect(item.locator(".routing-asker")).to_contain_text("Asked you by name")
            expect(item.locator(".routing-asker .byline")).to_have_text("Ola Berg · Support Lead · Sales")
            pg.shot("inbox")
        assert page.kept_errors + page.console_errors == [] and phone.kept_errors + phone.console_errors == []
    finally:
        phone_ctx.close()
