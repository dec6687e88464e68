"""The versioned migration files shipped in :mod:`schemas.migrations`, and applying them."""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass
from importlib import resources

from pipelines.warehouse.analytics import describe_schema
from pipelines.warehouse.connection import Connection, now

log = logging.getLogger(__name__)

_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
#: ``NNNN_name.<back end>.sql``: statements of migration NNNN for one back end only, run after
#: the shared file's in the same transaction (0011: PostgreSQL's indexes, which DuckDB is
#: better without); ``NNNN_name.<back end>.before.sql`` runs before the shared file's (0013:
#: each back end's own JSON type, and PostgreSQL first drops the views that bind a column
#: whose type changes; the shared file re-creates them). Everything else stays in the one
#: file both back ends run.
_BACK_END_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.(duckdb|postgresql)(\.before)?\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    """One migration: its version, name and SQL statements (shared, and per back end)."""

    version: int
    name: str
    statements: tuple[str, ...]
    #: ``(back end, statements)`` run after the shared statements.
    back_end_statements: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: ``(back end, statements)`` run before the shared statements.
    back_end_statements_before: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def statements_for(self, kind: str) -> tuple[str, ...]:
        """The statements a back end (``duckdb``, ``postgresql``) runs for this migration."""
        return (
            _of_back_end(self.back_end_statements_before, kind)
            + self.statements
            + _of_back_end(self.back_end_statements, kind)
        )


def _of_back_end(parts: tuple[tuple[str, tuple[str, ...]], ...], kind: str) -> tuple[str, ...]:
    return tuple(statement for back_end, part in parts if back_end == kind for statement in part)


def available_migrations() -> list[Migration]:
    """Every migration, in version order."""
    migrations = []
    after: dict[int, list[tuple[str, tuple[str, ...]]]] = {}
    before: dict[int, list[tuple[str, tuple[str, ...]]]] = {}
    for entry in resources.files("schemas.migrations").iterdir():
        if found := _BACK_END_FILE.match(entry.name):
            statements = tuple(split_statements(entry.read_text(encoding="utf-8")))
            phase = before if found[4] else after
            phase.setdefault(int(found[1]), []).append((found[3], statements))
        match = _FILE_NAME.match(entry.name)
        if not match:
            continue
        sql = entry.read_text(encoding="utf-8")
        migrations.append(Migration(int(match[1]), match[2], tuple(split_statements(sql))))
    migrations = [
        dataclasses.replace(
            each,
            back_end_statements=tuple(after.pop(each.version, ())),
            back_end_statements_before=tuple(before.pop(each.version, ())),
        )
        for each in migrations
    ]
    if after or before:
        orphans = sorted({*after, *before})
        raise RuntimeError(f"back-end migration files without a shared one: {orphans}")
    migrations.sort(key=lambda migration: migration.version)
    versions = [migration.version for migration in migrations]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a version: {versions}")
    return migrations


def split_statements(sql: str) -> list[str]:
    """Split a migration file into statements (no semicolons inside our literals)."""
    without_comments = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return [statement.strip() for statement in without_comments.split(";") if statement.strip()]


def latest_version() -> int:
    """The schema version this socmon's code expects."""
    return available_migrations()[-1].version


def applied_version(connection: Connection) -> int | None:
    """The warehouse's schema version (its newest applied migration), or None when it has no
    schema yet. Reads only; the connection must already look in the right schema."""
    found = connection.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_name = 'schema_migrations' AND table_schema = current_schema()"
    )
    if not found or not found[0][0]:
        return None
    newest = connection.execute("SELECT max(version) FROM schema_migrations")
    return int(newest[0][0]) if newest and newest[0][0] is not None else None


def migrate(connection: Connection, up_to: int | None = None) -> list[int]:
    """Apply every migration not yet applied, each in its own transaction; return those applied.

    ``up_to`` stops after that version (a test builds an older warehouse to upgrade).
    """
    connection.prepare_schema()
    connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
    )
    done = {row[0] for row in connection.execute("SELECT version FROM schema_migrations")}
    applied = []
    for migration in available_migrations():
        if migration.version in done or (up_to is not None and migration.version > up_to):
            continue
        with connection.transaction():
            for statement in migration.statements_for(connection.kind):
                connection.execute(statement)
            connection.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, now()),
            )
        applied.append(migration.version)
        log.debug("applied warehouse migration %04d_%s", migration.version, migration.name)
    if applied:
        describe_schema(connection)
        log.info(
            "warehouse schema brought to version %d (%d migration(s) applied%s)",
            applied[-1],
            len(applied),
            ", first use" if not done else "",
        )
    return applied
