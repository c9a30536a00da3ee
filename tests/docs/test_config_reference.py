"""README's "Config reference" and the config models say the same thing.

The reference is what people configure from, so a key the code accepts but the
README omits is a feature nobody finds, and a documented key the code rejects
fails synth for whoever trusts the page. Defaults the README states as literals
must be the models' defaults.
"""

from __future__ import annotations

import json
import re
from enum import Enum
from typing import Any

import pytest

from stacks.config import EnvironmentConfig
from tests.docs.config_model import (
    SECTIONS,
    Key,
    environment_keys,
    parents,
    root_keys,
    undocumentable_models,
)
from tests.docs.markdown import README, Table, backticked, section, tables

HEADING = "### Config reference"
# A table whose intro names this is per environment; every other table is top level.
ENVIRONMENT_SCOPE = "`environments.<name>`"
FIX = "edit the tables under “Config reference” in README.md"


def reference_tables() -> list[Table]:
    found = tables(section(README.read_text(), HEADING))
    assert found, f"README.md has no tables under {HEADING!r}"
    return found


def documented(*, per_environment: bool) -> dict[str, tuple[str, ...]]:
    """Documented key -> its row, for the top-level or the per-environment tables."""
    rows = {}
    for table in reference_tables():
        if (ENVIRONMENT_SCOPE in table.intro) is not per_environment:
            continue
        for row in table.rows:
            key = backticked(row[0])
            assert key, f"README config reference: first cell {row[0]!r} is not a `key`"
            rows[key.replace("[].", ".")] = row
    return rows


def _is_documented(path: str, rows: dict[str, tuple[str, ...]]) -> bool:
    """A row of its own, or, for a section's field, named as `field` in the section's row."""
    if path in rows:
        return True
    section_key, _, field = path.partition(".")
    return section_key in SECTIONS and f"`{field}`" in " ".join(rows.get(section_key, ()))


@pytest.mark.parametrize("per_environment", [False, True], ids=["top-level", "per-environment"])
def test_every_config_key_is_documented(per_environment: bool) -> None:
    rows = documented(per_environment=per_environment)
    keys = environment_keys() if per_environment else root_keys()
    # A section (single_stack, ...) is documented through its fields.
    missing = [
        f"{path} ({key.field.description or 'no description'})" if key.field else path
        for path, key in sorted(keys.items())
        if path not in SECTIONS and not _is_documented(path, rows)
    ]
    where = "per-environment table" if per_environment else "top-level table"
    assert not missing, f"config keys missing from the README's {where}; {FIX}:\n  " + "\n  ".join(
        missing
    )


@pytest.mark.parametrize("per_environment", [False, True], ids=["top-level", "per-environment"])
def test_every_documented_key_exists(per_environment: bool) -> None:
    keys = environment_keys() if per_environment else root_keys()
    allowed = set(keys) | (parents(EnvironmentConfig) if per_environment else set(SECTIONS))
    unknown = sorted(set(documented(per_environment=per_environment)) - allowed)
    assert not unknown, (
        f"README documents keys the config does not accept (synth would reject them); "
        f"{FIX}: {', '.join(unknown)}"
    )


def test_every_config_model_has_a_place_in_the_reference() -> None:
    assert not undocumentable_models(), (
        f"config models no README section covers: {', '.join(undocumentable_models())}. "
        "Add `<context key>: <Model>` to SECTIONS in tests/docs/config_model.py, then "
        "document its fields as `<context key>.<field>` rows"
    )


@pytest.mark.parametrize("per_environment", [False, True], ids=["top-level", "per-environment"])
def test_documented_defaults_match_the_models(per_environment: bool) -> None:
    keys = environment_keys() if per_environment else root_keys()
    wrong = []
    for path, row in documented(per_environment=per_environment).items():
        key = keys.get(path)
        if key is not None and key.field is not None:
            problem = _default_problem(key, row[_default_column()])
            if problem:
                wrong.append(f"{path}: {problem}")
    assert not wrong, f"README defaults differ from the models; {FIX}:\n  " + "\n  ".join(wrong)


def _default_column() -> int:
    return reference_tables()[0].column("Default")


def _default_problem(key: Key, cell: str) -> str | None:
    """Why the README's default for `key` is wrong, or None if it is right or not a literal."""
    assert key.field is not None
    if cell.startswith("(required"):
        return None if key.field.is_required() else "README says required, the model has a default"
    literal = backticked(cell)
    if literal is None or re.search(r"[<>]", literal):  # prose or a pattern like <service>-<env>
        return None
    if key.field.is_required():
        return f"README says `{literal}`, but the model requires a value"
    actual = _plain(key.field.get_default(call_default_factory=True))
    expected = _parse(literal)
    same = type(actual) is type(expected) or not isinstance(actual, bool | str)
    if same and actual == expected:
        return None
    return f"README says `{literal}`, the model's default is {json.dumps(actual)}"


def _parse(literal: str) -> Any:
    try:
        return json.loads(literal)
    except ValueError:
        return literal  # a bare word such as INFO or all_at_once


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    return value
