import pytest

from chrysalis.core.errors import Invalid
from chrysalis.posts import actions
from chrysalis.posts.models import Attachment, Post

from .conftest import Upload, office_bytes, png_bytes

pytestmark = pytest.mark.django_db


def stored_files(media):
    return sorted(p.name for p in media.rglob("*") if p.is_file()) if media.exists() else []


def test_accepted_files_are_stored_with_detected_types(ana, media):
    post = actions.create_post(
        ana,
        body="files",
        files=[
            Upload("chart.png", png_bytes()),
            Upload("notes.md", b"# Notes\nplain text"),
            Upload("report.pdf", b"%PDF-1.7\n..."),
            Upload("plan.docx", office_bytes("docx")),
            Upload("sheet.xlsx", office_bytes("xlsx")),
        ],
    )
    rows = list(post.attachments.order_by("pk").values_list("original_name", "content_type", "size"))
    assert [r[0] for r in rows] == ["chart.png", "notes.md", "report.pdf", "plan.docx", "sheet.xlsx"]
    assert rows[0][1] == "image/png" and rows[2][1] == "application/pdf"
    assert rows[3][1].endswith("wordprocessingml.document")
    assert len(stored_files(media)) == 5


@pytest.mark.parametrize(
    "upload, message",
    [
        (Upload("evil.html", b"<script>alert(1)</script>"), "not accepted"),
        (Upload("photo.png", b"<script>alert(1)</script>"), "does not contain what its name says"),
        (Upload("fake.pdf", png_bytes()), "does not contain what its name says"),
        (Upload("photo.jpg", png_bytes()), "does not contain what its name says"),
        (Upload("doc.docx", b"PK\x03\x04garbage"), "does not contain what its name says"),
        (Upload("zip.docx", office_bytes("xlsx")), "does not contain what its name says"),
        (Upload("binary.txt", b"\x00\x01\x02"), "does not contain what its name says"),
        (Upload("noext", b"hello"), "not accepted"),
        (Upload("empty.txt", b""), "is empty"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(ana, media, upload, message):
    with pytest.raises(Invalid, match=message):
        actions.create_post(ana, body="files", files=[Upload("ok.txt", b"fine"), upload])
    assert Post.objects.count() == 0 and Attachment.objects.count() == 0
    assert stored_files(media) == []


def test_oversized_file_is_refused(ana, media, settings):
    settings.CHRYSALIS_MAX_ATTACHMENT_BYTES = 1000
    with pytest.raises(Invalid, match="too large"):
        actions.create_post(ana, body="big", files=[Upload("big.txt", b"a" * 1001)])
    assert Post.objects.count() == 0 and stored_files(media) == []


def test_at_most_five_files(ana, media):
    with pytest.raises(Invalid, match="at most 5 files"):
        actions.create_post(ana, body="many", files=[Upload(f"f{i}.txt", b"x") for i in range(6)])
    post = actions.create_post(ana, body="some", files=[Upload(f"f{i}.txt", b"x") for i in range(4)])
    with pytest.raises(Invalid, match="at most 5 files"):
        actions.add_attachments(ana, post, [Upload("a.txt", b"x"), Upload("b.txt", b"x")])
    assert post.attachments.count() == 4


def test_files_are_cleaned_up_when_the_transaction_fails(ana, media, monkeypatch):
    from chrysalis.posts import actions as mod

    def boom(*a, **k):
        raise RuntimeError("database went away")

    monkeypatch.setattr(mod, "_notify_mentions", boom)
    with pytest.raises(RuntimeError):
        actions.create_post(ana, body="x", files=[Upload("a.txt", b"hello")])
    assert Post.objects.count() == 0 and stored_files(media) == []


def test_download_is_access_checked(client, ana, bob, private_space):
    public = actions.create_post(
        ana, body="p", files=[Upload("pic.png", png_bytes()), Upload("a.csv", b"a,b\n1,2\n")]
    )
    hidden = actions.create_post(
        ana, body="p", space=private_space, files=[Upload("board.txt", b"secret plan")]
    )
    img, csv = public.attachments.order_by("pk")
    secret = hidden.attachments.get()

    client.force_login(bob)
    r = client.get(f"/posts/files/{img.pk}/")
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Security-Policy"].startswith("default-src 'none'")
    assert "attachment" not in r.get("Content-Disposition", "")
    r = client.get(f"/posts/files/{csv.pk}/")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    assert b"".join(r.streaming_content) == b"a,b\n1,2\n"

    r = client.get(f"/posts/files/{secret.pk}/")
    assert r.status_code == 404 and b"secret plan" not in r.content
    client.force_login(ana)
    assert client.get(f"/posts/files/{secret.pk}/").status_code == 200

    actions.delete_post(ana, public)
    client.force_login(bob)
    assert client.get(f"/posts/files/{img.pk}/").status_code == 404
