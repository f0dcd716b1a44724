"""Organisation insights in a real browser: an administrator computes the figures with the button,
then opens every insights page at desktop (1280x900) and phone (390x844) size; each page draws
its SVG charts, nothing scrolls sideways on the phone, and the leaver form answers. Screenshots
are kept in test-output/screenshots/insights-*.png."""

import pytest
from playwright.sync_api import expect

from chrysalis.insights.models import InsightSnapshot
from chrysalis.insights.tests.conftest import org  # noqa: F401 (the hand-made organisation)
from chrysalis.testsupport.factories import PASSWORD
from tests.conftest import SHOTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [("adoption", "/insights/", 3), ("qa", "/insights/qa/", 0), ("silos", "/insights/silos/", 3),
         ("risk", "/insights/risk/", 1)]


def test_insights_pages_at_desktop_and_phone_size(page, browser, live_server, org):  # noqa: F811
    sign_in(page, "admin", PASSWORD)
    page.get_by_role("link", name="Insights").click()
    expect(page.locator("main")).to_contain_text("No figures have been computed for this range yet.")
    page.get_by_role("button", name="Recompute the standard ranges now").click()
    expect(page.locator(".flash")).to_contain_text("being computed")
    assert InsightSnapshot.objects.count() == 3
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, path, charts in PAGES:
        page.goto(path)
        expect(page.locator(".insights-status")).to_contain_text("computed")
        assert page.locator("svg.chart").count() >= charts, name
        page.screenshot(path=str(SHOTS / f"insights-{name}-desktop.png"), full_page=True)
    page.goto("/insights/risk/")
    page.get_by_label("Username").fill("e2")
    page.get_by_role("button", name="Show what would be orphaned").click()
    expect(page.locator("#leaver")).to_contain_text("#kafka")
    page.screenshot(path=str(SHOTS / "insights-risk-leaver-desktop.png"), full_page=True)
    assert page.console_errors == []

    phone = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    p = phone.new_page()
    errors = []
    p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(p, "admin", PASSWORD)
    for name, path, charts in PAGES:
        p.goto(path)
        assert p.locator("svg.chart").count() >= charts, name
        width = p.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, f"{path} scrolls sideways on a phone ({width}px)"
        p.screenshot(path=str(SHOTS / f"insights-{name}-phone.png"), full_page=True)
    phone.close()
    assert errors == []
