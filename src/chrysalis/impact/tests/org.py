"""A small hand-made organisation whose impact figures are worked out by hand in the tests.

Mia (Engineering, Berlin) is the person whose impact we measure; "now" is 15 June 2026, 12:00 UTC,
so "this month" is June 2026 and "last month" is May 2026. Everything is built through the real
actions, then dated (created_at) to the day the story says.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from chrysalis.experts.models import RoutingRequest
from chrysalis.posts.actions import add_comment, create_post, react, record_reads
from chrysalis.posts.models import Comment, Post, PostRead, Reaction, Vote
from chrysalis.qa.actions import accept_answer, answer_question, ask_question, create_article, vote
from chrysalis.testsupport.factories import make_department, make_person, make_space

NOW = datetime(2026, 6, 15, 12, tzinfo=UTC)


def day(month: int, d: int, hour: int = 12, year: int = 2026) -> datetime:
    return datetime(year, month, d, hour, tzinfo=UTC)


def dated(obj, when: datetime, field: str = "created_at"):
    type(obj).objects.filter(pk=obj.pk).update(**{field: when})
    setattr(obj, field, when)
    return obj


@dataclass
class Org:
    mia: object
    ana: object
    bob: object
    cy: object
    dan: object
    eve: object
    zed: object
    board: object  # a private space: mia and zed
    article: Post
    private_answer: Post
    q3: Post
    a3: Post


def build() -> Org:
    eng, sales, legal = make_department("Engineering"), make_department("Sales"), make_department("Legal")
    mia = make_person("mia", department=eng, location="Berlin")
    ana = make_person("ana_s", department=sales, location="Lisbon")
    bob = make_person("bob_s", department=sales, location="Berlin")
    cy = make_person("cy_l", department=legal, location="Paris")
    dan = make_person("dan_e", department=eng, location="Berlin")
    eve = make_person("eve")  # no department, no location
    zed = make_person("zed", department=legal, location="Oslo")
    board = make_space(mia, name="Board", visibility="private", members=[zed])

    # January: eve asks about the budget; mia answers
    q0 = dated(ask_question(eve, title="Budget codes for travel?", body="Which code?", tags=["budget"]), day(1, 14))
    dated(answer_question(mia, q0, body="Use T-200."), day(1, 15))

    # May: ana's kafka question, answered, accepted and up-voted; bob's kafka+python question, liked
    q1 = dated(ask_question(ana, title="Kafka consumer lag", body="Lag grows.", tags=["kafka"]), day(5, 10))
    a1 = dated(answer_question(mia, q1, body="Add partitions."), day(5, 11))
    accept_answer(ana, a1)
    vote(ana, a1, 1)
    Vote.objects.filter(post=a1, user=ana).update(created_at=day(5, 12))
    q2 = dated(ask_question(bob, title="Kafka from Python", body="Which client?", tags=["kafka", "python"]),
               day(5, 20, 9))
    a2 = dated(answer_question(mia, q2, body="confluent-kafka."), day(5, 21, 10))
    dated(react(bob, post=a2, kind="like"), day(5, 22))

    # June: ana's python question (cy comments on the answer), mia's #sql post (dan reacts),
    # mia's kafka article (read by bob and cy), and a private Board thread with zed
    q3 = dated(ask_question(ana, title="Python packaging", body="How?", tags=["python"]), day(6, 2, 12))
    a3 = dated(answer_question(mia, q3, body="Use pyproject.toml."), day(6, 3, 14))
    dated(add_comment(cy, a3, body="Thanks, this helped Legal too."), day(6, 4))
    p1 = dated(create_post(mia, body="Query plans explained #sql"), day(6, 5))
    dated(react(dan, post=p1, kind="insightful"), day(6, 6))
    article = dated(create_article(mia, q1, title="Kafka consumer lag", body="Add partitions."), day(6, 8))
    record_reads(bob, [article])
    record_reads(cy, [article])
    record_reads(mia, [article])  # the author's own read is not counted
    record_reads(ana, [q3, a3])  # ana reads her question page: mia's answer counts, her own question not
    PostRead.objects.filter(post=article, user=bob).update(first_read_at=day(6, 9))
    PostRead.objects.filter(post=article, user=cy).update(first_read_at=day(6, 10))
    PostRead.objects.filter(post=a3, user=ana).update(first_read_at=day(6, 11))

    q4 = dated(ask_question(zed, title="GDPR retention", body="How long?", tags=["gdpr"], space=board), day(6, 10))
    a4 = dated(answer_question(mia, q4, body="Six years."), day(6, 11))
    vote(zed, a4, 1)
    Vote.objects.filter(post=a4, user=zed).update(created_at=day(6, 12))

    # questions routed to mia: q2 (answered in 24 h), q3 (26 h), q4 (private, 1 h)
    for q, asked, answered in [(q2, day(5, 20, 10), day(5, 21, 10)), (q3, day(6, 2, 12), day(6, 3, 14)),
                               (q4, day(6, 10, 10), day(6, 10, 11))]:
        RoutingRequest.objects.create(
            question=q, expert=mia, asked_at=asked, status="answered", answered_at=answered,
            response_seconds=int((answered - asked).total_seconds()),
        )
    # everything the actions wrote "now" (revisions, notifications) plays no part; comments and
    # reactions are dated above
    assert not Comment.objects.filter(created_at__gt=NOW).exists()
    assert not Reaction.objects.filter(created_at__gt=NOW).exists()
    return Org(mia, ana, bob, cy, dan, eve, zed, board, article, a4, q3, a3)
