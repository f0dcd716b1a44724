"""The API's error contract: JSON bodies with a reason, the right status, nothing written."""

import pytest

from chrysalis.people.actions import create_api_token
from chrysalis.posts.models import Post
from chrysalis.testsupport.factories import make_person


@pytest.fixture
def auth(db):
    _, secret = create_api_token(make_person("erin"), name="tests")
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize(
    "body, status, detail",
    [
        ("{bad", 400, "The request body is not valid JSON."),
        ('{"body": ""}', 422, "The post cannot be empty."),
        ('{"body": "hi", "bogus": 1}', 422, "Invalid input."),
        ("[]", 422, "Invalid input."),
    ],
)
def test_bad_post_bodies_are_refused_with_a_reason_and_write_nothing(client, auth, body, status, detail):
    response = client.post("/api/v1/posts", data=body, content_type="application/json", headers=auth)
    assert response.status_code == status
    assert response.json()["detail"] == detail
    assert Post.objects.count() == 0


def test_unknown_token_is_401_json(client, db):
    response = client.get("/api/v1/people", headers={"Authorization": "Bearer chr_nope"})
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication required: send 'Authorization: Bearer <token>'."}


def test_session_writes_need_the_csrf_token(db):
    from django.test import Client

    person = make_person("frank")
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    response = client.post("/api/v1/posts", data='{"body": "hello"}', content_type="application/json")
    assert response.status_code == 403
    assert Post.objects.count() == 0
