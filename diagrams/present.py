"""What the picture draws, which is a little less than the model holds.

The model keeps one node per alarm, so adding an alarm shows up in review. The
picture draws an environment's alarms as one node listing them: four boxes with
two edges each buried everything else, and the edge labels still say which
metric watches what.
"""

from __future__ import annotations

from collections import defaultdict

from diagrams.model import Edge, EdgeKind, Graph, Node, NodeKind


def group_alarms(graph: Graph) -> tuple[list[Node], list[Edge]]:
    """Nodes and edges to draw: alarms merged per (stack, scope), their edges per target."""
    group_of: dict[str, str] = {}
    groups: dict[str, Node] = {}
    metrics: dict[str, list[str]] = defaultdict(list)
    for node in graph.nodes:
        if node.kind is not NodeKind.ALARM:
            continue
        group_id = f"{node.id.split('/', 1)[0]}/alarms"
        group_of[node.id] = group_id
        metrics[group_id].append(_metric(node))
        groups[group_id] = Node(
            id=group_id,
            kind=NodeKind.ALARM,
            label="\n".join(["alarms", *metrics[group_id]]),
            stack=node.stack,
            environment=node.environment,
        )
    merged: dict[tuple[str, str, EdgeKind], list[str]] = defaultdict(list)
    labels = {node.id: _metric(node) for node in graph.nodes}
    for edge in graph.edges:
        source = group_of.get(edge.source, edge.source)
        details = merged[(source, edge.target, edge.kind)]
        detail = labels[edge.source] if edge.kind is EdgeKind.ALARMS_ON else edge.label
        if detail and detail not in details:
            details.append(detail)
    nodes = [n for n in graph.nodes if n.id not in group_of] + list(groups.values())
    edges = [Edge(s, t, kind, ", ".join(d)) for (s, t, kind), d in merged.items()]
    return nodes, edges


def _metric(node: Node) -> str:
    """An alarm's metric, which the extractor puts on the last line of its label."""
    return node.label.rsplit("\n", 1)[-1]
