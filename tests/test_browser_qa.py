"""Q&A in a real browser: ask (with duplicate suggestions), answer, vote, accept, edit with a
revision diff, and make a knowledge article. Screenshots go to test-output/screenshots/."""

import re

import pytest
from playwright.sync_api import expect

from chrysalis.posts.models import Post, Revision, Vote
from chrysalis.qa.actions import answer_question, ask_question
from chrysalis.testsupport.factories import PASSWORD, make_department, make_person
from tests.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ask_answer_vote_accept_edit_and_make_an_article(page, browser, live_server):
    eng = make_department("Engineering")
    sales = make_department("Sales")
    dana = make_person("dana", display_name="Dana Whitfield", title="Account Executive", department=sales)
    raj = make_person("raj", display_name="Raj Patel", title="Platform Engineer", department=eng)
    old = ask_question(dana, title="What is the API rate limit for enterprise customers?",
                       body="A customer asks how many requests per minute they get.", tags=["api"])
    answer_question(raj, old, body="1000 requests per minute per token.")

    # Dana asks; the similar old question is suggested while she types the title.
    sign_in(page, "dana", PASSWORD)
    page.goto("/qa/ask/")
    page.get_by_label("Title").fill("Rate limit of the API for a big customer")
    expect(page.locator("#similar")).to_contain_text("What is the API rate limit for enterprise customers?")
    page.shot("ask-suggestions")
    page.get_by_label("Details").fill("Acme plans 5 million calls a day. Will they hit the API rate limit?")
    page.get_by_label("Tags").fill("api, limits")
    page.get_by_role("button", name="Post your question").click()
    page.wait_for_url(re.compile(r"/qa/\d+/$"))
    question = Post.objects.get(kind="question", title="Rate limit of the API for a big customer")
    assert sorted(t.name for t in question.tags.all()) == ["api", "limits"]
    page.shot("asked")

    # Raj answers and votes the question up.
    page.context.clear_cookies()
    sign_in(page, "raj", PASSWORD)
    page.goto(f"/qa/{question.pk}/")
    page.get_by_role("textbox", name="Your answer").fill(
        "5M a day is about 3500 a minute: ask us to raise their limit to 5000."
    )
    page.get_by_role("button", name="Post your answer").click()
    answer = Post.objects.get(kind="answer", question=question)
    expect(page.locator(f"#answer-{answer.pk}")).to_contain_text("raise their limit")
    page.locator(f"#vote-{question.pk} .vote-up").click()
    expect(page.locator(f"#vote-{question.pk} .vote-up")).to_have_attribute("aria-pressed", "true")
    assert Vote.objects.filter(post=question, user=raj, value=1).count() == 1
    # Raj fixes a typo in his answer: a second revision with a visible diff.
    page.goto(f"/qa/posts/{answer.pk}/edit/")
    page.locator("#edit-body").fill("5M a day is about 3500 a minute: ask us to raise their limit to 6000.")
    page.get_by_label("Edit summary").fill("More headroom")
    page.get_by_role("button", name="Save edit").click()
    assert list(Revision.objects.filter(post=answer).values_list("number", flat=True)) == [1, 2]
    page.goto(f"/qa/posts/{answer.pk}/revisions/")
    expect(page.locator("pre.diff del").first).to_contain_text("5000")
    expect(page.locator("pre.diff ins").first).to_contain_text("6000")
    page.shot("revision-diff")

    # Dana accepts the answer, then turns the thread into a knowledge article.
    page.context.clear_cookies()
    sign_in(page, "dana", PASSWORD)
    page.goto(f"/qa/{question.pk}/")
    page.get_by_role("button", name=re.compile("Accept the answer by Raj Patel")).click()
    expect(page.locator(f"#answer-{answer.pk}")).to_have_class(re.compile("is-accepted"))
    question.refresh_from_db()
    assert question.accepted_answer_id == answer.pk
    page.shot("accepted")
    page.get_by_role("link", name="Make a knowledge article").first.click()
    page.get_by_label("Title").fill("API rate limits for enterprise customers")
    page.get_by_label("Article").fill("Enterprise tokens get 1000 requests a minute; we raise it on request.")
    page.get_by_role("button", name="Publish article").click()
    article = Post.objects.get(kind="article", source_question=question)
    expect(page.locator("main")).to_contain_text("Raj Patel")  # credited
    page.shot("article")
    assert article.title == "API rate limits for enterprise customers"
    assert page.console_errors == []
