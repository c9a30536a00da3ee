"""Whole-template snapshots, with the parts that change without meaning normalised away.

Snapshots are rewritten only by `make snapshots` (UPDATE_SNAPSHOTS=1), never by
a plain test run, so every change to a template shows up as a reviewed diff.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from pathlib import Path
from typing import Any

SNAPSHOT_DIR = Path(__file__).resolve().parents[1] / "snapshot" / "__snapshots__"

# Asset hashes change with every edit to lambda_src/, and the logical IDs of
# Lambda versions embed a hash of the code; neither is a change to review here.
_ASSET_HASH = re.compile(r"\b[0-9a-f]{64}\b")
_VERSION_ID = re.compile(r"(CurrentVersion)[0-9A-F]{8}[0-9a-f]{32}")


def normalise(template: dict[str, Any]) -> str:
    text = json.dumps(template, indent=1, sort_keys=True)
    text = _ASSET_HASH.sub("<asset-hash>", text)
    return _VERSION_ID.sub(r"\1<code-hash>", text) + "\n"


def assert_matches_snapshot(name: str, template: dict[str, Any]) -> None:
    """A template against its snapshot, with hashes normalised."""
    assert_text_matches(SNAPSHOT_DIR / f"{name}.json", normalise(template))


def assert_text_matches(path: Path, actual: str) -> None:
    """Any snapshot file: rewritten under UPDATE_SNAPSHOTS=1, otherwise compared with a diff."""
    name = path.stem
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual)
        return
    assert path.exists(), f"no snapshot {path.name}; create it with `make snapshots` and review it"
    expected = path.read_text()
    if actual != expected:
        diff = "".join(
            list(
                difflib.unified_diff(
                    expected.splitlines(keepends=True),
                    actual.splitlines(keepends=True),
                    f"{path.name} (snapshot)",
                    f"{path.name} (synthesised)",
                )
            )[:80]
        )
        raise AssertionError(
            f"{name} differs from its snapshot. If the change is intended, run "
            f"`make snapshots` and review the diff.\n{diff}"
        )
