"""The access door, for open/private/secret spaces x member/non-member/invitee/inactive/anonymous."""

import pytest
from django.contrib.auth.models import AnonymousUser

from chrysalis.spaces import queries
from chrysalis.spaces.actions import invite_to_space
from chrysalis.spaces.models import Space
from chrysalis.testsupport.factories import make_person

# viewer -> {visibility: (knows, reads, posts, moderates)}
EXPECTED = {
    "owner": {"open": (1, 1, 1, 1), "private": (1, 1, 1, 1), "secret": (1, 1, 1, 1)},
    "member": {"open": (1, 1, 1, 0), "private": (1, 1, 1, 0), "secret": (1, 1, 1, 0)},
    "outsider": {"open": (1, 1, 0, 0), "private": (1, 0, 0, 0), "secret": (0, 0, 0, 0)},
    "invitee": {"open": (1, 1, 0, 0), "private": (1, 0, 0, 0), "secret": (1, 0, 0, 0)},
    "inactive": {"open": (0, 0, 0, 0), "private": (0, 0, 0, 0), "secret": (0, 0, 0, 0)},
    "anonymous": {"open": (0, 0, 0, 0), "private": (0, 0, 0, 0), "secret": (0, 0, 0, 0)},
}


@pytest.fixture
def viewers(owner, alice, bob, spaces):
    invitee = make_person("ivy")
    for space in spaces.values():
        invite_to_space(owner, space, invitee)
    inactive = make_person("ingrid")
    for space in spaces.values():
        from chrysalis.spaces.actions import _add_member

        _add_member(space, inactive)
    inactive.is_active = False
    inactive.save()
    return {
        "owner": owner,
        "member": alice,
        "outsider": bob,
        "invitee": invitee,
        "inactive": inactive,
        "anonymous": AnonymousUser(),
    }


@pytest.mark.parametrize("who", list(EXPECTED))
@pytest.mark.parametrize("visibility", ["open", "private", "secret"])
def test_door(viewers, spaces, who, visibility):
    # Given a space of this kind and a viewer of this kind
    viewer, space = viewers[who], spaces[visibility]
    knows, reads, posts, moderates = EXPECTED[who][visibility]
    # Then every function of the door agrees with the rule
    assert Space.objects.filter(queries.known_spaces_q(viewer), pk=space.pk).exists() == bool(knows)
    assert queries.can_read_space(viewer, space) == bool(reads)
    assert queries.can_post_in(viewer, space) == bool(posts)
    assert queries.can_moderate(viewer, space) == bool(moderates)
    assert Space.objects.filter(queries.readable_spaces_q(viewer), pk=space.pk).exists() == bool(reads)
    # content_visible_q over a model with a space FK: Membership's space relation stands in for posts
    from chrysalis.spaces.models import Membership

    rows = Membership.objects.filter(space=space)
    assert rows.filter(queries.content_visible_q(viewer)).exists() == bool(reads)
    # access() computes the same answers, with and without the list annotations
    for acc in (queries.access(viewer, space), _annotated_access(viewer, space)):
        assert (acc.can_read, acc.can_post, acc.can_moderate) == (bool(reads), bool(posts), bool(moderates))
    # get_known_space: known or NotFound, never anything in between
    if knows:
        assert queries.get_known_space(viewer, space.slug) == space
    else:
        from chrysalis.core.errors import NotFound

        with pytest.raises(NotFound, match="No such space."):
            queries.get_known_space(viewer, space.slug)


def _annotated_access(viewer, space):
    annotated = queries.annotate_viewer(Space.objects.filter(pk=space.pk), viewer).get()
    queries._mark([annotated], viewer)
    return queries.access(viewer, annotated)


def test_company_feed_content_is_for_every_active_person(viewers):
    assert queries.can_read_space(viewers["outsider"], None)
    assert queries.can_post_in(viewers["outsider"], None)
    assert not queries.can_moderate(viewers["outsider"], None)
    assert not queries.can_read_space(viewers["inactive"], None)
    assert not queries.can_read_space(viewers["anonymous"], None)


def test_content_visible_q_keeps_company_posts_and_applies_the_rule(viewers, spaces, owner):
    # Given notifications (a model with a nullable space FK) in each kind of space and none
    from chrysalis.notifications.models import Notification

    bob = viewers["outsider"]
    for space in [None, *spaces.values()]:
        Notification.objects.create(recipient=bob, actor=owner, verb="new_member", space=space)
    # When filtered through the door for bob, then only company and open rows remain
    visible = Notification.objects.filter(queries.content_visible_q(bob))
    assert sorted((n.space.visibility if n.space else "company") for n in visible) == ["company", "open"]
    # and a nested relation works too (space reached through another FK)
    assert Notification.objects.filter(queries.content_visible_q(viewers["anonymous"])).count() == 0


def test_staff_moderate_known_spaces_but_still_do_not_know_secret_ones(spaces):
    staff = make_person("sam", is_staff=True)
    assert queries.can_moderate(staff, spaces["private"])
    assert not Space.objects.filter(queries.known_spaces_q(staff), pk=spaces["secret"].pk).exists()
    assert not queries.can_read_space(staff, spaces["private"])


def test_readers_among(viewers, spaces):
    ids = [v.pk for k, v in viewers.items() if k != "anonymous"]
    owner, member, outsider, invitee = (viewers[k].pk for k in ("owner", "member", "outsider", "invitee"))
    assert queries.readers_among(spaces["open"], ids) == {owner, member, outsider, invitee}
    assert queries.readers_among(None, ids) == {owner, member, outsider, invitee}
    assert queries.readers_among(spaces["private"], ids) == {owner, member}
    assert queries.readers_among(spaces["secret"], ids) == {owner, member}
    assert queries.readers_among(spaces["secret"], []) == set()


def test_leaving_takes_access_away(spaces, alice):
    from chrysalis.spaces.actions import leave_space

    leave_space(alice, spaces["secret"])
    assert not queries.can_read_space(alice, spaces["secret"])
    assert not Space.objects.filter(queries.known_spaces_q(alice), pk=spaces["secret"].pk).exists()
