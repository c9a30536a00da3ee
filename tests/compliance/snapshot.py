"""The project's snapshot convention (tests/support/snapshots.py) for the compliance snapshots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.snapshots import assert_text_matches

SNAPSHOT_DIR = Path(__file__).resolve().parent / "__snapshots__"


def assert_matches_snapshot(name: str, document: Any) -> None:
    assert_text_matches(
        SNAPSHOT_DIR / f"{name}.json", json.dumps(document, indent=2, sort_keys=True) + "\n"
    )
