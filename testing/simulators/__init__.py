"""Local stand-ins for the X API v2 and the Graph API, for tests, the demo and benchmarks.

``Simulators`` starts both servers over one ``World`` and issues one token
per official account, so the real tweepy and facebook-sdk clients can be
pointed at them (``connectors.twitter.api_base_url``,
``connectors.facebook.graph_url``). Nothing here is used in production.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from connectors.lifecycle import Lifecycle
from testing.simulators.graph_api import GraphApiSimulator
from testing.simulators.server import Fault, Reply, SimulatorServer
from testing.simulators.world import SeedPlan, TextSource, World, default_text, seed
from testing.simulators.x_api import XApiSimulator

__all__ = ["Fault", "Reply", "SeedPlan", "SimulatedAccount", "Simulators", "World", "ten_accounts"]


@dataclass(frozen=True)
class SimulatedAccount:
    """An official account as the simulators know it."""

    key: str
    platform: str
    platform_id: str
    handle: str

    @property
    def token(self) -> str:
        """The access token the simulator issued for this account."""
        return f"sim-token-{self.key}"


class Simulators(Lifecycle):
    """Both API simulators on loopback ports, seeded with activity; a context manager."""

    def __init__(
        self,
        accounts: Sequence[SimulatedAccount],
        plan: SeedPlan | None = None,
        seeded: bool = True,
        *,
        rng_seed: int = 11,
        text: TextSource = default_text,
    ) -> None:
        self.accounts = tuple(accounts)
        self.world = World()
        x_accounts = [a for a in self.accounts if a.platform == "x"]
        pages = [a for a in self.accounts if a.platform == "facebook"]
        if seeded:
            seed(
                self.world,
                [(a.platform_id, a.handle) for a in x_accounts],
                [(a.platform_id, a.handle) for a in pages],
                plan,
                rng_seed=rng_seed,
                text=text,
            )
        else:
            for account in x_accounts:
                self.world.add_x_user(account.platform_id, account.handle)
            for account in pages:
                self.world.add_page(account.platform_id, account.handle)
        self.x_api = XApiSimulator(self.world, [a.token for a in x_accounts])
        self.graph_api = GraphApiSimulator(self.world, {a.token: a.platform_id for a in pages})
        self.x_server = SimulatorServer(self.x_api)
        self.graph_server = SimulatorServer(self.graph_api)
        self.graph_api.base_url = self.graph_server.base_url

    def account(self, key: str) -> SimulatedAccount:
        """The account with this key."""
        return next(account for account in self.accounts if account.key == key)

    def account_settings(self) -> list[dict[str, str]]:
        """The simulated accounts as ``[[accounts]]`` config entries."""
        return [
            {
                "key": a.key,
                "platform": a.platform,
                "platform_id": a.platform_id,
                "handle": a.handle,
                "owner_email": "comms@university.example",
                "line_manager_email": "head@university.example",
            }
            for a in self.accounts
        ]

    def connector_settings(self) -> dict[str, object]:
        """The ``[connectors]`` settings that point both clients here, with the tokens."""
        return {
            "enabled": ["twitter", "facebook"],
            "twitter": {
                "api_base_url": self.x_server.base_url,
                "account_tokens": {a.key: a.token for a in self.accounts if a.platform == "x"},
            },
            "facebook": {
                "graph_url": self.graph_server.base_url,
                "page_tokens": {a.key: a.token for a in self.accounts if a.platform == "facebook"},
            },
            "retry": {"base_delay_s": 0.01, "max_delay_s": 0.1, "max_rate_limit_wait_s": 5},
        }

    def start(self) -> Simulators:
        """Start both servers."""
        self.x_server.start()
        self.graph_server.start()
        return self

    def stop(self) -> None:
        """Stop both servers."""
        self.x_server.stop()
        self.graph_server.stop()


def ten_accounts() -> list[SimulatedAccount]:
    """Six X accounts and four Facebook pages, for the benchmarks."""
    x = [SimulatedAccount(f"x_account_{n}", "x", f"15000000{n:02d}", f"UniX{n}") for n in range(6)]
    pages = [
        SimulatedAccount(f"fb_page_{n}", "facebook", f"8800000000{n:02d}", f"Uni Page {n}")
        for n in range(4)
    ]
    return x + pages
