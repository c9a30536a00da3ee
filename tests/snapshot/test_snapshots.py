"""Every environment x topology of cdk.json, whole template: catches what fine-grained tests miss.

Snapshots follow the project's own config, so a fork that renames its service
or adds an environment regenerates them with `make snapshots` and reviews the diff.
"""

from __future__ import annotations

import os

import pytest

from tests.support.snapshots import SNAPSHOT_DIR, assert_matches_snapshot
from tests.support.synth import Synthesis


@pytest.mark.parametrize("topology", ["multi", "single"])
def test_every_stack_matches_its_snapshot(topology: str, request: pytest.FixtureRequest) -> None:
    synthesis: Synthesis = request.getfixturevalue(f"project_{topology}")
    expected = {f"{topology}-{stack}.json" for stack in synthesis.templates}
    stale = {p.name for p in SNAPSHOT_DIR.glob(f"{topology}-*.json")} - expected
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        for name in stale:
            (SNAPSHOT_DIR / name).unlink()
    else:
        assert not stale, (
            f"snapshots of stacks that no longer exist: {sorted(stale)}; run `make snapshots`"
        )
    failures = []
    for stack, template in sorted(synthesis.templates.items()):
        try:
            assert_matches_snapshot(f"{topology}-{stack}", template)
        except AssertionError as err:
            failures.append(str(err))
    assert not failures, "\n\n".join(failures)
