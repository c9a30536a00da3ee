"""The graph extractor reads the templates the way a reviewer would.

The drift test only proves the pictures are current; these prove that what
they show is true: which stage reaches which alias, who can read which table,
and that IDs stay human and free of hashes.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from diagrams.extract import build_graph
from diagrams.model import SHARED, Edge, EdgeKind, Graph, NodeKind


def _edges(graph: Graph, kind: EdgeKind) -> set[tuple[str, str]]:
    return {(e.source, e.target) for e in graph.edges if e.kind is kind}


def test_environments_come_in_config_order(
    multi_graph: Graph, single_graph: Graph, context: dict[str, Any]
) -> None:
    names = tuple(context["environments"])
    assert multi_graph.environments == names
    assert single_graph.environments == names


def test_multi_stack_environments_share_nothing(multi_graph: Graph) -> None:
    env_of = {n.id: n.environment for n in multi_graph.nodes}
    assert None not in env_of.values()
    crossing = [e for e in multi_graph.edges if env_of[e.source] != env_of[e.target]]
    assert not crossing


def test_single_stack_each_stage_invokes_only_its_own_alias(single_graph: Graph) -> None:
    env_of = {n.id: n.environment for n in single_graph.nodes}
    invokes = _edges(single_graph, EdgeKind.INVOKES)
    assert {env_of[stage] for stage, _ in invokes} == set(single_graph.environments)
    for stage, target in invokes:
        assert env_of[target] == env_of[stage], f"{stage} invokes {target}"
        assert target.startswith(f"{env_of[stage]}/alias/")


def test_single_stack_protected_alias_stays_on_its_pinned_version(
    single_graph: Graph, context: dict[str, Any]
) -> None:
    points_to = {e.source: e.label for e in single_graph.edges if e.kind is EdgeKind.POINTS_TO}
    for name, env in context["environments"].items():
        label = points_to[f"{name}/alias/{name}"]
        if env.get("protected"):
            assert label == f"pinned: version {env['pinned_version']}"
        else:
            assert label.startswith("newest version")


def test_single_stack_shared_function_reaches_every_environments_data(single_graph: Graph) -> None:
    """The blast radius the README warns about, as the picture shows it."""
    data = {
        n.id: n.environment
        for n in single_graph.nodes
        if n.kind in (NodeKind.TABLE, NodeKind.SECRET)
    }
    reached = {
        t for s, t in _edges(single_graph, EdgeKind.READS_WRITES) if s == f"{SHARED}/function"
    }
    reached |= {t for s, t in _edges(single_graph, EdgeKind.READS) if s == f"{SHARED}/function"}
    assert reached == set(data)
    assert set(data.values()) == set(single_graph.environments)


@pytest.mark.parametrize("name", ["multi_graph", "single_graph"])
def test_ids_are_human_and_hashes_stay_out(name: str, request: pytest.FixtureRequest) -> None:
    graph: Graph = request.getfixturevalue(name)
    text = graph.to_json()
    assert not re.search(r"[0-9a-f]{32}", text), "an asset or code hash leaked into the model"
    for node in graph.nodes:
        assert re.fullmatch(r"[a-z0-9-]+(/[a-z0-9-]+)+", node.id), node.id
        assert not re.search(r"[0-9A-F]{8}", node.id), f"{node.id} looks like a logical ID"


def test_imported_table_and_topic_are_drawn_as_existing() -> None:
    """Resources referenced by name or ARN (existing_table_name, alarms.topic_arn) still show."""
    table_arn = "arn:aws:dynamodb:eu-west-1:333333333333:table/kept-items"
    topic_arn = "arn:aws:sns:eu-west-1:333333333333:ops-pager"
    template = {
        "Resources": {
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                    "Environment": {
                        "Variables": {"APP_ENVIRONMENTS": '{"prod": {"table_name": "kept-items"}}'}
                    },
                },
            },
            "Role": {"Type": "AWS::IAM::Role", "Properties": {}},
            "Policy": {
                "Type": "AWS::IAM::Policy",
                "Properties": {
                    "Roles": [{"Ref": "Role"}],
                    "PolicyDocument": {
                        "Statement": [
                            {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": table_arn}
                        ]
                    },
                },
            },
            "Alarm": {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {
                    "MetricName": "Errors",
                    "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": "Fn"}}],
                    "AlarmActions": [topic_arn],
                },
            },
        }
    }
    graph = build_graph({"items-api-prod": template})
    labels = {n.id: n.label for n in graph.nodes}
    assert labels["prod/table"] == "DynamoDB table\nkept-items\n(existing)"
    assert labels["prod/topic"] == "SNS topic\nops-pager\n(existing)"
    assert Edge("prod/function", "prod/table", EdgeKind.READS) in graph.edges
    assert Edge("prod/alarm/errors", "prod/topic", EdgeKind.NOTIFIES) in graph.edges
