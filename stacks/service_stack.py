"""Multi-stack topology: one self-contained stack per environment."""

from __future__ import annotations

from aws_cdk import CfnOutput, Environment, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from constructs import Construct

from stacks.components.alarms import AlarmTopic, ServiceAlarms
from stacks.components.api import ServiceApi, StageSpec
from stacks.components.environment_data import EnvironmentData
from stacks.components.function import ServiceFunction
from stacks.config import EnvironmentConfig
from stacks.runtime_contract import function_environment
from stacks.tagging import apply_tags


class ServiceStack(Stack):
    """Function, API, table, secrets and alarms of one environment, sharing nothing.

    The stack composes components and wires the grants between them; what
    differs between environments arrives resolved in `env_config`.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        service_name: str,
        env_config: EnvironmentConfig,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            stack_name=construct_id,
            env=Environment(account=env_config.account, region=env_config.region),
            termination_protection=env_config.retain_data,
            description=f"{service_name} ({env_config.name}): API, function and data",
        )
        apply_tags(self, service=service_name, environment=env_config.name, extra=env_config.tags)
        removal = RemovalPolicy.RETAIN if env_config.retain_data else RemovalPolicy.DESTROY

        data = EnvironmentData(
            self, "Data", retain=env_config.retain_data, secret_names=env_config.secrets
        )
        settings = env_config.function
        service = ServiceFunction(
            self,
            "Service",
            memory_mb=settings.memory_mb,
            timeout_seconds=settings.timeout_seconds,
            reserved_concurrency=settings.reserved_concurrency,
            log_retention_days=settings.log_retention_days,
            removal_policy=removal,
            environment=function_environment(
                self,
                service_name=service_name,
                settings=settings,
                bindings={env_config.name: data.binding()},
                own_environment=env_config.name,
            ),
            description=f"{service_name} {env_config.name}",
        )
        data.grant_runtime_access(service.function)

        api = ServiceApi(
            self,
            "Api",
            api_name=construct_id,
            target_arn=service.function.function_arn,
            stages=[
                StageSpec(
                    name=env_config.name,
                    throttle_rate_limit=env_config.api.throttle_rate_limit,
                    throttle_burst_limit=env_config.api.throttle_burst_limit,
                    access_log_retention_days=env_config.api.access_log_retention_days,
                    removal_policy=removal,
                )
            ],
        )
        stage = api.stages[env_config.name]
        service.function.add_permission(
            "ApiInvoke",
            principal=iam.ServicePrincipal("apigateway.amazonaws.com"),
            source_arn=api.execute_arn(env_config.name),
        )

        if env_config.alarms.enabled:
            topic = (
                sns.Topic.from_topic_arn(self, "AlarmTopic", env_config.alarms.topic_arn)
                if env_config.alarms.topic_arn
                else AlarmTopic(self, "Alarms", removal_policy=removal).topic
            )
            ServiceAlarms(
                self,
                "Monitoring",
                target=service.function,
                stage=stage,
                topic=topic,
                error_threshold=env_config.alarms.error_threshold,
                server_error_threshold=env_config.alarms.server_error_threshold,
            )

        CfnOutput(self, "ApiUrl", value=stage.url_for_path("/"), description="Base URL of the API")
        CfnOutput(self, "TableName", value=data.table.table_name, description="Items table")
