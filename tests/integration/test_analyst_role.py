"""The README's read-only role for PostgreSQL analysts, created exactly as documented.

The statements are read from the README (names changed to this test's database, schema and
a role of its own), run on a warehouse at migration 0012, which is then upgraded: 0013
drops and re-creates views, and the analyst still reads them (the default privileges),
through `socmon query` and a plain connection, and every write is refused, even after the
analyst turns its session's read-only default off.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import errors

from pipelines.warehouse import Warehouse, connect
from pipelines.warehouse.migrations import migrate
from tests.integration.helpers import run_cli
from tests.pipelines.warehouse.analytics_data import RECORDS, load
from tests.support import POSTGRES_URL, SettingsFactory, unique

pytestmark = pytest.mark.integration

README = Path(__file__).resolve().parents[2] / "README.md"
PASSWORD = "analyst-test-password"


def documented_statements(role: str, database: str, schema: str, owner: str) -> list[str]:
    """The README's SQL block for the read-only role, with this test's names."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("**A read-only role on PostgreSQL**") :]
    block = re.search(r"```sql\n(.*?)```", section, re.DOTALL)
    assert block, "the README's read-only role has no SQL block"
    sql = block[1].replace("socmon_analyst", role).replace("'...'", f"'{PASSWORD}'")
    sql = sql.replace("DATABASE socmon", f"DATABASE {database}")
    sql = sql.replace("FOR ROLE socmon", f"FOR ROLE {owner}")
    sql = re.sub(r"\bsocmon\b", schema, sql)  # the schema, the only name left
    without_comments = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return [part.strip() for part in without_comments.split(";") if part.strip()]


def as_user(url: str, user: str) -> str:
    """The same server and database, logging in as ``user``."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}"))


@pytest.fixture
def role(postgres_available: bool) -> Iterator[str]:
    if not postgres_available:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    name = unique("socmon_analyst")
    yield name
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
        if exists:
            admin.execute(f"DROP OWNED BY {name}")
            admin.execute(f"DROP ROLE {name}")


def test_the_documented_read_only_role_reads_views_after_an_upgrade_and_writes_nothing(
    make_settings: SettingsFactory, role: str
) -> None:
    settings = make_settings("postgresql")
    schema = settings.warehouse.db_schema
    connection = connect(settings.warehouse)
    try:
        migrate(connection, up_to=12)
        load(Warehouse(connection), settings)
    finally:
        connection.close()
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        database, owner = admin.execute("SELECT current_database(), current_user").fetchone()
        for statement in documented_statements(role, database, schema, owner):
            admin.execute(statement)
    connection = connect(settings.warehouse)
    try:
        assert migrate(connection) == [13]  # drops and re-creates views as the owner
    finally:
        connection.close()

    analyst_url = as_user(POSTGRES_URL, role)
    analyst = settings.model_copy(
        update={
            "warehouse": settings.warehouse.model_copy(
                update={"url": analyst_url, "password": PASSWORD}
            )
        }
    )
    shown = run_cli(
        analyst,
        "query",
        "--json",
        "SELECT alert_id, categories FROM alert_lifecycle WHERE alert_id = 'A2'",
    )
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == [{"alert_id": "A2", "categories": '["hate", "threat"]'}]

    with psycopg.connect(analyst_url, password=PASSWORD, autocommit=True) as session:
        # search_path set for the role: the views by their bare names.
        [(count,)] = session.execute("SELECT count(*) FROM account_activity_daily").fetchall()
        assert count > 0
        with pytest.raises(errors.ReadOnlySqlTransaction):
            session.execute("DELETE FROM records")
        # Read-only is only the role's default; the grants are what refuse a write.
        session.execute("SET default_transaction_read_only = off")
        for statement in (
            "DELETE FROM records",
            "UPDATE alerts SET status = 'open'",
            "INSERT INTO erasures VALUES ('record', 'x:1', now(), 'test')",
            "CREATE TABLE mine (a INTEGER)",
            "DROP VIEW rule_precision",
        ):
            with pytest.raises(errors.InsufficientPrivilege):
                session.execute(statement)
        [(left,)] = session.execute("SELECT count(*) FROM records").fetchall()
    assert left == len(RECORDS)
