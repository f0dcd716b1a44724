import json

import pytest

from chrysalis.spaces.models import Invitation, JoinRequest, Membership, Space
from chrysalis.testsupport.factories import make_person, make_space


@pytest.fixture
def owner(db):
    return make_person("olivia", display_name="Olivia Owner")


@pytest.fixture
def alice(db):
    return make_person("alice", display_name="Alice Member")


@pytest.fixture
def bob(db):
    return make_person("bob", display_name="Bob Outsider")


@pytest.fixture
def spaces(owner, alice):
    """One space of each kind, owned by olivia, with alice as a plain member."""
    return {
        "open": make_space(owner, "Open Garden", "open", members=[alice]),
        "private": make_space(owner, "Private Lab", "private", members=[alice]),
        "secret": make_space(owner, "Secret Project", "secret", members=[alice]),
    }


def snapshot():
    """Everything a membership flow can change, to assert that a refusal changed nothing."""
    return (
        sorted(Membership.objects.values_list("space_id", "user_id", "role")),
        sorted(Invitation.objects.values_list("space_id", "user_id")),
        sorted(JoinRequest.objects.values_list("space_id", "user_id", "status")),
        sorted(Space.objects.values_list("pk", "name", "description", "visibility")),
    )


class Api:
    """JSON API client signed in as `user` (a personal token when people.actions offers them,
    the session otherwise)."""

    def __init__(self, client, user):
        self.client = client
        self.headers = {}
        try:
            from chrysalis.people.actions import create_api_token
        except ImportError:
            create_api_token = None
        if create_api_token is not None:
            _, secret = create_api_token(user, name="tests")
            self.headers = {"Authorization": f"Bearer {secret}"}
        else:
            client.force_login(user)

    def _call(self, method, path, body=None, raw=None):
        kwargs = {"headers": self.headers}
        if body is not None or raw is not None:
            kwargs["data"] = raw if raw is not None else json.dumps(body)
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(f"/api/v1{path}", **kwargs)

    def get(self, path):
        return self._call("get", path)

    def post(self, path, body=None, raw=None):
        return self._call("post", path, body, raw)

    def patch(self, path, body=None, raw=None):
        return self._call("patch", path, body, raw)

    def delete(self, path):
        return self._call("delete", path)


@pytest.fixture
def api_as(client):
    def make(user):
        return Api(client, user)

    return make
