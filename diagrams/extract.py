"""Synthesised templates -> graph model: a pure function, so tests run it on their own synth.

Everything is read from the CloudFormation itself, the way a reviewer would
trace it: the API's integration URI and the stage variables say which function
or alias a stage invokes; Lambda permissions confirm it; IAM statements say what
the function may read and write; the runtime's APP_ENVIRONMENTS variable says
which environment each table and secret belongs to; alarm dimensions and
actions say what is watched and who is paged. Plumbing (roles, keys,
deployments, methods) is left out: the edges already say what it does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from diagrams.cfn import stem
from diagrams.model import SHARED, Edge, Graph, Node
from diagrams.stack_reader import Proto, StackReader


def build_graph(templates: Mapping[str, Mapping[str, Any]]) -> Graph:
    """The graph of every stack in `templates` (stack name -> template), in their order.

    Node IDs are `<environment or "shared">/<what>`, e.g. `prod/table`; the
    rare clash (two tables in one environment) gets the construct name added.
    """
    nodes: dict[str, Node] = {}
    edges: set[Edge] = set()
    environments: list[str] = []
    for stack_name, template in templates.items():
        reader = StackReader(template)
        protos, proto_edges = reader.read()
        environments += [e for e in reader.environments if e not in environments]
        ids: dict[str, str] = {}
        for proto in protos:
            node_id = _unique(f"{proto.environment or SHARED}/{proto.slot}", proto, nodes)
            ids[proto.key] = node_id
            nodes[node_id] = Node(
                id=node_id,
                kind=proto.kind,
                label=proto.label,
                stack=stack_name,
                environment=proto.environment,
            )
        edges |= {
            Edge(source=ids[e.source], target=ids[e.target], kind=e.kind, label=e.label)
            for e in proto_edges
        }
    return Graph(
        environments=tuple(environments),
        nodes=tuple(sorted(nodes.values())),
        edges=tuple(sorted(edges)),
    )


def _unique(node_id: str, proto: Proto, taken: Mapping[str, Node]) -> str:
    """`node_id`, or when taken, `node_id` plus the construct's name (stable across synths)."""
    if node_id not in taken:
        return node_id
    return f"{node_id}-{re.sub(r'[^a-z0-9]+', '-', stem(proto.key)).strip('-')}"
