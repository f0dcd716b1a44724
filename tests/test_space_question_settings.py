"""Space owners set the tag policy and question routing from the space's settings page."""

import pytest

from chrysalis.experts.models import SpaceRoutingSettings
from chrysalis.spaces.models import Space
from chrysalis.testsupport.factories import make_person, make_space

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    owner, member = make_person("olga"), make_person("max")
    return owner, member, make_space(owner, name="Data Guild", members=[member])


def test_owner_sets_tag_policy_and_routing(client, world):
    owner, _member, space = world
    client.force_login(owner)
    page = client.get(f"/spaces/{space.slug}/settings/").content.decode()
    assert "Only existing tags may be used" in page and 'value="3"' in page
    assert client.post(f"/qa/spaces/{space.slug}/tag-policy/", {"restrict_tags": "1"}).status_code == 302
    assert client.post(f"/experts/spaces/{space.slug}/routing/", {"experts_per_question": "5"}).status_code == 302
    assert Space.objects.get(pk=space.pk).restrict_tags is True
    assert SpaceRoutingSettings.objects.get(space=space).experts_per_question == 5
    assert 'value="5"' in client.get(f"/spaces/{space.slug}/settings/").content.decode()


def test_members_and_bad_values_change_nothing(client, world):
    owner, member, space = world
    client.force_login(member)
    client.post(f"/qa/spaces/{space.slug}/tag-policy/", {"restrict_tags": "1"})
    client.post(f"/experts/spaces/{space.slug}/routing/", {"experts_per_question": "5"})
    client.force_login(owner)
    response = client.post(f"/experts/spaces/{space.slug}/routing/", {"experts_per_question": "99"}, follow=True)
    assert "between 0 and 10" in response.content.decode()
    assert Space.objects.get(pk=space.pk).restrict_tags is False
    assert not SpaceRoutingSettings.objects.filter(space=space).exists()


def test_secret_space_settings_are_unknown_to_outsiders(client, world):
    owner, _member, _space = world
    secret = make_space(owner, name="Falcon", visibility="secret")
    client.force_login(make_person("eve"))
    assert client.post(f"/qa/spaces/{secret.slug}/tag-policy/", {"restrict_tags": "1"}).status_code == 404
    assert client.post(f"/experts/spaces/{secret.slug}/routing/", {"experts_per_question": "1"}).status_code == 404
    assert Space.objects.get(pk=secret.pk).restrict_tags is False
