"""The Graph API client's reading of usage headers and error codes, against the simulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connectors.errors import AccessDenied, NotFound, RateLimited, TransientError
from connectors.facebook_api import GraphApi
from testing.simulators import Fault, SimulatedAccount, Simulators
from testing.simulators.graph_api import graph_error

PAGE = SimulatedAccount("uni_students", "facebook", "880000000001", "Student Life")


@pytest.fixture
def simulators() -> Iterator[Simulators]:
    with Simulators([PAGE]) as running:
        yield running


def client(simulators: Simulators, pauses: list[float]) -> GraphApi:
    return GraphApi(PAGE.token, simulators.graph_server.base_url, "v21.0", 5.0, sleep=pauses.append)


def test_high_app_usage_slows_down_and_full_usage_stops(simulators: Simulators) -> None:
    pauses: list[float] = []
    api = client(simulators, pauses)
    assert api.edge(PAGE.platform_id, "posts", limit=5)["data"]
    assert pauses == []  # 5 % usage: full speed

    simulators.graph_api.app_usage = 90
    api.edge(PAGE.platform_id, "posts", limit=5)
    assert len(pauses) == 1 and pauses[0] > 0

    simulators.graph_api.app_usage = 100
    with pytest.raises(RateLimited):
        api.edge(PAGE.platform_id, "posts", limit=5)


@pytest.mark.parametrize(
    ("code", "status", "error"),
    [
        (190, 400, AccessDenied),
        (200, 403, AccessDenied),
        (4, 400, RateLimited),
        (613, 400, RateLimited),
        (2, 503, TransientError),
    ],
)
def test_graph_error_codes_become_our_errors(
    simulators: Simulators, code: int, status: int, error: type[Exception]
) -> None:
    simulators.graph_server.inject(
        Fault(r"/posts", reply=graph_error(status, code, f"code {code}", "OAuthException"))
    )
    with pytest.raises(error, match=f"code {code}"):
        client(simulators, []).edge(PAGE.platform_id, "posts")


def test_a_missing_post_is_not_found(simulators: Simulators) -> None:
    with pytest.raises(NotFound):
        client(simulators, []).edge(f"{PAGE.platform_id}_999", "comments")


def test_the_api_version_is_current_despite_the_sdk(simulators: Simulators) -> None:
    client(simulators, []).edge(PAGE.platform_id, "posts")
    assert simulators.graph_server.requests[-1].path.startswith("/v21.0/")
