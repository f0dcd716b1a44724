"""People you should know, spaces worth joining and questions you could answer, on the small
organisation of conftest.py, with the right answers worked out here.

vera's needs (queries.NEED_WEIGHT): pricing (she asked 1 question: 3 * log2(2) = 3), kubernetes (her
team, sam, asked 2: 2 * log2(3) = 3.17), gdpr (a tag she follows: 1). Python is not a need: she
answers it. Support's cross-department interactions in the last 90 days: 12 with Platform, 2 with
Finance (vera -> fay and opt, her answerers), none with Sales: Sales is a department Support rarely
talks to (share 0 < 10%), Finance is not (2/14 = 14%).
"""

import math
from datetime import timedelta

import pytest
from django.utils import timezone

from chrysalis.connections import actions, queries
from chrysalis.connections.models import Dismissal
from chrysalis.core.errors import Invalid, NotFound
from chrysalis.posts.models import Post
from chrysalis.testsupport.factories import make_department, make_person, make_space

from .conftest import answer, ask

L = math.log2


def suggested(viewer, **kw):
    return [(s.person.username, s.why) for s in queries.people_you_should_know(viewer, **kw)]


def test_people_are_ranked_with_their_reason(org):
    found = queries.people_you_should_know(org["vera"])
    assert [(s.person.username, s.why) for s in found] == [
        # 2 answers on kubernetes (team need 3.17): 3.17 * log2(3), plus sam (vera's circle) talks to him
        ("kai", "Answers the questions about kubernetes that your team asks"),
        # 1 answer on pricing, vera's own question; nobody in Support answered pricing
        ("fay", "Knows pricing, which your questions are about and nobody in your department answers"),
        # kubernetes like kai, but in vera's own department: half the weight
        ("sue", "Answers the questions about kubernetes that your team asks"),
        # gdpr (followed tag), in Sales: a department Support never talks to (x 1.5)
        ("gia", "Answers questions about gdpr, a topic you follow; works in Sales, a department yours rarely talks to"),
    ]
    kube = 2 * L(3)
    assert [round(s.score, 6) for s in found] == [
        round(kube * L(3) + 0.5 * L(2), 6),
        round(3 * L(2), 6),
        round(0.5 * kube * L(2), 6),
        round(1.5 * 1 * L(2), 6),
    ]
    assert [s.topics for s in found] == [["kubernetes"], ["pricing"], ["kubernetes"], ["gdpr"]]
    assert [s.bridge for s in found] == [False, False, False, True]


def test_who_is_never_suggested_and_why(org):
    """mona (her manager), ron (her report), fol (she follows him), wes (she talks to him weekly),
    opt (opted out of expertise) and dis (dismissed) all answered what vera needs."""
    from chrysalis.experts.actions import update_settings
    from chrysalis.people.actions import unfollow_person
    from chrysalis.posts.actions import delete_comment

    vera = org["vera"]
    names = [u for u, _ in suggested(vera)]
    for who in ("mona", "ron", "fol", "wes", "opt", "dis", "vera", "sam"):
        assert who not in names
    # each exclusion is the only thing keeping them out: lift it and they appear
    unfollow_person(vera, org["fol"])
    assert "fol" in [u for u, _ in suggested(vera)]
    update_settings(org["opt"], opt_out_of_expertise=False)
    assert ("opt", "Knows pricing, which your questions are about and nobody in your department answers") in suggested(
        vera
    )
    # three comments in four weeks is not weekly (WEEKLY_MIN = 4): wes comes back
    last = vera.comments.order_by("-pk").first()
    delete_comment(vera, last)
    assert "wes" in [u for u, _ in suggested(vera)]
    # the manager and reports stay out whatever else changes
    assert "mona" not in [u for u, _ in suggested(vera)] and "ron" not in [u for u, _ in suggested(vera)]


def test_a_dismissed_person_stays_away_until_the_dismissal_ends_and_the_reason_is_kept(org):
    vera, dis = org["vera"], org["dis"]
    d = org["dismissal"]
    assert (d.kind, d.target_id, d.reason) == ("person", dis.pk, "Answers kubernetes")
    assert d.until - d.created_at == timedelta(days=30)
    assert "dis" not in [u for u, _ in suggested(vera)]
    # after the dismissal ends he is back (as of a later time)
    later = d.until + timedelta(hours=1)
    assert "dis" in [u for u, _ in suggested(vera, as_of=later)]
    # dismissing kai: he is gone, and both dismissals are kept
    made = actions.dismiss_suggestion(vera, "person", "kai", reason="Answers the questions about kubernetes")
    assert "kai" not in [u for u, _ in suggested(vera)]
    assert list(Dismissal.objects.filter(user=vera).order_by("pk").values_list("target_id", "reason")) == [
        (dis.pk, "Answers kubernetes"),
        (org["kai"].pk, "Answers the questions about kubernetes"),
    ]
    assert made.until > timezone.now() + timedelta(days=29)


