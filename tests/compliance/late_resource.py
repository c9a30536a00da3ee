"""`python -m tests.compliance.late_resource OUTDIR`: the shipped app with one unsafe table
added after `new_app`; exits 3 and prints the gate's report when the gate stops the synth.

test_gate.py runs it in a separate process, because `CDK_VALIDATION` must be set
before the jsii runtime starts to have any effect.
"""

from __future__ import annotations

import sys

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as dynamodb

from stacks.app_builder import new_app
from stacks.compliance import ComplianceGateFailed, synthesize
from tests.support.synth import reference_context

STACK = "items-api-prod"
GATE_FAILED = 3


def main(outdir: str) -> int:
    app = new_app({**reference_context(), "env": "prod"}, outdir=outdir)
    stack = app.node.find_child(STACK)
    assert isinstance(stack, Stack)
    dynamodb.Table(
        stack,
        "LateTable",
        partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
        removal_policy=RemovalPolicy.DESTROY,
    )
    try:
        synthesize(app)
    except ComplianceGateFailed as failed:
        print(failed)
        return GATE_FAILED
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
