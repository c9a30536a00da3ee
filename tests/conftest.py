"""Session-wide fixtures: each topology is synthesised once and shared by every test.

`multi` and `single` use the reference config (tests/fixtures): the behaviour
tests assert against it. `project_multi` and `project_single` use cdk.json:
snapshots and diagrams follow what the project deploys. While the two configs
are equal (as shipped) they are the same synthesis.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stacks.config import ConfigError, load_config
from tests.support.synth import Synthesis, project_context, reference_context, synthesize


@pytest.fixture(scope="session")
def context() -> dict[str, Any]:
    return reference_context()


@pytest.fixture(scope="session")
def multi(tmp_path_factory: pytest.TempPathFactory) -> Synthesis:
    """The shipped config, multi-stack: one stack per environment."""
    return synthesize(
        {**reference_context(), "topology": "multi"}, Path(tmp_path_factory.mktemp("multi"))
    )


@pytest.fixture(scope="session")
def single(tmp_path_factory: pytest.TempPathFactory) -> Synthesis:
    """The shipped config, single-stack: one shared stack for every environment."""
    return synthesize(
        {**reference_context(), "topology": "single"}, Path(tmp_path_factory.mktemp("single"))
    )


def _project(
    topology: str, reference: Synthesis, tmp_path_factory: pytest.TempPathFactory
) -> Synthesis:
    if project_context() == reference_context():
        return reference
    context = {**project_context(), "topology": topology}
    try:
        load_config(context)
    except ConfigError as err:
        if project_context().get("topology", "multi") == topology:
            raise  # the topology the project deploys must be valid
        # E.g. per-environment memory in a multi-stack project cannot be single-stack.
        pytest.skip(f"cdk.json cannot be synthesised as topology={topology}: {err}")
    return synthesize(context, Path(tmp_path_factory.mktemp(topology)))


@pytest.fixture(scope="session")
def project_multi(multi: Synthesis, tmp_path_factory: pytest.TempPathFactory) -> Synthesis:
    """cdk.json, multi-stack."""
    return _project("multi", multi, tmp_path_factory)


@pytest.fixture(scope="session")
def project_single(single: Synthesis, tmp_path_factory: pytest.TempPathFactory) -> Synthesis:
    """cdk.json, single-stack."""
    return _project("single", single, tmp_path_factory)
