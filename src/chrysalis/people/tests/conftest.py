import pytest

from chrysalis.people.actions import create_api_token
from chrysalis.testsupport.factories import make_person


@pytest.fixture(autouse=True)
def _media_and_hashing(settings, tmp_path):
    """Uploaded files go to a per-test folder."""
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def indexed(monkeypatch):
    """Records the people handed to the search index (the real indexer is another app's)."""
    calls: list[int] = []
    monkeypatch.setattr("chrysalis.search.indexing.index_person", lambda pk: calls.append(pk))
    return calls


@pytest.fixture
def alice(db):
    return make_person("alice", display_name="Alice Martin", title="Staff Engineer", location="Paris")


@pytest.fixture
def api(client, alice):
    """A test client speaking to the API as alice through a personal access token."""
    _, secret = create_api_token(alice, name="tests")

    class Api:
        def __init__(self):
            self.headers = {"Authorization": f"Bearer {secret}"}
            self.secret = secret

        def get(self, url, **kw):
            return client.get("/api/v1" + url, headers=self.headers, **kw)

        def delete(self, url):
            return client.delete("/api/v1" + url, headers=self.headers)

        def post(self, url, data=None):
            return client.post(
                "/api/v1" + url, data=data or {}, content_type="application/json", headers=self.headers
            )

        def patch(self, url, data):
            return client.patch(
                "/api/v1" + url, data=data, content_type="application/json", headers=self.headers
            )

    return Api()