def test_refused_dismissals_write_nothing(org, secret_space):
    vera = org["vera"]
    before = Dismissal.objects.count()
    cases = [
        (("planet", "kai"), Invalid, "kind must be person, space or question."),
        (("person", "nobody"), NotFound, "No such person."),
        (("person", "vera"), Invalid, "You are never suggested to yourself."),
        (("person", ""), Invalid, "Say what to hide"),
        (("space", secret_space.slug), NotFound, "No such space."),
        (("space", "no-such-space"), NotFound, "No such space."),
        (("question", "abc"), NotFound, "No such question."),
        (("question", str(org["questions"]["k1"].pk + 1000)), NotFound, "No such question."),
    ]
    for (kind, target), exc, message in cases:
        with pytest.raises(exc, match=message.replace(".", r"\.")):
            actions.dismiss_suggestion(vera, kind, target)
    with pytest.raises(Invalid, match="at most 300"):
        actions.dismiss_suggestion(vera, "person", "kai", reason="x" * 301)
    with pytest.raises(Invalid, match="days must be between 1 and 365"):
        actions.dismiss_suggestion(vera, "person", "kai", days=0)
    assert Dismissal.objects.count() == before


def test_people_your_colleagues_talk_to(org):
    """lee (Finance) has no evidence on vera's needs, but two of her department talk to him."""
    from chrysalis.posts.actions import add_comment, create_post

    lee = make_person("lee", display_name="Lee Park", department=org["depts"]["finance"])
    post = create_post(lee, body="Quarter close checklist")
    add_comment(org["sam"], post, body="Useful")
    add_comment(org["sue"], post, body="Thanks")
    found = {s.person.username: s for s in queries.people_you_should_know(org["vera"])}
    assert found["lee"].why == "2 people you work with talk to Lee"
    assert found["lee"].score == pytest.approx(0.5 * L(3))
    assert found["lee"].circle == 2 and found["lee"].topics == []


def test_without_a_department_the_circle_is_the_people_you_talk_to(db):
    """As in an imported Stack Exchange site: nobody has a department."""
    from chrysalis.posts.actions import add_comment, create_post

    me, a, b, star = (make_person(n) for n in ("me", "a", "b", "star"))
    for friend in (a, b):  # me talks to a and b (once each: not weekly)
        add_comment(me, create_post(friend, body="hello"), body="hi")
        add_comment(friend, create_post(star, body=f"post for {friend.username}"), body="great")
    assert suggested(me) == [("star", "2 people you talk to also talk to Star")]


def at(post, when):
    Post.objects.filter(pk=post.pk).update(created_at=when)


def test_as_of_uses_nothing_created_at_or_after_it(db):
    now = timezone.now()
    a, b = make_department("A"), make_department("B")
    joined = now - timedelta(days=30)
    viewer = make_person("v", department=a, date_joined=joined)
    colleague = make_person("c", department=a, date_joined=joined)
    kai = make_person("kai", department=b, date_joined=joined)
    neo = make_person("neo", department=b, date_joined=now - timedelta(days=2))
    q = ask(colleague, "Kubernetes pod restarts", ["kubernetes"])
    at(q, now - timedelta(days=10))
    at(answer(kai, q), now - timedelta(days=9))
    at(answer(neo, q), now - timedelta(days=2))
    fay = make_person("fay", department=b, date_joined=joined)
    pricing = ask(viewer, "Enterprise pricing?", ["pricing"])
    at(pricing, now - timedelta(days=1))
    at(answer(fay, pricing), now - timedelta(days=1))

    assert [u for u, _ in suggested(viewer)] == ["fay", "kai", "neo"]
    # five days ago: neo had not joined, the pricing question did not exist
    assert suggested(viewer, as_of=now - timedelta(days=5)) == [
        ("kai", "Answers the questions about kubernetes that your team asks")
    ]
    # before kai's answer nobody had answered the team's question
    assert suggested(viewer, as_of=now - timedelta(days=9, seconds=1)) == []


def test_spaces_worth_joining(org, secret_space):
    from chrysalis.posts.actions import create_post
    from chrysalis.spaces.actions import _add_member

    vera, fay = org["vera"], org["fay"]
    guild = make_space(fay, name="Pricing guild", visibility="open")
    for body in ("#pricing tiers for 2027", "#pricing discounts policy"):
        create_post(fay, body=body, space=guild)
    hidden = make_space(fay, name="Pricing board", visibility="private")
    create_post(fay, body="#pricing board notes", space=hidden)
    mine = make_space(fay, name="Mine", visibility="open", members=[vera])
    create_post(fay, body="#pricing in my own space", space=mine)
    _add_member(secret_space, fay)
    create_post(fay, body="#pricing secret plans", space=secret_space)
    found = queries.spaces_worth_joining(vera)
    assert [(s.space.name, s.why) for s in found] == [
        (
            "Pricing guild",
            "2 posts about pricing, which your questions are about; "
            "1 person you follow, work with or talk to is a member",
        )
    ]
    assert found[0].score == pytest.approx(3 * L(2) * L(3) + 0.5 * L(2))
    actions.dismiss_suggestion(vera, "space", guild.slug, reason=found[0].why)
    assert queries.spaces_worth_joining(vera) == []


