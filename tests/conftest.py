"""Session-wide fixtures: each topology is synthesised once and shared by every test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.synth import Synthesis, shipped_context, synthesize


@pytest.fixture(scope="session")
def context() -> dict[str, Any]:
    return shipped_context()


@pytest.fixture(scope="session")
def multi(tmp_path_factory: pytest.TempPathFactory) -> Synthesis:
    """The shipped config, multi-stack: one stack per environment."""
    return synthesize(
        {**shipped_context(), "topology": "multi"}, Path(tmp_path_factory.mktemp("multi"))
    )


@pytest.fixture(scope="session")
def single(tmp_path_factory: pytest.TempPathFactory) -> Synthesis:
    """The shipped config, single-stack: one shared stack for every environment."""
    return synthesize(
        {**shipped_context(), "topology": "single"}, Path(tmp_path_factory.mktemp("single"))
    )
