"""The loader of hand-edited YAML and TOML files: the model on success, else a message naming
the file and every failing key, raised as the caller's error class."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field

from schemas.config_files import load_validated, read_document
from schemas.errors import SocmonError


class ExampleError(SocmonError):
    """The caller's own error class."""


class Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    severity: int = Field(ge=0)


class Example(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    entries: tuple[Entry, ...] = ()


LABELS = {"entries": "entry"}


@pytest.mark.parametrize(
    ("file_name", "content"),
    [
        ("example.yaml", "name: watch\nentries:\n  - {id: a, severity: 2}\n"),
        ("example.yml", "name: watch\nentries: [{id: a, severity: 2}]\n"),
        ("example.toml", 'name = "watch"\n[[entries]]\nid = "a"\nseverity = 2\n'),
    ],
)
def test_a_valid_file_becomes_the_model(tmp_path: Path, file_name: str, content: str) -> None:
    path = tmp_path / file_name
    path.write_text(content, encoding="utf-8")
    loaded = load_validated(path, Example, ExampleError, item_labels=LABELS)
    assert loaded == Example(name="watch", entries=(Entry(id="a", severity=2),))


@pytest.mark.parametrize(
    ("file_name", "content", "message"),
    [
        ("example.yaml", "name: [unclosed\n", "not valid YAML"),
        ("example.toml", "name = \n", "not valid TOML"),
        ("example.yaml", "entries: []\n", "name: Field required"),
        ("example.yaml", "- a list\n", r"\(root\): Input should be"),
        ("example.yaml", "", r"\(root\): Input should be"),
        ("example.yaml", "name: w\nnmae: w\n", "nmae: Extra inputs are not permitted"),
        (
            "example.yaml",
            "name: w\nentries:\n  - {id: first, severity: 1}\n  - {id: broken, severity: -1}\n",
            r"entry broken\.severity: Input should be greater than or equal to 0",
        ),
        ("example.yaml", "name: w\nentries:\n  - {severity: 1}\n", r"entry #0\.id: Field required"),
        ("example.toml", 'name = 3\n[[entries]]\nid = "x"\n', r"name: .*; entry x\.severity"),
        ("example.yaml", "name: w\nentries: {id: a}\n", "entries: Input should be"),
    ],
)
def test_a_bad_file_is_one_error_naming_the_file_and_the_key(
    tmp_path: Path, file_name: str, content: str, message: str
) -> None:
    path = tmp_path / file_name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ExampleError, match=message) as raised:
        load_validated(path, Example, ExampleError, item_labels=LABELS)
    assert str(raised.value).startswith(f"{path}:")


def test_without_labels_list_entries_are_named_by_position(tmp_path: Path) -> None:
    path = tmp_path / "example.yaml"
    path.write_text("name: w\nentries:\n  - {id: a, severity: -1}\n", encoding="utf-8")
    with pytest.raises(ExampleError, match=r"entries\.0\.severity"):
        load_validated(path, Example, ExampleError)


def test_the_message_names_keys_never_values(tmp_path: Path) -> None:
    path = tmp_path / "example.yaml"
    path.write_text("name: w\nentries:\n  - {id: a, severity: hunter2-secret}\n", encoding="utf-8")
    with pytest.raises(ExampleError, match=r"entry a\.severity") as raised:
        load_validated(path, Example, ExampleError, item_labels=LABELS)
    assert "hunter2" not in str(raised.value)


def test_the_caller_may_name_the_syntax(tmp_path: Path) -> None:
    path = tmp_path / "socmon.conf"
    path.write_text('name = "watch"\n', encoding="utf-8")
    assert read_document(path, ExampleError, "toml") == {"name": "watch"}
    with pytest.raises(ExampleError, match=r"\(root\): Input should be"):  # read as YAML
        load_validated(path, Example, ExampleError)
    assert load_validated(path, Example, ExampleError, syntax="toml").name == "watch"


def test_a_missing_or_unreadable_file_is_the_callers_error(tmp_path: Path) -> None:
    with pytest.raises(ExampleError, match=r"missing\.yaml does not exist"):
        read_document(tmp_path / "missing.yaml", ExampleError)
    with pytest.raises(ExampleError, match="cannot be read"):
        read_document(tmp_path, ExampleError)  # a folder
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ExampleError, match="not UTF-8"):
        read_document(binary, ExampleError)
