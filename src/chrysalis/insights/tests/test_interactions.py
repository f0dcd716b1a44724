"""The interaction graph read from the database: each kind of interaction, its direction, and
access (private and secret spaces count only for their members; public scope holds neither)."""

import pytest

from chrysalis.insights.interactions import interactions
from chrysalis.posts.actions import add_comment, create_post, delete_post, react
from chrysalis.qa.actions import answer_question, ask_question, vote
from expertise.graph import KINDS, Interactions, pagerank, percentile_of

pytestmark = pytest.mark.django_db


def edges(inter: Interactions) -> set[tuple[int, int, str]]:
    return {(int(s), int(t), KINDS[k]) for s, t, k in zip(inter.source, inter.target, inter.kind, strict=True)}


def test_every_kind_of_interaction_with_its_direction(ana, bob, cy, on_commit):
    q = ask_question(ana, title="How do we rotate the Kafka certificates?", body="Steps please.", tags=["kafka"])
    a = answer_question(bob, q, body="Use the rotation script.")
    vote(ana, a, 1)
    c = add_comment(cy, q, body="Same question here @bob")
    add_comment(ana, q, body="Thanks", parent=c)
    post = create_post(cy, body="Release notes are out")
    react(bob, post=post, kind="like")
    add_comment(cy, post, body="self comments are no interaction")

    assert edges(interactions()) == {
        (ana.pk, bob.pk, "answer"),
        (ana.pk, bob.pk, "vote"),
        (cy.pk, ana.pk, "comment"),
        (cy.pk, bob.pk, "mention"),
        (ana.pk, cy.pk, "reply"),
        (bob.pk, cy.pk, "reaction"),
    }


def test_private_and_secret_spaces_count_for_members_only(ana, bob, cy, private_space, secret_space):
    from chrysalis.spaces.actions import _add_member

    _add_member(private_space, bob)
    create_post(ana, body="secret plan", space=secret_space)
    private_post = create_post(ana, body="private plan", space=private_space)
    add_comment(ana, private_post, body="own")
    add_comment(bob, private_post, body="seen")
    react(ana, post=create_post(bob, body="open news"), kind="like")

    everyone = edges(interactions())
    assert everyone == {(ana.pk, bob.pk, "reaction")}
    assert edges(interactions(bob)) == {(ana.pk, bob.pk, "reaction"), (bob.pk, ana.pk, "comment")}
    assert edges(interactions(cy)) == everyone  # not a member of either


def test_removed_content_is_no_interaction(ana, bob):
    post = create_post(ana, body="soon gone")
    add_comment(bob, post, body="a comment")
    delete_post(ana, post)
    assert len(interactions()) == 0


def test_pagerank_follows_attention_and_percentiles_count_ties_as_half():
    # 1, 2 and 3 all rely on 4; 4 relies on 1.
    inter = Interactions.from_rows(
        [(1, 4, "answer", 0.0, None), (2, 4, "answer", 0.0, None), (3, 4, "comment", 0.0, None),
         (4, 1, "reaction", 0.0, None), (5, 5, "comment", 0.0, None)]
    )
    scores = pagerank(inter)
    assert set(scores) == {1, 2, 3, 4}  # the self-interaction is dropped
    assert max(scores, key=scores.get) == 4
    assert scores[1] > scores[2] == pytest.approx(scores[3])
    assert sum(scores.values()) == pytest.approx(1.0)
    assert percentile_of(scores, 4) == 100.0
    assert percentile_of(scores, 2) == pytest.approx(100 * 0.5 / 3)  # below none, tied with 3
    assert percentile_of(scores, 99) is None
