"""E-mail pages and messages in a real browser (Chromium through Playwright): the e-mail section of
the settings page (loaded by htmx, saved by htmx), the unsubscribe page without sign-in, and the
HTML of a digest and of a notification as a mail client would show them. Screenshots at desktop
and phone size are kept in test-output/screenshots/."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect
from tests.conftest import SHOTS, sign_in

from chrysalis.experts.actions import ask_by_name
from chrysalis.notifications import actions
from chrysalis.notifications.digest import build_digest, digest_message, latest_period
from chrysalis.notifications.email import notification_message
from chrysalis.notifications.models import EmailSettings, Notification
from chrysalis.notifications.tests.conftest import parts
from chrysalis.people.actions import follow_person
from chrysalis.posts import actions as posts
from chrysalis.qa import actions as qa
from chrysalis.testsupport.factories import PASSWORD, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def shoot(browser, html: str, name: str) -> None:  # noqa: F811
    """Render an e-mail's HTML part as a mail client would (no site CSS) at desktop and phone size."""
    for label, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport)
        pg = context.new_page()
        pg.set_content(html, wait_until="load")
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{name} scrolls sideways at {label} size ({width}px)"
        pg.screenshot(path=str(SHOTS / f"email-{name}-{label}.png"), full_page=True)
        context.close()


@pytest.fixture
def org(db):
    ana = make_person("ana", display_name="Ana Lopez", title="Platform Engineer")
    bob = make_person("bob", display_name="Bob Stone")
    cy = make_person("cy", display_name="Cy Young")
    dan = make_person("dan", display_name="Dan Ho")
    follow_person(ana, bob)
    q1 = qa.ask_question(cy, title="Kafka consumer lag after deploy", body="Lag grows after each deploy.",
                         tags=["kafka"])
    qa.follow_tag(ana, "kafka")
    answer = qa.answer_question(bob, q1, body="Raise **max.poll.records** to 500 and check the rebalance logs: "
                                "a slow consumer that misses the poll interval is kicked out of the group.")
    qa.vote(cy, answer, 1)
    qa.vote(dan, answer, 1)
    q2 = qa.ask_question(cy, title="Kafka topic retention for audit logs", body="How long?", tags=["kafka"])
    qa.answer_question(dan, q2, body="Seven days is the default; audit topics in our cluster keep 90 days.")
    q3 = qa.ask_question(cy, title="Terraform state lock is stuck", body="Stuck lock.", tags=["terraform"])
    mine = qa.answer_question(ana, q3, body="Use terraform force-unlock with the lock id from the error.")
    qa.vote(cy, mine, 1)
    qa.accept_answer(cy, mine)
    posts.react(dan, post=mine, kind="like")
    q4 = qa.ask_question(dan, title="Grafana dashboard for our SLOs", body="Which panels?", tags=["grafana"])
    with transaction.atomic():
        ask_by_name(q4, ana)
    return {"ana": ana, "bob": bob, "cy": cy}


def test_email_settings_section_loads_and_saves_with_htmx(page, org, browser):  # noqa: F811
    sign_in(page, "ana", PASSWORD)
    page.goto("/people/settings/#email")
    section = page.locator("#email")
    expect(section.get_by_role("heading", name="E-mail")).to_be_visible()
    expect(section.get_by_role("group", name="Someone mentions you")).to_be_visible()
    section.scroll_into_view_if_needed()
    page.shot("settings-email")
    mention = section.get_by_role("group", name="Someone mentions you")
    mention.get_by_label("In the digest").check()
    section.get_by_role("group", name="Digest").get_by_label("Daily").check()
    section.get_by_role("button", name="Save e-mail settings").click()
    expect(page.locator("#email [role=status]")).to_have_text("Your e-mail settings are saved.")
    page.locator("#email").scroll_into_view_if_needed()
    page.shot("settings-email-saved")
    page.locator("#email").screenshot(path=str(SHOTS / "email-settings-section-desktop.png"))
    row = EmailSettings.objects.get(user=org["ana"])
    assert (row.mention, row.digest) == ("digest", "daily")
    assert page.console_errors == []
    # Phone size: the section fits without sideways scrolling
    page.set_viewport_size(PHONE)
    page.goto("/people/settings/#email")
    expect(page.locator("#email .email-kind").first).to_be_visible()
    page.locator("#email").scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.shot("settings-email-phone")
    page.locator("#email").screenshot(path=str(SHOTS / "email-settings-section-phone.png"))


def test_unsubscribe_page_works_signed_out(browser, live_server, org):  # noqa: F811
    token = actions.unsubscribe_token(org["ana"], "digest")
    for label, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", PHONE)):
        context = browser.new_context(base_url=live_server.url, viewport=viewport)
        pg = context.new_page()
        pg.goto(f"/notifications/unsubscribe/{token}/")
        expect(pg.get_by_role("heading", name="Unsubscribe?")).to_be_visible()
        pg.screenshot(path=str(SHOTS / f"email-unsubscribe-{label}-1-confirm.png"), full_page=True)
        pg.get_by_role("button", name="Unsubscribe").click()
        expect(pg.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
        pg.screenshot(path=str(SHOTS / f"email-unsubscribe-{label}-2-done.png"), full_page=True)
        context.close()
    assert EmailSettings.objects.get(user=org["ana"]).digest == "off"


def test_digest_and_notification_html_render_in_a_browser(browser, org):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    start, end = latest_period("weekly", timezone.now() + timedelta(days=7))
    digest = build_digest(org["ana"], "weekly", start, end)
    assert all(digest.sections.values())  # every section has something
    _text, html = parts(digest_message(digest).message())
    shoot(browser, html, "digest")
    note = (
        Notification.objects.filter(recipient=org["bob"], verb="answer")
        .select_related("actor", "post", "post__question", "post__space", "comment", "space", "recipient")
        .first()
    )
    if note is None:  # Bob asked nothing: use Ana's question routed to her by name
        note = (
            Notification.objects.filter(recipient=org["ana"], verb="asked_by_name")
            .select_related("actor", "post", "post__question", "post__space", "comment", "space", "recipient")
            .get()
        )
    _text, html = parts(notification_message(note).message())
    shoot(browser, html, "notification")
