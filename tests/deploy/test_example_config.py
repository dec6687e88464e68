"""deploy/socmon.example.toml documents every key of the settings, and validates as it is.

The file is generated from the settings models by deploy/example_config.py; a key added
to a model and not to the file fails here until the file is generated again.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from pipelines.config import SECRET_KEYS, load_settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
EXAMPLE = DEPLOY / "socmon.example.toml"


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("example_config", DEPLOY / "example_config.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def documented_keys(text: str) -> set[str]:
    """Dotted paths of every key written (or commented out) under its table."""
    keys, table = set(), ""
    for line in text.splitlines():
        heading = re.match(r"^\[\[?([a-z_.]+)\]\]?$", line)
        if heading:
            table = heading.group(1)
            continue
        key = re.match(r"^(?:# )?([a-z_]+)(?: =|: a secret)", line)
        if key and table:
            keys.add(f"{table}.{key.group(1)}")
    return keys


def test_every_settings_key_is_documented_in_the_example() -> None:
    expected = generator().key_paths()
    documented = documented_keys(EXAMPLE.read_text(encoding="utf-8"))
    missing = sorted(expected - documented)
    assert not missing, f"undocumented keys (run deploy/example_config.py): {missing}"
    assert not sorted(documented - expected), "keys documented that the settings do not have"


def test_the_example_validates_and_keeps_its_secrets_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCMON_PRIVACY__PSEUDONYM_KEY", "k" * 32)
    settings = load_settings(EXAMPLE)
    assert [account.key for account in settings.accounts] == ["uni_main"]
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    for path in SECRET_KEYS:
        node = data
        for part in path[:-1]:
            node = node.get(part, {})
        assert path[-1] not in node, path
    text = EXAMPLE.read_text(encoding="utf-8")
    for path in SECRET_KEYS:
        assert "SOCMON_" + "__".join(part.upper() for part in path) in text


def test_an_undocumented_key_is_found() -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("\nlock_wait_s = ", "\n# (removed) ")
    assert "warehouse.lock_wait_s" in generator().key_paths() - documented_keys(text)
