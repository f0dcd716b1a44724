"""The bridge between the database and the pure-Python expertise engine (`src/expertise`).

Evidence
--------
Every live (not removed) post and comment becomes one `expertise.Evidence`, keyed "p<pk>" / "c<pk>":
- question -> "question" (interest, never expertise); its text is joined to its answers' documents;
- answer -> "answer", or "accepted_answer" when its question accepts it; score = Post.score (the sum
  of the Vote rows: the current score, a mild leak of later votes that we accept);
- article -> "article"; post -> "post" (half an answer's weight);
- a "not my area" decline of a routed question -> "decline", keyed "d<routing request pk>": the
  question's text as the person's, never expertise; it feeds the ranker's learned `declined` feature,
  so the model, not a rule, decides how much a decline of a similar question lowers a person;
- comment -> "comment" (a quarter of an answer's weight). A comment on a question is attached to the
  question (its document includes the question's text), like a short answer; elsewhere it carries its
  post's title and tags. In the demo organisation, where most content is posts and comments, these
  weaker kinds are what expertise is made of; on an imported Q&A site answers dominate.
Visibility key: "space:<id>" for content in a space, None for the company feed; the caller passes the
set of keys a viewer may read (`visible_keys`), computed through the access door (spaces.queries).
Person key: str(user pk).

Storage and freshness
---------------------
settings.DATA_DIR / "expertise" holds `index.npz` (the base index), `model.json` (the learned
weights) and `base.json` (the position in the change journal the base index includes). The change
journal is the database table `experts.IndexChange`: an append-only list of incremental operations
("post <id>", "comment <id>", "unpost <id>", "uncomment <id>", "decline <routing request id>")
written by the tasks. Each process keeps one engine in memory and, before every use, (1) reloads
when index.npz or model.json changed (a rebuild on this machine), (2) applies the journal rows it
has not seen yet (one indexed query), reading the current rows from the database. So an answer
indexed by any worker reaches expert search in every process, on every machine that shares the
database, on its next query. A machine with no index files of its own builds them from the
database on first use. Rows that commit late (a transaction that took an id, then committed after
a higher one was read) are caught by asking again, for LATE_SECONDS, for the ids skipped over;
applying a row twice is harmless (it re-reads the object). A full `rebuild()` compacts everything into a new base and
prunes journal rows older than JOURNAL_DAYS that it includes; a machine whose base predates the
pruned range rebuilds.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings

from expertise import Evidence, ExpertiseIndex, ExpertRanker, RankerModel
from expertise.ranking import FeatureExtractor

CHUNK = 20_000
KEEP_STATS = 48  # viewer-specific statistics kept (the most recently used visible sets) ...
STATS_BUDGET = 512 * 2**20  # ... within this many bytes per process ...
MIN_KEEP_STATS = 4  # ... but at least this many
LATE_SECONDS = 120  # journal rows re-read for late commits
JOURNAL_DAYS = 7  # journal rows a rebuild keeps (older ones it includes are pruned)
OPS = ("post", "comment", "decline", "unpost", "uncomment")

_lock = threading.RLock()
_engine: Engine | None = None


def data_dir() -> Path:
    d = Path(settings.DATA_DIR) / "expertise"
    d.mkdir(parents=True, exist_ok=True)
    return d


def paths() -> tuple[Path, Path, Path]:
    """index.npz, model.json and base.json (the journal position the index includes)."""
    d = data_dir()
    return d / "index.npz", d / "model.json", d / "base.json"


def space_key(space_id: int | None) -> str | None:
    return None if space_id is None else f"space:{space_id}"


def person_key(user_id: int) -> str:
    return str(user_id)


# ------------------------------------------------------------------------------------------ evidence


def _tags_of(post_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    from chrysalis.posts.models import Post

    out: dict[int, list[str]] = {}
    ids = list(post_ids)
    for i in range(0, len(ids), 5000):
        rows = Post.tags.through.objects.filter(post_id__in=ids[i : i + 5000]).values_list(
            "post_id", "tag__name"
        )
        for pid, name in rows:
            out.setdefault(pid, []).append(name)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _aware(d: datetime) -> datetime:
    return d if d.tzinfo else d.replace(tzinfo=UTC)


POST_FIELDS = (
    "pk",
    "author_id",
    "kind",
    "title",
    "body_html",
    "created_at",
    "score",
    "space_id",
    "question_id",
    "question__title",
    "question__accepted_answer_id",
)


def _post_evidence(row: tuple, tags: dict[int, tuple[str, ...]]) -> Evidence | None:
    pk, author, kind, title, body, created, score, space, qid, qtitle, qaccepted = row
    if kind == "answer":
        if qid is None:
            return None
        ekind = "accepted_answer" if qaccepted == pk else "answer"
        return Evidence(
            id=f"p{pk}",
            person=person_key(author),
            kind=ekind,
            created=_aware(created),
            title=qtitle or "",
            text=body,
            tags=tags.get(qid, ()),
            score=score,
            question_id=str(qid),
            visibility=space_key(space),
        )
    if kind == "question":
        return Evidence(
            id=f"p{pk}",
            person=person_key(author),
            kind="question",
            created=_aware(created),
            title=title,
            text=body,
            tags=tags.get(pk, ()),
            score=score,
            question_id=str(pk),
            visibility=space_key(space),
        )
    return Evidence(
        id=f"p{pk}",
        person=person_key(author),
        kind="article" if kind == "article" else "post",
        created=_aware(created),
        title=title or _first_line(body),
        text=body,
        tags=tags.get(pk, ()),
        score=score,
        visibility=space_key(space),
    )


COMMENT_FIELDS = (
    "pk",
    "author_id",
    "body",
    "created_at",
    "post_id",
    "post__kind",
    "post__title",
    "post__space_id",
    "post__question_id",
    "post__body",
)


def _comment_evidence(row: tuple, tags: dict[int, tuple[str, ...]]) -> Evidence:
    pk, author, body, created, post_id, pkind, ptitle, space, pq, pbody = row
    # a comment on a question reads like a short answer: attach it to the question (its text joins)
    qid = post_id if pkind == "question" else (pq if pkind == "answer" else None)
    return Evidence(
        id=f"c{pk}",
        person=person_key(author),
        kind="comment",
        created=_aware(created),
        title=ptitle or _first_line(pbody or ""),
        text=body,
        tags=tags.get(qid or post_id, ()),
        question_id=str(qid) if qid else None,
        visibility=space_key(space),
    )


def _first_line(text: str, limit: int = 90) -> str:
    """A title for an untitled post: its opening words, cut at a word boundary (no half words in the
    index or on the page)."""
    from chrysalis.search.indexing import plain_text

    text = plain_text(text)  # whitespace already collapsed
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.-") + "…"


def include_comments() -> bool:
    return getattr(settings, "CHRYSALIS_EXPERTISE_COMMENTS", True)


def comment_rows():
    """Comments that count as evidence: on posts and articles, and on questions nobody answered (where
    the comments are the replies). On answered Q&A threads comments are mostly clarifications and the
    answers carry the expertise, so they are left out."""
    from chrysalis.posts.models import Comment

    return (
        Comment.objects.filter(removed_at__isnull=True, post__removed_at__isnull=True, author__is_active=True)
        .exclude(post__kind="answer")
        .exclude(post__kind="question", post__answer_count__gt=0)
    )


def decline_rows():
    """Routing requests declined as "not my area" on live questions: the decline evidence."""
    from django.db.models.functions import Coalesce

    from chrysalis.experts.models import RoutingRequest

    return RoutingRequest.objects.filter(
        status=RoutingRequest.Status.DECLINED,
        declined_reason=RoutingRequest.Reason.NOT_MY_AREA,
        question__removed_at__isnull=True,
        expert__is_active=True,
    ).annotate(when=Coalesce("declined_at", "asked_at"))


DECLINE_FIELDS = ("pk", "expert_id", "when", "question_id", "question__title", "question__space_id")


def _decline_evidence(row: tuple, tags: dict[int, tuple[str, ...]]) -> Evidence:
    pk, expert, when, qid, title, space = row
    return Evidence(
        id=f"d{pk}",
        person=person_key(expert),
        kind="decline",
        created=_aware(when),
        title=title or "",
        tags=tags.get(qid, ()),
        question_id=str(qid),
        visibility=space_key(space),
    )


def decline_evidence(request_id: int) -> Evidence | None:
    row = decline_rows().filter(pk=request_id).values_list(*DECLINE_FIELDS).first()
    return None if row is None else _decline_evidence(row, _tags_of([row[3]]))


def iter_evidence(progress: bool = False) -> Iterator[Evidence]:
    """All live evidence, read in chunks: posts in creation order (so every question comes before its
    answers), then comments and declines (which attach to posts already read) in key order. The index's
    bulk loader puts the rows in time order at the end, so no query ever has to sort a whole table."""
    from chrysalis.posts.models import Post

    # deactivated people are never experts; their content would only skew the statistics
    posts = Post.objects.filter(removed_at__isnull=True, author__is_active=True).exclude(
        question__removed_at__isnull=False
    )
    comments = comment_rows()
    declines = decline_rows()
    total = posts.count() + (comments.count() if include_comments() else 0) + declines.count()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, desc="expertise evidence", unit="item", mininterval=1.0)

    def post_chunks():  # keyset pagination on (created_at, pk): the post_newest index, no sort
        last = None
        while True:
            qs = posts.order_by("created_at", "pk")
            if last is not None:
                qs = qs.filter(created_at__gte=last[0]).exclude(created_at=last[0], pk__lte=last[1])
            rows = list(qs.values_list(*POST_FIELDS)[:CHUNK])
            if not rows:
                return
            last = (rows[-1][5], rows[-1][0])
            tags = _tags_of({r[0] for r in rows} | {r[8] for r in rows if r[8]})
            yield [e for e in (_post_evidence(r, tags) for r in rows) if e is not None], len(rows)

    def comment_chunks():  # by primary key
        if not include_comments():
            return
        last = 0
        while True:
            rows = list(comments.filter(pk__gt=last).order_by("pk").values_list(*COMMENT_FIELDS)[:CHUNK])
            if not rows:
                return
            last = rows[-1][0]
            tags = _tags_of({r[8] if r[5] == "answer" and r[8] else r[4] for r in rows})
            yield [_comment_evidence(r, tags) for r in rows], len(rows)

    def decline_chunks():
        rows = list(declines.order_by("pk").values_list(*DECLINE_FIELDS))
        if rows:
            tags = _tags_of({r[3] for r in rows})
            yield [_decline_evidence(r, tags) for r in rows], len(rows)

    for chunks in (post_chunks(), comment_chunks(), decline_chunks()):
        for evidence, read in chunks:
            yield from evidence
            if bar is not None:
                bar.update(read)
    if bar is not None:
        bar.close()


def post_evidence(post_id: int) -> Evidence | None:
    from chrysalis.posts.models import Post

    row = (
        Post.objects.filter(pk=post_id, removed_at__isnull=True, author__is_active=True)
        .exclude(question__removed_at__isnull=False)
        .values_list(*POST_FIELDS)
        .first()
    )
    if row is None:
        return None
    return _post_evidence(row, _tags_of([row[0], row[8]] if row[8] else [row[0]]))


def comment_evidence(comment_id: int) -> Evidence | None:

    row = comment_rows().filter(pk=comment_id).values_list(*COMMENT_FIELDS).first()
    if row is None:
        return None
    qid = row[4] if row[5] == "question" else (row[8] if row[5] == "answer" else None)
    return _comment_evidence(row, _tags_of([qid or row[4]]))


# ------------------------------------------------------------------------------------------ the engine


def latest_visible(index: ExpertiseIndex, visible) -> float | None:
    """Creation time (epoch) of the newest live item under `visible` (None: nothing visible)."""
    import numpy as np

    if isinstance(visible, set | frozenset):  # known to the viewer's statistics when they are current
        live = index.live_stats.get((CachingExtractor.CLOCK, frozenset(visible)))
        if live is not None and live.version == index.version:
            return live.newest
    key = ("latest-visible", index.version, frozenset(visible) if visible is not None else None)
    if key in index._cache:
        return index._cache[key]
    best = None
    for sl in index.slices(None, visible):
        c = sl.select(sl.seg.created)
        if len(c):
            m = float(np.max(c))
            best = m if best is None else max(best, m)
    index._cache[key] = best
    return best


class CachingExtractor(FeatureExtractor):
    """Two things on top of the engine's extractor for a viewer's visible set:
    - "now" means just after the newest item the viewer may see, never the newest item overall, so
      that time-relative features cannot depend on (newer) content the viewer cannot read;
    - the per-person statistics of "now" are kept per visible set (the engine keeps only the
      everyone-sees-everything case), for the KEEP_STATS most recently used sets, and brought up to
      date when the index changes (`FeatureExtractor.live_stats`: a new post updates them in O(people)
      instead of a pass over every document, only for the sets that can see it)."""

    CLOCK = "newest-visible"

    def _live_clock(self, visible):
        return super()._live_clock(visible) if visible is None else self.CLOCK

    def _live_tref(self, visible, newest):
        # As `FeatureExtractor.stats_for` at t = newest + 1 ms: the newest item overall when it is no
        # later than that, else the newest visible one (what "now" is for this viewer).
        latest = self.index.max_created
        if visible is None or newest is None or newest + 1e-3 > latest:
            return super()._live_tref(visible, newest)
        return newest

    def stats_for(self, t, visible):
        index = self.index
        if visible is None or not isinstance(visible, set | frozenset):
            return super().stats_for(t, visible)
        if t is not None:
            latest = latest_visible(index, visible)
            if latest is None or t <= latest:  # a time in the past: not kept
                return super().stats_for(t, visible)
        key = frozenset(visible)
        slices, st, tref, _ = self.live_stats(key)
        with index.lock:  # most recently used last; forget the least recently used sets
            live = index.live_stats
            used = live.pop((self.CLOCK, key), None)
            if used is not None:
                live[(self.CLOCK, key)] = used
            mine = [k for k in live if k[0] == self.CLOCK]
            for k in mine[: max(0, len(mine) - kept_sets(st))]:
                del live[k]
        return slices, st, tref


def kept_sets(st: dict) -> int:
    """How many visible sets' statistics to keep: KEEP_STATS, fewer when they would take more than
    STATS_BUDGET bytes (about 50 MB a set at 100,000 people), never fewer than MIN_KEEP_STATS."""
    size = sum(v.nbytes for v in st.values() if hasattr(v, "nbytes"))
    return max(MIN_KEEP_STATS, min(KEEP_STATS, STATS_BUDGET // max(1, size)))


@dataclass
class Engine:
    index: ExpertiseIndex
    model: RankerModel
    stamp: tuple  # (index mtime, model mtime) this engine was loaded from
    journal_pos: int = 0  # the highest IndexChange id applied
    gaps: dict = field(default_factory=dict)  # IndexChange ids skipped over -> when, for late commits

    def __post_init__(self) -> None:
        self.ranker = ExpertRanker(self.index, self.model)
        self.ranker.extractor = CachingExtractor(self.index)

    def normalise_visible(self, visible: set | None) -> set | None:
        """None when the set covers every key in the index (equivalent, and cached by the engine)."""
        if visible is None:
            return None
        return None if all(k in visible for k in self.index.vis_keys) else set(visible)

    def apply(self, op: str, obj_id: int) -> None:
        if op in INDEXERS:
            ev = INDEXERS[op](obj_id)
            if ev is None:
                self.index.remove(f"{op[0]}{obj_id}")
            else:
                self.index.add(ev)
            if op == "post" and (ev is None or ev.kind == "question"):  # its declines follow a question
                for rid in _declines_of(obj_id):
                    self.apply("decline", rid)
        elif op in ("unpost", "uncomment"):
            self.index.remove(f"{op[2]}{obj_id}")
            if op == "unpost":  # what hangs off a removed post leaves the index with it
                for key in _dependents(obj_id):
                    self.index.remove(key)


def _declines_of(question_id: int) -> list[int]:
    from chrysalis.experts.models import RoutingRequest

    return list(
        RoutingRequest.objects.filter(
            question_id=question_id, status=RoutingRequest.Status.DECLINED
        ).values_list("pk", flat=True)
    )


def _dependents(post_id: int) -> list[str]:
    """Evidence keys attached to a post: its answers, the comments on it and on its answers, and the
    declines of it (a removed question takes them all out of the index, as a rebuild would)."""
    from chrysalis.posts.models import Comment, Post

    answers = list(Post.objects.filter(question_id=post_id).values_list("pk", flat=True))
    comments = Comment.objects.filter(post_id__in=[post_id, *answers]).values_list("pk", flat=True)
    return (
        [f"p{pk}" for pk in answers]
        + [f"c{pk}" for pk in comments]
        + [f"d{pk}" for pk in _declines_of(post_id)]
    )


INDEXERS = {"post": post_evidence, "comment": comment_evidence, "decline": decline_evidence}


def _stamp(index_path: Path, model_path: Path) -> tuple:
    def m(p: Path):
        try:
            st = p.stat()
            return (st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            return None

    return (m(index_path), m(model_path))


def build_index(progress: bool = False) -> ExpertiseIndex:
    """The index of every live item, streamed into the engine's bulk loader (which sorts by time)."""
    return ExpertiseIndex.build(iter_evidence(progress), ordered=True)