def test_questions_you_could_answer(org, private_space):
    from chrysalis.experts.models import RoutingRequest
    from chrysalis.people.actions import set_skills
    from chrysalis.spaces.actions import _add_member

    vera = org["vera"]
    set_skills(vera, ["Budget"])
    packaging = ask(org["sue"], "Python packaging with wheels", ["python"])
    answered = ask(org["kai"], "Python asyncio timeouts", ["python"])
    answer(org["gia"], answered)
    routed = ask(org["sam"], "Python venv on the build agents", ["python"])
    RoutingRequest.objects.create(question=routed, expert=vera)
    ask(vera, "Python wheels for ARM?", ["python"])  # her own
    _add_member(private_space, org["sam"])
    ask(org["sam"], "Python in the board pack", ["python"], space=private_space)  # she cannot read it
    budget = ask(org["fay"], "Budget for next year's tooling", ["budget"])
    dismissed = ask(org["fay"], "Python for spreadsheets", ["python"])
    actions.dismiss_suggestion(vera, "question", str(dismissed.pk), reason="About python")
    found = queries.questions_you_could_answer(vera)
    assert [(s.question.pk, s.why) for s in found] == [
        (packaging.pk, "About python: you answered 1 question on it; nobody has answered this one yet"),
        (budget.pk, "About budget, which you list as a skill; nobody has answered it yet"),
    ]
    assert [s.score for s in found] == [1 + L(2), 1.0]


def test_an_inactive_or_anonymous_viewer_gets_nothing(org):
    from django.contrib.auth.models import AnonymousUser

    assert queries.people_you_should_know(AnonymousUser()) == []
    vera = org["vera"]
    vera.is_active = False
    vera.save()
    assert queries.people_you_should_know(vera) == []
    assert queries.spaces_worth_joining(vera) == []
    assert queries.questions_you_could_answer(vera) == []


def test_a_reason_names_the_second_topic_when_the_same_words_fit(db):
    me, brewer, taster = make_person("me"), make_person("brewer"), make_person("taster")
    for title, tag in (("Dry hopping times", "brewing"), ("Why is my stout sour?", "taste")):
        answer(brewer, ask(me, title, [tag]))
    answer(taster, ask(me, "Bitter aftertaste", ["taste"]))
    # taste (2 questions: 3 * log2 3) is a stronger need than brewing (1: 3), so it comes first
    assert suggested(me) == [
        ("brewer", "Answers questions about taste and brewing, which your questions are about"),
        ("taster", "Answers questions about taste, which your questions are about"),
    ]


def test_edges_around_people_are_the_insights_interactions(org, private_space):
    """edges_touching reads the same interactions as insights.interactions (for everyone: all of them),
    through the same access door."""
    from collections import Counter

    from chrysalis.insights.interactions import interactions
    from chrysalis.people.models import User
    from chrysalis.posts.actions import add_comment, create_post, react
    from chrysalis.spaces.actions import _add_member

    _add_member(private_space, org["sam"])
    hidden = create_post(org["sam"], body="board only @kai", space=private_space)
    add_comment(private_space.created_by, hidden, body="noted")  # its owner
    react(org["sam"], post=org["questions"]["k1"], kind="like")
    now = timezone.now()
    since = now - timedelta(days=1)
    for viewer in (org["vera"], org["sam"]):
        inter = interactions(viewer, since=since, until=now + timedelta(seconds=1))
        expected = Counter(frozenset(p) for p in zip(inter.source.tolist(), inter.target.tolist(), strict=True))
        got = Counter(
            frozenset((e.a, e.b))
            for e in queries.edges_touching(viewer, User.objects.all(), since, now + timedelta(seconds=1))
        )
        assert got == expected
    # around vera only: exactly her own
    mine = queries.edges_touching(
        org["vera"], User.objects.filter(pk=org["vera"].pk), since, now + timedelta(seconds=1)
    )
    assert all(org["vera"].pk in (e.a, e.b) for e in mine) and len(mine) == 2 + 1 + 4  # answers to her, hers, comments


def test_talk_in_a_secret_space_shapes_only_its_members_suggestions(org):
    """sam and sue (vera's department) talk to lee only in a secret space: vera, not a member, is not
    told; once she is a member she is. The space is never named in a reason."""
    from chrysalis.posts.actions import add_comment, create_post
    from chrysalis.spaces.actions import _add_member

    lee = make_person("lee", display_name="Lee Park", department=org["depts"]["finance"])
    hush = make_space(lee, name="Hush project", visibility="secret", members=[org["sam"], org["sue"]])
    post = create_post(lee, body="Quarter close, secret edition", space=hush)
    add_comment(org["sam"], post, body="Useful")
    add_comment(org["sue"], post, body="Thanks")
    assert "lee" not in [u for u, _ in suggested(org["vera"])]
    _add_member(hush, org["vera"])
    found = dict(suggested(org["vera"]))
    assert found["lee"] == "2 people you work with talk to Lee"
    assert not any("Hush" in why for why in found.values())
