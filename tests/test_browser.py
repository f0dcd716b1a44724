"""The main flows in a real browser: Chromium driven by Playwright against the live server.
Screenshots of every step are kept in test-output/screenshots/."""

import re

import pytest
from playwright.sync_api import expect

from chrysalis.notifications.models import Notification
from chrysalis.posts.actions import create_post
from chrysalis.posts.models import Comment, Post, Reaction
from chrysalis.spaces.models import Membership
from chrysalis.testsupport.factories import PASSWORD, make_department, make_person, make_space
from tests.conftest import SHOTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def org(db):
    eng = make_department("Engineering")
    alice = make_person("alice", display_name="Alice Martin", title="Security Lead", department=eng)
    bob = make_person("bob", display_name="Bob Okafor", title="Backend Engineer", department=eng)
    carol = make_person("carol", display_name="Carol Diaz", title="Data Analyst", department=eng)
    incidents = make_space(alice, name="Security Incidents", visibility="private")
    create_post(alice, body="Post-mortem of the **certificate expiry** outage. #incident", space=incidents)
    return {"alice": alice, "bob": bob, "carol": carol, "incidents": incidents}


def test_post_comment_react_mention_and_search(page, org):
    sign_in(page, "bob", PASSWORD)
    page.shot("home")
    # Post on the company feed, mentioning Carol and tagging it.
    page.get_by_label("Share an update or ask a question").fill(
        "Our **Kafka** consumer lag dashboard is live, @carol. Feedback welcome! #observability"
    )
    page.get_by_role("button", name=re.compile("^Post")).click()
    first = page.locator("#feed-items article").first
    expect(first).to_contain_text("Kafka consumer lag dashboard is live")
    page.shot("posted")
    post = Post.objects.get(author=org["bob"])
    assert post.space is None and [t.name for t in post.tags.all()] == ["observability"]
    assert Notification.objects.filter(recipient=org["carol"], verb="mention", post=post).count() == 1

    # Open the post, comment on it, react to it.
    page.goto(f"/posts/{post.pk}/")
    page.get_by_label("Add a comment").fill("Adding the partition view next week.")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.locator("#comments")).to_contain_text("Adding the partition view next week.")
    expect(page.locator(f"#comment-count-{post.pk}")).to_have_text("1 comment")  # the card's count follows
    assert Comment.objects.filter(post=post, author=org["bob"]).count() == 1
    page.locator("summary.reaction-add").first.click()
    page.get_by_role("button", name=re.compile("Celebrate")).first.click()
    expect(page.locator(f"#reactions-post-{post.pk} > form button[aria-pressed=true]")).to_have_count(1)
    assert Reaction.objects.filter(post=post, user=org["bob"], kind="celebrate").count() == 1
    page.shot("commented-reacted")

    # Search finds the post; the private space's post stays invisible to Bob.
    page.goto("/search/?q=kafka")
    expect(page.locator(".hit").first).to_contain_text("Kafka")
    page.goto("/search/?q=certificate")
    expect(page.locator(".hit")).to_have_count(0)
    page.shot("search")

    # Carol sees the mention in her notifications.
    page.context.clear_cookies()
    sign_in(page, "carol", PASSWORD)
    expect(page.locator("#unread-badge")).to_have_text("1")
    page.goto("/notifications/")
    expect(page.locator("main")).to_contain_text("Bob Okafor")
    page.shot("notifications")
    assert page.console_errors == []


def test_join_a_private_space_through_a_request(page, org, browser, live_server):
    space = org["incidents"]
    sign_in(page, "bob", PASSWORD)
    page.goto(f"/spaces/{space.slug}/")
    expect(page.locator("main")).not_to_contain_text("certificate expiry")
    page.shot("private-space-outside")
    page.get_by_role("button", name="Request to join").click()
    expect(page.locator("main")).to_contain_text(re.compile("request", re.I))
    assert not Membership.objects.filter(space=space, user=org["bob"]).exists()

    # Alice, the owner, approves in her own browser session.
    other = browser.new_context(base_url=live_server.url)
    alice_page = other.new_page()
    sign_in(alice_page, "alice", PASSWORD)
    alice_page.goto(f"/spaces/{space.slug}/requests/")
    alice_page.get_by_role("button", name=re.compile("^Approve")).click()
    expect(alice_page.locator("main")).not_to_contain_text("Bob Okafor wants")
    SHOTS.mkdir(parents=True, exist_ok=True)
    alice_page.screenshot(path=str(SHOTS / "join-private-space-approval.png"), full_page=True, caret="initial")
    other.close()
    assert Membership.objects.filter(space=space, user=org["bob"], role="member").exists()

    # Bob now reads the space's content.
    page.goto(f"/spaces/{space.slug}/")
    expect(page.locator("#feed")).to_contain_text("certificate expiry")
    page.shot("private-space-member")
    assert page.console_errors == []


def test_phone_layout_has_no_horizontal_scroll(browser, live_server, org):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, "bob", PASSWORD)
    for path in ["/", "/people/", "/spaces/", "/search/?q=outage", "/notifications/", "/people/bob/"]:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 392, f"{path} scrolls sideways on a phone ({width}px)"
    page.goto("/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "phone-home.png"), full_page=True)
    context.close()
