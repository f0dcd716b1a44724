"""Every shared real dump: database counts equal the XML's minus the reported skips, --until
excludes exactly what it should, reruns change nothing, an interrupted import resumes."""

from datetime import datetime

import pytest
from django.db.models import Count, Sum

from chrysalis.integrations import stackexchange as se
from chrysalis.integrations.tests.dumps import NO_DATA, SHARED, SITES, skipped, snapshot, xml_counts
from chrysalis.people.models import User
from chrysalis.posts.models import Comment, Post, Tag, Vote

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(not SITES, reason=NO_DATA)]
WITH_ACTIVITY = [s for s in SITES if (SHARED / s / "Votes.xml").exists()]


def expected_people(x: dict) -> set[str]:
    """Users.xml people (but -1) created before --until, plus every author of kept content."""
    ids = {a["Id"] for a in x["users"]}
    owners = {a.get("OwnerUserId") for a in (*x["questions"].values(), *x["answers"].values())}
    owners |= {a.get("UserId") for a in x["comments"] if a["PostId"] in x["questions"] | x["answers"]}
    people = {f"se:{i}" for i in ids | {o for o in owners if o and o != "-1"}}
    if any(not o or o == "-1" for o in owners):
        people.add("se:deleted")
    return people


def check_scores_and_counts():
    votes = dict(Vote.objects.values("post").annotate(s=Sum("value")).values_list("post", "s"))
    for pk, score, n_answers, n_comments, real_answers, real_comments in Post.objects.annotate(
        a=Count("answers", distinct=True), c=Count("comments", distinct=True)
    ).values_list("pk", "score", "answer_count", "comment_count", "a", "c"):
        assert score == votes.get(pk, 0)
        assert (n_answers, n_comments) == (real_answers, real_comments)


@pytest.mark.parametrize("site", SITES)
def test_counts_equal_the_xml_minus_the_reported_skips(site):
    path = SHARED / site
    x = xml_counts(path)

    report = se.import_stackexchange(path, progress=False)

    posts = Post.objects.filter(external_id__startswith="se:post:")
    orphans = skipped(report, "Posts.xml", "orphan answer")
    malformed = skipped(report, "Posts.xml", "malformed")
    assert posts.count() == len(x["questions"]) + len(x["answers"]) - orphans - malformed
    assert posts.filter(kind="answer").count() == len(x["answers"]) - orphans - malformed
    assert Comment.objects.count() == len(x["comments"]) - skipped(report, "Comments.xml")
    assert Vote.objects.count() == len(x["votes"]) - skipped(report, "Votes.xml")
    people = set(User.objects.filter(external_id__startswith="se:").values_list("external_id", flat=True))
    assert people == expected_people(x)
    assert report.imported["people"] == len(people)
    assert {k: report.imported[k] for k in se.KINDS} == {
        "people": len(people),
        "tags": Tag.objects.count(),
        "questions": posts.filter(kind="question").count(),
        "answers": posts.filter(kind="answer").count(),
        "comments": Comment.objects.count(),
        "votes": Vote.objects.count(),
    }
    used = {
        t.strip("<>|")
        for q in x["questions"].values()
        for t in q.get("Tags", "").replace("><", "|").replace("<", "|").replace(">", "|").split("|")
        if t
    }
    # without --until, every tag of Tags.xml is imported too (see the importer's docstring)
    listed = set()
    if (path / "Tags.xml").exists():
        import xml.etree.ElementTree as ET

        listed = {r.get("TagName") for r in ET.parse(path / "Tags.xml").getroot() if r.get("TagName")}
    assert set(Tag.objects.values_list("name", flat=True)) == {t.lower() for t in used | listed}
    accepted = {q["Id"]: q["AcceptedAnswerId"] for q in x["questions"].values() if q.get("AcceptedAnswerId")}
    assert dict(
        posts.filter(accepted_answer__isnull=False).values_list("external_id", "accepted_answer__external_id")
    ) == {f"se:post:{q}": f"se:post:{a}" for q, a in accepted.items()}
    check_scores_and_counts()


