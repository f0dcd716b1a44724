"""The impact page in a real browser, at desktop and phone size: the tiles with this month vs last
month, and the server-made SVG charts, rendered under the strict CSP (no console errors).
Screenshots go to test-output/screenshots/."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from chrysalis.experts.models import RoutingRequest
from chrysalis.posts.actions import add_comment, create_post, react, record_reads
from chrysalis.posts.models import Comment, Post, PostRead, Reaction
from chrysalis.qa.actions import accept_answer, answer_question, ask_question, create_article
from chrysalis.testsupport.factories import PASSWORD, make_department, make_person, make_space
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _org():
    """Mia has answered colleagues in three departments over the last five months."""
    depts = [make_department(n) for n in ("Engineering", "Sales", "Legal", "Finance")]
    mia = make_person("mia", display_name="Mia Novak", title="Platform Engineer", department=depts[0],
                      location="Berlin")
    askers = [
        make_person(f"p{i}", display_name=f"Colleague {i}", department=depts[i % 4],
                    location=["Lisbon", "Berlin", "Paris"][i % 3])
        for i in range(6)
    ]
    board = make_space(mia, name="Board", visibility="private", members=askers[:3])
    now = timezone.now()
    topics = ["kafka", "python", "kafka", "sql", "kubernetes", "python", "kafka", "gdpr"]
    for i, tag in enumerate(topics):
        when = now - timedelta(days=int(150 - 19 * i))
        asker = askers[i % len(askers)]
        space = board if tag == "gdpr" else None
        q = ask_question(asker, title=f"Question {i} about {tag}", body="Please help.", tags=[tag], space=space)
        a = answer_question(mia, q, body=f"Here is how {tag} works.")
        if i % 2 == 0:
            accept_answer(asker, a)
        react(askers[(i + 1) % 3 if space else (i + 1) % len(askers)], post=a, kind="like")
        add_comment(askers[(i + 2) % 3 if space else (i + 2) % len(askers)], a, body="Thanks!")
        Post.objects.filter(pk__in=[q.pk, a.pk]).update(created_at=when)
        Reaction.objects.filter(post=a).update(created_at=when + timedelta(hours=3))
        Comment.objects.filter(post=a).update(created_at=when + timedelta(hours=5))
        RoutingRequest.objects.create(question=q, expert=mia, asked_at=when - timedelta(hours=4), status="answered",
                                      answered_at=when, response_seconds=4 * 3600 + i * 1800)
        if i == 0:
            art = create_article(mia, q, title="Kafka consumer lag, explained", body="Add partitions.")
            Post.objects.filter(pk=art.pk).update(created_at=when + timedelta(days=2))
            for p in askers[1:5]:
                record_reads(p, [art])
            PostRead.objects.filter(post=art).update(first_read_at=when + timedelta(days=3))
    create_post(mia, body="Our platform roadmap for next quarter #kubernetes #sql")
    return mia


def test_the_impact_page_at_desktop_and_phone_size(page, live_server):
    mia = _org()
    sign_in(page, "mia", PASSWORD)
    page.goto("/people/mia/")
    page.get_by_role("link", name="My impact").click()
    expect(page.get_by_role("heading", name="My impact", level=1)).to_be_visible()
    tiles = page.locator(".impact-tile")
    expect(tiles.filter(has_text="People helped").locator(".impact-tile-value strong")).to_have_text("6")
    expect(tiles.filter(has_text="Article readers").locator(".impact-tile-value strong")).to_have_text("4")
    expect(page.locator(".impact-tile", has_text="Knowledge breadth")).to_contain_text("topics, now")
    charts = page.locator("svg.chart")
    assert charts.count() >= 10
    for key in ("helping", "reach", "recognition", "articles", "routing", "breadth", "influence"):
        expect(page.locator(f"#chart-{key} svg.chart").first).to_be_visible()
    # the line charts have their lines and points, the bars their rectangles
    assert page.locator("#chart-helping polyline.chart-line").count() == 3
    assert page.locator("#chart-breadth rect.chart-bar").count() == 5  # five topics
    box = page.locator("#chart-helping svg.chart").bounding_box()
    assert box["width"] > 300 and box["height"] > 100
    page.shot("desktop")

    page.get_by_role("link", name="By week").click()
    expect(page.get_by_role("link", name="By week")).to_have_attribute("aria-current", "page")
    expect(page.locator("#chart-helping svg.chart")).to_have_attribute(
        "aria-label", "People helped, answers and accepted answers by week")
    page.shot("desktop-weeks")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/people/mia/impact/")
    expect(page.locator("#chart-helping svg.chart")).to_be_visible()
    box = page.locator("#chart-helping svg.chart").bounding_box()
    assert 300 < box["width"] <= 390  # the whole chart fits the phone's width
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows sideways
    page.shot("phone")

    # another colleague sees only what they may read: no private Board answer, no readers
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "p3", PASSWORD)
    page.goto("/people/mia/impact/")
    expect(page.get_by_role("heading", name="Impact of Mia Novak", level=1)).to_be_visible()
    answers = page.locator("#tile-answers .impact-tile-value strong")
    expect(answers).to_have_text("7")
    expect(page.locator(".impact-tile", has_text="Article readers")).to_have_count(0)
    page.shot("colleague")
    # no errors on the impact pages (a CSP violation would be one)
    assert [e for e in page.console_errors if "/impact/" in e] == []
    assert mia.pk
