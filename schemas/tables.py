"""Every warehouse table, declared once: its columns with their Arrow and SQL types.

The staged Parquet schemas, the insert column lists of the commit step and the
row builders all derive from these declarations, so a column is named in one
place. The migrations in :mod:`schemas.migrations` are the history that builds
the tables; a test checks that both back ends, migrated, have exactly the
columns and types declared here. A JSON document is a string in Arrow and Python and
the back end's JSON type in SQL (``JSON`` on DuckDB, ``jsonb`` on PostgreSQL).

``staged`` columns travel in the staged files the Beam pipeline writes; the
others are set by the warehouse (run ids, times, review status, flags).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pyarrow as pa

_TEXT = pa.string()
_TIME = pa.timestamp("us", tz="UTC")


class _JsonDocument:
    """Marks a JSON column in the declarations below: text in Arrow and in Python, the back
    end's JSON type in SQL (see :data:`JSON_SQL_TYPES`)."""


_JSON = _JsonDocument()
#: The SQL type of a JSON column on each back end (migration 0013): DuckDB's ``JSON`` keeps
#: the text as written; PostgreSQL's ``jsonb`` keeps it parsed (keys reordered, spaces
#: normalised), so what is read back is the same document, not always the same characters.
JSON_SQL_TYPES = {"duckdb": "JSON", "postgresql": "jsonb"}
_SQL_TYPES = {
    pa.string(): "TEXT",
    pa.bool_(): "BOOLEAN",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE PRECISION",
    _TIME: "TIMESTAMPTZ",
}


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name, Arrow type and meaning, and whether the staged files carry it."""

    name: str
    arrow_type: pa.DataType
    description: str
    staged: bool = True
    #: A JSON document: a string in Arrow and Python, ``JSON`` / ``jsonb`` in SQL.
    json: bool = False

    @property
    def sql_type(self) -> str:
        """The SQL type of this column, ``JSON`` for a JSON document (``jsonb`` on
        PostgreSQL: see :data:`JSON_SQL_TYPES`)."""
        return "JSON" if self.json else _SQL_TYPES[self.arrow_type]


@dataclass(frozen=True)
class Table:
    """A warehouse table: name, columns in order, primary key, and what a row is."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    description: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        """Every column, in declared order."""
        return tuple(column.name for column in self.columns)

    @cached_property
    def json_columns(self) -> frozenset[str]:
        """The columns that hold JSON documents."""
        return frozenset(column.name for column in self.columns if column.json)

    @cached_property
    def staged_columns(self) -> tuple[str, ...]:
        """The columns the staged files carry, in declared order."""
        return tuple(column.name for column in self.columns if column.staged)

    @property
    def staged_schema(self) -> pa.Schema:
        """The Arrow schema of this table's staged files."""
        return pa.schema([(c.name, c.arrow_type) for c in self.columns if c.staged])

    @cached_property
    def row(self) -> Callable[..., tuple[Any, ...]]:
        """Builds a staged row by name: ``RECORDS.row(id=..., text=..., ...)``.

        A named tuple of the staged columns, so a missing or unknown column is a
        ``TypeError`` and the row is still a plain tuple where Arrow wants one.
        """
        return namedtuple(f"{self.name}_row", self.staged_columns)

    def staged_table(self, rows: Sequence[tuple[Any, ...]]) -> pa.Table:
        """Arrow table of staged rows built by :meth:`row`."""
        return rows_to_arrow(rows, self.staged_schema)


