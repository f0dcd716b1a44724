"""A small hand-made organisation for the insights tests, built through the real actions.

Engineering e1..e5, Sales s1..s5, HR h1, h2 (a small department), and an administrator without a
department. All within the last 30 days, on the company feed:
- e1 asks q1 #kafka (10 h ago), e2 answers, e1 accepts;  s1 asks q2 #kafka (4 h ago), e2 answers,
  s1 votes the answer up;  s5 asks q5 #kafka (2 h ago), e2 answers;
- s2 asks q3 #gdpr and h1 asks q4 #gdpr: no answers;
- s1 posts p1, e3 comments on it;  s4 posts p2, s3 reacts to it;
- in a private space: e4 posts, e5 comments (never counted).
Ties: e1-e2 (inside Engineering), e2-s1, e3-s1, e2-s5 (across), s3-s4 (inside Sales).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from chrysalis.posts.actions import add_comment, create_post, react
from chrysalis.posts.models import Post
from chrysalis.qa.actions import accept_answer, answer_question, ask_question, vote
from chrysalis.testsupport.factories import make_department, make_person, make_space


def _ago(post, hours):
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(hours=hours))


@pytest.fixture
def org(db):
    eng, sales, hr = make_department("Engineering"), make_department("Sales"), make_department("HR")
    p = {}
    for i in range(1, 6):
        p[f"e{i}"] = make_person(f"e{i}", department=eng, location="Lisbon")
        p[f"s{i}"] = make_person(f"s{i}", department=sales, location="Lisbon" if i < 3 else "Berlin")
    p["h1"] = make_person("h1", department=hr, location="Oslo")
    p["h2"] = make_person("h2", department=hr, location="Oslo")
    p["admin"] = make_person("admin", is_staff=True)
    q1 = ask_question(p["e1"], title="Kafka consumer lag", body="Why?", tags=["kafka"])
    a1 = answer_question(p["e2"], q1, body="Check the partitions.")
    accept_answer(p["e1"], a1)
    q2 = ask_question(p["s1"], title="Kafka for invoices", body="Can we?", tags=["kafka"])
    a2 = answer_question(p["e2"], q2, body="Yes, with a topic per region.")
    vote(p["s1"], a2, 1)
    q5 = ask_question(p["s5"], title="Kafka retention for audits", body="How long?", tags=["kafka"])
    answer_question(p["e2"], q5, body="Seven days by default.")
    for q, hours in ((q1, 10), (q2, 4), (q5, 2)):
        _ago(q, hours)
    ask_question(p["s2"], title="GDPR and CRM exports", body="Allowed?", tags=["gdpr"])
    ask_question(p["h1"], title="GDPR for applicants", body="How long do we keep CVs?", tags=["gdpr"])
    p1 = create_post(p["s1"], body="Quarter closed!")
    add_comment(p["e3"], p1, body="Congratulations")
    p2 = create_post(p["s4"], body="New price list")
    react(p["s3"], post=p2, kind="like")
    board = make_space(p["e4"], name="Board", visibility="private", members=[p["e5"]])
    hidden = create_post(p["e4"], body="Secret reorganisation", space=board)
    add_comment(p["e5"], hidden, body="Noted")
    p["depts"] = {"eng": eng, "sales": sales, "hr": hr}
    return p
