"""The service's Lambda function, with its own log group and explicit limits."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from stacks.components.bundling import python_code
from stacks.components.retention import retention
from stacks.config import FunctionSettings

LAMBDA_SOURCE = Path(__file__).resolve().parents[2] / "lambda_src"
HANDLER = "service.handler.lambda_handler"
# The runtime the benchmarks run on (bench/); moving it is a deliberate change.
RUNTIME = lambda_.Runtime.PYTHON_3_13
# Graviton: cheaper per GB-second, and the bundled dependencies are pure Python.
ARCHITECTURE = lambda_.Architecture.ARM_64


class ServiceFunction(Construct):
    """A Python function built from `lambda_src/`.

    The log group is created here rather than left to Lambda, so that its
    retention is set and `cdk destroy` removes it with the environment. The
    execution role is created here too, so that it may write to that log group
    only (see `_execution_role`).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: FunctionSettings,
        removal_policy: RemovalPolicy,
        environment: Mapping[str, str],
        description: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.log_group = logs.LogGroup(
            self,
            "LogGroup",
            retention=retention(settings.log_retention_days),
            removal_policy=removal_policy,
        )
        role = self._execution_role(description)
        self.function = lambda_.Function(
            self,
            "Function",
            description=description,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=HANDLER,
            # Looked up at call time so tests can point it at a modified copy.
            code=python_code(LAMBDA_SOURCE, runtime=RUNTIME, architecture=ARCHITECTURE),
            role=role,
            memory_size=settings.memory_mb,
            timeout=Duration.seconds(settings.timeout_seconds),
            reserved_concurrent_executions=settings.reserved_concurrency,
            environment=dict(environment),
            log_group=self.log_group,
            tracing=lambda_.Tracing.ACTIVE,
        )

    def _execution_role(self, description: str) -> iam.Role:
        """A role whose only log permissions are on this function's own log group.

        The role Lambda creates by default carries the AWS-managed
        AWSLambdaBasicExecutionRole, which may create log groups and write to every
        log group in the account. The function needs neither: its log group exists
        before it runs (LoggingConfig points at it).
        """
        role = iam.Role(
            self,
            "ExecutionRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Runs {description}",
        )
        self.log_group.grant_write(role)
        return role
