"""Distinct readers: the post, question and article pages record a person's first read of each post
they show, once; authors' own reads and posts a reader may not read are never recorded."""

import pytest

from chrysalis.posts.actions import create_post, delete_post, record_read, record_reads
from chrysalis.posts.models import PostRead
from chrysalis.qa.actions import accept_answer, answer_question, ask_question, create_article

pytestmark = pytest.mark.django_db


def reads():
    return sorted(PostRead.objects.values_list("post_id", "user__username"))


def test_the_post_page_records_one_read_per_person(client, ana, bob, cy):
    post = create_post(ana, body="Release notes")
    client.force_login(bob)
    assert client.get(f"/posts/{post.pk}/").status_code == 200
    first = PostRead.objects.get(post=post, user=bob).first_read_at
    client.get(f"/posts/{post.pk}/")  # reading again changes nothing, not even the time
    assert reads() == [(post.pk, "bob")]
    assert PostRead.objects.get(post=post, user=bob).first_read_at == first
    client.force_login(ana)  # the author's own reads do not count
    client.get(f"/posts/{post.pk}/")
    client.force_login(cy)
    client.get(f"/posts/{post.pk}/")
    assert reads() == [(post.pk, "bob"), (post.pk, "cy")]


def test_the_question_page_records_the_question_and_its_answers(client, ana, bob, cy):
    q = ask_question(ana, title="Where is the VPN guide?", body="?", tags=["vpn"])
    answer_question(bob, q, body="In the wiki.")
    a2 = answer_question(cy, q, body="Ask IT.")
    client.force_login(bob)
    assert client.get(f"/qa/{q.pk}/").status_code == 200
    assert reads() == sorted([(q.pk, "bob"), (a2.pk, "bob")])  # not bob's own answer


def test_the_article_page_records_the_article(client, ana, bob, cy):
    q = ask_question(ana, title="Where is the VPN guide?", body="?", tags=["vpn"])
    accept_answer(ana, answer_question(bob, q, body="In the wiki."))
    art = create_article(bob, q, title="The VPN guide", body="In the wiki.")
    client.force_login(cy)
    assert client.get(f"/qa/articles/{art.pk}/").status_code == 200
    assert reads() == [(art.pk, "cy")]


def test_unreadable_and_removed_posts_are_never_recorded(client, ana, bob, cy, private_space, secret_space):
    hidden = create_post(ana, body="Board minutes", space=private_space)
    secret = create_post(ana, body="Skunkworks plans", space=secret_space)
    gone = create_post(ana, body="Oops")
    delete_post(ana, gone)
    client.force_login(bob)
    assert client.get(f"/posts/{hidden.pk}/").status_code == 404
    assert client.get(f"/posts/{secret.pk}/").status_code == 404
    assert client.get(f"/posts/{gone.pk}/").status_code == 404
    # the action itself refuses them too, and writes nothing
    gone.refresh_from_db()
    assert record_reads(bob, [hidden, secret, gone]) == 0
    assert record_read(ana, hidden) == 0  # the author
    assert reads() == []


def test_a_member_reading_a_private_post_is_recorded(ana, bob, private_space):
    from chrysalis.spaces.actions import _add_member

    _add_member(private_space, bob)
    post = create_post(ana, body="Board minutes", space=private_space)
    assert record_read(bob, post) == 1
    assert record_read(bob, post) == 1  # offered again, ignored by the database
    assert reads() == [(post.pk, "bob")]
