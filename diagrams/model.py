"""The graph model: what the pictures show, as plain data that diffs well in review.

IDs are semantic (`prod/table`, `shared/function`), not CloudFormation logical
IDs, so a refactor that renames constructs does not churn the committed model,
and the same thing has the same ID in both topologies.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum

# The scope of a node that serves every environment (single-stack's function and API).
SHARED = "shared"


class NodeKind(StrEnum):
    """Resource kinds the diagram draws; everything else in a template is plumbing."""

    API = "api"
    STAGE = "stage"
    FUNCTION = "function"
    ALIAS = "alias"
    TABLE = "table"
    SECRET = "secret"  # noqa: S105 -- a resource kind, not a password
    LOG_GROUP = "log-group"
    ALARM = "alarm"
    TOPIC = "topic"


class EdgeKind(StrEnum):
    """Relations worth a line: traffic, data access, logs and paging."""

    ROUTES_TO = "routes-to"
    INVOKES = "invokes"
    POINTS_TO = "points-to"
    READS_WRITES = "reads-writes"
    READS = "reads"
    WRITES = "writes"
    LOGS_TO = "logs-to"
    ALARMS_ON = "alarms-on"
    NOTIFIES = "notifies"


@dataclass(frozen=True, order=True)
class Node:
    """One resource. `environment` is None for resources every environment shares."""

    id: str
    kind: NodeKind
    label: str
    stack: str
    environment: str | None


@dataclass(frozen=True, order=True)
class Edge:
    """A directed relation; `label` adds detail such as which version an alias serves."""

    source: str
    target: str
    kind: EdgeKind
    label: str = ""


@dataclass(frozen=True)
class Graph:
    """Nodes and edges in a canonical order, plus environments in deployment order.

    Environment order comes from the templates (config order), so the pictures
    read test, staging, prod rather than alphabetically.
    """

    environments: tuple[str, ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def to_json(self) -> str:
        """Stable, indented JSON with one node or edge per line, for readable diffs."""
        lines = ["{", f'  "environments": {json.dumps(list(self.environments))},']
        for name, items in (("nodes", self.nodes), ("edges", self.edges)):
            rows = [f"    {json.dumps(asdict(item))}" for item in items]
            lines += [f'  "{name}": [', ",\n".join(rows), "  ]" + ("," if name == "nodes" else "")]
        return "\n".join([*lines, "}"]) + "\n"
