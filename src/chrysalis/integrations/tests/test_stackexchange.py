"""The Stack Exchange importer: a hand-made dump with every quirk, exact report and database."""

import io
from datetime import UTC, datetime

import pytest

from chrysalis.integrations import stackexchange as se
from chrysalis.integrations.se_reader import DumpError
from chrysalis.integrations.tests.dumps import small_dump, snapshot
from chrysalis.people.models import User
from chrysalis.posts.models import Comment, Post, Revision, Tag, Vote

pytestmark = pytest.mark.django_db


def run(site, **kw):
    kw.setdefault("progress", False)
    return se.import_stackexchange(site, **kw)


def test_small_dump_imports_everything_with_the_reasons_of_every_skip(tmp_path):
    site = small_dump(tmp_path / "small")
    out = io.StringIO()

    report = run(site, stdout=out)

    assert dict(report.imported) == {
        "people": 6,
        "tags": 4,
        "questions": 3,
        "answers": 2,
        "comments": 3,
        "votes": 5,
    }
    assert dict(report.skipped) == {
        ("Users.xml", "Community bot user (-1)"): 1,
        ("Users.xml", "malformed row (missing CreationDate)"): 1,
        ("Posts.xml", "malformed row (missing CreationDate)"): 1,
        ("Posts.xml", "orphan answer (question missing)"): 1,
        ("Comments.xml", "comment on a missing post"): 1,
        ("Comments.xml", "comment on a tag wiki or other non-Q&A post"): 1,
        ("Votes.xml", "vote on a missing post"): 1,
        ("Votes.xml", "malformed row (missing CreationDate)"): 1,
    }
    assert dict(report.deleted_owner) == {"questions": 1, "comments": 1}
    text = out.getvalue()
    assert "orphan answer (question missing): 1" in text and "deleted owner" in text
    assert "questions          3" in text

    assert set(User.objects.filter(external_id__startswith="se:").values_list("external_id", flat=True)) == {
        "se:1",
        "se:2",
        "se:3",
        "se:7",
        "se:9",
        "se:deleted",
    }
    ada = User.objects.get(external_id="se:1")
    assert (ada.username, ada.display_name, ada.location) == ("se-1", "Ada & Co", "Paris")
    assert ada.bio == "I brew **beer**."  # sanitised (no script), as Markdown
    assert ada.date_joined == datetime(2020, 1, 1, 10, tzinfo=UTC)
    assert not ada.has_usable_password()
    ghost7 = User.objects.get(external_id="se:7")
    assert ghost7.display_name == "Stack Exchange user 7"
    assert ghost7.date_joined == datetime(2020, 2, 10, 10, tzinfo=UTC)  # first content
    deleted = User.objects.get(external_id="se:deleted")
    assert (deleted.display_name, deleted.is_active) == ("Deleted user", False)

    q1 = Post.objects.get(external_id="se:post:1")
    assert (q1.kind, q1.title, q1.space, q1.author) == ("question", "First & best?", None, ada)
    assert q1.created_at == datetime(2020, 1, 5, 10, tzinfo=UTC)
    assert q1.body_html == "<p>Body of 1</p>"  # the script is gone
    assert q1.body == "Body of 1"
    assert sorted(q1.tags.values_list("name", flat=True)) == ["hops", "ipa"]
    assert (q1.score, q1.answer_count, q1.comment_count) == (1, 1, 1)  # not Score=42 nor AnswerCount=9
    assert q1.accepted_answer.external_id == "se:post:3"
    a3 = Post.objects.get(external_id="se:post:3")
    assert (a3.kind, a3.question, a3.score, a3.title) == ("answer", q1, 1, "")
    q2 = Post.objects.get(external_id="se:post:2")
    assert q2.author == deleted and q2.accepted_answer.external_id == "se:post:6"
    assert Revision.objects.filter(number=1).count() == 5
    assert Revision.objects.get(post=q1).tags == "hops ipa"

    c1 = Comment.objects.get(external_id="se:comment:1")
    assert (c1.body, c1.post, c1.author.external_id) == ("Nice *one* & more", q1, "se:2")
    assert c1.body_html == "<p>Nice <em>one</em> &amp; more</p>\n"
    assert Comment.objects.get(external_id="se:comment:2").author == deleted
    assert sorted(Vote.objects.values_list("external_id", "value")) == [
        ("se:vote:1", 1),
        ("se:vote:2", 1),
        ("se:vote:3", -1),
        ("se:vote:4", 1),
        ("se:vote:7", 1),
    ]
    assert not Vote.objects.filter(user__isnull=False).exists()
    assert dict(Tag.objects.values_list("name", "description")) == {
        "hops": "Hops are flowers.",
        "ipa": "",
        "stout": "",
        "unused": "",
    }


def test_until_keeps_only_what_was_created_strictly_before(tmp_path):
    site = small_dump(tmp_path / "small")

    report = run(site, until=datetime(2020, 2, 1, tzinfo=UTC))

    assert dict(report.imported) == {
        "people": 3,
        "tags": 2,
        "questions": 2,
        "answers": 1,
        "comments": 2,
        "votes": 4,
    }
    assert dict(report.excluded) == {"people": 1, "questions": 1, "answers": 1, "comments": 1, "votes": 1}
    assert set(User.objects.filter(external_id__startswith="se:").values_list("external_id", flat=True)) == {
        "se:1",
        "se:2",
        "se:deleted",
    }
    q2 = Post.objects.get(external_id="se:post:2")
    assert (q2.accepted_answer, q2.answer_count) == (None, 0)  # its accepted answer came later
    assert set(Tag.objects.values_list("name", flat=True)) == {"hops", "ipa"}