def fit_model(index: ExpertiseIndex, progress: bool = False) -> RankerModel:
    """The ranker's weights learned from the organisation's history (a bar over its training questions)."""
    if not progress:
        return ExpertRanker(index).fit()
    from tqdm import tqdm

    with tqdm(desc="learning the ranking", unit="question", mininterval=1.0) as bar:

        def tick(done: int, total: int) -> None:
            bar.total = total
            bar.update(done)

        return ExpertRanker(index).fit(progress=tick)


def journal_head() -> int:
    """The id of the newest journal row (0 when none)."""
    from chrysalis.experts.models import IndexChange

    return IndexChange.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _horizon() -> int:
    """Journal rows up to this id may have been pruned: a base older than that cannot catch up."""
    from chrysalis.experts.models import IndexChange

    return IndexChange.objects.filter(op="horizon").order_by("-id").values_list("obj_id", flat=True).first() or 0


def save(index: ExpertiseIndex, model: RankerModel, journal_id: int = 0) -> None:
    index_path, model_path, base_path = paths()
    for path, text in ((base_path, json.dumps({"journal_id": journal_id})), (model_path, json.dumps(model.to_dict()))):
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text)
        tmp.replace(path)
    index.save(index_path)


def _base_position() -> int:
    _, _, base_path = paths()
    try:
        return int(json.loads(base_path.read_text()).get("journal_id", 0))
    except (FileNotFoundError, ValueError, AttributeError):
        return 0


