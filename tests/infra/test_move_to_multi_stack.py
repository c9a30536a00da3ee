"""Moving from single-stack to multi-stack keeps prod's data: the new stack adopts the kept table by name."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.synth import Synthesis, reference_context, render, synthesize

KEPT_TABLE = "items-api-shared-DataprodItemsTable-1A2B3C4D5E6F"


def test_prod_stack_uses_the_kept_table_instead_of_creating_one(tmp_path: Path) -> None:
    context = reference_context()
    prod = context["environments"]["prod"]
    prod["existing_table_name"] = KEPT_TABLE
    prod["account"] = context["single_stack"]["account"]  # a table cannot change account
    moved: Synthesis = synthesize({**context, "env": "prod"}, tmp_path)

    assert moved.resources("items-api-prod", "AWS::DynamoDB::Table") == {}
    function = moved.only("items-api-prod", "AWS::Lambda::Function")
    variables = render(function["Properties"]["Environment"]["Variables"])
    assert json.loads(variables["APP_ENVIRONMENTS"])["prod"]["table_name"] == KEPT_TABLE
    policy = render(
        moved.only("items-api-prod", "AWS::IAM::Policy")["Properties"]["PolicyDocument"]
    )
    table_statements = [s for s in policy["Statement"] if "dynamodb:GetItem" in s["Action"]]
    assert [s["Resource"] for s in table_statements] == [
        f"arn:aws:dynamodb:eu-west-1:111111111111:table/{KEPT_TABLE}"
    ]
