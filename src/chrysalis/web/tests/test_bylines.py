"""Who is who next to content: the shared byline (name · title · department) on posts, answers, comments,
search and routing cards, and the mark of an answer or comment that crossed a department line.

"Crossed a department line" (chrysalis.web.templatetags.people_lines.crossing): the answer's or comment's
author has a department, the question's or post's author has one, and they differ (by id: a
sub-department is a department of its own, so Platform answering Engineering crossed a line)."""

import re
from html.parser import HTMLParser

import pytest

from chrysalis.posts import actions as post_actions
from chrysalis.qa import actions as qa
from chrysalis.testsupport.factories import make_department, make_person

HX = {"HX-Request": "true"}


class _Texts(HTMLParser):
    """The text of every element with a given class, visually hidden text left out, spaces collapsed."""

    def __init__(self, cls: str):
        super().__init__()
        self.cls, self.found, self.stack = cls, [], []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "input", "meta", "link"):
            return
        classes = (dict(attrs).get("class") or "").split()
        self.stack.append((self.cls in classes, "visually-hidden" in classes))
        if self.cls in classes:
            self.found.append([])

    def handle_endtag(self, tag):
        if tag in ("br", "img", "input", "meta", "link"):
            return
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if any(hidden for _, hidden in self.stack):
            return
        depth = sum(1 for mine, _ in self.stack if mine)
        if depth:
            self.found[-1].append(data)  # nested elements of the class do not occur here

    def texts(self):
        return [re.sub(r"\s+", " ", "".join(parts)).strip() for parts in self.found]


def texts(html: str, cls: str) -> list[str]:
    p = _Texts(cls)
    p.feed(html)
    return p.texts()


@pytest.fixture
def org(db):
    eng = make_department("Engineering")
    platform = make_department("Platform", parent=eng)
    fin = make_department("Finance")
    return {
        "eng": eng,
        "fin": fin,
        "platform": platform,
        "ana": make_person("ana", display_name="Ana Lima", title="Staff engineer", department=eng),
        "bob": make_person("bob", display_name="Bob Stone", title="Analyst", department=fin),
        "cy": make_person("cy", display_name="Cy Park", title="", department=eng),
        "dee": make_person("dee", display_name="Dee Roe", title="Contractor"),  # no department
        "pat": make_person("pat", display_name="Pat Quinn", title="SRE", department=platform),
    }


def test_the_question_page_shows_who_is_who_and_which_answers_crossed_a_line(client, org):
    o = org
    q = qa.ask_question(o["ana"], title="How do we close the books?", body="Month end.", tags=["finance"])
    a_bob = qa.answer_question(o["bob"], q, body="Run the close checklist.")
    qa.vote(o["ana"], a_bob, 1)  # first in the list
    qa.answer_question(o["cy"], q, body="Ask Bob.")
    qa.answer_question(o["dee"], q, body="No idea, sorry.")
    post_actions.add_comment(o["bob"], q, body="Which ledger?")
    post_actions.add_comment(o["cy"], q, body="The main one.")
    post_actions.add_comment(o["ana"], a_bob, body="Thanks!")  # Engineering on Finance's answer
    client.force_login(o["cy"])
    html = client.get(f"/qa/{q.pk}/").content.decode()
    eng, fin = o["eng"].slug, o["fin"].slug
    assert texts(html, "byline") == [
        "Ana Lima · Staff engineer · Engineering",  # the question
        "Bob Stone · Analyst · Finance",  # a comment on the question
        "Cy Park · Engineering",
        "Bob Stone · Analyst · Finance",  # the answers, best first
        "Ana Lima · Staff engineer · Engineering",  # a comment on Bob's answer
        "Cy Park · Engineering",
        "Dee Roe · Contractor",
    ]
    assert texts(html, "cross-dept") == [
        "Across departments: Finance → Engineering",  # Bob's comment on Ana's question
        "Across departments: Finance → Engineering",  # Bob's answer
        "Across departments: Engineering → Finance",  # Ana's comment on Bob's answer
    ]
    assert f'<a class="byline-dept" href="/departments/{fin}/">Finance</a>' in html
    assert f'<a class="byline-dept" href="/departments/{eng}/">Engineering</a>' in html
    assert '<a class="who" href="/people/bob/">Bob Stone</a>' in html
    assert 'title="Crossed a department line: from Finance to Engineering"' in html
    assert "{#" not in html and "{% comment" not in html  # no template comment leaks into the page