def rebuild(progress: bool = False) -> dict:
    """Full rebuild from the database: index, learned model, a new journal base. For recovery and
    after imports. Changes journaled while it runs are applied on top by every process."""
    from chrysalis.experts.models import IndexChange

    t0 = time.perf_counter()
    journal_id = journal_head()  # everything up to here is in the database rows read below
    index = build_index(progress)
    t1 = time.perf_counter()
    model = fit_model(index, progress)
    t2 = time.perf_counter()
    save(index, model, journal_id)
    old = IndexChange.objects.filter(id__lte=journal_id, created_at__lt=_now() - timedelta(days=JOURNAL_DAYS))
    pruned_to = old.order_by("-id").values_list("id", flat=True).first()
    if pruned_to:
        old.delete()
        IndexChange.objects.create(op="horizon", obj_id=pruned_to)
    reset()
    return {
        "documents": index.n_docs,
        "people": len(index.people),
        "build_seconds": round(t1 - t0, 2),
        "fit_seconds": round(t2 - t1, 2),
        "trained_on": model.trained_on,
    }


def _now() -> datetime:
    from django.utils import timezone

    return timezone.now()


def append_journal(op: str, obj_id: int) -> None:
    from chrysalis.experts.models import IndexChange

    IndexChange.objects.create(op=op, obj_id=int(obj_id))


