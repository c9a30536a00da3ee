"""A deliberately non-compliant app, built and gated like the real one, to prove the gate fails.

Each part breaks one rule on purpose; test_negative_controls.py names the rule
it expects for each. The stack plays the retained `prod` environment of the
shipped config, under its own stack name so its template never mixes with the
real prod template.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import App, Environment, RemovalPolicy, SecretValue, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from stacks.compliance import enable_gate
from stacks.config import EnvironmentConfig, load_config
from stacks.config.loader import CONTEXT_KEYS
from stacks.tagging import apply_tags
from tests.support.synth import reference_context

STACK = "noncompliant-prod"
RESERVED_CONCURRENCY = 5
# AWS's own documentation example key: the shape of a real one, never valid.
EXAMPLE_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"


def noncompliant_context() -> dict[str, Any]:
    """The shipped config, prod only, renamed and asking for reserved concurrency."""
    context = reference_context()
    prod = context["environments"]["prod"]
    prod["stack_name"] = STACK
    prod.setdefault("function", {})["reserved_concurrency"] = RESERVED_CONCURRENCY
    return {**context, "env": "prod"}


def noncompliant_app(outdir: Path) -> App:
    """The app, with the gate registered exactly as `new_app` registers it."""
    context = noncompliant_context()
    app = App(analytics_reporting=False, context=context, outdir=str(outdir))
    config = load_config({key: context[key] for key in CONTEXT_KEYS if key in context})
    (env,) = config.selected_environments
    NoncompliantStack(app, config.stack_name(env), env_config=env)
    enable_gate(app, config)
    return app


class NoncompliantStack(Stack):
    """Everything a retained environment must not have, in one small stack."""

    def __init__(
        self, scope: Construct, construct_id: str, *, env_config: EnvironmentConfig
    ) -> None:
        # No termination protection.
        super().__init__(
            scope,
            construct_id,
            stack_name=construct_id,
            env=Environment(account=env_config.account, region=env_config.region),
        )
        apply_tags(self, service="items-api", environment=env_config.name, extra={})
        # DESTROY, no deletion protection, no point-in-time recovery.
        table = dynamodb.Table(
            self,
            "Table",
            partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            removal_policy=RemovalPolicy.DESTROY,
        )
        # Secrets in the environment, no reserved concurrency although config asks for it.
        function = lambda_.Function(
            self,
            "Function",
            runtime=lambda_.Runtime.PYTHON_3_13,
            handler="index.handler",
            code=lambda_.Code.from_inline("def handler(event, context):\n    return event\n"),
            environment={
                "API_KEY": "plaintext-api-key-value",
                "LEGACY_ACCESS_KEY_ID": EXAMPLE_ACCESS_KEY_ID,
                "DB_PASSWORD": SecretValue.secrets_manager("items-api/prod/db").unsafe_unwrap(),
            },
        )
        # A wildcard action.
        function.add_to_role_policy(
            iam.PolicyStatement(actions=["dynamodb:*"], resources=[table.table_arn])
        )
        # A stage without throttling, and no alarm anywhere.
        apigw.LambdaRestApi(self, "Api", handler=function)
