"""Reading a hand-edited YAML or TOML file into a pydantic model, with errors a person can act on.

The claims list, the policy rules and the config file are all edited by
people, so they all fail the same way: the caller's own error class (a
:class:`~schemas.errors.SocmonError`, which the CLI turns into one line and
exit code 2) with a message naming the file and every failing key, never the
values, so a misplaced secret is not echoed. The syntax follows the suffix
(``.toml`` is TOML, anything else YAML) unless the caller names it.

``load_validated`` is the whole job. Settings read by pydantic-settings (which
also reads the environment) cannot be validated from the file's contents
alone; they use its two halves, ``read_document`` and ``describe_errors``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from schemas.errors import SocmonError

ModelT = TypeVar("ModelT", bound=BaseModel)
Syntax = Literal["yaml", "toml"]


def load_validated(
    path: Path,
    model: type[ModelT],
    error: type[SocmonError],
    *,
    item_labels: Mapping[str, str] | None = None,
    syntax: Syntax | None = None,
) -> ModelT:
    """The file at ``path`` validated by ``model``, or ``error`` naming the file and keys.

    ``item_labels`` names the entries of a top-level list by their ``id``: with
    ``{"rules": "rule"}``, a problem at ``rules.3.severity`` is reported as
    ``rule broken-rule.severity`` (``rule #3.severity`` for an entry without an id).
    """
    document = read_document(path, error, syntax)
    try:
        return model.model_validate(document)
    except ValidationError as failure:
        problems = describe_errors(failure, document, item_labels)
        raise error(f"{path}: {problems}") from None


def read_document(path: Path, error: type[SocmonError], syntax: Syntax | None = None) -> Any:
    """The parsed YAML or TOML file, or ``error`` when it is missing, unreadable or malformed.

    ``syntax`` defaults to the suffix's: TOML for ``.toml``, YAML otherwise.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path} does not exist") from None
    except UnicodeDecodeError:
        raise error(f"{path}: not UTF-8 text") from None
    except OSError as failure:
        raise error(f"{path}: cannot be read: {failure.strerror}") from None
    if (syntax or ("toml" if path.suffix == ".toml" else "yaml")) == "toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as failure:
            raise error(f"{path}: not valid TOML: {failure}") from None
    import yaml  # imported when a YAML file is read, so `socmon --help` stays fast

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as failure:
        raise error(f"{path}: not valid YAML: {failure}") from None


def describe_errors(
    failure: ValidationError,
    document: Any = None,
    item_labels: Mapping[str, str] | None = None,
) -> str:
    """Every problem as ``key: message`` (``(root)`` for the whole document), joined by ``; ``.

    pydantic's messages do not quote the input, so no value reaches the text.
    """
    problems = []
    for item in failure.errors():
        location = _label_items(list(item["loc"]), document, item_labels or {})
        problems.append(f"{'.'.join(map(str, location)) or '(root)'}: {item['msg']}")
    return "; ".join(problems)


def _label_items(location: list[Any], document: Any, item_labels: Mapping[str, str]) -> list[Any]:
    """``[rules, 3, severity]`` → ``[rule broken-rule, severity]`` for a labelled list."""
    if len(location) < 2 or location[0] not in item_labels or not isinstance(location[1], int):
        return location
    entries = document.get(location[0]) if isinstance(document, dict) else None
    index: int = location[1]
    entry = entries[index] if isinstance(entries, list) and index < len(entries) else None
    name = entry.get("id", f"#{index}") if isinstance(entry, dict) else f"#{index}"
    return [f"{item_labels[location[0]]} {name}", *location[2:]]
