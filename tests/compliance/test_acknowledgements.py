"""The accepted cdk-nag findings: all of them listed in a reviewed snapshot, each scoped to
one resource, each with a reason, and the premise of each reason checked on the templates.
"""

from __future__ import annotations

from typing import Any

import pytest

from stacks.compliance.acknowledgements import ACKNOWLEDGEMENTS
from tests.compliance.snapshot import assert_matches_snapshot
from tests.compliance.support import recorded_acknowledgements, stacks
from tests.support.synth import Synthesis

# X-Ray's write actions: AWS supports no resource-level permissions for them.
XRAY_ACTIONS = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
# Invokers that need no resource policy on the function (S3, SNS, EventBridge rules and
# the like do need one, so the Lambda::Permission check below catches them), and the
# configuration of asynchronous invocation itself.
ASYNC_SOURCES = {
    "AWS::Lambda::EventSourceMapping",
    "AWS::Scheduler::Schedule",
    "AWS::Lambda::EventInvokeConfig",
}


@pytest.fixture(scope="module")
def recorded(multi: Synthesis, single: Synthesis) -> list[dict[str, Any]]:
    return [*recorded_acknowledgements(multi), *recorded_acknowledgements(single)]


def test_the_full_list_matches_the_reviewed_snapshot(recorded: list[dict[str, Any]]) -> None:
    grouped: dict[tuple[str, str], list[str]] = {}
    for ack in recorded:
        grouped.setdefault((ack["finding"], ack["reason"]), []).append(ack["path"])
    listing = [
        {"finding": finding, "reason": reason, "resources": sorted(paths)}
        for (finding, reason), paths in sorted(grouped.items())
    ]
    assert_matches_snapshot("acknowledgements", listing)


def test_every_acknowledgement_comes_from_the_reviewed_module(
    recorded: list[dict[str, Any]],
) -> None:
    reviewed = {(a.finding, a.reason) for a in ACKNOWLEDGEMENTS}
    assert [a for a in recorded if (a["finding"], a["reason"]) not in reviewed] == []


def test_every_acknowledgement_is_on_one_resource_not_a_stack_or_a_construct(
    multi: Synthesis, single: Synthesis, recorded: list[dict[str, Any]]
) -> None:
    resources = {
        path for synthesis in (multi, single) for stack in stacks(synthesis)
        for path in stack.paths.values()
    }  # fmt: skip
    assert resources
    assert [a["path"] for a in recorded if a["path"] not in resources] == []


def test_every_entry_is_still_needed(recorded: list[dict[str, Any]]) -> None:
    """An entry that no topology uses any more is stale: remove it."""
    used = {a["finding"] for a in recorded}
    assert [a.finding for a in ACKNOWLEDGEMENTS if a.finding not in used] == []


def test_every_reason_says_why() -> None:
    for ack in ACKNOWLEDGEMENTS:
        assert len(ack.reason) >= 120, f"{ack.finding}: say why it does not apply or what covers it"
        assert not {"todo", "fixme", "later", "temporary"} & set(ack.reason.lower().split())
        assert ack.resource_type.startswith("AWS::"), ack.finding
        assert all(not p.startswith("*") for p in ack.paths), "scope it below a named construct"


def test_only_xray_actions_get_resource_star(multi: Synthesis, single: Synthesis) -> None:
    """The premise of the IAM5[Resource::*] acknowledgement, in every policy of every stack."""
    for synthesis in (multi, single):
        for name in synthesis.templates:
            for policy in synthesis.resources(name, "AWS::IAM::Policy").values():
                for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                    if statement["Resource"] == "*":
                        actions = statement["Action"]
                        actions = {actions} if isinstance(actions, str) else set(actions)
                        assert actions <= XRAY_ACTIONS, (name, statement)


def test_functions_are_only_invoked_synchronously_by_api_gateway(
    multi: Synthesis, single: Synthesis
) -> None:
    """The premise of the DLQ acknowledgement: no asynchronous source, no other invoker."""
    for synthesis in (multi, single):
        for name, template in synthesis.templates.items():
            types = {r["Type"] for r in template["Resources"].values()}
            assert types & ASYNC_SOURCES == set(), name
            permissions = synthesis.resources(name, "AWS::Lambda::Permission").values()
            assert permissions, name
            principals = {p["Properties"]["Principal"] for p in permissions}
            assert principals == {"apigateway.amazonaws.com"}, name
