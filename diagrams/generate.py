"""Where the diagrams live and how each output file is made from a cloud assembly.

`make diagram` and the drift test share these functions, so the test compares
exactly what the target writes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from diagrams.extract import build_graph
from diagrams.model import Graph
from diagrams.render import render, to_dot

OUTPUT_DIR = Path(__file__).resolve().parent / "output"
TITLES = {
    "multi": "topology=multi: one stack per environment",
    "single": "topology=single: one stack shared by every environment",
}
PICTURE_FORMATS = ("svg", "png")


def stack_order(cdk_out: Path) -> list[str]:
    """Stack names in the assembly's order, which is config order (test, staging, prod).

    The graph lists environments in the order its stacks come, so every caller
    passes templates in this order, whatever order it got them in.
    """
    manifest = json.loads((cdk_out / "manifest.json").read_text())
    return [
        name
        for name, artifact in manifest["artifacts"].items()
        if artifact["type"] == "aws:cloudformation:stack"
    ]


def load_templates(cdk_out: Path) -> dict[str, dict[str, Any]]:
    """Stack name -> template, in the assembly's order."""
    manifest = json.loads((cdk_out / "manifest.json").read_text())
    return {
        name: json.loads(
            (cdk_out / manifest["artifacts"][name]["properties"]["templateFile"]).read_text()
        )
        for name in stack_order(cdk_out)
    }


def dot_for(topology: str, graph: Graph) -> str:
    return to_dot(graph, TITLES.get(topology, f"topology={topology}"))


def write(
    topology: str, templates: Mapping[str, Mapping[str, Any]], output_dir: Path = OUTPUT_DIR
) -> list[Path]:
    """Write `<topology>.graph.json`, `.dot`, `.svg` and `.png`; return the paths written."""
    output_dir.mkdir(parents=True, exist_ok=True)
    graph = build_graph(templates)
    dot_text = dot_for(topology, graph)
    model_path = output_dir / f"{topology}.graph.json"
    dot_path = output_dir / f"{topology}.dot"
    model_path.write_text(graph.to_json())
    dot_path.write_text(dot_text)
    pictures = [output_dir / f"{topology}.{fmt}" for fmt in PICTURE_FORMATS]
    for picture in pictures:
        render(dot_text, picture)
    return [model_path, dot_path, *pictures]
