"""The REST API in front of the function: one proxy integration, a stage per environment served."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_logs as logs
from constructs import Construct

from stacks.components.retention import retention
from stacks.config import ApiSettings


@dataclass(frozen=True, kw_only=True)
class StageSpec:
    """What differs between the stages of one API: limits, logs and routing variables."""

    name: str
    throttle_rate_limit: float
    throttle_burst_limit: int
    access_log_retention_days: int
    removal_policy: RemovalPolicy
    variables: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(
        cls,
        name: str,
        settings: ApiSettings,
        *,
        removal_policy: RemovalPolicy,
        variables: Mapping[str, str] | None = None,
    ) -> StageSpec:
        return cls(
            name=name,
            throttle_rate_limit=settings.throttle_rate_limit,
            throttle_burst_limit=settings.throttle_burst_limit,
            access_log_retention_days=settings.access_log_retention_days,
            removal_policy=removal_policy,
            variables=variables or {},
        )


class ServiceApi(Construct):
    """A regional REST API that hands every request to one Lambda target.

    `target_arn` may contain `${stageVariables.x}`: that is how the single-stack
    topology routes each stage to its own alias with one integration. Invoke
    permissions are left to the stack, which knows which function or alias
    each stage may reach.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        api_name: str,
        target_arn: str,
        stages: Sequence[StageSpec],
    ) -> None:
        super().__init__(scope, construct_id)
        self.api = apigw.RestApi(
            self,
            "Api",
            rest_api_name=api_name,
            description=f"{api_name}: proxies every route to the service function",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            deploy=False,
            # Execution logging needs the account-level API Gateway logging role;
            # creating it here keeps the set-up free of console steps.
            cloud_watch_role=True,
            cloud_watch_role_removal_policy=RemovalPolicy.RETAIN,
        )
        stack = Stack.of(self)
        integration = apigw.Integration(
            type=apigw.IntegrationType.AWS_PROXY,
            integration_http_method="POST",
            uri=(
                f"arn:{stack.partition}:apigateway:{stack.region}:lambda:path/2015-03-31"
                f"/functions/{target_arn}/invocations"
            ),
        )
        # The handler validates bodies itself (with error messages API Gateway
        # cannot give); the gateway still rejects malformed request parameters early.
        validator = self.api.add_request_validator(
            "ParameterValidator", validate_request_parameters=True
        )
        for resource in (self.api.root, self.api.root.add_resource("{proxy+}")):
            resource.add_method("ANY", integration, request_validator=validator)

        deployment = apigw.Deployment(self, "Deployment", api=self.api)
        self.stages: dict[str, apigw.Stage] = {}
        for spec in stages:
            self.stages[spec.name] = self._stage(deployment, spec)

    def _stage(self, deployment: apigw.Deployment, spec: StageSpec) -> apigw.Stage:
        access_logs = logs.LogGroup(
            self,
            f"AccessLogs-{spec.name}",
            retention=retention(spec.access_log_retention_days),
            removal_policy=spec.removal_policy,
        )
        return apigw.Stage(
            self,
            f"Stage-{spec.name}",
            deployment=deployment,
            stage_name=spec.name,
            variables=dict(spec.variables),
            throttling_rate_limit=spec.throttle_rate_limit,
            throttling_burst_limit=spec.throttle_burst_limit,
            access_log_destination=apigw.LogGroupLogDestination(access_logs),
            access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                caller=False,
                http_method=True,
                ip=True,
                protocol=True,
                request_time=True,
                resource_path=True,
                response_length=True,
                status=True,
                user=False,
            ),
            logging_level=apigw.MethodLoggingLevel.ERROR,
            metrics_enabled=True,
            tracing_enabled=True,
        )

    def execute_arn(self, stage_name: str) -> str:
        """The execute-api ARN of every route of one stage, for a Lambda permission."""
        return self.api.arn_for_execute_api(method="*", path="/*", stage=stage_name)
