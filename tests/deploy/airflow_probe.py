"""Run by the Airflow environment's Python (not pytest's): load deploy/airflow/ with Airflow's
own DagBag and print what Airflow sees as JSON, then how the DAG's callable judges socmon's
exit codes. ``tests/deploy/test_airflow_dag.py`` reads that JSON.

Usage: python airflow_probe.py DAG_FOLDER
"""

from __future__ import annotations

import json
import sys
from typing import Any


def describe(folder: str) -> dict[str, Any]:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=folder, safe_mode=False)
    dags = {}
    for dag_id, dag in bag.dags.items():
        tasks = {}
        for task in dag.tasks:
            tasks[task.task_id] = {
                "operator": type(task).__name__,
                "downstream": sorted(task.downstream_task_ids),
                "retries": task.retries,
                "op_args": list(getattr(task, "op_args", [])),
            }
        dags[dag_id] = {
            "schedule": str(dag.schedule),
            "catchup": dag.catchup,
            "max_active_runs": dag.max_active_runs,
            "tasks": tasks,
        }
    return {"import_errors": {str(k): str(v) for k, v in bag.import_errors.items()}, "dags": dags}


def judge(folder: str) -> dict[str, str]:
    """What the tasks' callable does with each exit code of socmon."""
    sys.path.insert(0, folder)
    import socmon_dag
    from airflow.sdk.exceptions import AirflowException, AirflowFailException

    outcomes = {}
    for code in (0, 1, 2, 3, 137):
        try:
            socmon_dag.check_exit(code, "probe")
            outcomes[str(code)] = "success"
        except AirflowFailException:
            outcomes[str(code)] = "fail without retry"
        except AirflowException:
            outcomes[str(code)] = "fail and retry"
    return outcomes


def run_real(folder: str, arguments: list[str]) -> str:
    """Run the real socmon (SOCMON_BIN) through the tasks' callable."""
    sys.path.insert(0, folder)
    import socmon_dag
    from airflow.sdk.exceptions import AirflowException, AirflowFailException

    try:
        return f"success {socmon_dag.run_socmon(*arguments)}"
    except AirflowFailException:
        return "fail without retry"
    except AirflowException:
        return "fail and retry"


if __name__ == "__main__":
    folder = sys.argv[1]
    if sys.argv[2:3] == ["run"]:
        print(json.dumps({"outcome": run_real(folder, sys.argv[3:])}))
    else:
        print(json.dumps({**describe(folder), "exit_codes": judge(folder)}))
