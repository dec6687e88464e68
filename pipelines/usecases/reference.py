"""The accounts and policy clauses tables, kept in step with the configuration.

Written at the start of every `socmon process` (so of every `socmon run` too), inside the
writer's lease: the accounts of ``[[accounts]]`` and the clauses of ``alerts.policy_file``.
An account or clause since removed stays, marked not configured, so older alerts keep
their labels.
"""

from __future__ import annotations

from pipelines.alerts.rules import load_policy
from pipelines.config import Settings
from pipelines.warehouse import Warehouse


def keep_reference_tables(warehouse: Warehouse, settings: Settings) -> None:
    """Write the configured accounts and the policy file's clauses to the warehouse."""
    warehouse.analytics.sync_accounts(
        [
            {
                "account": account.key,
                "platform": account.platform,
                "platform_id": account.platform_id,
                "handle": account.handle,
                "owner_email": account.owner_email,
                "line_manager_email": account.line_manager_email,
            }
            for account in settings.accounts
        ]
    )
    policy = load_policy(settings.alerts.policy_file)
    warehouse.analytics.sync_clauses(
        [
            {
                "policy_clause": clause_id,
                "title": clause.title,
                "summary": clause.summary,
                "document_url": policy.document_url,
                "policy_version": policy.version,
            }
            for clause_id, clause in policy.clauses.items()
        ]
    )