def test_a_sub_department_is_a_department_of_its_own(client, org):
    o = org
    q = qa.ask_question(o["ana"], title="Which region?", body="For the cluster.", tags=["infra"])
    qa.answer_question(o["pat"], q, body="eu-west.")
    client.force_login(o["ana"])
    html = client.get(f"/qa/{q.pk}/").content.decode()
    assert texts(html, "cross-dept") == ["Across departments: Platform → Engineering"]
    assert "Pat Quinn · SRE · Platform" in texts(html, "byline")


def test_nobody_without_a_department_crosses_a_line(client, org):
    o = org
    q = qa.ask_question(o["dee"], title="Where is the VPN guide?", body="New here.", tags=["it"])
    qa.answer_question(o["bob"], q, body="On the wiki.")
    post_actions.add_comment(o["ana"], q, body="Pinned in #it.")
    client.force_login(o["dee"])
    html = client.get(f"/qa/{q.pk}/").content.decode()
    assert texts(html, "cross-dept") == []
    assert texts(html, "byline")[0] == "Dee Roe · Contractor"


def test_a_post_and_its_comments_show_bylines_and_crossings(client, org):
    o = org
    post = post_actions.create_post(o["bob"], body="Budget season starts Monday.")
    post_actions.add_comment(o["ana"], post, body="Noted.")
    post_actions.add_comment(o["bob"], post, body="Thanks Ana.")
    client.force_login(o["cy"])
    html = client.get(f"/posts/{post.pk}/").content.decode()
    assert texts(html, "byline") == [
        "Bob Stone · Analyst · Finance",
        "Ana Lima · Staff engineer · Engineering",
        "Bob Stone · Analyst · Finance",
    ]
    assert texts(html, "cross-dept") == ["Across departments: Engineering → Finance"]
    assert f'id="post-{post.pk}-who"' in html  # the post's name still labels the article
    # the company feed shows the same byline on each post
    feed = client.get("/company/").content.decode()
    assert "Bob Stone · Analyst · Finance" in texts(feed, "byline")


def _thread(o, n: int):
    q = qa.ask_question(o["ana"], title=f"Thread of {n}", body="b", tags=["x"])
    authors = [o["bob"], o["cy"], o["dee"], o["pat"]]
    for i in range(n):
        a = qa.answer_question(authors[i % 4], q, body=f"answer {i}")
        post_actions.add_comment(authors[(i + 1) % 4], a, body="c")
        post_actions.add_comment(authors[(i + 2) % 4], q, body="d")
    return q


