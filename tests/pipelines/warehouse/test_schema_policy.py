"""Who may change the warehouse's schema, on both back ends: nothing is created or migrated
unless asked, a schema newer than the code is refused, readers change nothing, and two
processes starting at once apply each migration once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from pipelines.config import Settings, WarehouseSettings
from pipelines.warehouse import (
    SchemaNotCurrent,
    WarehouseError,
    bring_up_to_date,
    connect,
    open_warehouse,
)
from pipelines.warehouse.migrations import applied_version, latest_version
from tests.support import SettingsFactory

pytestmark = pytest.mark.integration


def with_policy(settings: Settings, policy: str) -> WarehouseSettings:
    return settings.warehouse.model_copy(update={"migrations": policy})


def schema_exists(settings: WarehouseSettings) -> bool:
    if settings.url.startswith("duckdb://"):
        return Path(settings.url.removeprefix("duckdb:///")).exists()
    connection = connect(settings)
    try:
        found = connection.execute(
            "SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?",
            (settings.db_schema,),
        )
        return bool(found[0][0])
    finally:
        connection.close()


def test_explicit_creates_nothing_and_says_to_migrate(
    make_settings: SettingsFactory, warehouse_kind: str
) -> None:
    explicit = with_policy(make_settings(warehouse_kind), "explicit")

    with pytest.raises(SchemaNotCurrent, match="socmon migrate"):
        open_warehouse(explicit)
    with pytest.raises(SchemaNotCurrent, match="socmon migrate"):
        open_warehouse(explicit, read_only=True)

    assert not schema_exists(explicit)


def test_first_use_creates_and_later_opens_need_nothing_more(
    make_settings: SettingsFactory, warehouse_kind: str
) -> None:
    settings = make_settings(warehouse_kind)

    with open_warehouse(with_policy(settings, "on_first_use"), writer="run") as created:
        assert applied_version(created.connection) == latest_version()
    with open_warehouse(with_policy(settings, "explicit"), writer="process") as opened:
        assert opened.count("records") == 0


def test_an_older_schema_needs_migrate_and_a_newer_one_is_refused(
    make_settings: SettingsFactory, warehouse_kind: str
) -> None:
    settings = make_settings(warehouse_kind)
    with open_warehouse(settings.warehouse) as warehouse:
        warehouse.connection.execute(
            "DELETE FROM schema_migrations WHERE version = ?", (latest_version(),)
        )
    with pytest.raises(SchemaNotCurrent, match=f"needs {latest_version()}: run `socmon migrate`"):
        open_warehouse(with_policy(settings, "explicit"))

    connection = connect(settings.warehouse)  # as a newer socmon would leave it
    try:
        connection.use_schema()
        for version in (latest_version(), latest_version() + 5):
            connection.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) "
                "VALUES (?, 'later', now())",
                (version,),
            )
    finally:
        connection.close()
    for policy in ("explicit", "automatic"):
        with pytest.raises(SchemaNotCurrent, match="upgrade socmon"):
            open_warehouse(with_policy(settings, policy))


def test_a_reader_changes_nothing(make_settings: SettingsFactory, warehouse_kind: str) -> None:
    settings = make_settings(warehouse_kind)
    open_warehouse(settings.warehouse).close()

    with open_warehouse(settings.warehouse, read_only=True) as reader:
        assert reader.count("alerts") == 0
        with pytest.raises(Exception, match=r"(?i)read.only"):
            reader.connection.execute(
                "INSERT INTO erasures (subject_kind, subject, erased_at, reason) "
                "VALUES ('record', 'x:1', now(), 'test')"
            )


def test_two_processes_starting_together_apply_each_migration_once(
    make_settings: SettingsFactory, postgres_available: bool
) -> None:
    if not postgres_available:
        pytest.skip("PostgreSQL is not running")
    settings = make_settings("postgresql").warehouse
    errors: list[BaseException] = []

    def start() -> None:
        connection = connect(settings)
        try:
            bring_up_to_date(connection, "automatic")
        except BaseException as error:  # collected, asserted below
            errors.append(error)
        finally:
            connection.close()

    starters = [threading.Thread(target=start) for _ in range(3)]
    for starter in starters:
        starter.start()
    for starter in starters:
        starter.join(timeout=60)

    assert errors == []
    connection = connect(settings)
    try:
        connection.use_schema()
        rows = connection.execute("SELECT version, count(*) FROM schema_migrations GROUP BY 1")
    finally:
        connection.close()
    assert sorted(rows) == [(version, 1) for version in range(1, latest_version() + 1)]


def test_warehouse_errors_share_the_root(make_settings: SettingsFactory) -> None:
    assert issubclass(SchemaNotCurrent, WarehouseError)
    assert SchemaNotCurrent.retry_helps is False
