"""The connectors social-monitor knows, selected by name in ``[connectors] enabled``.

Each entry builds the connectors for one platform: one per official account
of that platform. An account whose token is missing gets an
``UnavailableConnector``, which fetches nothing and reports every stream as
not covered, so a missing secret shows in the run's coverage instead of
passing as a quiet account.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from connectors.base import Connector, FetchedBatch, KnownItems, StreamCoverage
from connectors.config import ConnectorSettings, FacebookSettings, TwitterSettings
from connectors.facebook import FacebookConnector
from connectors.facebook_api import GraphApi
from connectors.http import Retrier
from connectors.replay import ReplayConnector
from connectors.streams import FetchOptions
from connectors.twitter import TwitterConnector
from connectors.twitter_api import TwitterApi
from schemas.errors import SocmonError
from schemas.records import Platform


class UnknownConnector(SocmonError):
    """A name in ``[connectors] enabled`` that the registry does not know."""


@dataclass(frozen=True)
class AccountRef:
    """What a connector needs to know about an official account."""

    key: str
    platform: Platform
    platform_id: str
    handle: str


@dataclass(frozen=True)
class ConnectorContext:
    """Everything the builders need."""

    accounts: tuple[AccountRef, ...]
    settings: ConnectorSettings
    replay_files: tuple[Path, ...] = ()
    known_items: KnownItems | None = None


class UnavailableConnector(Connector):
    """Stands in for an account that cannot be fetched at all (e.g. no token configured)."""

    def __init__(self, name: str, account: str, streams: Sequence[str], reason: str) -> None:
        self.name = name
        self.account = account
        self.streams = tuple(streams)
        self.reason = reason

    def fetch(self, cursor: str | None) -> Iterator[FetchedBatch]:
        return iter(())

    def coverage(self) -> Sequence[StreamCoverage]:
        return tuple(
            StreamCoverage(self.account, stream, "not_covered", 0, None, self.reason)
            for stream in self.streams
        )


def fetch_options(
    context: ConnectorContext, settings: TwitterSettings | FacebookSettings, retrier: Retrier
) -> FetchOptions:
    """What a platform connector needs besides its API client, from its settings."""
    return FetchOptions(
        retrier,
        page_size=settings.page_size,
        known_items=context.known_items,
        reconcile_window=timedelta(hours=settings.reconcile_window_hours),
    )


def twitter_connectors(context: ConnectorContext) -> list[Connector]:
    """One connector per official X account."""
    settings = context.settings.twitter
    x_accounts = [a for a in context.accounts if a.platform == "x"]
    official_ids = {a.platform_id: a.key for a in x_accounts}
    built: list[Connector] = []
    for account in x_accounts:
        token = settings.account_tokens.get(account.key) or settings.bearer_token
        if token is None:
            built.append(
                UnavailableConnector(
                    "twitter",
                    account.key,
                    TwitterConnector.streams,
                    "no X bearer token configured (SOCMON_CONNECTORS__TWITTER__BEARER_TOKEN)",
                )
            )
            continue
        api = TwitterApi(
            token.get_secret_value(),
            settings.api_base_url,
            context.settings.retry.request_timeout_s,
        )
        options = fetch_options(context, settings, Retrier(context.settings.retry))
        built.append(TwitterConnector(api, account.key, account.platform_id, official_ids, options))
    return built


def facebook_connectors(context: ConnectorContext) -> list[Connector]:
    """One connector per official Facebook page."""
    settings = context.settings.facebook
    built: list[Connector] = []
    for account in (a for a in context.accounts if a.platform == "facebook"):
        token = settings.page_tokens.get(account.key)
        if token is None:
            built.append(
                UnavailableConnector(
                    "facebook",
                    account.key,
                    FacebookConnector.streams,
                    f"no page access token configured for {account.key} "
                    "(SOCMON_CONNECTORS__FACEBOOK__PAGE_TOKENS)",
                )
            )
            continue
        retrier = Retrier(context.settings.retry)
        api = GraphApi(
            token.get_secret_value(),
            settings.graph_url,
            settings.api_version,
            context.settings.retry.request_timeout_s,
            usage_backoff_percent=settings.usage_backoff_percent,
            sleep=retrier.sleep,
        )
        built.append(
            FacebookConnector(
                api,
                account.key,
                account.platform_id,
                account.handle,
                fetch_options(context, settings, retrier),
                backfill=timedelta(days=settings.backfill_days),
                comment_window=timedelta(days=settings.comment_window_days),
            )
        )
    return built


def replay_connectors(context: ConnectorContext) -> list[Connector]:
    """The replay connector, when files are configured."""
    return [ReplayConnector(list(context.replay_files))] if context.replay_files else []


REGISTRY: dict[str, Callable[[ConnectorContext], list[Connector]]] = {
    "twitter": twitter_connectors,
    "facebook": facebook_connectors,
    "replay": replay_connectors,
}


def build_connectors(names: Sequence[str], context: ConnectorContext) -> list[Connector]:
    """The enabled connectors, in the order named; an unknown name lists the known ones."""
    unknown = [name for name in names if name not in REGISTRY]
    if unknown:
        raise UnknownConnector(
            f"unknown connector(s) {', '.join(unknown)}; known: {', '.join(sorted(REGISTRY))}"
        )
    return [connector for name in dict.fromkeys(names) for connector in REGISTRY[name](context)]
