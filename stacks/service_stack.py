"""Multi-stack topology: one self-contained stack per environment."""

from __future__ import annotations

from aws_cdk import CfnOutput, Environment, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from stacks.components.alarms import ServiceAlarms, alarm_topic
from stacks.components.api import ServiceApi, StageSpec
from stacks.components.environment_data import EnvironmentData
from stacks.components.function import ServiceFunction
from stacks.components.release import GradualRelease, live_alias
from stacks.components.retention import removal_policy
from stacks.config import EnvironmentConfig
from stacks.runtime_contract import function_environment
from stacks.tagging import apply_tags

API_PRINCIPAL = iam.ServicePrincipal("apigateway.amazonaws.com")


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
        removal = removal_policy(env_config.retain_data)

        data = EnvironmentData(
            self,
            "Data",
            retain=env_config.retain_data,
            secret_names=env_config.secrets,
            existing_table_name=env_config.existing_table_name,
        )
        service = ServiceFunction(
            self,
            "Service",
            settings=env_config.function,
            removal_policy=removal,
            environment=function_environment(
                self,
                service_name=service_name,
                settings=env_config.function,
                bindings={env_config.name: data.binding()},
                own_environment=env_config.name,
            ),
            description=f"{service_name} {env_config.name}",
        )
        data.grant_runtime_access(service.function)

        live = live_alias(self, "Live", function=service.function)
        api = ServiceApi(
            self,
            "Api",
            api_name=construct_id,
            target_arn=live.function_arn,
            stages=[
                StageSpec.from_settings(env_config.name, env_config.api, removal_policy=removal)
            ],
        )
        stage = api.stages[env_config.name]
        live.add_permission(
            "ApiInvoke", principal=API_PRINCIPAL, source_arn=api.execute_arn(env_config.name)
        )

        alarms = (
            ServiceAlarms(
                self,
                "Monitoring",
                target=live,
                stage=stage,
                topic=alarm_topic(
                    self, "Alarms", settings=env_config.alarms, removal_policy=removal
                ),
                settings=env_config.alarms,
            )
            if env_config.alarms.enabled
            else None
        )
        GradualRelease(
            self,
            "Release",
            alias=live,
            strategy=env_config.deployment.strategy,
            rollback_alarms=alarms.function_alarms if alarms else [],
        )

        CfnOutput(self, "ApiUrl", value=stage.url_for_path("/"), description="Base URL of the API")
        CfnOutput(self, "TableName", value=data.table.table_name, description="Items table")
