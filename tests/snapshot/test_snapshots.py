"""Every environment x topology, whole template: catches what the fine-grained tests do not ask about."""

from __future__ import annotations

import pytest

from tests.support.snapshots import assert_matches_snapshot
from tests.support.synth import Synthesis


@pytest.mark.parametrize("env", ["test", "staging", "prod"])
def test_multi_stack_template(multi: Synthesis, env: str) -> None:
    assert_matches_snapshot(f"multi-{env}", multi.template(f"items-api-{env}"))


def test_single_stack_template(single: Synthesis) -> None:
    assert_matches_snapshot("single-shared", single.template("items-api-shared"))
