"""People you should know and the home page in a real browser, at desktop (1280x900) and phone
(390x844) size: the home page leads with what is waiting for me and what I could answer (on a
phone too: near the top, above the feed), "Questions for you" never vanishes, and "not now" hides
a suggestion. Screenshots go to test-output/screenshots/."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from chrysalis.experts.models import RoutingRequest
from chrysalis.posts.actions import create_post
from chrysalis.qa.actions import ask_question
from chrysalis.testsupport.factories import PASSWORD
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def org():
    from chrysalis.connections.tests.conftest import build_org

    cache.clear()
    made = build_org()
    # questions vera could answer (she answers python), and a long feed above which nothing should hide
    ask_question(made["sue"], title="Python packaging with wheels", body="How?", tags=["python"])
    from chrysalis.testsupport.factories import make_space

    guild = make_space(made["fay"], name="Pricing guild", visibility="open")
    guild.description = "How we price, discount and package the product."
    guild.save()
    for body in ("#pricing tiers for 2027", "#pricing discounts policy"):
        create_post(made["fay"], body=body, space=guild)
    for i in range(12):
        create_post(made["kai"], body=f"Platform update number {i}: the deploy pipeline is green again.")
    yield made
    cache.clear()


def test_suggestions_page_and_not_now(page, live_server, org):
    sign_in(page, "vera", PASSWORD)
    page.goto("/people/suggestions/")
    expect(page.get_by_role("heading", name="People you should know", level=1)).to_be_visible()
    people = page.locator(".suggest-people .suggestion-person")
    expect(people.locator(".name")).to_have_text(["Kai Doe", "Fay Doe", "Sue Doe", "Gia Doe"])
    expect(people.first.locator(".suggestion-why")).to_have_text(
        "Answers the questions about kubernetes that your team asks"
    )
    expect(page.locator(".suggestion-question .suggestion-title")).to_have_text(["Python packaging with wheels"])
    expect(page.locator(".suggestion-space .suggestion-why")).to_have_text(
        ["2 posts about pricing, which your questions are about; 1 person you follow, work with or talk to is a member"]
    )
    page.shot("desktop")
    page.get_by_role("button", name="Not now: Kai Doe").click()
    expect(page.locator(".suggestion-dismissed")).to_contain_text("Hidden until")
    page.reload()
    expect(people.locator(".name")).to_have_text(["Fay Doe", "Sue Doe", "Gia Doe"])
    page.set_viewport_size(PHONE)
    page.reload()
    expect(people.first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.shot("phone")
    assert page.console_errors == []


def _top(page, selector: str) -> float:
    return page.locator(selector).first.bounding_box()["y"]


def test_home_page_leads_with_what_is_waiting_at_desktop_and_phone(page, live_server, org):
    sign_in(page, "vera", PASSWORD)
    page.goto("/")
    # nothing routed to vera: the empty state says what to do, instead of vanishing
    empty = page.locator(".waiting-empty")
    expect(empty).to_be_visible()
    expect(empty).to_contain_text("Nothing is waiting for you")
    expect(page.locator("#could-answer-card .suggestion-title")).to_have_text(["Python packaging with wheels"])
    expect(page.locator("#people-card .name")).to_have_text(["Kai Doe", "Fay Doe", "Sue Doe"])
    expect(page.get_by_role("link", name="My impact")).to_have_attribute("href", "/people/vera/impact/")
    expect(page.locator(".home-links").get_by_role("link", name="People you should know")).to_be_visible()
    page.shot("desktop-empty")

    # a question routed to her: the card leads, the empty state goes
    q = ask_question(org["sam"], title="Which python linter for the support scripts?", body="?", tags=["python"])
    RoutingRequest.objects.create(question=q, expert=org["vera"])
    page.reload()
    expect(page.locator(".waiting-card")).to_contain_text("Which python linter for the support scripts?")
    expect(empty).to_be_hidden()
    page.shot("desktop-waiting")

    # on a phone: what waits and what I could answer come before the feed, within the first screen
    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator(".waiting-card")).to_be_visible()
    expect(page.locator("#could-answer-card")).to_be_visible()
    waiting = _top(page, ".waiting-card")
    assert waiting < PHONE["height"] / 2
    assert waiting < _top(page, "#could-answer-card") < _top(page, ".feed-main")
    assert _top(page, ".feed-main") < _top(page, "#people-card")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.shot("phone-waiting")

    RoutingRequest.objects.filter(question=q).delete()
    page.reload()
    expect(empty).to_be_visible()
    assert _top(page, ".waiting-empty") < PHONE["height"] / 2
    page.shot("phone-empty")
    assert page.console_errors == []
