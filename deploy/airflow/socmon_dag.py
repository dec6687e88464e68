"""Airflow DAGs for social-monitor: a tick every five minutes, retention once a day.

``socmon_tick`` runs ``socmon ingest`` → ``socmon process`` → ``socmon notify`` as three
tasks, so a failed step is retried on its own; ``socmon_retention`` runs ``socmon
retention`` daily. Written for Airflow 3 (``airflow.sdk``); tested by importing it with
Airflow 3.3 in a separate virtual environment (``make airflow-venv``,
``tests/deploy/test_airflow_dag.py``).

Why a Python callable and not ``BashOperator``: socmon's exit codes mean different things
to a scheduler, and ``BashOperator`` can only turn chosen codes into *skipped* (which would
also skip the downstream tasks) or fail them all alike (and retry them all). Here:

* ``0`` success;
* ``1`` failure, worth retrying (a broker or database that was down): ``AirflowException``,
  retried up to ``retries`` times;
* ``2`` bad usage or configuration: ``AirflowFailException``, failed at once, never
  retried (a retry cannot fix a configuration; someone must);
* ``3`` partial coverage (an expired token, a quota): the work was done, so the task
  succeeds and the downstream tasks run, but a WARNING in the task log names it and the
  task returns 3 (visible as its XCom); watch ``socmon coverage``.

socmon is installed in its own virtual environment or image, never in Airflow's: the
workers call it by path (``SOCMON_BIN``, default ``socmon`` on ``PATH``) with its
configuration in ``SOCMON_CONFIG`` and secrets in the worker's environment or secret files.
"""

from __future__ import annotations

import logging
import os
import subprocess
from datetime import datetime, timedelta

from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG
from airflow.sdk.exceptions import AirflowException, AirflowFailException

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_CONFIG = 2
EXIT_PARTIAL_COVERAGE = 3

#: Every few minutes: critical alerts are emailed at the next notify.
TICK_SCHEDULE = "*/5 * * * *"
RETENTION_SCHEDULE = "@daily"

DEFAULT_ARGS = {
    "owner": "platform",
    "retries": 3,
    "retry_delay": timedelta(minutes=1),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=10),
    # A tick stuck longer than this is stopped (SIGTERM: socmon unwinds and exits).
    "execution_timeout": timedelta(minutes=30),
}


def socmon_command(*arguments: str) -> list[str]:
    """The command line of one socmon step: JSON logs, so the task log can be searched."""
    return [os.environ.get("SOCMON_BIN", "socmon"), "--log-json", *arguments]


def check_exit(code: int, step: str) -> int:
    """Turn socmon's exit code into what Airflow should do (see the module docstring)."""
    if code == EXIT_OK:
        return code
    if code == EXIT_PARTIAL_COVERAGE:
        log.warning(
            "socmon %s: partial coverage (exit 3) — some account or stream was not fetched; "
            "the step's work is done, see `socmon coverage`",
            step,
        )
        return code
    if code == EXIT_BAD_CONFIG:
        raise AirflowFailException(
            f"socmon {step}: bad usage or configuration (exit 2); not retried: fix it first"
        )
    raise AirflowException(f"socmon {step}: failed with exit code {code}; retried")


def run_socmon(*arguments: str) -> int:
    """Run one socmon step, copy its output to the task log, and judge its exit code."""
    completed = subprocess.run(
        socmon_command(*arguments), capture_output=True, text=True, check=False
    )
    for line in (completed.stdout + completed.stderr).splitlines():
        log.info("%s", line)
    return check_exit(completed.returncode, " ".join(arguments))


def _step(name: str, *arguments: str) -> PythonOperator:
    return PythonOperator(task_id=name, python_callable=run_socmon, op_args=list(arguments))


with DAG(
    dag_id="socmon_tick",
    description="social-monitor: ingest, process, notify",
    schedule=TICK_SCHEDULE,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    # One tick at a time: the warehouse takes one writer, and ticks read fixed ranges.
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["socmon"],
) as tick_dag:
    _step("ingest", "ingest") >> _step("process", "process") >> _step("notify", "notify")


with DAG(
    dag_id="socmon_retention",
    description="social-monitor: delete rows past their retention",
    schedule=RETENTION_SCHEDULE,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["socmon"],
) as retention_dag:
    _step("retention", "retention")
