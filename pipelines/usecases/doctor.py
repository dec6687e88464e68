"""`socmon doctor`: is this installation able to run a tick? One check per part, one line each.

The checks only look: the warehouse is opened read-only (never created or migrated),
topics are listed (never created), an SMTP session ends before any mail command, and each
platform token makes one small read. Secrets are named, never shown.

``quick`` keeps what a container's ``HEALTHCHECK`` can afford every few minutes without
touching the outside world: configuration, secrets, model files, warehouse reachable.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable

from pipelines.config import OfficialAccount, Settings
from pipelines.usecases.doctor_checks import Check, failed, ok, one_line, skipped
from pipelines.usecases.doctor_dask import check_dask
from schemas.errors import SocmonError

log = logging.getLogger(__name__)


def run_checks(settings: Settings, quick: bool = False) -> list[Check]:
    """Every check in order; ``quick`` only those that stay on this machine and the warehouse."""
    checks = [check_secrets(settings), check_models(settings)]
    checks.extend(check_privacy_models(settings))
    checks.append(check_warehouse(settings, migrations=not quick))
    if quick:
        return checks
    checks.append(check_broker(settings))
    checks.append(check_dask(settings))
    checks.append(check_smtp(settings))
    checks.extend(check_tokens(settings))
    return checks


# -- secrets ---------------------------------------------------------------------------


def check_secrets(settings: Settings) -> Check:
    """The secrets this configuration needs are set (their names only are shown)."""
    required: list[tuple[str, bool]] = [
        ("SOCMON_PRIVACY__PSEUDONYM_KEY", settings.privacy.pseudonym_key is not None)
    ]
    optional: list[tuple[str, bool]] = [
        ("SOCMON_REVIEW__LINK_KEY", settings.review.link_key is not None)
    ]
    if not settings.warehouse.url.startswith("duckdb://"):
        optional.append(("SOCMON_WAREHOUSE__PASSWORD", settings.warehouse.password is not None))
    smtp = settings.smtp
    if smtp.host and smtp.username:
        required.append(("SOCMON_SMTP__PASSWORD", smtp.password is not None))
    required.extend(_token_secrets(settings))
    missing = [name for name, present in required if not present]
    unset_optional = [name for name, present in optional if not present]
    present = [name for name, is_set in (*required, *optional) if is_set]
    detail = f"set: {', '.join(present) or 'none'}"
    if unset_optional:
        detail += f"; not set (optional): {', '.join(unset_optional)}"
    problems = [f"missing: {', '.join(missing)}"] if missing else []
    problems += [f"{name} shorter than {size}" for name, size in _too_short(settings)]
    if problems:
        return failed("secrets", f"{'; '.join(problems)}; {detail}", configuration=True)
    return ok("secrets", detail)


def _too_short(settings: Settings) -> list[tuple[str, int]]:
    """Secrets that are set but shorter than their users accept (lengths only are read)."""
    from pipelines.alerts.links import MINIMUM_KEY_CHARACTERS
    from pipelines.privacy.pseudonyms import KEY_VARIABLE, MINIMUM_KEY_BYTES

    short = []
    key = settings.privacy.pseudonym_key
    if key is not None and len(key.get_secret_value().encode()) < MINIMUM_KEY_BYTES:
        short.append((KEY_VARIABLE, MINIMUM_KEY_BYTES))
    link_key = settings.review.link_key
    if link_key is not None and len(link_key.get_secret_value()) < MINIMUM_KEY_CHARACTERS:
        short.append(("SOCMON_REVIEW__LINK_KEY", MINIMUM_KEY_CHARACTERS))
    return short


def _token_secrets(settings: Settings) -> list[tuple[str, bool]]:
    connectors = settings.connectors
    needed = []
    if "twitter" in connectors.enabled:
        twitter = connectors.twitter
        own = "SOCMON_CONNECTORS__TWITTER__ACCOUNT_TOKENS[{}]"
        shared = "SOCMON_CONNECTORS__TWITTER__BEARER_TOKEN"
        for account in _accounts(settings, "x"):
            if account.key in twitter.account_tokens:
                needed.append((own.format(account.key), True))
            elif twitter.bearer_token is not None:
                needed.append((shared, True))
            else:
                needed.append((f"{own.format(account.key)} or {shared}", False))
    if "facebook" in connectors.enabled:
        pages = connectors.facebook.page_tokens
        for account in _accounts(settings, "facebook"):
            name = f"SOCMON_CONNECTORS__FACEBOOK__PAGE_TOKENS[{account.key}]"
            needed.append((name, account.key in pages))
    # One bearer token may serve every X account: name it once.
    return list(dict.fromkeys(needed))


def _accounts(settings: Settings, platform: str) -> list[OfficialAccount]:
    return [account for account in settings.accounts if account.platform == platform]


# -- model files -----------------------------------------------------------------------


def check_models(settings: Settings) -> Check:
    """The classifier files and the known-claims list load."""
    classifiers = settings.classifiers
    if not classifiers.enabled:
        return skipped("models", "classifiers.enabled is false: records are not scored")
    from pipelines.classifier_files import load_classifiers

    try:
        # Scoring one text shows the arrays fit together, not only that the files parse.
        load_classifiers(classifiers).score(["doctor's test text"], explain=False)
    except (SocmonError, OSError, ValueError, KeyError) as error:
        return failed("models", f"{classifiers.model_dir}: {one_line(error)}")
    return ok("models", f"{classifiers.model_dir}: loaded, scored a test text")


def check_privacy_models(settings: Settings) -> list[Check]:
    """Each NER model the privacy recognizers use loads and tags a test text (no download)."""
    from pipelines.privacy.recognizers import recognizer_class

    checks = []
    for name in settings.privacy.recognizers:
        if not name.startswith("ner_"):
            continue
        try:
            recognizer = recognizer_class(name).from_settings(settings.privacy)
            model = getattr(recognizer, "model", None)
            if model is not None:
                model.tag(["Margaret Thompson lives at 12 High Street"])
        except Exception as error:  # a missing package or model file, whatever its error
            checks.append(failed(f"model {name}", one_line(error)))
            continue
        checks.append(ok(f"model {name}", "loaded, tagged a test text"))
    return checks


# -- warehouse -------------------------------------------------------------------------


def check_warehouse(settings: Settings, migrations: bool = True) -> Check:
    """The warehouse opens read-only and, unless ``migrations`` is false, is fully migrated."""
    from pipelines.warehouse import WarehouseBusy, WarehouseError
    from pipelines.warehouse.status import WarehouseMissing, open_read_only, schema_name

    where = _warehouse_place(settings)
    try:
        warehouse = open_read_only(settings.warehouse, wait_s=0)
    except WarehouseMissing as error:
        return failed("warehouse", str(error), configuration=True)
    except WarehouseBusy as error:
        # A writer holds a DuckDB file alone: it exists and a socmon command is using it.
        return ok("warehouse", f"{where}: in use by a writing command ({one_line(error)})")
    except WarehouseError as error:
        return failed("warehouse", f"{where}: {one_line(error)}")
    with warehouse:
        if not migrations:
            return ok("warehouse", f"{where}: reachable")
        try:
            state = warehouse.status.schema_state(schema_name(settings.warehouse))
        except Exception as error:  # the driver's own errors: name them on the line
            return failed("warehouse", f"{where}: cannot read its schema: {one_line(error)}")
    if state.unknown:
        return failed(
            "warehouse",
            f"{where}: has migrations {list(state.unknown)} this socmon does not know "
            "(a newer socmon migrated it)",
        )
    if state.missing:
        return failed(
            "warehouse",
            f"{where}: migrations {list(state.missing)} not applied (`socmon migrate`)",
            configuration=True,
        )
    return ok("warehouse", f"{where}: reachable, migrated to {state.shipped[-1]:04d}")


def _warehouse_place(settings: Settings) -> str:
    url = settings.warehouse.url
    if url.startswith("duckdb://"):
        return url
    # host:port/db only: a URL may name a user, never a password (refused at start).
    return "postgresql://" + url.split("//", 1)[1].split("@")[-1]


# -- broker ----------------------------------------------------------------------------


def check_broker(settings: Settings) -> Check:
    """The broker answers and the records, alerts and dead-letter topics exist."""
    kafka = settings.kafka
    if not kafka.bootstrap_servers:
        return skipped(
            "broker", "kafka.bootstrap_servers unset: `socmon run` starts an embedded broker"
        )
    from connectors.topics import admin_client

    try:
        admin = admin_client(kafka.bootstrap_servers, kafka.connect_timeout_ms)
        try:
            existing = set(admin.list_topics())
        finally:
            admin.close()
    except Exception as error:  # BrokerUnreachable or any of kafka-python's errors
        return failed("broker", f"{kafka.bootstrap_servers}: {one_line(error)}")
    missing = [topic.name for topic in kafka.topics() if topic.name not in existing]
    if missing:
        return failed(
            "broker",
            f"{kafka.bootstrap_servers}: reachable, topics missing: {', '.join(missing)} "
            "(`socmon ingest` creates them)",
        )
    names = ", ".join(topic.name for topic in kafka.topics())
    return ok("broker", f"{kafka.bootstrap_servers}: reachable, topics present ({names})")


# -- SMTP ------------------------------------------------------------------------------


def check_smtp(settings: Settings) -> Check:
    """The SMTP server greets us, takes STARTTLS and the login if configured; no mail sent."""
    smtp = settings.smtp
    if not smtp.host:
        return skipped(
            "smtp", f"smtp.host unset: emails are written to {settings.operations.outbox_dir}"
        )
    where = f"{smtp.host}:{smtp.port}"
    try:
        server = smtplib.SMTP(smtp.host, smtp.port, timeout=min(smtp.timeout_s, 10.0))
        try:
            server.ehlo()
            if smtp.starttls:
                server.starttls()
                server.ehlo()
            if smtp.username:
                password = smtp.password.get_secret_value() if smtp.password else ""
                server.login(smtp.username, password)
        finally:
            try:
                server.quit()
            except (smtplib.SMTPException, OSError):
                server.close()
    except smtplib.SMTPAuthenticationError as error:
        return failed("smtp", f"{where}: login refused ({error.smtp_code})", configuration=True)
    except (smtplib.SMTPException, OSError) as error:
        return failed("smtp", f"{where}: {one_line(error)}")
    return ok("smtp", f"{where}: answers" + (", login accepted" if smtp.username else ""))


# -- platform tokens -------------------------------------------------------------------


def check_tokens(settings: Settings) -> list[Check]:
    """One small read per account with its token: accepted, rejected, or API unreachable."""
    connectors = settings.connectors
    checks = []
    if "twitter" in connectors.enabled:
        twitter = connectors.twitter
        for account in _accounts(settings, "x"):
            token = twitter.account_tokens.get(account.key) or twitter.bearer_token
            checks.append(
                _token_check(f"token x/{account.key}", token, _x_probe(settings, account))
            )
    if "facebook" in connectors.enabled:
        pages = connectors.facebook.page_tokens
        for account in _accounts(settings, "facebook"):
            token = pages.get(account.key)
            checks.append(
                _token_check(
                    f"token facebook/{account.key}", token, _graph_probe(settings, account)
                )
            )
    return checks


def _x_probe(settings: Settings, account: OfficialAccount) -> Callable[[str], object]:
    from connectors.twitter_api import TwitterApi

    twitter = settings.connectors.twitter
    timeout = min(settings.connectors.retry.request_timeout_s, 10.0)
    return lambda token: TwitterApi(token, twitter.api_base_url, timeout).user_tweets(
        account.platform_id, max_results=5
    )


def _graph_probe(settings: Settings, account: OfficialAccount) -> Callable[[str], object]:
    from connectors.facebook_api import GraphApi

    facebook = settings.connectors.facebook
    timeout = min(settings.connectors.retry.request_timeout_s, 10.0)
    return lambda token: GraphApi(token, facebook.graph_url, facebook.api_version, timeout).edge(
        account.platform_id, "posts", limit=1
    )


def _token_check(name: str, token: object, probe: Callable[[str], object]) -> Check:
    from pydantic import SecretStr

    from connectors.errors import AccessDenied, RateLimited

    if not isinstance(token, SecretStr):
        return failed(name, "no token configured (see the secrets line)", configuration=True)
    try:
        probe(token.get_secret_value())
    except AccessDenied as error:
        return failed(name, f"rejected: {one_line(error)}", configuration=True)
    except RateLimited:
        return ok(name, "accepted (rate-limited right now)")
    except Exception as error:  # a 5xx, a timeout, a refused connection: the API, not the token
        return failed(name, f"API unreachable or failing: {one_line(error)}")
    return ok(name, "accepted")
