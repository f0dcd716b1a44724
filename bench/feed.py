"""Home-feed and search latency on a big demo organisation (a benchmark that prints figures, not a test).

    .venv/bin/python bench/feed.py [--data DIR] [--people N] [--requests N]

If the data folder has no organisation yet, it first runs `chrysalis demo --people N` there (with its
progress bars) and reports the wall time. Then, for a handful of real users, it measures GET / and
GET /search/?q=<realistic terms>:
  (a) in-process through the Django test client;
  (b) through the real server (`chrysalis serve --no-worker`) started as a subprocess, signed in via
      the login form, over one keep-alive HTTP connection per user.
It prints p50/p95/mean latencies, the status codes seen, and the database size.
"""

import argparse
import http.client
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
TERMS = [
    "kubernetes",
    "postgres upgrade",
    "renewal",
    "gdpr",
    "onboarding",
    "api rate limit",
    "phishing",
    "budget",
    "python",
    "customer story",
    "laptop",
    "incident",
]
PASSWORD = "chrysalis-demo"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default="var/bench-100k", help="data folder (default ./var/bench-100k)")
    p.add_argument(
        "--people", type=int, default=100_000, help="people in the demo built when the folder is empty"
    )
    p.add_argument("--requests", type=int, default=200, help="measured requests per endpoint and mode")
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--users", type=int, default=5, help="how many real users to cycle through")
    p.add_argument("--seed", type=int, default=1)
    return p.parse_args()


def people_in(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db) as con:
            return con.execute("SELECT count(*) FROM people_user").fetchone()[0]
    except sqlite3.Error:
        return 0


def ensure_demo(data: Path, people: int, seed: int) -> float | None:
    db = data / "chrysalis.sqlite3"
    if people_in(db):
        return None
    data.mkdir(parents=True, exist_ok=True)
    print(f"Building the demo organisation ({people} people) in {data} …", flush=True)
    env = {**os.environ, "CHRYSALIS_DATA_DIR": str(data)}
    env.pop("DATABASE_URL", None)
    started = time.monotonic()
    subprocess.run(
        [str(BIN / "chrysalis"), "demo", "--people", str(people), "--seed", str(seed)], env=env, check=True
    )
    took = time.monotonic() - started
    print(f"`chrysalis demo --people {people}` took {took:.1f} s wall time\n", flush=True)
    return took


def pick_users(n: int) -> list[str]:
    """The administrator plus active people with many follows and spaces (a realistic, busy home feed)."""
    from django.db.models import Count

    from chrysalis.people.models import User

    busy = (
        User.objects.exclude(username="admin")
        .annotate(f=Count("following_links", distinct=True))
        .order_by("-f", "pk")
        .values_list("username", flat=True)[: max(0, n - 1)]
    )
    return ["admin", *busy]


def stats(samples: list[float]) -> dict:
    ms = sorted(s * 1000 for s in samples)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return {"p50": q[49], "p95": q[94], "mean": statistics.fmean(ms), "n": len(ms)}


def urls(n: int) -> list[tuple[str, str]]:
    out = []
    for i in range(n):
        out.append(("home /", "/"))
        out.append(("search", "/search/?" + urllib.parse.urlencode({"q": TERMS[i % len(TERMS)]})))
    return out


def bench_client(usernames: list[str], requests: int, warmup: int) -> dict:
    from django.test import Client

    from chrysalis.people.models import User

    clients = []
    for name in usernames:
        c = Client()
        c.force_login(User.objects.get(username=name))
        clients.append(c)
    results: dict[str, list[float]] = {"home /": [], "search": []}
    codes: dict[str, dict[int, int]] = {"home /": {}, "search": {}}
    for i, (label, url) in enumerate(urls(warmup + requests)):
        c = clients[(i // 2) % len(clients)]
        t = time.perf_counter()
        r = c.get(url)
        took = time.perf_counter() - t
        if i // 2 >= warmup:
            results[label].append(took)
            codes[label][r.status_code] = codes[label].get(r.status_code, 0) + 1
    return {k: {**stats(v), "codes": codes[k]} for k, v in results.items()}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Session:
    """One keep-alive connection with a cookie jar, signed in through the login form."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.reconnects = 0

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Connection": "keep-alive",
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            r = self.conn.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            self.reconnects += 1  # the server closed an idle keep-alive connection: reconnect once
            self.conn.close()
            self.conn.request(method, path, body=body, headers=headers)
            r = self.conn.getresponse()
        data = r.read()
        for h in r.headers.get_all("Set-Cookie") or []:
            k, _, rest = h.partition("=")
            self.cookies[k.strip()] = rest.split(";", 1)[0]
        return r.status, data

    def sign_in(self, username: str) -> None:
        _, page = self.request("GET", "/signin/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        )
        status, _ = self.request("POST", "/signin/", body)
        if status != 302:
            raise SystemExit(f"sign-in as {username} failed (HTTP {status})")


def bench_server(data: Path, usernames: list[str], requests: int, warmup: int) -> dict:
    port = free_port()
    env = {**os.environ, "CHRYSALIS_DATA_DIR": str(data)}
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [str(BIN / "chrysalis"), "serve", "--no-worker", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start:\n" + server.stderr.read().decode()[-2000:])
            time.sleep(0.3)
        sessions = []
        for name in usernames:
            s = Session(port)
            s.sign_in(name)
            sessions.append(s)
        results: dict[str, list[float]] = {"home /": [], "search": []}
        codes: dict[str, dict[int, int]] = {"home /": {}, "search": {}}
        for i, (label, url) in enumerate(urls(warmup + requests)):
            s = sessions[(i // 2) % len(sessions)]
            t = time.perf_counter()
            status, _ = s.request("GET", url)
            took = time.perf_counter() - t
            if i // 2 >= warmup:
                results[label].append(took)
                codes[label][status] = codes[label].get(status, 0) + 1
        return {k: {**stats(v), "codes": codes[k]} for k, v in results.items()}
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


def size_of(data: Path) -> str:
    total = sum(p.stat().st_size for p in data.glob("chrysalis.sqlite3*"))
    return f"{total / 1024 / 1024:,.1f} MiB"


def main() -> None:
    args = parse_args()
    data = Path(args.data).resolve()
    built = ensure_demo(data, args.people, args.seed)
    os.environ["CHRYSALIS_DATA_DIR"] = str(data)
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "chrysalis.config.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)  # as every `chrysalis` command does
    from chrysalis.people.models import User
    from chrysalis.posts.models import Post

    usernames = pick_users(args.users)
    print(
        f"Data: {data}  people={User.objects.count():,}  posts={Post.objects.count():,}  "
        f"database={size_of(data)}"
    )
    print(
        f"Users: {', '.join(usernames)}; {args.requests} measured requests per row "
        f"after {args.warmup} warm-up\n",
        flush=True,
    )
    rows = []
    for label, res in (
        ("test client", bench_client(usernames, args.requests, args.warmup)),
        ("real server", bench_server(data, usernames, args.requests, args.warmup)),
    ):
        for endpoint, r in res.items():
            rows.append((label, endpoint, r))
    print(f"{'mode':<12} {'endpoint':<8} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8} {'n':>5}  status codes")
    for label, endpoint, r in rows:
        codes = ", ".join(f"{k}x{v}" for k, v in sorted(r["codes"].items()))
        print(
            f"{label:<12} {endpoint:<8} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['mean']:>8.1f} "
            f"{r['n']:>5}  {codes}"
        )
    print(f"\nDatabase size: {size_of(data)}" + (f"; demo build took {built:.1f} s" if built else ""))


if __name__ == "__main__":
    main()