@pytest.mark.parametrize("site", SITES)
def test_until_excludes_exactly_what_it_should(site):
    path = SHARED / site
    dates = sorted(q["CreationDate"] for q in xml_counts(path)["questions"].values())
    cut = dates[len(dates) // 2]  # a real creation time: that question itself is excluded
    x = xml_counts(path, until=cut)
    until = se.parse_until(cut)

    report = se.import_stackexchange(path, until=until, progress=False)

    assert not Post.objects.filter(created_at__gte=until).exists()
    assert not Comment.objects.filter(created_at__gte=until).exists()
    assert not Vote.objects.filter(created_at__gte=until).exists()
    assert Post.objects.filter(kind="question").count() == len(x["questions"]) == report.imported["questions"]
    kept = x["questions"].keys()
    answers = [a for a in x["answers"].values() if a["ParentId"] in kept]
    assert Post.objects.filter(kind="answer").count() == len(answers)
    assert Comment.objects.count() == len(x["comments"]) - skipped(report, "Comments.xml")
    assert Vote.objects.count() == len(x["votes"]) - skipped(report, "Votes.xml")
    people = set(User.objects.filter(external_id__startswith="se:").values_list("external_id", flat=True))
    assert people == expected_people({**x, "answers": {a["Id"]: a for a in answers}})
    assert not Post.objects.filter(accepted_answer__created_at__gte=until).exists()
    check_scores_and_counts()


@pytest.mark.parametrize("site", WITH_ACTIVITY[-1:])
def test_a_rerun_changes_nothing(site):
    path = SHARED / site
    se.import_stackexchange(path, progress=False)
    before = snapshot()

    again = se.import_stackexchange(path, progress=False)

    assert sum(again.imported.values()) == 0 and not again.updated
    assert snapshot() == before


class Interrupted(Exception):
    pass


@pytest.mark.parametrize("site", WITH_ACTIVITY[-1:])
def test_an_interrupted_import_resumes_to_what_a_clean_import_gives(site, monkeypatch):
    from chrysalis.search.models import SearchDocument

    path = SHARED / site
    se.import_stackexchange(path, progress=False)
    clean = snapshot()
    User.objects.filter(external_id__startswith="se:").delete()  # cascades to posts, comments, votes
    Tag.objects.all().delete()
    assert not Post.objects.exists() and not Vote.objects.exists()

    calls = {"n": 0}
    real = se._import_comments

    def stop_halfway(site_, plan, people, posts, report, progress):
        # Commit some comment batches, then die, like a killed process.
        plan.comments = set(sorted(plan.comments)[: len(plan.comments) // 2])
        real(site_, plan, people, posts, report, progress)
        calls["n"] += 1
        raise Interrupted

    monkeypatch.setattr(se, "BATCH", 100)
    monkeypatch.setattr(se, "_import_comments", stop_halfway)
    with pytest.raises(Interrupted):
        se.import_stackexchange(path, progress=False)
    assert calls["n"] == 1 and 0 < Comment.objects.count() < len(clean["comments"])
    assert not Vote.objects.exists()
    monkeypatch.undo()

    resumed = se.import_stackexchange(path, progress=False)

    assert resumed.present["questions"] == len(
        [p for p in clean["posts"].values() if p["kind"] == "question"]
    )
    assert 0 < resumed.imported["comments"] < len(clean["comments"])
    assert snapshot() == clean
    n_posts = Post.objects.count()
    assert SearchDocument.objects.filter(kind="post").count() == n_posts
    assert SearchDocument.objects.filter(kind="comment").count() == Comment.objects.count()


def test_the_cut_off_compares_as_the_judge_does():
    """The routing judge compares the dump's text dates; a naive --until is UTC like them."""
    assert se.parse_until("2016-03-12T15:33:20.123") < se.parse_until("2016-03-12T15:33:20.124")
    assert se.parse_until("2016-03-12T15:33:20.123").utcoffset().total_seconds() == 0
    assert isinstance(se.parse_until("2016-03-12"), datetime)
