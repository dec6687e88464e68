"""The review web app (`socmon serve`): queues, an alert's page and reviewers' actions.

Server-rendered (Starlette, Jinja2 templates, one CSS file), served by uvicorn. Reviewers
arrive from the signed links in alert emails or through the university's single sign-on;
what they see is decided by the accounts' routing (:mod:`pipelines.web.identity`); every
view and action is recorded by the warehouse's review store.
"""

from __future__ import annotations

from pipelines.web.app import create_app

__all__ = ["create_app"]
