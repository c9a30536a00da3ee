"""Graph model -> Graphviz DOT text, and DOT -> SVG/PNG through the `dot` binary.

The DOT text is deterministic (sorted input, no timestamps), so it is committed
and compared in tests like the model; only drawing the pictures needs Graphviz.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from diagrams.model import Edge, EdgeKind, Graph, Node, NodeKind
from diagrams.present import group_alarms

FONT = "Helvetica,Arial,sans-serif"
DIGEST_PREFIX = "diagram digest "
# AWS's category colours, so the kinds read as people know them from the console icons.
_NODE_STYLE: dict[NodeKind, str] = {
    NodeKind.API: 'shape=box, style="rounded,filled", fillcolor="#EBDDFB", color="#8C4FFF"',
    NodeKind.STAGE: 'shape=box, style="rounded,filled", fillcolor="#F6EFFE", color="#8C4FFF"',
    NodeKind.FUNCTION: 'shape=box, style="filled,bold", fillcolor="#FFE7CC", color="#ED7100"',
    NodeKind.ALIAS: 'shape=cds, style="filled", fillcolor="#FFF3E5", color="#ED7100"',
    NodeKind.TABLE: 'shape=cylinder, style="filled", fillcolor="#DCE3FA", color="#3B48CC"',
    NodeKind.SECRET: 'shape=octagon, style="filled", fillcolor="#FBDDE2", color="#DD344C"',
    NodeKind.LOG_GROUP: 'shape=note, style="filled", fillcolor="#F3F3F3", color="#7D8998"',
    NodeKind.ALARM: 'shape=box, style="filled,dashed", fillcolor="#FCE4EF", color="#E7157B"',
    NodeKind.TOPIC: 'shape=hexagon, style="filled", fillcolor="#FCE4EF", color="#E7157B"',
}
_EDGE_STYLE: dict[EdgeKind, str] = {
    EdgeKind.ROUTES_TO: 'color="#8C4FFF", penwidth=1.5',
    EdgeKind.INVOKES: 'color="#ED7100", penwidth=1.5',
    EdgeKind.POINTS_TO: 'color="#ED7100"',
    EdgeKind.READS_WRITES: 'color="#3B48CC", dir=both',
    EdgeKind.READS: 'color="#DD344C"',
    EdgeKind.WRITES: 'color="#3B48CC"',
    EdgeKind.LOGS_TO: 'color="#7D8998", style=dashed',
    EdgeKind.ALARMS_ON: 'color="#E7157B", style=dotted, arrowhead=open',
    EdgeKind.NOTIFIES: 'color="#E7157B", style=dashed',
}

_DATA_EDGES = (EdgeKind.READS, EdgeKind.WRITES, EdgeKind.READS_WRITES)


def to_dot(graph: Graph, title: str) -> str:
    """DOT for `graph`: a cluster per stack, and inside a shared stack a cluster per environment."""
    nodes, edges = group_alarms(graph)
    order = {env: i for i, env in enumerate(graph.environments)}
    env_of = {n.id: n.environment for n in nodes}
    # Environment by environment: a stable input for dot, and a DOT file that reads in order.
    edges.sort(key=lambda e: (order.get(env_of[e.target] or "", -1), e))
    # No newrank: with it, dot 2.43 draws some cluster members outside their box,
    # which would put an environment's table outside that environment.
    lines = [
        "digraph architecture {",
        f'  graph [rankdir=LR, label="{_escape(title)}", labelloc=t, fontname="{FONT}",',
        "         fontsize=18, nodesep=0.25, ranksep=0.5, ordering=out];",
        f'  node [fontname="{FONT}", fontsize=11, margin="0.12,0.05"];',
        f'  edge [fontname="{FONT}", fontsize=9, fontcolor="#444444", arrowsize=0.7,',
        "        labeldistance=6, labelangle=0];",
    ]
    by_stack: dict[str, list[Node]] = defaultdict(list)
    for node in nodes:
        by_stack[node.stack].append(node)
    for index, (stack, members) in enumerate(by_stack.items()):
        lines += _stack(f"s{index}", stack, members, graph.environments)
    fan_out = Counter(e.source for e in edges if e.kind in _DATA_EDGES)
    lines += [_edge(edge, at_head=fan_out[edge.source] > 2) for edge in edges]
    body = "\n".join(lines[1:])
    # Graphviz copies the comment into the SVG, so a test can tell a stale picture
    # without Graphviz installed: the digest covers the model and the styling.
    digest = hashlib.sha256(body.encode()).hexdigest()[:16]
    return "\n".join([lines[0], f'  comment="{DIGEST_PREFIX}{digest}";', body, "}"]) + "\n"


def digest_of(dot_text: str) -> str | None:
    """The digest `to_dot` wrote into `dot_text` (or an SVG drawn from it), if any."""
    match = re.search(re.escape(DIGEST_PREFIX) + r"([0-9a-f]{16})", dot_text)
    return match.group(1) if match else None


def _stack(name: str, stack: str, nodes: list[Node], order: Sequence[str]) -> list[str]:
    """One environment's own stack is one cluster; a shared stack nests a cluster per env."""
    envs = [env for env in order if any(n.environment == env for n in nodes)]
    shared = [n for n in nodes if n.environment is None]
    if len(envs) == 1 and not shared:
        return _cluster(name, f"{envs[0]}: stack {stack}", nodes, "#FAFAFA", indent=2)
    body = [f"    {_node(n)}" for n in shared]
    for i, env in enumerate(envs):
        members = [n for n in nodes if n.environment == env]
        body += _cluster(f"{name}e{i}", f"environment {env}", members, "#FFFFFF", indent=4)
    return [
        f"  subgraph cluster_{name} {{",
        f'    label="stack {_escape(stack)}: shared resources outside the environment boxes";',
        '    style="rounded,filled"; fillcolor="#F2F2F2"; fontsize=14;',
        *body,
        "  }",
    ]


