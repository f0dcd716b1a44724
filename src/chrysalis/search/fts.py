"""SQL of the full-text index, per database vendor. Used by the migration and by rebuild_index."""

# --- SQLite: FTS5 with external content on search_searchdocument, synced by triggers ---------
SQLITE_TABLE = "search_fts"
# prefix='2 3': indexes of 2- and 3-letter prefixes, so that the as-you-type prefix match on the last
# word ("the*", "ku*") reads one list instead of merging those of every word that starts that way
SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='search_searchdocument', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2', prefix='2 3')",
]
SQLITE_TRIGGERS = [
    "CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER search_fts_au AFTER UPDATE OF title, body ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
]
SQLITE_DROP_TRIGGERS = [
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_au",
]
SQLITE_DROP = [*SQLITE_DROP_TRIGGERS, "DROP TABLE IF EXISTS search_fts"]
SQLITE_REBUILD = "INSERT INTO search_fts(search_fts) VALUES ('rebuild')"

# --- PostgreSQL: generated weighted tsvector + GIN ----------------------------------------------
PG_CONFIG = "english"
PG_COLUMN = (
    "ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'B')) STORED"
)
PG_INDEX = "CREATE INDEX search_doc_vector_gin ON search_searchdocument USING GIN (search_vector)"
PG_DROP_INDEX = "DROP INDEX IF EXISTS search_doc_vector_gin"
PG_DROP = [PG_DROP_INDEX, "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector"]


def create(connection) -> None:
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            for sql in SQLITE_CREATE + SQLITE_TRIGGERS:
                cur.execute(sql)
        elif connection.vendor == "postgresql":
            cur.execute(PG_COLUMN)
            cur.execute(PG_INDEX)


def recreate(connection) -> None:
    """Drop and create the index again (its definition changed), then fill it from the documents."""
    drop(connection)
    create(connection)
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute(SQLITE_REBUILD)


def drop(connection) -> None:
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            for sql in SQLITE_DROP:
                cur.execute(sql)
        elif connection.vendor == "postgresql":
            for sql in PG_DROP:
                cur.execute(sql)
