"""Plain helpers that build test state. People come from the ORM's create_user (there is no
self-sign-up); everything else through the real actions."""

from itertools import count

from chrysalis.people.models import Department, User

_seq = count(1)
PASSWORD = "correct horse battery"


def make_department(name: str = "Engineering", parent: Department | None = None) -> Department:
    from django.utils.text import slugify

    return Department.objects.create(name=name, slug=f"{slugify(name)}-{next(_seq)}", parent=parent)


def make_person(username: str | None = None, **fields) -> User:
    username = username or f"person{next(_seq)}"
    fields.setdefault("display_name", username.replace("_", " ").title())
    return User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@example.com", **fields)


def make_space(owner: User, name: str = "Space", visibility: str = "open", members=()):
    from chrysalis.spaces.actions import _add_member, create_space

    space = create_space(owner, name=name, visibility=visibility)
    for m in members:
        _add_member(space, m)
    return space


def api_headers(user) -> dict:
    """Authorization headers with a new personal access token of `user`."""
    from chrysalis.people.actions import create_api_token

    _token, secret = create_api_token(user, name="tests")
    return {"Authorization": f"Bearer {secret}"}
