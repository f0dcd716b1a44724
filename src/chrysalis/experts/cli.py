"""`chrysalis experts`: expert search from the command line, one question or a batch (JSON lines).

    chrysalis experts "QUESTION TEXT" [--tags a,b] [--limit N] [--json] [--as USERNAME]
    chrysalis experts --batch QUESTIONS.jsonl [--limit N] [--as USERNAME]
    chrysalis experts --rebuild

Without --as, the command ranks as any signed-in person would: only evidence from the company feed
and open spaces is used. A batch question ranks people as of its `created` time: nothing created at
or after it is used (the index's time slices). Exit code 2 on bad input, naming the line.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime


class BadInput(Exception):
    pass


@dataclass
class BatchQuestion:
    id: object
    title: str
    body: str
    tags: tuple[str, ...]
    asker: str | None
    created: datetime | None


def parse_created(value) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("'created' must be an ISO 8601 date-time string")
    try:
        d = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"'created' is not an ISO 8601 date-time: {value[:40]!r}") from None
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def parse_line(text: str) -> BatchQuestion:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise ValueError("expected a JSON object")
    if "id" not in obj or not isinstance(obj["id"], str | int) or isinstance(obj["id"], bool):
        raise ValueError("'id' is missing or not a string or integer")
    title, body = obj.get("title", ""), obj.get("body", "")
    if not isinstance(title, str) or not isinstance(body, str):
        raise ValueError("'title' and 'body' must be strings")
    if not (title.strip() or body.strip()):
        raise ValueError("the question has neither a title nor a body")
    tags = obj.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ValueError("'tags' must be a list of strings")
    asker = obj.get("asker")
    if asker is not None and not isinstance(asker, str):
        raise ValueError("'asker' must be a string or null")
    return BatchQuestion(obj["id"], title, body, tuple(tags), asker, parse_created(obj.get("created")))


def read_batch(path: str) -> list[BatchQuestion]:
    out = []
    try:
        fh = sys.stdin if path == "-" else open(path, encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc.strerror}") from None
    with fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                out.append(parse_line(line))
            except ValueError as exc:
                raise BadInput(f"{path}: line {n}: {exc}") from None
    return out


def run(args) -> int:
    from chrysalis.experts import engine
    from chrysalis.experts.queries import cli_context

    if args.rebuild:
        stats = engine.rebuild(progress=not args.quiet)
        print(json.dumps(stats))
        return 0
    try:
        if args.batch:
            if args.text:
                raise BadInput("give either QUESTION TEXT or --batch FILE, not both")
            questions = read_batch(args.batch)
        elif args.text:
            tags = tuple(t.strip() for t in (args.tags or "").split(",") if t.strip())
            questions = [BatchQuestion(None, " ".join(args.text), "", tags, None, None)]
        else:
            raise BadInput("give a QUESTION TEXT, --batch FILE or --rebuild")
        if args.limit < 1 or args.limit > 1000:
            raise BadInput("--limit must be between 1 and 1000")
        ctx = cli_context(getattr(args, "as_user", None))
    except BadInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = sys.stdout
    for q in questions:
        hits = ctx.rank(q.title, q.body, q.tags, q.asker, q.created, args.limit)
        if args.batch or args.json:
            rec = {"id": q.id, "experts": hits} if args.batch else {"query": q.title, "experts": hits}
            out.write(json.dumps(rec, default=str) + "\n")
        else:
            if not hits:
                print("Nobody found for this question.")
            for i, h in enumerate(hits, 1):
                print(f"{i:>3}. {h['name']} (@{h['username']}) score {h['score']:.3f}\n     {h['why']}")
    out.flush()
    return 0


def add_parser(sub) -> None:
    import argparse

    p = sub.add_parser(
        "experts",
        help="who knows about a question: expert search (one question or a batch)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("text", nargs="*", metavar="QUESTION TEXT")
    p.add_argument("--tags", help="comma-separated tags")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--batch", metavar="QUESTIONS.jsonl", help="one JSON question per line ('-' = stdin)")
    p.add_argument("--as", dest="as_user", metavar="USERNAME", help="rank as this person would see it")
    p.add_argument("--rebuild", action="store_true", help="rebuild the expertise index from the database")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