def _cluster(name: str, label: str, nodes: list[Node], fill: str, indent: int) -> list[str]:
    pad = " " * indent
    return [
        f"{pad}subgraph cluster_{name} {{",
        f'{pad}  label="{_escape(label)}"; style="rounded,filled"; fillcolor="{fill}";'
        " fontsize=14;",
        *(f"{pad}  {_node(n)}" for n in nodes),
        f"{pad}}}",
    ]


def _node(node: Node) -> str:
    return f'"{node.id}" [label="{_escape(node.label)}", {_NODE_STYLE[node.kind]}];'


def _edge(edge: Edge, *, at_head: bool) -> str:
    text = edge.kind.value + (f"\n{edge.label}" if edge.label else "")
    # A shared function's data edges fan out from one point; labels at the heads
    # sit next to the table or secret they describe instead of in a pile.
    where = "headlabel" if at_head and edge.kind in _DATA_EDGES else "label"
    style = _EDGE_STYLE[edge.kind]
    return f'  "{edge.source}" -> "{edge.target}" [{where}="{_escape(text)}", {style}];'


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def render(dot_text: str, target: Path, *, png_dpi: int = 96) -> None:
    """Write `target` (.svg or .png) with Graphviz; fails with a hint when `dot` is missing.

    96 dpi keeps the PNGs about 1100-1400 px wide, which a README shows unscaled.
    """
    dot = shutil.which("dot")
    if dot is None:
        raise SystemExit(
            "Graphviz `dot` not found: install it (apt-get install graphviz, brew install graphviz)"
        )
    # The arguments are ours and the input is DOT we generated; no shell is involved.
    fmt = target.suffix.lstrip(".")
    resolution = [f"-Gdpi={png_dpi}"] if fmt == "png" else []
    subprocess.run(  # noqa: S603
        [dot, f"-T{fmt}", *resolution, "-o", str(target)],
        input=dot_text.encode(),
        check=True,
    )
