"""Typed checkpoints: where a platform connector's next fetch resumes.

The pipelines layer keeps a connector's cursor as a string in the warehouse
and hands it back unchanged. Inside the connectors it is a frozen dataclass
per platform (``TwitterCheckpoint``, ``FacebookCheckpoint``), as
python-threatexchange's fetchers yield typed checkpoints rather than dicts.
``StreamingConnector`` parses the stored string once, before the first
stream, and serialises each new checkpoint into ``next_cursor``: this module
is the only place that turns checkpoints into JSON and back.

The JSON shape is the dataclasses' own (field names as keys), read and
written by one pydantic adapter per class, so every field is checked on the
way in. A stored string that cannot be read raises :class:`BadCheckpoint`
naming the field, rather than starting again from nothing (which would
refetch the whole backfill window) or failing with a bare JSON error.
"""

from __future__ import annotations

from typing import Any, Self

from pydantic import TypeAdapter, ValidationError

from schemas.errors import SocmonError


class BadCheckpoint(SocmonError):
    """A stored cursor is not a valid checkpoint of the connector that wrote it."""

    def __init__(self, what: str, problem: str) -> None:
        super().__init__(f"stored {what} cannot be read: {problem}")
        self.what = what
        self.problem = problem


class Checkpoint:
    """Base of the checkpoint dataclasses: JSON out with ``to_json``, in with ``from_json``.

    A subclass is a frozen dataclass whose fields all have defaults: the
    class called without arguments is the checkpoint of a first fetch.
    """

    __slots__ = ()

    def to_json(self) -> str:
        """The string the cursor store keeps."""
        return _adapter(type(self)).dump_json(self).decode()

    @classmethod
    def from_json(cls, text: str) -> Self:
        """The checkpoint a stored string holds; :class:`BadCheckpoint` if it holds none."""
        try:
            checkpoint: Self = _adapter(cls).validate_json(text)
        except ValidationError as error:
            raise BadCheckpoint(cls.__name__, _first_problem(error)) from None
        return checkpoint


_ADAPTERS: dict[type[Checkpoint], TypeAdapter[Any]] = {}


def _adapter(checkpoint_type: type[Checkpoint]) -> TypeAdapter[Any]:
    """The pydantic adapter of a checkpoint class, built on first use."""
    if checkpoint_type not in _ADAPTERS:
        _ADAPTERS[checkpoint_type] = TypeAdapter(checkpoint_type)
    return _ADAPTERS[checkpoint_type]


def _first_problem(error: ValidationError) -> str:
    """Where and what the first problem is; the stored value itself is not repeated."""
    problems = error.errors(include_url=False, include_input=False)
    first = problems[0]
    where = ".".join(str(part) for part in first["loc"]) or "the whole string"
    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
    return f"{where}: {first['msg']}{more}"
