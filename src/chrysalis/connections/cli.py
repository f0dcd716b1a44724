"""`chrysalis people suggest`: people you should know, from the command line.

    chrysalis people suggest USERNAME [--limit N] [--json]
    chrysalis people suggest --batch PEOPLE.jsonl [--limit N]

USERNAME may also be an external id ("se:123" for an imported Stack Exchange user). Suggestions
are what that person would see: only content they may read is used. A batch line is a JSON object
`{"id": ..., "person": "se:<id>" or a username, "as_of": ISO 8601}` (as_of optional: now); each
line is answered as of its own time, using nothing created at or after it (people, posts, comments,
reactions, votes, follows, memberships, routing requests, dismissals), and prints
`{"id": ..., "people": [{"external_id": ..., "username": ..., "name": ..., "why": ...}]}`.
A person unknown (or not yet there) as of that time gets `"people": []` and an "error" field.
Exit code 2 on bad input, naming the line.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import datetime

from chrysalis.experts.cli import BadInput, parse_created


@dataclass
class BatchPerson:
    id: object
    person: str
    as_of: datetime | None


def parse_line(text: str) -> BatchPerson:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise ValueError("expected a JSON object")
    if "id" not in obj or not isinstance(obj["id"], str | int) or isinstance(obj["id"], bool):
        raise ValueError("'id' is missing or not a string or integer")
    person = obj.get("person")
    if not isinstance(person, str) or not person.strip():
        raise ValueError("'person' must be a username or an external id such as \"se:123\"")
    try:
        as_of = parse_created(obj.get("as_of"))
    except ValueError as exc:
        raise ValueError(str(exc).replace("'created'", "'as_of'")) from None
    return BatchPerson(obj["id"], person.strip(), as_of)


def read_batch(path: str) -> list[BatchPerson]:
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


def suggest(ref: str, as_of: datetime | None, limit: int) -> tuple[list[dict], str | None]:
    from chrysalis.connections.queries import people_you_should_know, person_for

    viewer = person_for(ref, as_of)
    if viewer is None:
        when = f" as of {as_of.isoformat()}" if as_of else ""
        return [], f"no active person {ref!r}{when}"
    found = people_you_should_know(viewer, as_of=as_of, limit=limit)
    return [
        {
            "external_id": s.person.external_id,
            "username": s.person.username,
            "name": s.person.name,
            "why": s.why,
            "topics": s.topics,
            "score": round(s.score, 4),
        }
        for s in found
    ], None


def run(args) -> int:
    try:
        if args.batch and args.person:
            raise BadInput("give either USERNAME or --batch FILE, not both")
        if not args.batch and not args.person:
            raise BadInput("give a USERNAME (or external id) or --batch FILE")
        if args.limit < 1 or args.limit > 50:
            raise BadInput("--limit must be between 1 and 50")
        lines = read_batch(args.batch) if args.batch else None
    except BadInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = sys.stdout
    if lines is None:
        people, error = suggest(args.person, None, args.limit)
        if error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        if args.json:
            out.write(json.dumps({"person": args.person, "people": people}) + "\n")
        elif not people:
            print("No one to suggest yet.")
        for i, p in enumerate([] if args.json else people, 1):
            print(f"{i:>3}. {p['name']} (@{p['username']})\n     {p['why']}")
        out.flush()
        return 0
    for line in lines:
        people, error = suggest(line.person, line.as_of, args.limit)
        rec: dict = {"id": line.id, "people": people}
        if error:
            rec["error"] = error
        out.write(json.dumps(rec) + "\n")
    out.flush()
    return 0


def add_parser(sub) -> None:
    """Adds `people suggest` (and the `people` command if nobody added it yet)."""
    import argparse

    people = sub.choices.get("people")
    if people is None:
        people = sub.add_parser("people", help="people: suggestions of people you should know")
        psub = people.add_subparsers(dest="people_command", required=True)
    else:  # another app added `people`: add to its sub-commands
        psub = next(a for a in people._actions if isinstance(a, argparse._SubParsersAction))
    p = psub.add_parser(
        "suggest",
        help="people you should know, with the reason (one person, or a batch as of given times)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("person", nargs="?", metavar="USERNAME")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--batch", metavar="PEOPLE.jsonl", help="one JSON object per line ('-' = stdin)")
    return p