def test_bylines_and_marks_add_no_queries_per_answer_or_comment(client, org, django_assert_num_queries):
    """The question page costs the same with 1 or 4 answers and their comments, from four departments."""
    small, big = _thread(org, 1), _thread(org, 4)
    client.force_login(org["ana"])
    client.get(f"/qa/{small.pk}/")  # first reads (e.g. "read" marks) out of the way
    client.get(f"/qa/{big.pk}/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(f"/qa/{small.pk}/")
    with django_assert_num_queries(len(one)):
        html = client.get(f"/qa/{big.pk}/").content.decode()
    assert len(texts(html, "cross-dept")) == 6  # every department differs from the next one's


def test_search_results_show_bylines_and_crossings_in_fixed_queries(client, org, on_commit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    o = org
    with on_commit():
        q = qa.ask_question(o["ana"], title="Ledger close question", body="ledger", tags=["finance"])
        qa.answer_question(o["bob"], q, body="The ledger closes on the 3rd.")
        post_actions.add_comment(o["bob"], q, body="ledger owners are in Finance")
    client.force_login(o["cy"])
    with CaptureQueriesContext(connection) as few:
        html = client.get("/search/", {"q": "ledger"}, headers=HX).content.decode()
    bylines = texts(html, "byline")
    assert sorted(bylines) == sorted(
        ["Ana Lima · Staff engineer · Engineering", "Bob Stone · Analyst · Finance", "Bob Stone · Analyst · Finance"]
    )
    assert texts(html, "cross-dept") == ["Across departments: Finance → Engineering"] * 2  # answer, comment
    assert "Answer by Bob Stone to “Ledger close question”" in texts(html, "search-hit-title")
    with on_commit():
        for i in range(4):
            post_actions.add_comment([o["dee"], o["pat"]][i % 2], q, body=f"ledger note {i}")
    with CaptureQueriesContext(connection) as many:
        html = client.get("/search/", {"q": "ledger"}, headers=HX).content.decode()
    assert len(texts(html, "byline")) == 7 and len(many) == len(few)
    assert "Pat Quinn · SRE · Platform" in texts(html, "byline")


def test_a_person_hit_in_search_shows_title_and_department(client, org, on_commit):
    from chrysalis.search.indexing import rebuild_index

    rebuild_index()
    client.force_login(org["cy"])
    html = client.get("/search/", {"q": "Bob Stone", "kind": "person"}, headers=HX).content.decode()
    assert texts(html, "search-person-line") == ["Analyst · Finance"]


def test_tag_answerers_and_article_credits_show_title_and_department(client, org):
    o = org
    q = qa.ask_question(o["ana"], title="Close the books", body="How?", tags=["ledger"])
    a = qa.answer_question(o["bob"], q, body="Checklist.")
    qa.accept_answer(o["ana"], a)
    art = qa.create_article(o["cy"], q, title="Closing the books", body="Use the checklist.")
    client.force_login(o["dee"])
    tag = client.get("/qa/tags/ledger/").content.decode()
    assert "Bob Stone · Analyst · Finance" in texts(tag, "byline")
    article = client.get(f"/qa/articles/{art.pk}/").content.decode()
    assert set(texts(article, "byline")) >= {
        "Ana Lima · Staff engineer · Engineering",
        "Bob Stone · Analyst · Finance",
        "Cy Park · Engineering",
    }


def test_the_question_list_shows_who_asked(client, org):
    qa.ask_question(org["bob"], title="Budget codes for 2027?", body="b", tags=["budget"])
    client.force_login(org["ana"])
    html = client.get("/qa/").content.decode()
    assert texts(html, "byline") == ["Bob Stone · Analyst · Finance"]


def test_a_feed_marks_an_answer_that_crossed_a_line_in_the_same_queries(client, org, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    o = org
    q = qa.ask_question(o["ana"], title="Which cost centre?", body="For the cluster.", tags=["budget"])
    qa.answer_question(o["bob"], q, body="CC-42.")
    client.force_login(o["cy"])
    with CaptureQueriesContext(connection) as one:
        html = client.get("/company/").content.decode()
    assert texts(html, "cross-dept") == ["Across departments: Finance → Engineering"]
    q2 = qa.ask_question(o["bob"], title="Which ledger?", body="For travel.", tags=["budget"])
    qa.answer_question(o["pat"], q2, body="T-7.")
    qa.answer_question(o["dee"], q2, body="No idea.")  # no department: no mark
    with django_assert_num_queries(len(one)):
        html = client.get("/company/").content.decode()
    assert texts(html, "cross-dept") == [
        "Across departments: Platform → Finance",
        "Across departments: Finance → Engineering",
    ]