def _replay(engine: Engine) -> None:
    """Apply the journal rows this engine has not seen: every row after its position, and the
    ids it skipped over in the last LATE_SECONDS (a transaction that took a lower id and had not
    committed yet; on PostgreSQL ids are handed out before commit)."""
    from django.db.models import Q

    from chrysalis.experts.models import IndexChange

    now = time.time()
    engine.gaps = {i: t for i, t in engine.gaps.items() if t >= now - LATE_SECONDS}
    where = Q(id__gt=engine.journal_pos)
    if engine.gaps:
        where |= Q(id__in=list(engine.gaps))
    rows = list(IndexChange.objects.filter(where).order_by("id").values_list("id", "op", "obj_id"))
    pos = engine.journal_pos
    for rid, op, obj_id in rows:
        if op in OPS:
            engine.apply(op, obj_id)
        engine.gaps.pop(rid, None)
        if rid > pos:
            engine.gaps.update((i, now) for i in range(pos + 1, min(rid, pos + 1 + 10_000)))
            pos = rid
    engine.journal_pos = pos


def get_engine() -> Engine:
    """The process's engine, reloaded when the files changed and caught up with the journal;
    built from the database (and saved) the first time when there are no files, or when the files
    predate the journal's pruned range."""
    global _engine
    index_path, model_path, _ = paths()
    with _lock:
        stamp = _stamp(index_path, model_path)
        if _engine is None or _engine.stamp != stamp:
            if stamp[0] is None or _base_position() < _horizon():
                rebuild()
                stamp = _stamp(index_path, model_path)
            index = ExpertiseIndex.load(index_path)
            if stamp[1] is None:
                model = fit_model(index)
            else:
                model = RankerModel.from_dict(json.loads(model_path.read_text()))
            _engine = Engine(index, model, stamp, journal_pos=_base_position())
        _replay(_engine)
        return _engine