def rows_to_arrow(rows: Sequence[tuple[Any, ...]], schema: pa.Schema) -> pa.Table:
    """An Arrow table of rows whose values are in the schema's column order."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema.names]
    return pa.Table.from_arrays(
        [pa.array(column, type=field.type) for column, field in zip(columns, schema, strict=True)],
        schema=schema,
    )


_Spec = (
    tuple[str, pa.DataType | _JsonDocument, str]
    | tuple[str, pa.DataType | _JsonDocument, str, bool]
)


def _columns(*specs: _Spec) -> tuple[Column, ...]:
    return tuple(_column(*spec) for spec in specs)


def _column(
    name: str, kind: pa.DataType | _JsonDocument, description: str, staged: bool = True
) -> Column:
    if isinstance(kind, _JsonDocument):
        return Column(name, _TEXT, description, staged, json=True)
    return Column(name, kind, description, staged)


RECORDS = Table(
    "records",
    _columns(
        (
            "id",
            _TEXT,
            "`<platform>:<native id>`; an edited X post keeps the id of its first version",
        ),
        ("platform", _TEXT, "`x` or `facebook`"),
        (
            "kind",
            _TEXT,
            (
                "`post` (top level, by an official account), `reply`, `comment` (in a thread) or "
                "`mention` (naming an official account elsewhere)"
            ),
        ),
        (
            "account",
            _TEXT,
            (
                "Key of the official account the record was collected for (see `accounts`); "
                "`accounts` lists every one it involves"
            ),
        ),
        (
            "accounts",
            _JSON,
            (
                "JSON array of the keys of every official account the record involves (alerts go "
                "to each)"
            ),
        ),
        ("native_id", _TEXT, "The platform's own id of the item"),
        ("parent_id", _TEXT, "Record id of the post or comment this one answers, if any"),
        (
            "conversation_id",
            _TEXT,
            "Record id of the thread's top post (X conversation id, Facebook post)",
        ),
        (
            "author_id",
            _TEXT,
            (
                "Pseudonym of the author, HMAC-SHA256 of `<platform>:<user id>`; for an official "
                "account its platform id"
            ),
        ),
        ("author_is_official", pa.bool_(), "Whether the author is one of the official accounts"),
        ("text", _TEXT, "The text with personal data redacted (`[EMAIL]`, `[PERSON]`, ...)"),
        (
            "lang",
            _TEXT,
            (
                "Language as the platform reported it (X only; empty for Facebook); `text_lang` is"
                " the detected one"
            ),
        ),
        ("created_at", _TIME, "When the item was posted (UTC)"),
        ("observed_at", _TIME, "When the connector fetched it (UTC)"),
        ("url", _TEXT, "Link to the item; never carries the handle of a member of the public"),
        ("deleted", pa.bool_(), "The author deleted it (a tombstone): its text is erased"),
        ("schema_version", pa.int32(), "Version of the record schema it arrived in"),
        ("source_partition", pa.int32(), "Kafka partition of the records topic it was read from"),
        ("source_offset", pa.int64(), "Kafka offset it was read from"),
        ("first_run_id", _TEXT, "Run that first stored it (see `runs`)", False),
        ("last_run_id", _TEXT, "Run that last changed it", False),
        (
            "pii_entities",
            _JSON,
            (
                "JSON array of the personal data found and redacted: type, start, end; never the "
                "values"
            ),
        ),
        (
            "text_lang",
            _TEXT,
            "Language detected from the text (ISO 639-1), the one the classifiers go by",
        ),
        (
            "scored",
            pa.bool_(),
            (
                "Whether the classifiers scored it (false: a language they do not cover; a "
                "coverage gap)"
            ),
        ),
    ),
    key=("id",),
    description=(
        "One row per record id (a post, reply, comment or mention), its latest version, redacted: "
        "no handle of a member of the public and no personal data in the text."
    ),
)

DEAD_LETTERS = Table(
    "dead_letters",
    _columns(
        ("topic", _TEXT, "Topic the message was read from"),
        ("kafka_partition", pa.int32(), "Partition where it was first seen"),
        ("kafka_offset", pa.int64(), "Offset where it was first seen"),
        ("kafka_key", _TEXT, "The message key (a record id), if any"),
        (
            "reason",
            _TEXT,
            (
                "Why it was rejected: `invalid_json`, `schema`, `expectation`, `scorer`, "
                "`constraint`, ..."
            ),
        ),
        ("detail", _TEXT, "What exactly failed (field and rule), without personal data"),
        (
            "value_sha256",
            _TEXT,
            "SHA-256 of the message bytes: the same bytes are the same dead letter",
        ),
        ("value_size", pa.int64(), "Size of the message in bytes"),
        ("preview", _TEXT, "Redacted shape of the message (field names and types, no values)"),
        ("run_id", _TEXT, "Run that first rejected it", False),
        ("created_at", _TIME, "When it was first rejected (UTC)", False),
        (
            "dlq_status",
            _TEXT,
            "Copy to the dead-letter topic: NULL (to do), `published`, or `source_gone`",
            False,
        ),
        ("dlq_updated_at", _TIME, "When `dlq_status` last changed", False),
    ),
    key=("topic", "value_sha256"),
    description=(
        "Messages of the records topic that could not be used, kept once per topic and content (no"
        " raw personal data; the bytes stay only in the dead-letter topic)."
    ),
)

#: Records of accounts that are not registered: only where they were, never their content.
#: Staged and counted, never stored.
OUT_OF_SCOPE = Table(
    "out_of_scope",
    _columns(
        ("id", _TEXT, "Record id"),
        ("account", _TEXT, "The account key the record named"),
        ("kafka_partition", pa.int32(), "Partition it was read from"),
        ("kafka_offset", pa.int64(), "Offset it was read from"),
    ),
    key=("id",),
    description=(
        "Records of accounts that are not registered: where they were, never their content. Staged"
        " and counted, never stored."
    ),
)

DETECTIONS = Table(
    "detections",
    _columns(
        ("detection_id", _TEXT, "sha256 of record id, category and detector"),
        ("record_id", _TEXT, "The record it was found in (see `records`)"),
        ("account", _TEXT, "Key of the record's official account"),
        (
            "category",
            _TEXT,
            "offensive, hate, threat, misleading, personal_data, confidential or policy",
        ),
        ("policy_clause", _TEXT, "Policy clause it concerns (see `policy_clauses`)"),
        ("score", pa.float64(), "Classifier probability, or 1.0 for a rule or pattern match"),
        (
            "evidence",
            _JSON,
            (
                "JSON: threshold, language, model versions, top terms (no personal data); read "
                "through the `detection_scores` view"
            ),
        ),
        ("detector", _TEXT, "What found it: `classifiers`, `privacy`, ..."),
        ("detector_version", _TEXT, "Versions of the models or recognizers that found it"),
        ("run_id", _TEXT, "Run that found it", False),
        ("created_at", _TIME, "When it was stored (processing time, UTC)", False),
        # Set when a newer version of the record no longer raises it (migration 0009).
        (
            "superseded_at",
            _TIME,
            "When a newer version of the record no longer raised it (NULL: current)",
            False,
        ),
        ("superseded_by_run", _TEXT, "Run that found the newer version", False),
    ),
    key=("detection_id",),
    description=(
        "Findings of the privacy checks and the classifiers that a rule may turn into an alert, "
        "one per record, category and detector; evidence without personal data."
    ),
)

RUNS = Table(
    "runs",
    _columns(
        ("run_id", _TEXT, "Sortable id: start time (UTC) and a random suffix"),
        ("command", _TEXT, "The command that ran it"),
        ("status", _TEXT, "`running`, `succeeded`, `failed` or `abandoned`"),
        ("started_at", _TIME, "Start (UTC)"),
        ("finished_at", _TIME, "End (UTC); NULL while running"),
        ("records_read", pa.int64(), "Messages read from the records topic"),
        ("records_stored", pa.int64(), "Distinct records written (inserted + updated + unchanged)"),
        ("records_inserted", pa.int64(), "Records new to the warehouse"),
        ("records_updated", pa.int64(), "Records whose content changed"),
        ("records_unchanged", pa.int64(), "Records read again with nothing new"),
        ("duplicates", pa.int64(), "Same record id more than once within the run"),
        ("dead_letters", pa.int64(), "Messages set aside (see `dead_letters`)"),
        ("ranges", _JSON, "JSON array of the ranges read: topic, partition, start, end"),
        ("versions", _JSON, "JSON: versions of socmon, models, rules"),
        ("error", _TEXT, "Why it failed (type and message, at most 2,000 characters)"),
        ("out_of_scope", pa.int64(), "Records of accounts not registered (counted, not stored)"),
        (
            "records_suppressed",
            pa.int64(),
            "Records not stored because they were erased on request",
        ),
        ("entity_counts", _JSON, "JSON: personal data redacted, per entity type (counts only)"),
        ("ingest_id", _TEXT, "The ingest of the same tick (see `coverage`)"),
        (
            "coverage_gaps",
            _JSON,
            "JSON array of `account/stream: status — reason` for streams not fully fetched",
        ),
        ("records_unscored", pa.int64(), "Records in a language the classifiers do not cover"),
        ("alerts_raised", pa.int64(), "Alerts this run created"),
    ),
    key=("run_id",),
    description=(
        "Every run of the pipeline (`process`, `run`): status, times, counts (read = stored + "
        "duplicates + out of scope + dead letters), ranges read and versions."
    ),
)

OFFSETS = Table(
    "offsets",
    _columns(
        ("consumer_group", _TEXT, "Kafka consumer group"),
        ("topic", _TEXT, "Topic"),
        ("kafka_partition", pa.int32(), "Partition"),
        ("next_offset", pa.int64(), "First offset not yet read"),
        (
            "cluster_id",
            _TEXT,
            "Broker cluster the offset belongs to; another cluster id means read from the start",
        ),
        ("run_id", _TEXT, "Run that stored it"),
        ("updated_at", _TIME, "When (UTC)"),
        (
            "kafka_committed",
            pa.bool_(),
            (
                "Whether it was also committed to the Kafka consumer group (so lag shows in Kafka "
                "tools)"
            ),
        ),
    ),
    key=("consumer_group", "topic", "kafka_partition"),
    description=(
        "The next offset to read per consumer group, topic and partition, stored with the run's "
        "commit (exactly-once effect)."
    ),
)

ERASURES = Table(
    "erasures",
    _columns(
        ("subject_kind", _TEXT, "`record` or `author`"),
        ("subject", _TEXT, "Record id or author pseudonym"),
        ("erased_at", _TIME, "When (UTC)"),
        ("reason", _TEXT, "Why (the request reference, no personal data)"),
    ),
    key=("subject_kind", "subject"),
    description="Records and authors erased on request, kept so that they stay erased.",
)

AUDIT_LOG = Table(
    "audit_log",
    _columns(
        ("audit_id", _TEXT, "Unique id"),
        ("created_at", _TIME, "When (UTC)"),
        ("command", _TEXT, "The command"),
        ("run_id", _TEXT, "Its run, if any"),
        ("accounts", _JSON, "JSON array of the account keys in scope"),
        ("counts", _JSON, "JSON: counts of what was read, stored, erased"),
        ("entity_counts", _JSON, "JSON: personal data redacted per type"),
        ("versions", _JSON, "JSON: component versions"),
        ("config_digest", _TEXT, "SHA-256 of the configuration without secrets"),
        ("operator", _TEXT, "Who ran it (the Unix user or the reviewer's address)"),
    ),
    key=("audit_id",),
    description=(
        "What was monitored and done, for policy 7.19: every run, erasure and retention, with "
        "counts and versions."
    ),
)

DQ_RESULTS = Table(
    "dq_results",
    _columns(
        ("run_id", _TEXT, "The run whose batch was checked"),
        ("position", pa.int32(), "Order within the run"),
        ("suite", _TEXT, "Expectation suite (`records`, `detections`, `alerts`, `volume`)"),
        ("expectation", _TEXT, "The expectation's name"),
        ("column_name", _TEXT, "Column checked, if one"),
        ("severity", _TEXT, "`critical` (stops the batch) or `warning`"),
        ("success", pa.bool_(), "Whether it held"),
        ("observed_value", _TEXT, "What was observed (JSON or text, no personal data)"),
        ("unexpected_count", pa.int64(), "Rows that broke it"),
        ("explains", _TEXT, "What a failure means and what to do"),
        ("created_at", _TIME, "When (UTC)"),
    ),
    key=("run_id", "position"),
    description=(
        "Every data-quality expectation checked on every batch, and the volume checks; a failed "
        "critical one stopped the batch."
    ),
)

CONNECTOR_CURSORS = Table(
    "connector_cursors",
    _columns(
        ("connector", _TEXT, "`twitter`, `facebook` or `replay`"),
        ("account", _TEXT, "Account key"),
        (
            "cursor_state",
            _TEXT,
            (
                "The connector's cursor (ids and times, no personal data): JSON kept as the text "
                "the connector wrote, which it compares"
            ),
        ),
        ("updated_at", _TIME, "When (UTC)"),
    ),
    key=("connector", "account"),
    description=(
        "Per connector and account, the cursor up to which the warehouse holds every record."
    ),
)

CURSOR_CHECKPOINTS = Table(
    "cursor_checkpoints",
    _columns(
        ("connector", _TEXT, "Connector"),
        ("account", _TEXT, "Account key"),
        ("sequence", pa.int64(), "Order of the batch"),
        ("cursor_state", _TEXT, "The connector's cursor after the batch (JSON kept as text)"),
        ("topic", _TEXT, "Topic the batch went to"),
        ("cluster_id", _TEXT, "Broker cluster it went to"),
        ("positions", _JSON, "JSON: offsets the batch reached per partition"),
        ("created_at", _TIME, "When (UTC)"),
    ),
    key=("connector", "account", "sequence"),
    description=(
        "Cursors of batches delivered to the broker but not yet committed; promoted by the commit,"
        " voided when the broker lost them."
    ),
)

COVERAGE = Table(
    "coverage",
    _columns(
        ("ingest_id", _TEXT, "The ingest (one per tick)"),
        ("connector", _TEXT, "`twitter`, `facebook` or `replay`"),
        ("account", _TEXT, "Account key"),
        ("stream", _TEXT, "`posts`, `mentions`, `replies`, `comments`, `deletions` or `files`"),
        ("status", _TEXT, "`complete`, `partial` or `not_covered`"),
        ("fetched", pa.int64(), "Items fetched"),
        ("newest_item_at", _TIME, "Time of the newest item fetched (UTC)"),
        ("reason", _TEXT, "Why it is not complete (rate limit, permission, error), no secrets"),
        ("checked_at", _TIME, "When the stream was fetched (UTC)"),
    ),
    key=("ingest_id", "connector", "account", "stream"),
    description="Per ingest, connector, account and stream: whether everything was fetched.",
)

ALERTS = Table(
    "alerts",
    _columns(
        ("alert_id", _TEXT, "sha256 of the record id"),
        ("record_id", _TEXT, "The record (see `records`)"),
        ("account", _TEXT, "Key of the record's official account"),
        ("rule_id", _TEXT, "The most severe rule that fired (`alert_findings` lists every one)"),
        ("rule_version", _TEXT, "Version of the rules file"),
        ("category", _TEXT, "Category of the most severe finding; `categories` has all"),
        ("policy_clause", _TEXT, "Clause of the most severe rule; `policy_clauses` has all"),
        ("severity", _TEXT, "`low`, `medium`, `high` or `critical`"),
        ("score", pa.float64(), "Score of the most severe finding"),
        (
            "evidence",
            _JSON,
            (
                "JSON: masked redacted excerpt, thread context, every finding with rule, detector,"
                " versions and threshold; read through `alert_findings` and `alert_lifecycle`"
            ),
        ),
        ("recommended_action", _TEXT, "What the rule recommends doing"),
        (
            "recipients",
            _JSON,
            "JSON array of the email addresses it goes to (owner and line manager of each account)",
        ),
        ("conversation_id", _TEXT, "Thread's top post (see `top_threads`)"),
        ("url", _TEXT, "Link to the post"),
        (
            "status",
            _TEXT,
            "`open`, `acknowledged`, `confirmed`, `false_positive`, `duplicate` or `superseded`",
            False,
        ),
        ("published", pa.bool_(), "Copied to the alerts topic", False),
        ("run_id", _TEXT, "Run that raised it", False),
        (
            "created_at",
            _TIME,
            "When it was raised (processing time, UTC); the post's time is `records.created_at`",
            False,
        ),
        # Set when a newer version of the record no longer raises it (migration 0009).
        ("superseded_at", _TIME, "When a newer version of the record no longer raised it", False),
        ("superseded_by_run", _TEXT, "Run that found the newer version", False),
        # One alert per record, and the review lifecycle (migration 0010).
        ("categories", _JSON, "JSON array of every category that fired"),
        ("policy_clauses", _JSON, "JSON array of every clause that fired"),
        ("acknowledged_at", _TIME, "First acknowledgement (someone is on it)", False),
        ("acknowledged_by", _TEXT, "Reviewer's email address", False),
        ("resolved_at", _TIME, "Latest verdict", False),
        ("resolved_by", _TEXT, "Reviewer's email address", False),
        ("action_taken", _TEXT, "What was done about the content", False),
        ("assigned_to", _TEXT, "Colleague it was handed to", False),
        ("duplicate_of", _TEXT, "The alert it repeats, when resolved as a duplicate", False),
        ("record_deleted_at", _TIME, "When the author deleted the post", False),
    ),
    key=("alert_id",),
    description=(
        "One alert per record that broke a policy rule, carrying every category and clause that "
        "fired at the highest severity, with its review lifecycle."
    ),
)

ALERT_EVENTS = Table(
    "alert_events",
    _columns(
        ("event_id", _TEXT, "sha256 of alert id, event, actor and time, prefixed by the time"),
        ("alert_id", _TEXT, "The alert"),
        (
            "event",
            _TEXT,
            (
                "viewed, acknowledged, confirmed, false_positive, duplicate, assigned, escalated, "
                "action_taken, noted, reopened"
            ),
        ),
        ("actor", _TEXT, "The reviewer's email address"),
        ("detail", _JSON, "JSON: assignee, action taken, note, escalated to"),
        ("created_at", _TIME, "When (UTC)"),
    ),
    key=("event_id",),
    description="History of every view and action on an alert.",
)

ALERT_DELIVERIES = Table(
    "alert_deliveries",
    _columns(
        ("delivery_id", _TEXT, "sha256 of alert id and recipient"),
        ("alert_id", _TEXT, "The alert"),
        ("recipient", _TEXT, "Email address"),
        ("mode", _TEXT, "`immediate` or `digest`"),
        ("due_at", _TIME, "When it is due (UTC)"),
        ("status", _TEXT, "`pending`, `sending`, `uncertain`, `sent` or `cancelled`", False),
        ("attempts", pa.int32(), "Send attempts", False),
        ("next_attempt_at", _TIME, "When it is retried", False),
        ("last_error", _TEXT, "Last SMTP error", False),
        ("message_id", _TEXT, "Stable Message-ID of the email", False),
        ("sent_at", _TIME, "When the SMTP server accepted it", False),
        ("run_id", _TEXT, "Run that queued it", False),
        ("created_at", _TIME, "When queued (UTC)", False),
        # pending | sending | uncertain | sent (migration 0007 says what each means),
        # or cancelled: its alert was superseded before it was sent (migration 0009)
        (
            "sending_at",
            _TIME,
            "When sending started (a crash after it leaves the delivery `uncertain`)",
            False,
        ),
        # An escalation to the next step of the account's routing chain (migration 0012).
        (
            "escalation_step",
            pa.int32(),
            "Step of the routing chain beyond the alert's recipients (1, 2, ...); empty when "
            "not an escalation",
            False,
        ),
        (
            "escalated_from",
            _JSON,
            "JSON array of the addresses told before who did not acknowledge",
            False,
        ),
        ("escalated_since", _TIME, "When those addresses were told (UTC)", False),
    ),
    key=("delivery_id",),
    description="The email outbox: one delivery per alert and recipient.",
)

ALERT_FEEDBACK = Table(
    "alert_feedback",
    _columns(
        ("alert_id", _TEXT, "The alert"),
        ("verdict", _TEXT, "`confirmed`, `false_positive` or `duplicate`"),
        ("note", _TEXT, "The reviewer's note"),
        ("reviewer", _TEXT, "The reviewer's email address"),
        ("created_at", _TIME, "When (UTC)"),
    ),
    key=("alert_id", "created_at"),
    description="Reviewers' verdicts on alerts.",
)

#: Reference tables kept in step with the configuration and the policy file (migration 0011),
#: so SQL can label an account with its handle and a clause with its title.
ACCOUNTS = Table(
    "accounts",
    _columns(
        (
            "account",
            _TEXT,
            "Our key for the official account (`records.account`, `alerts.account`)",
        ),
        ("platform", _TEXT, "`x` or `facebook`"),
        ("platform_id", _TEXT, "The platform's user or page id"),
        ("handle", _TEXT, "Public handle or page name, e.g. `@UniOfficial`"),
        ("owner_email", _TEXT, "Work address of the colleague who runs the account"),
        ("line_manager_email", _TEXT, "Work address of the owner's line manager"),
        ("configured", pa.bool_(), "Still in the configuration (false: removed, kept for history)"),
        ("updated_at", _TIME, "When socmon last wrote the row (UTC)"),
    ),
    key=("account",),
    description=(
        "The official accounts as configured in socmon.toml, written at the start of every "
        "`socmon process` and `socmon run`; accounts since removed stay, marked not configured."
    ),
)

POLICY_CLAUSES = Table(
    "policy_clauses",
    _columns(
        ("policy_clause", _TEXT, "Clause id, e.g. `7.17` (`alerts.policy_clause`)"),
        ("title", _TEXT, "Short title in our own words"),
        ("summary", _TEXT, "What the clause asks, in our own words"),
        ("document_url", _TEXT, "Where the university publishes the policy"),
        ("policy_version", pa.int32(), "Version of the policy file"),
        ("configured", pa.bool_(), "Still in the policy file (false: removed, kept for history)"),
        ("updated_at", _TIME, "When socmon last wrote the row (UTC)"),
    ),
    key=("policy_clause",),
    description=(
        "The policy clauses of the policy file (`alerts.policy_file`), written at the start of "
        "every `socmon process` and `socmon run`."
    ),
)

SCHEMA_MIGRATIONS = Table(
    "schema_migrations",
    _columns(
        ("version", pa.int32(), "Migration number"),
        ("name", _TEXT, "Its name"),
        ("applied_at", _TIME, "When it was applied (UTC)"),
    ),
    key=("version",),
    description=(
        "Applied migrations (`schemas/migrations/NNNN_name.sql`, shared by DuckDB and PostgreSQL)."
    ),
)

#: Every table of the warehouse, by name.
#: What the platform team is told about (migration 0012): open problems and their notices.
OPERATIONS_PROBLEMS = Table(
    "operations_problems",
    _columns(
        (
            "kind",
            _TEXT,
            "`failed_run`, `data_quality_stop`, `coverage_gap` or `token_expiring`",
            False,
        ),
        ("subject", _TEXT, "What it is about: `process`, `<account>/<stream>`, `<account>`", False),
        ("summary", _TEXT, "One line saying what is wrong", False),
        ("detail", _JSON, "JSON: the reason, what to do, the run or ingest concerned", False),
        ("opened_at", _TIME, "Since when the problem has been seen (UTC)", False),
        ("resolved_at", _TIME, "When it cleared (UTC); empty while open", False),
    ),
    key=("kind", "subject"),
    description="Problems the platform team was told about, one per kind and subject.",
)
OPERATIONS_NOTICES = Table(
    "operations_notices",
    _columns(
        ("notice_id", _TEXT, "sha256 of kind, subject, opened_at and event", False),
        ("kind", _TEXT, "The problem's kind", False),
        ("subject", _TEXT, "The problem's subject", False),
        ("event", _TEXT, "`opened` or `resolved`", False),
        ("recipient", _TEXT, "The operations address", False),
        ("title", _TEXT, "The email's subject line", False),
        ("body", _TEXT, "The email's text", False),
        ("status", _TEXT, "`pending`, `sending`, `uncertain` or `sent`", False),
        ("attempts", pa.int32(), "Send attempts", False),
        ("next_attempt_at", _TIME, "When it is retried", False),
        ("last_error", _TEXT, "Last SMTP error", False),
        ("message_id", _TEXT, "Stable Message-ID of the email", False),
        ("created_at", _TIME, "When the notice was made (UTC)", False),
        ("sent_at", _TIME, "When the SMTP server accepted it", False),
    ),
    key=("notice_id",),
    description="Operations notices: one when a problem opens and one when it clears.",
)

TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        RECORDS,
        DETECTIONS,
        DEAD_LETTERS,
        RUNS,
        OFFSETS,
        ERASURES,
        AUDIT_LOG,
        DQ_RESULTS,
        CONNECTOR_CURSORS,
        CURSOR_CHECKPOINTS,
        COVERAGE,
        ALERTS,
        ALERT_DELIVERIES,
        ALERT_FEEDBACK,
        ALERT_EVENTS,
        ACCOUNTS,
        POLICY_CLAUSES,
        OPERATIONS_PROBLEMS,
        OPERATIONS_NOTICES,
        SCHEMA_MIGRATIONS,
    )
}
