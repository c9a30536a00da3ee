"""Graphs of the session's two syntheses, built the way `make diagram` builds them."""

from __future__ import annotations

from typing import Any

import pytest

from diagrams.extract import build_graph
from diagrams.generate import stack_order
from diagrams.model import Graph
from tests.support.synth import Synthesis


def in_assembly_order(synthesis: Synthesis) -> dict[str, dict[str, Any]]:
    """The templates in the order `make diagram` reads them; the graph's environment order
    follows it (see `stack_order`), while `Synthesis.templates` comes in another order."""
    return {name: dict(synthesis.templates[name]) for name in stack_order(synthesis.outdir)}


@pytest.fixture(scope="session")
def multi_graph(multi: Synthesis) -> Graph:
    return build_graph(in_assembly_order(multi))


@pytest.fixture(scope="session")
def single_graph(single: Synthesis) -> Graph:
    return build_graph(in_assembly_order(single))


@pytest.fixture(scope="session")
def project_multi_graph(project_multi: Synthesis) -> Graph:
    """cdk.json's multi-stack graph: what `make diagram` draws."""
    return build_graph(in_assembly_order(project_multi))


@pytest.fixture(scope="session")
def project_single_graph(project_single: Synthesis) -> Graph:
    """cdk.json's single-stack graph: what `make diagram` draws."""
    return build_graph(in_assembly_order(project_single))
