"""The real tweepy and facebook-sdk clients against the API simulators, into the real broker.

Every test ends by processing what was ingested and comparing the warehouse
with what the simulated platforms hold: nothing lost, nothing twice.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from pipelines.config import Settings
from pipelines.usecases.ingest import IngestResult, ingest
from pipelines.usecases.process import ProcessResult, process
from pipelines.usecases.tick import run_tick
from testing.failpoints import FAILPOINT_EXIT_CODE
from testing.simulators import Fault, Reply, SeedPlan, Simulators
from testing.simulators.graph_api import graph_error
from tests.integration.helpers import count, query, run_cli
from tests.support import SettingsFactory, expected_ids, simulated_accounts

pytestmark = pytest.mark.integration

SMALL_PLAN = SeedPlan(posts_per_account=4, replies_per_post=6, mentions_per_account=3)


@pytest.fixture
def simulators() -> Iterator[Simulators]:
    with Simulators(simulated_accounts(), SMALL_PLAN) as running:
        yield running


def settings_for(
    make_settings: SettingsFactory, simulators: Simulators, **changes: Any
) -> Settings:
    connectors: dict[str, Any] = simulators.connector_settings()
    for section, values in changes.items():
        connectors[section] = {**connectors.get(section, {}), **values}
    return make_settings(connectors=connectors)


def tick(settings: Settings) -> tuple[IngestResult, ProcessResult]:
    assert settings.kafka.bootstrap_servers
    return ingest(settings, settings.kafka.bootstrap_servers), process(settings)


def stored_ids(settings: Settings, deleted: bool = False) -> set[str]:
    rows = query(settings, "SELECT id FROM records WHERE deleted = ?", (deleted,))
    return {row["id"] for row in rows}


def statuses(result: IngestResult) -> dict[tuple[str, str], str]:
    return {(row.account, row.stream): row.status for row in result.coverage}


def test_first_sync_brings_everything_once_and_a_rerun_adds_nothing(
    make_settings: SettingsFactory, simulators: Simulators
) -> None:
    settings = settings_for(make_settings, simulators)
    expected = expected_ids(simulators.world, simulated_accounts())

    ingested, processed = tick(settings)

    assert stored_ids(settings) == expected
    assert processed.reconciles()
    assert set(statuses(ingested).values()) == {"complete"}
    kinds = query(settings, "SELECT kind, count(*) AS n FROM records GROUP BY kind")
    assert {row["kind"]: row["n"] for row in kinds} == {
        "post": 12,
        "reply": 48,
        "comment": 24,
        "mention": 6,
    }
    coverage_rows = count(settings, "coverage", "ingest_id = ?", (ingested.ingest_id,))
    assert coverage_rows == 4 + 4 + 3  # four X streams twice, three Facebook streams

    again, reprocessed = tick(settings)

    assert reprocessed.counts.inserted == 0
    assert again.total <= 1  # only the newest page post, fetched again by an inclusive cursor
    assert stored_ids(settings) == expected


def test_incremental_sync_fetches_only_new_items(
    make_settings: SettingsFactory, simulators: Simulators
) -> None:
    settings = settings_for(make_settings, simulators)
    first, _ = tick(settings)
    world = simulators.world
    main, students = simulators.account("uni_main"), simulators.account("uni_students")
    post = world.tweet(main.platform_id, "Graduation photos are online.")
    new = [post] + [world.tweet("7700000001", f"Lovely {n}", reply_to=post.id) for n in range(3)]
    mention = world.tweet("7700000002", "@UniOfficial thanks!", mentions=(main.platform_id,))
    page_post = sorted(world.posts.values(), key=lambda p: p.created_time)[-1]
    comment = world.comment(page_post.id, "1077", "Some One", "Great photos")
    timeline_calls = simulators.x_server.count(r"/users/1500000001/tweets")

    second, processed = tick(settings)

    new_ids = {f"x:{t.id}" for t in [*new, mention]} | {f"facebook:{comment.id}"}
    assert processed.counts.inserted == len(new_ids)
    assert new_ids <= stored_ids(settings)
    assert stored_ids(settings) == expected_ids(world, simulated_accounts())
    # Far less than the first sync: the new items, the new post met again in its own
    # conversation, and the page's newest post and its comments within the overlap.
    assert second.total < first.total / 4
    since_ids = [
        r.params.get("since_id")
        for r in simulators.x_server.requests
        if r.path == "/2/users/1500000001/tweets"
    ][timeline_calls:]
    assert since_ids and all(since_ids)
    assert students.key in {row.account for row in second.coverage}


def test_pagination_across_many_pages(
    make_settings: SettingsFactory, simulators: Simulators
) -> None:
    world = simulators.world
    main = simulators.account("uni_main")
    busy = world.tweet(main.platform_id, "Ask us anything about clearing!")
    for n in range(95):
        world.tweet(f"77000000{n % 40:02d}", f"Question {n}", reply_to=busy.id)
    page = sorted(world.posts.values(), key=lambda p: p.created_time)[0]
    for n in range(45):
        world.comment(page.id, f"10{n}", "Some One", f"Comment {n}")
    settings = settings_for(
        make_settings, simulators, twitter={"page_size": 10}, facebook={"page_size": 7}
    )

    tick(settings)

    assert stored_ids(settings) == expected_ids(world, simulated_accounts())
    assert simulators.x_server.count(r"/search/recent") >= 10
    assert simulators.graph_server.count(rf"/{page.id}/comments") >= 7


def test_an_edited_post_updates_its_record(
    make_settings: SettingsFactory, simulators: Simulators
) -> None:
    settings = settings_for(make_settings, simulators)
    tick(settings)
    world = simulators.world
    main = simulators.account("uni_main")
    original = next(
        t
        for t in world.tweets.values()
        if t.author_id == main.platform_id and t.replied_to is None and not t.mentions
    )
    before = stored_ids(settings)

    edited = world.edit_tweet(original.id, "Open day moved to Sunday, same times.")
    _, processed = tick(settings)

    assert edited.id != original.id
    assert stored_ids(settings) == before  # same record, not a new one
    rows = query(settings, "SELECT text, url FROM records WHERE id = ?", (f"x:{original.id}",))
    assert rows == [
        {
            "text": "Open day moved to Sunday, same times.",
            "url": f"https://x.com/i/web/status/{edited.id}",
        }
    ]
    assert processed.counts.updated >= 1


def test_deleted_items_become_tombstones(
    make_settings: SettingsFactory, simulators: Simulators
) -> None:
    settings = settings_for(make_settings, simulators)
    tick(settings)
    world = simulators.world
    comment = sorted(world.comments.values(), key=lambda c: c.created_time)[-1]
    main = simulators.account("uni_main")
    reply = max(  # the newest, within the 48-hour deletion check
        (
            t
            for t in world.tweets.values()
            if t.replied_to and world.tweets[t.conversation_id].author_id == main.platform_id
        ),
        key=lambda t: t.created_at,
    )

    world.delete_comment(comment.id)
    world.delete_tweet(reply.id)
    ingested, _ = tick(settings)

    assert stored_ids(settings, deleted=True) == {f"facebook:{comment.id}", f"x:{reply.id}"}
    rows = query(settings, "SELECT text, url FROM records WHERE deleted ORDER BY id")
    assert rows == [{"text": "", "url": None}] * 2  # nothing of the deleted items is kept
    assert statuses(ingested)[("uni_students", "deletions")] == "complete"
    assert {row.fetched for row in ingested.coverage if row.stream == "deletions"} == {0, 1}
    # Tombstones are not alive: the platforms' live items match the live records.
    assert stored_ids(settings) == expected_ids(world, simulated_accounts())


def test_a_deleted_page_post_takes_its_comments_with_it(
    make_settings: SettingsFactory, simulators: Simulators
) -> None:
    settings = settings_for(make_settings, simulators)
    tick(settings)
    world = simulators.world
    post = max(world.posts.values(), key=lambda p: p.created_time)
    comments = {f"facebook:{c}" for c in world.comments_by_post[post.id]}

    world.delete_page_post(post.id)
    tick(settings)

    assert stored_ids(settings, deleted=True) == {f"facebook:{post.id}"} | comments
    assert stored_ids(settings) == expected_ids(world, simulated_accounts())


def test_a_short_rate_limit_in_the_middle_of_paging_is_waited_out(
    make_settings: SettingsFactory, simulators: Simulators
) -> None:
    settings = settings_for(make_settings, simulators, twitter={"page_size": 10})
    fault = simulators.x_server.inject(
        Fault(r"/search/recent", reply=rate_limited(reset_in_s=1), after=1, times=1)
    )

    ingested, _ = tick(settings)

    assert fault.applied == 1
    assert set(statuses(ingested).values()) == {"complete"}
    assert stored_ids(settings) == expected_ids(simulators.world, simulated_accounts())


def test_a_long_rate_limit_stops_the_account_and_the_next_run_resumes(
    make_settings: SettingsFactory, simulators: Simulators
) -> None:
    main = simulators.account("uni_main")
    world = simulators.world
    for n in range(25):  # enough own posts for three pages of ten
        world.tweet(main.platform_id, f"Announcement {n}")
    settings = settings_for(make_settings, simulators, twitter={"page_size": 10})
    simulators.x_server.inject(
        Fault(r"/users/1500000001/tweets", reply=rate_limited(reset_in_s=900), after=1, times=1)
    )

    first, _ = tick(settings)

    assert statuses(first)[("uni_main", "posts")] == "partial"
    assert statuses(first)[("uni_main", "mentions")] == "not_covered"
    assert statuses(first)[("uni_research", "posts")] == "complete"
    assert any("rate limited" in line for line in first.describe_gaps())

    second, processed = tick(settings)

    assert set(statuses(second).values()) == {"complete"}
    assert stored_ids(settings) == expected_ids(world, simulated_accounts())
    # The second run went on below where the first stopped instead of starting again.
    resumed = [
        r.params for r in simulators.x_server.requests if r.path == "/2/users/1500000001/tweets"
    ]
    assert resumed[2].get("until_id")
    assert processed.reconciles()


def test_a_storm_of_server_errors_is_retried_and_nothing_is_lost(
    make_settings: SettingsFactory, simulators: Simulators
) -> None:
    settings = settings_for(make_settings, simulators)
    x_fault = simulators.x_server.inject(
        Fault(r"/2/", reply=Reply(503, {"title": "Service Unavailable"}), times=3)
    )
    graph_fault = simulators.graph_server.inject(
        Fault(
            r"/comments",
            reply=graph_error(
                500, 2, "Service temporarily unavailable", "OAuthException", transient=True
            ),
            times=3,
        )
    )

    ingested, _ = tick(settings)

    assert (x_fault.applied, graph_fault.applied) == (3, 3)
    assert set(statuses(ingested).values()) == {"complete"}
    assert stored_ids(settings) == expected_ids(simulators.world, simulated_accounts())


def test_errors_beyond_the_retries_leave_a_gap_that_the_next_run_fills(
    make_settings: SettingsFactory, simulators: Simulators
) -> None:
    settings = settings_for(make_settings, simulators, retry={"max_attempts": 2})
    simulators.graph_server.inject(
        Fault(
            r"/comments",
            reply=Reply(502, {"error": {"message": "Bad gateway", "code": 1}}),
            times=None,
        )
    )

    first, _ = tick(settings)

    assert statuses(first)[("uni_students", "comments")] == "partial"
    assert statuses(first)[("uni_students", "posts")] == "complete"
    simulators.graph_server.clear_faults()
    second, _ = tick(settings)

    assert statuses(second)[("uni_students", "comments")] == "complete"
    assert stored_ids(settings) == expected_ids(simulators.world, simulated_accounts())


def test_an_expired_token_leaves_that_account_not_covered_and_the_others_go_on(
    make_settings: SettingsFactory, simulators: Simulators
) -> None:
    research = simulators.account("uni_research")
    simulators.x_api.expire(research.token)
    simulators.graph_api.expire(simulators.account("uni_students").token)
    settings = settings_for(make_settings, simulators)

    completed = run_cli(settings, "ingest")

    assert completed.returncode == 3, completed.stderr
    assert "uni_research/posts: not_covered" in completed.stderr
    assert "uni_students/posts: not_covered" in completed.stderr
    assert research.token not in completed.stderr + completed.stdout
    rows = query(
        settings,
        "SELECT account, status, reason FROM coverage WHERE stream = 'posts' ORDER BY account",
    )
    assert [(row["account"], row["status"]) for row in rows] == [
        ("uni_main", "complete"),
        ("uni_research", "not_covered"),
        ("uni_students", "not_covered"),
    ]
    assert "401" in rows[1]["reason"] and "190" in rows[2]["reason"]
    shown = run_cli(settings, "coverage")
    assert shown.returncode == 0, shown.stderr
    assert "uni_research     posts      not_covered" in shown.stdout
    assert "access denied: X API 401" in shown.stdout

    tick_result = run_tick(settings)  # a scheduler tick records the gaps on the run's row

    stored_accounts = {row["account"] for row in query(settings, "SELECT account FROM records")}
    assert stored_accounts == {"uni_main"}
    [run] = query(
        settings,
        "SELECT coverage_gaps, ingest_id FROM runs WHERE run_id = ?",
        (tick_result.process.run_id,),
    )
    assert len(json.loads(run["coverage_gaps"])) == 4 + 3  # every stream of the two accounts
    assert run["ingest_id"] == tick_result.ingest.ingest_id


def test_a_slow_answer_times_out_and_is_retried(
    make_settings: SettingsFactory, simulators: Simulators
) -> None:
    settings = settings_for(make_settings, simulators, retry={"request_timeout_s": 0.5})
    slow = simulators.x_server.inject(Fault(r"/mentions", delay_s=1.5, times=1))

    ingested, _ = tick(settings)

    assert slow.applied == 1
    assert simulators.x_server.count(r"/users/1500000001/mentions") == 2  # timed out, then again
    assert set(statuses(ingested).values()) == {"complete"}
    assert stored_ids(settings) == expected_ids(simulators.world, simulated_accounts())


def test_graph_api_throttling_stops_the_page_for_this_run(
    make_settings: SettingsFactory, simulators: Simulators
) -> None:
    usage = (
        '{"880000000001":[{"type":"pages","call_count":100,"total_cputime":40,'
        '"total_time":60,"estimated_time_to_regain_access":5}]}'
    )
    simulators.graph_server.inject(
        Fault(
            r"/comments",
            after=2,
            times=1,
            reply=graph_error(
                400,
                32,
                "(#32) Page request limit reached",
                "OAuthException",
                headers={"X-Business-Use-Case-Usage": usage},
            ),
        )
    )
    settings = settings_for(make_settings, simulators)

    first, _ = tick(settings)

    assert statuses(first)[("uni_students", "comments")] == "partial"
    assert "rate limited for 300 s" in " ".join(first.describe_gaps())
    second, _ = tick(settings)
    assert statuses(second)[("uni_students", "comments")] == "complete"
    assert stored_ids(settings) == expected_ids(simulators.world, simulated_accounts())


def rate_limited(reset_in_s: float) -> Reply:
    import time

    return Reply(
        429,
        {
            "title": "Too Many Requests",
            "detail": "Too Many Requests",
            "type": "about:blank",
            "status": 429,
        },
        {
            "x-rate-limit-limit": "450",
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(int(time.time() + reset_in_s)),
        },
    )


def test_a_crash_between_delivery_and_cursor_leaves_nothing_lost_or_doubled(
    make_settings: SettingsFactory, simulators: Simulators
) -> None:
    settings = settings_for(make_settings, simulators)

    crashed = run_cli(settings, "ingest", failpoint="after_ingest_flush")

    assert crashed.returncode == FAILPOINT_EXIT_CODE, crashed.stderr
    assert count(settings, "connector_cursors") == 0
    ingested, processed = tick(settings)  # fetches the first batch again
    assert set(statuses(ingested).values()) == {"complete"}
    assert stored_ids(settings) == expected_ids(simulators.world, simulated_accounts())
    assert processed.duplicates >= 1  # the batch delivered twice, stored once
    assert processed.reconciles()


def test_tokens_never_reach_the_logs(
    make_settings: SettingsFactory, simulators: Simulators, caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings_for(make_settings, simulators)
    simulators.graph_server.inject(
        Fault(r"/comments", reply=graph_error(500, 1, "unknown error", "OAuthException"), times=2)
    )
    simulators.x_api.expire(simulators.account("uni_research").token)

    with caplog.at_level(logging.DEBUG):
        tick(settings)

    assert "rate" in caplog.text or "retry" in caplog.text  # the errors were logged
    for account in simulators.accounts:
        assert account.token not in caplog.text
    assert "access_token" not in caplog.text