def test_until_at_an_exact_creation_time_excludes_that_row(tmp_path):
    site = small_dump(tmp_path / "small")

    run(site, until=datetime(2020, 1, 7, 10, tzinfo=UTC))  # answer 3's creation time

    assert not Post.objects.filter(external_id="se:post:3").exists()
    assert Post.objects.get(external_id="se:post:1").accepted_answer is None


def test_a_second_run_changes_nothing(tmp_path):
    site = small_dump(tmp_path / "small")
    run(site)
    before = snapshot()

    again = run(site)

    assert sum(again.imported.values()) == 0 and not again.updated
    assert dict(again.present) == {
        "people": 6,
        "tags": 4,
        "questions": 3,
        "answers": 2,
        "comments": 3,
        "votes": 5,
    }
    assert again.search == "unchanged (nothing new)"
    assert snapshot() == before


def test_a_later_until_adds_the_rest_and_recomputes_the_aggregates(tmp_path):
    site = small_dump(tmp_path / "small")
    run(site, until=datetime(2020, 2, 1, tzinfo=UTC))

    report = run(site)

    assert report.imported["answers"] == 1 and report.updated["accepted answers"] == 1
    q2 = Post.objects.get(external_id="se:post:2")
    assert (q2.accepted_answer.external_id, q2.answer_count) == ("se:post:6", 1)


def test_usernames_are_unique_even_when_se_names_are_taken(tmp_path):
    User.objects.create_user(username="se-1", password="x")
    site = small_dump(tmp_path / "small")

    run(site)

    assert User.objects.get(external_id="se:1").username == "se-1-2"
    assert User.objects.get(username="se-1").external_id is None
    reserved = {"settings", "suggest", "me"}
    assert not User.objects.filter(username__in=reserved).exists()


def test_into_a_space_created_open_with_the_authors_as_members(tmp_path):
    admin = User.objects.create_superuser(username="root", password="x", email="r@example.com")
    site = small_dump(tmp_path / "small")

    run(site, space_name="Beer lovers")

    from chrysalis.spaces.models import Membership, Space

    space = Space.objects.get(name="Beer lovers")
    assert (space.visibility, space.created_by) == ("open", admin)
    assert set(Post.objects.filter(external_id__startswith="se:").values_list("space", flat=True)) == {
        space.pk
    }
    members = set(Membership.objects.filter(space=space).values_list("user__username", "role"))
    assert members == {
        ("root", "owner"),
        ("se-1", "member"),
        ("se-2", "member"),
        ("se-3", "member"),
        ("se-7", "member"),
        ("se-9", "member"),
    }

    again = run(site, space_name="beer LOVERS")

    assert Space.objects.count() == 1 and not again.updated


def test_a_space_is_created_without_owner_when_there_is_no_administrator(tmp_path):
    run(small_dump(tmp_path / "small"), space_name="Imported")

    from chrysalis.spaces.models import Space

    assert Space.objects.get(name="Imported").created_by is None


def test_the_search_index_holds_the_imported_content(tmp_path):
    from chrysalis.search.models import SearchDocument

    report = run(small_dump(tmp_path / "small"))

    assert report.search == "13 new documents indexed"  # 5 posts, 3 comments, 6 people but 1 inactive
    docs = set(SearchDocument.objects.values_list("kind", "title"))
    assert ("post", "First & best?") in docs and ("person", "Ada & Co") in docs
    assert not SearchDocument.objects.filter(kind="person", ref="se-deleted").exists()


def test_malformed_xml_names_the_file_and_line_and_writes_nothing(tmp_path):
    site = small_dump(tmp_path / "small")
    text = (site / "Comments.xml").read_bytes().decode("utf-8").split("\r\n")
    text[3] = '  <row Id="2" PostId="3" Text="broken <here" CreationDate="2020-01-07T11:00:00.000" />'
    (site / "Comments.xml").write_bytes("\r\n".join(text).encode("utf-8"))

    with pytest.raises(DumpError) as err:
        run(site)

    assert str(err.value).startswith("Comments.xml: malformed XML at line 4, column")
    assert not User.objects.exists() and not Post.objects.exists() and not Tag.objects.exists()


def test_missing_posts_file_is_a_clear_error(tmp_path):
    (tmp_path / "empty").mkdir()

    with pytest.raises(DumpError, match="Posts.xml is missing"):
        run(tmp_path / "empty")
    with pytest.raises(DumpError, match="no such folder"):
        run(tmp_path / "nowhere")


def test_a_different_site_in_the_same_database_is_refused(tmp_path):
    run(small_dump(tmp_path / "small"))
    other = small_dump(tmp_path / "other")
    posts = (other / "Posts.xml").read_text(encoding="utf-8-sig").replace("2020-01-05T10", "2021-01-05T10")
    (other / "Posts.xml").write_text(posts, encoding="utf-8")

    with pytest.raises(DumpError, match="already holds a different Stack Exchange site"):
        run(other)


def test_parse_until_accepts_dates_and_zones():
    assert se.parse_until("2016-03-12T15:33:20.123") == datetime(2016, 3, 12, 15, 33, 20, 123000, tzinfo=UTC)
    assert se.parse_until("2016-03-12") == datetime(2016, 3, 12, tzinfo=UTC)
    assert se.parse_until("2016-03-12T16:00:00+01:00") == datetime(2016, 3, 12, 15, tzinfo=UTC)
    assert se.parse_until("2016-03-12T15:00:00Z") == datetime(2016, 3, 12, 15, tzinfo=UTC)
    with pytest.raises(ValueError, match="not an ISO 8601"):
        se.parse_until("yesterday")
