"""The local runner reads its plan from the synthesised templates, never from its own copy.

These run on the session's assemblies, without starting anything.
"""

from __future__ import annotations

import json

import pytest

from local.template import LocalSetupError, load_plan
from tests.support.synth import Synthesis, render


def test_multi_stack_serves_one_stage_through_the_live_alias(multi: Synthesis) -> None:
    plan = load_plan(multi.outdir, environment="staging")
    template_vars = render(
        multi.only("items-api-staging", "AWS::Lambda::Function")["Properties"]["Environment"]
    )["Variables"]

    (stage,) = plan.stages
    assert plan.stack_name == "items-api-staging"
    assert plan.account == multi.deployment["items-api-staging"][0]
    assert stage.name == "staging"
    assert stage.variables is None  # the stage sets none, so API Gateway sends null
    assert stage.invoked_function_arn.endswith(":live")
    assert stage.invoked_function_arn.startswith(f"arn:aws:lambda:eu-west-1:{plan.account}:")
    # Every variable as the template sets it; only the table reference becomes a local name.
    assert set(plan.function_environment) == set(template_vars)
    for name, value in template_vars.items():
        if name != "APP_ENVIRONMENTS":
            assert plan.function_environment[name] == value
    bindings = json.loads(plan.function_environment["APP_ENVIRONMENTS"])
    assert bindings["staging"]["table_name"] == plan.tables[0].name
    assert plan.secrets == {"staging": {"api_key": "items-api/staging/api-key"}}


def test_single_stack_serves_every_stage_through_its_own_alias(single: Synthesis) -> None:
    plan = load_plan(single.outdir, environment="test")

    assert {s.name: s.variables for s in plan.stages} == {
        env: {"environment": env} for env in ("test", "staging", "prod")
    }
    for stage in plan.stages:
        assert stage.invoked_function_arn.endswith(f":{stage.name}")
    assert "APP_ENVIRONMENT" not in plan.function_environment
    bindings = json.loads(plan.function_environment["APP_ENVIRONMENTS"])
    assert sorted(b["table_name"] for b in bindings.values()) == sorted(t.name for t in plan.tables)


def test_tables_take_their_definition_from_the_template(single: Synthesis) -> None:
    plan = load_plan(single.outdir, environment="test")
    resources = single.resources("items-api-shared", "AWS::DynamoDB::Table")

    for table in plan.tables:
        properties = resources[table.logical_id]["Properties"]
        assert table.definition == {
            key: properties[key] for key in ("KeySchema", "AttributeDefinitions", "BillingMode")
        }


def test_an_environment_without_a_stage_names_the_ones_there_are(multi: Synthesis) -> None:
    with pytest.raises(
        LocalSetupError, match=r"no single stack with a stage named 'qa'.*items-api-prod: prod"
    ):
        load_plan(multi.outdir, environment="qa")
