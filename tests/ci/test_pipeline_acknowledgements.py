"""Only wildcards of the shapes CDK Pipelines generates are acknowledged; anything else is left
for the compliance gate to fail (the negative controls of stacks/pipeline_acknowledgements.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import App, Environment, Stack

from stacks.pipeline_acknowledgements import (
    ARTIFACT_BUCKET,
    ARTIFACT_KEY,
    AUTO_APPROVE_FUNCTION,
    Shape,
    _accepted_wildcards,
    _wildcard_shapes,
)

BUCKET = {"Fn::GetAtt": ["Bucket1", "Arn"]}
OBJECTS = {"Fn::Join": ["", [BUCKET, "/*"]]}
LOGS = "arn:aws:logs:eu-west-1:444444444444:log-group:/aws/codebuild/"


@pytest.fixture(scope="module")
def shapes() -> list[Shape]:
    stack = Stack(App(), "S", env=Environment(account="444444444444", region="eu-west-1"))
    ids = {ARTIFACT_BUCKET: "Bucket1", ARTIFACT_KEY: "Key1", AUTO_APPROVE_FUNCTION: "Fn1"}
    return _wildcard_shapes(stack, ids)


def accepted(shapes: list[Shape], *statements: dict[str, Any]) -> set[str]:
    document = {"Statement": [{"Effect": "Allow", **s} for s in statements]}
    return {finding for finding, _ in _accepted_wildcards(document, shapes)}


def test_artifact_bucket_grants_are_accepted(shapes: list[Shape]) -> None:
    found = accepted(
        shapes, {"Action": ["s3:GetObject*", "s3:List*"], "Resource": [BUCKET, OBJECTS]}
    )

    assert found == {
        "AwsSolutions-IAM5[Action::s3:GetObject*]",
        "AwsSolutions-IAM5[Action::s3:List*]",
        "AwsSolutions-IAM5[Resource::<Bucket1.Arn>/*]",
    }


def test_the_same_actions_on_another_bucket_are_not(shapes: list[Shape]) -> None:
    other = {"Fn::GetAtt": ["DataTable", "Arn"]}
    assert accepted(shapes, {"Action": ["s3:GetObject*"], "Resource": [other]}) == set()


def test_a_finding_is_accepted_only_if_every_occurrence_fits(shapes: list[Shape]) -> None:
    found = accepted(
        shapes,
        {"Action": ["s3:GetObject*"], "Resource": [BUCKET]},
        {"Action": ["s3:GetObject*"], "Resource": ["arn:aws:s3:::someone-elses-bucket"]},
    )
    assert found == set()


def test_codebuild_logs_only_in_the_pipeline_account(shapes: list[Shape]) -> None:
    own = {"Action": ["logs:PutLogEvents"], "Resource": [f"{LOGS}*"]}
    foreign = {"Action": ["logs:PutLogEvents"], "Resource": [f"{LOGS.replace('4444', '5555')}*"]}

    assert accepted(shapes, own) == {f"AwsSolutions-IAM5[Resource::{LOGS}*]"}
    assert accepted(shapes, foreign) == set()


def test_any_role_needs_the_bootstrap_tag_condition(shapes: list[Shape]) -> None:
    roles = "arn:*:iam::444444444444:role/*"
    tagged = {
        "Action": "sts:AssumeRole",
        "Resource": roles,
        "Condition": {
            "ForAnyValue:StringEquals": {"iam:ResourceTag/aws-cdk:bootstrap-role": ["deploy"]}
        },
    }
    untagged = {"Action": "sts:AssumeRole", "Resource": roles}

    assert accepted(shapes, tagged) == {f"AwsSolutions-IAM5[Resource::{roles}]"}
    assert accepted(shapes, untagged) == set()


@pytest.mark.parametrize("action", ["s3:*", "iam:PassRole", "kms:*"])
def test_unknown_wildcards_are_left_for_review(shapes: list[Shape], action: str) -> None:
    assert accepted(shapes, {"Action": action, "Resource": "*"}) == set()
