"""Log lines carry the run's fields, and libraries' chatter stays out of a command's output."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from pipelines.logs import configure_logging, log_fields


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    stream = io.StringIO()
    yield stream
    root.handlers[:], level = saved
    root.setLevel(level)


def use(stream: io.StringIO, level: str, json_lines: bool) -> None:
    configure_logging(level, json_lines)
    logging.getLogger().handlers[0].setStream(stream)  # type: ignore[attr-defined]


def test_json_lines_carry_the_fields_of_the_work_in_hand(captured: io.StringIO) -> None:
    use(captured, "INFO", True)
    with log_fields(stage="process", run_id="20261127T0900-ab"):
        with log_fields(account="uni_main"):
            logging.getLogger("pipelines.test").info("stored %d records", 3)
        logging.getLogger("pipelines.test").info("committed")
    logging.getLogger("pipelines.test").info("after")

    lines = [json.loads(line) for line in captured.getvalue().splitlines()]
    assert [line["message"] for line in lines] == ["stored 3 records", "committed", "after"]
    assert lines[0]["account"] == "uni_main" and lines[0]["run_id"] == "20261127T0900-ab"
    assert "account" not in lines[1] and lines[1]["stage"] == "process"
    assert "stage" not in lines[2]


def test_text_lines_show_the_fields_in_brackets(captured: io.StringIO) -> None:
    use(captured, "INFO", False)
    with log_fields(stage="notify"):
        logging.getLogger("pipelines.test").warning("held back")
    assert "[stage=notify]: held back" in captured.getvalue()


@pytest.mark.parametrize(("level", "shown"), [("INFO", False), ("WARNING", False), ("DEBUG", True)])
def test_great_expectations_chatter_shows_only_when_debugging(
    captured: io.StringIO, level: str, shown: bool
) -> None:
    use(captured, level, False)
    logging.getLogger("great_expectations.expectations.registry").info(
        "Skipping registering function"
    )
    assert ("Skipping registering" in captured.getvalue()) is shown


def test_a_library_that_sets_its_own_loggers_level_is_still_held_back(
    captured: io.StringIO,
) -> None:
    use(captured, "INFO", False)
    chatty = logging.getLogger("great_expectations.data_context.types.base")
    chatty.setLevel(logging.INFO)  # as the library does for itself
    try:
        chatty.info("Created temporary directory")
        chatty.warning("a real problem")
    finally:
        chatty.setLevel(logging.NOTSET)
    assert "Created temporary directory" not in captured.getvalue()
    assert "a real problem" in captured.getvalue()


@pytest.mark.parametrize(
    "logger", ["kafka.protocol.parser", "urllib3.connectionpool", "tweepy.client"]
)
def test_loggers_that_carry_raw_data_stay_silent_even_when_debugging(
    captured: io.StringIO, logger: str
) -> None:
    use(captured, "DEBUG", False)
    chatty = logging.getLogger(logger)
    chatty.setLevel(logging.DEBUG)  # as a library or a connector might set it
    try:
        chatty.debug("raw bytes b'maggie.t@example.com' GET /me?access_token=EAAB")
        chatty.info("GET /me?access_token=EAAB")
    finally:
        chatty.setLevel(logging.NOTSET)
    assert "maggie" not in captured.getvalue() and "EAAB" not in captured.getvalue()


def test_beams_warning_about_google_cloud_libraries_is_dropped(captured: io.StringIO) -> None:
    use(captured, "INFO", False)
    logging.getLogger().warning("apitools not found, and bigquery client libraries are not ...")
    assert captured.getvalue() == ""
