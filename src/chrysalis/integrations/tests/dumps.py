"""Helpers for the importer tests: the shared real dumps, a small hand-made dump, independent
XML counts (ElementTree, not the reader under test) and database snapshots keyed by external id."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]
SHARED = REPO.parent / "shared" / "data" / "stackexchange"
SITES = sorted(p.name for p in SHARED.iterdir() if (p / "Posts.xml").exists()) if SHARED.is_dir() else []
NO_DATA = f"the shared Stack Exchange dumps are not at {SHARED} (../shared/data/stackexchange)"


def rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    return [dict(el.attrib) for _, el in ET.iterparse(path) if el.tag == "row"]


def xml_counts(site: Path, until: str | None = None) -> dict:
    """What the dump holds (created strictly before `until` when given: ISO text, compared as
    the dump's own text, which sorts chronologically)."""

    def before(a):
        return until is None or a["CreationDate"] < until

    posts = rows(site / "Posts.xml")
    questions = {a["Id"]: a for a in posts if a.get("PostTypeId") == "1" and before(a)}
    answers = {a["Id"]: a for a in posts if a.get("PostTypeId") == "2" and before(a)}
    users = [a for a in rows(site / "Users.xml") if a["Id"] != "-1" and before(a)]
    comments = [a for a in rows(site / "Comments.xml") if before(a)]
    votes = [a for a in rows(site / "Votes.xml") if a.get("VoteTypeId") in ("2", "3") and before(a)]
    return {"questions": questions, "answers": answers, "users": users, "comments": comments, "votes": votes}


def skipped(report, file: str, contains: str = "") -> int:
    return sum(n for (f, reason), n in report.skipped.items() if f == file and contains in reason)


def snapshot() -> dict:
    """The imported content, keyed by external ids (comparable across databases and runs)."""
    from chrysalis.people.models import User
    from chrysalis.posts.models import Comment, Post, Revision, Tag, Vote

    people = {
        u["external_id"]: u
        for u in User.objects.filter(external_id__startswith="se:").values(
            "external_id", "username", "display_name", "bio", "location", "date_joined", "is_active"
        )
    }
    posts = {}
    tag_names: dict[int, list[str]] = {}
    for pk, name in Post.tags.through.objects.values_list("post_id", "tag__name"):
        tag_names.setdefault(pk, []).append(name)
    for p in Post.objects.filter(external_id__startswith="se:post:").values(
        "pk",
        "external_id",
        "kind",
        "title",
        "body",
        "body_html",
        "created_at",
        "author__external_id",
        "question__external_id",
        "accepted_answer__external_id",
        "score",
        "answer_count",
        "comment_count",
        "space__name",
    ):
        p["tags"] = sorted(tag_names.get(p.pop("pk"), []))
        posts[p["external_id"]] = p
    comments = {
        c["external_id"]: c
        for c in Comment.objects.filter(external_id__startswith="se:").values(
            "external_id", "post__external_id", "author__external_id", "body", "body_html", "created_at"
        )
    }
    votes = {
        v["external_id"]: v
        for v in Vote.objects.filter(external_id__startswith="se:").values(
            "external_id", "post__external_id", "value", "created_at", "user"
        )
    }
    tags = dict(Tag.objects.values_list("name", "description"))
    revisions = sorted(Revision.objects.values_list("post__external_id", "number", "title", "body", "tags"))
    return {
        "people": people,
        "posts": posts,
        "comments": comments,
        "votes": votes,
        "tags": tags,
        "revisions": revisions,
    }


BOM = "\ufeff"


def write(path: Path, root: str, lines: list[str]) -> None:
    """An XML dump file as real ones are: BOM, CRLF line endings, one <row> per line."""
    text = BOM + '<?xml version="1.0" encoding="utf-8"?>\r\n' + f"<{root}>\r\n"
    text += "".join(f"  {line}\r\n" for line in lines) + f"</{root}>\r\n"
    path.write_bytes(text.encode("utf-8"))


def small_dump(folder: Path) -> Path:
    """A hand-made site: |a|b| tags, a BOM, CRLF, Tags.xml with an excerpt, a deleted owner, an
    orphan answer, a malformed row, a comment and a vote on missing posts, dump aggregates that
    must be ignored, and the Community user."""
    folder.mkdir(parents=True, exist_ok=True)
    b = "&lt;p&gt;Body of {}&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    write(
        folder / "Users.xml",
        "users",
        [
            '<row Id="-1" CreationDate="2020-01-01T00:00:00.000" DisplayName="Community" Reputation="1" />',
            '<row Id="1" CreationDate="2020-01-01T10:00:00.000" DisplayName="Ada &amp; Co" Reputation="999" '
            'Location="Paris" '
            'AboutMe="&lt;p&gt;I brew &lt;b&gt;beer&lt;/b&gt;.&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;" '
            'UpVotes="50" />',
            '<row Id="2" CreationDate="2020-01-02T10:00:00.000" DisplayName="Bob" Reputation="5" />',
            '<row Id="3" CreationDate="2020-03-01T10:00:00.000" DisplayName="Late Larry" />',
            '<row Id="4" DisplayName="No date" />',
        ],
    )
    write(
        folder / "Posts.xml",
        "posts",
        [
            f'<row Id="1" PostTypeId="1" CreationDate="2020-01-05T10:00:00.000" Score="42" ViewCount="1000" '
            f'Body="{b.format(1)}" OwnerUserId="1" Title="First &amp; best?" Tags="|hops|ipa|" '
            f'AnswerCount="9" CommentCount="9" AcceptedAnswerId="3" />',
            f'<row Id="2" PostTypeId="1" CreationDate="2020-01-06T10:00:00.000" Score="1" Body="{b.format(2)}" '  # noqa: E501
            f'Title="Deleted asker" Tags="|ipa|" AcceptedAnswerId="6" />',
            f'<row Id="3" PostTypeId="2" ParentId="1" CreationDate="2020-01-07T10:00:00.000" Score="5" '
            f'Body="{b.format(3)}" OwnerUserId="2" />',
            f'<row Id="4" PostTypeId="2" ParentId="99" CreationDate="2020-01-08T10:00:00.000" Body="{b.format(4)}" '  # noqa: E501
            f'OwnerUserId="2" />',
            f'<row Id="5" PostTypeId="1" Body="{b.format(5)}" OwnerUserId="2" Title="No date" Tags="|x|" />',
            f'<row Id="6" PostTypeId="2" ParentId="2" CreationDate="2020-02-10T10:00:00.000" Body="{b.format(6)}" '  # noqa: E501
            f'OwnerUserId="7" />',
            f'<row Id="7" PostTypeId="1" CreationDate="2020-02-11T10:00:00.000" Body="{b.format(7)}" OwnerUserId="3" '  # noqa: E501
            f'Title="Later question" Tags="|stout|" />',
            '<row Id="8" PostTypeId="4" CreationDate="2020-01-03T10:00:00.000" Body="Hops are flowers." '
            'OwnerUserId="-1" />',
            '<row Id="9" PostTypeId="5" CreationDate="2020-01-03T10:00:00.000" Body="&lt;p&gt;wiki&lt;/p&gt;" />',  # noqa: E501
        ],
    )
    write(
        folder / "Comments.xml",
        "comments",
        [
            '<row Id="1" PostId="1" Score="3" Text="Nice *one* &amp; more" CreationDate="2020-01-05T11:00:00.000" UserId="2" />',  # noqa: E501
            '<row Id="2" PostId="3" Text="From a ghost" CreationDate="2020-01-07T11:00:00.000" UserDisplayName="ghost" />',  # noqa: E501
            '<row Id="3" PostId="99" Text="On nothing" CreationDate="2020-01-07T11:00:00.000" UserId="1" />',
            '<row Id="4" PostId="8" Text="On the excerpt" CreationDate="2020-01-07T11:00:00.000" UserId="1" />',  # noqa: E501
            '<row Id="5" PostId="6" Text="Late comment" CreationDate="2020-02-12T11:00:00.000" UserId="9" />',
        ],
    )
    write(
        folder / "Votes.xml",
        "votes",
        [
            '<row Id="1" PostId="1" VoteTypeId="2" CreationDate="2020-01-05T00:00:00.000" />',
            '<row Id="2" PostId="1" VoteTypeId="2" CreationDate="2020-01-06T00:00:00.000" />',
            '<row Id="3" PostId="1" VoteTypeId="3" CreationDate="2020-01-06T00:00:00.000" />',
            '<row Id="4" PostId="3" VoteTypeId="2" CreationDate="2020-01-08T00:00:00.000" />',
            '<row Id="5" PostId="3" VoteTypeId="1" CreationDate="2020-01-08T00:00:00.000" />',
            '<row Id="6" PostId="99" VoteTypeId="2" CreationDate="2020-01-08T00:00:00.000" />',
            '<row Id="7" PostId="6" VoteTypeId="2" CreationDate="2020-02-12T00:00:00.000" />',
            '<row Id="8" PostId="1" VoteTypeId="2" />',
        ],
    )
    write(
        folder / "Tags.xml",
        "tags",
        [
            '<row Id="1" TagName="hops" Count="100" ExcerptPostId="8" WikiPostId="9" />',
            '<row Id="2" TagName="ipa" Count="5" />',
            '<row Id="3" TagName="unused" Count="0" />',
        ],
    )
    return folder
