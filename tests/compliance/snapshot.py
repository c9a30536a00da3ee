"""The project's snapshot convention (tests/support/snapshots.py) for the compliance snapshots.

Snapshots here are JSON documents kept next to these tests, rewritten only by
`make snapshots` (UPDATE_SNAPSHOTS=1), so that every change shows up as a diff.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import Any

SNAPSHOT_DIR = Path(__file__).resolve().parent / "__snapshots__"


def assert_matches_snapshot(name: str, document: Any) -> None:
    path = SNAPSHOT_DIR / f"{name}.json"
    actual = json.dumps(document, indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual)
        return
    assert path.exists(), f"no snapshot {path.name}; create it with `make snapshots` and review it"
    expected = path.read_text()
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            f"{path.name} (snapshot)",
            f"{path.name} (synthesised)",
        )
    )
    assert actual == expected, (
        f"{name} differs from its snapshot. If the change is intended, run `make snapshots` "
        f"and review the diff.\n{diff}"
    )
