"""The OpenAPI document is a contract: this test fails when it changes without the committed
snapshot (tests/openapi.json) being updated. Update it deliberately with:

    CHRYSALIS_UPDATE_OPENAPI=1 .venv/bin/python -m pytest tests/test_openapi.py
"""

import json
import os
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("openapi.json")


def test_openapi_matches_the_committed_snapshot(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    current = response.json()
    if os.environ.get("CHRYSALIS_UPDATE_OPENAPI") == "1":
        SNAPSHOT.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    assert SNAPSHOT.exists(), "no snapshot: run with CHRYSALIS_UPDATE_OPENAPI=1 once"
    expected = json.loads(SNAPSHOT.read_text())
    assert current == expected, "the API changed: review it, then update the snapshot (see the docstring)"


def test_every_operation_documents_its_errors_and_needs_auth(client):
    spec = client.get("/api/v1/openapi.json").json()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert op.get("security"), f"{method.upper()} {path} is not authenticated"
            assert op.get("summary") or op.get("description"), f"{method.upper()} {path} has no summary"


def test_docs_page_is_served_offline(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