def reset() -> None:
    """Forget the in-process engine (the next use reloads from disk)."""
    global _engine
    with _lock:
        _engine = None


def record(op: str, obj_id: int) -> None:
    """Journal an incremental change so that every process applies it on its next query."""
    if op not in OPS:
        raise ValueError(f"unknown expertise index operation {op!r}")
    index_path, _, _ = paths()
    if not index_path.exists():
        get_engine()  # first use: a full build from the database already includes this change
        return
    append_journal(op, obj_id)


# ------------------------------------------------------------------------------------------ freshness


def ensure_fresh(engine_: Engine | None = None) -> Engine:
    """Catch up with content written without going through the tasks (e.g. an import after the last
    build): posts and comments missing from the index are journaled, or the index is rebuilt when
    they are many. One query per table."""
    from chrysalis.posts.models import Post

    eng = engine_ or get_engine()
    where = eng.index.where
    live_posts = (
        Post.objects.filter(removed_at__isnull=True, author__is_active=True)
        .exclude(question__removed_at__isnull=False)
        .exclude(kind="answer", question__isnull=True)
        .values_list("pk", flat=True)
    )
    missing_posts = [pk for pk in live_posts.iterator(chunk_size=50_000) if f"p{pk}" not in where]
    missing_comments = []
    if include_comments():
        live = comment_rows()
        missing_comments = [
            pk
            for pk in live.values_list("pk", flat=True).iterator(chunk_size=50_000)
            if f"c{pk}" not in where
        ]
    missing_declines = [pk for pk in decline_rows().values_list("pk", flat=True) if f"d{pk}" not in where]
    missing = len(missing_posts) + len(missing_comments) + len(missing_declines)
    if not missing:
        return eng
    if missing > max(1000, eng.index.n_docs // 10):
        rebuild()
        return get_engine()
    from chrysalis.experts.models import IndexChange

    IndexChange.objects.bulk_create(
        [IndexChange(op="post", obj_id=pk) for pk in missing_posts]
        + [IndexChange(op="comment", obj_id=pk) for pk in missing_comments]
        + [IndexChange(op="decline", obj_id=pk) for pk in missing_declines],
        batch_size=5000,
    )
    return get_engine()
