"""Shared fixtures for the end-to-end and browser tests.

Browser tests drive Debian's Chromium (/usr/bin/chromium) through Playwright against pytest-django's
live server; screenshots are kept under test-output/screenshots/ as test artefacts.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parent.parent / "test-output" / "screenshots"


def _serve_one_request_at_a_time() -> None:
    """pytest-django's live server shares the test's in-memory SQLite connection with every request
    thread; two requests at once (a page and the htmx partials it loads) would use it concurrently
    ("bad parameter or other API misuse"). A non-threaded server handles requests one by one, on the
    server thread, and answers with Connection: close so the browser never waits on a kept-alive
    socket."""
    from django.core.servers.basehttp import WSGIServer
    from django.db import connections
    from django.test.testcases import LiveServerThread

    class SerialWSGIServer(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)  # the server thread already uses the shared connections

        def close_request(self, request):  # as the threaded server does (a no-op for in-memory SQLite)
            connections.close_all()
            super().close_request(request)

    LiveServerThread.server_class = SerialWSGIServer


_serve_one_request_at_a_time()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (make test installs it when run as root)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Shots:
    def __init__(self, page, name: str):
        self.page, self.name, self.n = page, name, 0
        SHOTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, label: str) -> Path:
        self.n += 1
        path = SHOTS / f"{self.name}-{self.n:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True, caret="initial")
        return path


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(f"{pg.url}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.console_errors = errors
    pg.shot = Shots(pg, request.node.name)
    yield pg
    pg.shot("final")
    context.close()


def sign_in(page, username: str, password: str) -> None:
    page.goto("/signin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/signin/" not in url)
