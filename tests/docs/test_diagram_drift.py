"""The committed architecture diagrams still match what the stacks synthesise.

Compares the graph model and the DOT text, not pixels: the session's synth
(the `multi` and `single` fixtures) is turned into a graph exactly as
`make diagram` does, so no Graphviz is needed here. The SVG carries a digest of
the DOT it was drawn from, which catches a model regenerated without its picture.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from diagrams.generate import OUTPUT_DIR, PICTURE_FORMATS, dot_for
from diagrams.model import Graph
from diagrams.render import digest_of

TOPOLOGIES = ("multi", "single")
FIX = "run `make diagram` and commit diagrams/output/"


def _assert_same(path: Path, actual: str) -> None:
    assert path.exists(), f"{path.name} is missing: {FIX}"
    expected = path.read_text()
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            f"{path.name} (committed)",
            f"{path.name} (from the templates)",
        )
        raise AssertionError(
            f"{path.name} no longer matches the synthesised templates: {FIX}\n"
            + "".join(list(diff)[:60])
        )


@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_committed_graph_matches_the_templates(
    topology: str, request: pytest.FixtureRequest
) -> None:
    graph: Graph = request.getfixturevalue(f"project_{topology}_graph")
    _assert_same(OUTPUT_DIR / f"{topology}.graph.json", graph.to_json())
    _assert_same(OUTPUT_DIR / f"{topology}.dot", dot_for(topology, graph))


@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_committed_pictures_were_drawn_from_the_committed_dot(topology: str) -> None:
    dot_digest = digest_of((OUTPUT_DIR / f"{topology}.dot").read_text())
    svg = OUTPUT_DIR / f"{topology}.svg"
    assert svg.exists(), f"{svg.name} is missing: {FIX}"
    assert dot_digest is not None
    assert digest_of(svg.read_text()) == dot_digest, f"{svg.name} is older than its DOT: {FIX}"
    for fmt in PICTURE_FORMATS:
        picture = OUTPUT_DIR / f"{topology}.{fmt}"
        assert picture.exists(), f"{picture.name} is missing: {FIX}"
        assert picture.stat().st_size > 0, f"{picture.name} is empty: {FIX}"
